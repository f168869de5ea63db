"""Server-rendered SVG charts for the reports: each measured toezegging as a bar
against its norm, with the values of earlier years as markers. Plain SVG, no
scripts, no external references, so it embeds in HTML and PDF alike."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from html import escape

from django.utils.translation import gettext as _

from kern.formatting import getal

from .choices import Verdict

COLOURS = {
    Verdict.NAGEKOMEN: "#1b7a3a",
    Verdict.DEELS: "#b26a00",
    Verdict.NIET_NAGEKOMEN: "#b3261e",
    Verdict.TE_BEOORDELEN: "#5f6368",
}
HISTORY_COLOUR = "#1f3b73"


@dataclass(frozen=True)
class Staaf:
    """One bar: a measured toezegging in the year, with earlier years.

    `waarde_tekst` and `norm_tekst` are the value and the norm as the report
    writes them (in the indicator's unit and precision); without them the bar
    is labelled with the plain number."""

    label: str
    waarde: Decimal
    norm: Decimal
    verdict: str
    maximaal: bool = False
    eerder: tuple[tuple[int, Decimal], ...] = ()
    waarde_tekst: str = ""
    norm_tekst: str = ""


def _open_svg(width: int, height: int, title: str) -> list[str]:
    """The opening tag (with an accessible name, also as the SVG's own <title>)
    and the visible title line."""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
        'font-family="DejaVu Sans, sans-serif" font-size="10">',
        f"<title>{escape(title)}</title>",
    ]
    if title:
        parts.append(
            '<text x="0" y="14" font-size="11" font-weight="bold">'
            f"{escape(title)}</text>"
        )
    return parts


# The characters of a bar's label per line (DejaVu Sans at 10 px in 210 px),
# and the lines a label may take before it ends in an ellipsis.
LABEL_TEKENS = 33
LABEL_REGELS = 3
LABEL_REGEL_HOOGTE = 12


def regels(tekst: str, breedte: int = LABEL_TEKENS, maximum: int = LABEL_REGELS):
    """A label wrapped at word boundaries into at most `maximum` lines of at
    most `breedte` characters. Only a word longer than a whole line is broken
    inside; a label that needs more lines ends its last line in "…"."""
    woorden = []
    for woord in tekst.split():
        while len(woord) > breedte:
            woorden.append(woord[:breedte])
            woord = woord[breedte:]
        woorden.append(woord)
    lijnen: list[str] = []
    for woord in woorden:
        if lijnen and len(lijnen[-1]) + 1 + len(woord) <= breedte:
            lijnen[-1] += " " + woord
        else:
            lijnen.append(woord)
    if len(lijnen) <= maximum:
        return lijnen or [""]
    laatste = lijnen[maximum - 1]
    while len(laatste) + 1 > breedte and " " in laatste:
        laatste = laatste.rsplit(" ", 1)[0]
    if len(laatste) + 1 > breedte:
        laatste = laatste[: breedte - 1]
    return [*lijnen[: maximum - 1], laatste + "…"]


# One marker shape per earlier year (cycling), so the legend can name each year.
def _marker(vorm: int, cx: float, cy: float, titel: str = "") -> str:
    stijl = f'fill="#fff" stroke="{HISTORY_COLOUR}" stroke-width="1.5"'
    inhoud = f"<title>{escape(titel)}</title>" if titel else ""
    vorm %= 4
    if vorm == 0:
        return f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="3.5" {stijl}>{inhoud}</circle>'
    if vorm == 1:
        return (
            f'<rect x="{cx - 3.2:.1f}" y="{cy - 3.2:.1f}" width="6.4" height="6.4" '
            f"{stijl}>{inhoud}</rect>"
        )
    if vorm == 2:
        punten = f"{cx:.1f},{cy - 4.5:.1f} {cx + 4.5:.1f},{cy:.1f} "
        punten += f"{cx:.1f},{cy + 4.5:.1f} {cx - 4.5:.1f},{cy:.1f}"
    else:
        punten = f"{cx:.1f},{cy - 4:.1f} {cx + 4:.1f},{cy + 3.5:.1f} "
        punten += f"{cx - 4:.1f},{cy + 3.5:.1f}"
    return f'<polygon points="{punten}" {stijl}>{inhoud}</polygon>'


def staafdiagram(staven: list[Staaf], *, width: int = 640, title: str = "") -> str:
    """Horizontal bars, each scaled to its own norm (the norm line sits at 100%).

    Every bar carries its value as text, so the chart never depends on colour.
    A label wraps at word boundaries; each earlier year has its own marker,
    named in the legend below the bars.
    """
    label_w, right_pad, top = 210, 78, 26 if title else 6
    plot_w = width - label_w - right_pad
    labels = [regels(s.label) for s in staven]
    hoogtes = [max(34, 10 + LABEL_REGEL_HOOGTE * len(lijnen)) for lijnen in labels]
    jaren = sorted({jaar for s in staven for jaar, _w in s.eerder})
    vorm_van = {jaar: i for i, jaar in enumerate(jaren)}
    legend_h = 34 if jaren else 20
    height = top + max(sum(hoogtes), 34) + legend_h
    parts = _open_svg(width, height, title)
    y = top
    for s, lijnen, row_h in zip(staven, labels, hoogtes, strict=True):
        scale_max = max(
            [s.norm * Decimal("1.25"), s.waarde, *(w for _, w in s.eerder), Decimal(1)]
        )

        def x(v: Decimal) -> float:
            return label_w + float(v / scale_max) * plot_w  # noqa: B023

        colour = COLOURS.get(s.verdict, "#5f6368")
        # Half even, as the charts of sealed reports have always been labelled.
        waarde = s.waarde_tekst or getal(s.waarde, 1, afronding=ROUND_HALF_EVEN)
        norm = s.norm_tekst or getal(s.norm, 1, afronding=ROUND_HALF_EVEN)
        norm_woord = _("max") if s.maximaal else _("norm")
        tspans = "".join(
            f'<tspan x="0" dy="{0 if i == 0 else LABEL_REGEL_HOOGTE}">'
            f"{escape(lijn)}</tspan>"
            for i, lijn in enumerate(lijnen)
        )
        parts.append(
            f'<text x="0" y="{y + 15}">{tspans}</text>'
            f'<rect x="{label_w}" y="{y + 4}" width="{plot_w}" height="16" '
            'fill="#eef1f5"/>'
            f'<rect x="{label_w}" y="{y + 4}" width="{x(s.waarde) - label_w:.1f}" '
            f'height="16" fill="{colour}"/>'
            f'<line x1="{x(s.norm):.1f}" x2="{x(s.norm):.1f}" y1="{y}" y2="{y + 24}" '
            'stroke="#000" stroke-width="2"/>'
            f'<text x="{width - right_pad + 6}" y="{y + 16}">{escape(waarde)}</text>'
            f'<text x="{x(s.norm) + 3:.1f}" y="{y + 31}" font-size="8">'
            f"{escape(norm_woord)} {escape(norm)}</text>"
        )
        for jaar, eerder in s.eerder:
            titel = f"{jaar}: {getal(eerder, 1, afronding=ROUND_HALF_EVEN)}"
            parts.append(_marker(vorm_van[jaar], x(eerder), y + 12, titel))
        y += row_h
    legend_y = height - (legend_h - 12)
    uitleg = (
        _("balk = waarde dit jaar · streep = norm · tekens = eerdere jaren")
        if jaren
        else _("balk = waarde dit jaar · streep = norm")
    )
    parts.append(
        f'<text x="{label_w}" y="{legend_y}" font-size="8">{escape(uitleg)}</text>'
    )
    if jaren:
        lx = label_w
        ly = legend_y + 14
        eerdere = escape(_("eerdere jaren:"))
        parts.append(f'<text x="{lx}" y="{ly}" font-size="8">{eerdere}</text>')
        lx += 62
        for jaar in jaren:
            parts.append(_marker(vorm_van[jaar], lx + 4, ly - 3))
            parts.append(f'<text x="{lx + 11}" y="{ly}" font-size="8">{jaar}</text>')
            lx += 44
    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True)
class Telling:
    """One bar of a count chart: how many afspraken got this verdict."""

    label: str
    aantal: int
    verdict: str


def telling_diagram(
    tellingen: list[Telling], *, width: int = 640, title: str = ""
) -> str:
    """Horizontal bars of counts on one shared scale, each bar labelled with its
    count and its verdict text, so the chart never depends on colour."""
    label_w, right_pad, row_h, top = 170, 50, 24, 26 if title else 6
    plot_w = width - label_w - right_pad
    height = top + row_h * max(len(tellingen), 1) + 8
    grootste = max([t.aantal for t in tellingen] + [1])
    parts = _open_svg(width, height, title)
    for i, t in enumerate(tellingen):
        y = top + i * row_h
        breedte = plot_w * t.aantal / grootste
        parts.append(
            f'<text x="0" y="{y + 13}">{escape(regels(t.label, 27, 1)[0])}</text>'
            f'<rect x="{label_w}" y="{y + 2}" width="{plot_w}" height="15" '
            'fill="#eef1f5"/>'
            f'<rect x="{label_w}" y="{y + 2}" width="{breedte:.1f}" height="15" '
            f'fill="{COLOURS.get(t.verdict, "#5f6368")}"/>'
            f'<text x="{width - right_pad + 6}" y="{y + 14}">{t.aantal}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True)
class Jaarwaarde:
    """One year of a trend: the measured value against that year's norm."""

    jaar: int
    waarde: Decimal
    norm: Decimal
    verdict: str
    voorlopig: bool = False


def trenddiagram(
    jaren: list[Jaarwaarde], *, maximaal: bool = False, title: str = ""
) -> str:
    """One toezegging over the years: a column per year (its value as text above
    it, the year below), the norm of that year as a line across the column, on
    one scale. A provisional year (not approved) is drawn lighter and its year
    marked with an asterisk, so neither depends on colour alone."""
    kolom, links, top, plot_h = 56, 8, 26 if title else 8, 90
    width = max(links * 2 + kolom * len(jaren), 240)
    height = top + 14 + plot_h + 32
    parts = _open_svg(width, height, title)
    schaal = max(
        [
            Decimal(1),
            *(j.waarde for j in jaren),
            *(j.norm * Decimal("1.1") for j in jaren),
        ]
    )
    basis = top + 14 + plot_h

    def y(v: Decimal) -> float:
        return basis - float(v / schaal) * plot_h

    for i, j in enumerate(jaren):
        x0 = links + i * kolom
        colour = COLOURS.get(j.verdict, "#5f6368")
        opacity = ' fill-opacity="0.45"' if j.voorlopig else ""
        waarde = getal(j.waarde, 1, afronding=ROUND_HALF_EVEN)
        jaar = f"{j.jaar}*" if j.voorlopig else str(j.jaar)
        parts.append(
            f'<rect x="{x0 + 10}" y="{y(j.waarde):.1f}" width="{kolom - 20}" '
            f'height="{basis - y(j.waarde):.1f}" fill="{colour}"{opacity}/>'
            f'<line x1="{x0 + 4}" x2="{x0 + kolom - 4}" y1="{y(j.norm):.1f}" '
            f'y2="{y(j.norm):.1f}" stroke="#000" stroke-width="2"/>'
            f'<text x="{x0 + kolom / 2:.1f}" y="{y(j.waarde) - 4:.1f}" '
            f'text-anchor="middle">{waarde}</text>'
            f'<text x="{x0 + kolom / 2:.1f}" y="{basis + 13}" '
            f'text-anchor="middle">{jaar}</text>'
        )
    parts.append(
        f'<line x1="{links}" x2="{width - links}" y1="{basis}" y2="{basis}" '
        'stroke="#5f6368"/>'
        f'<text x="{links}" y="{height - 4}" font-size="8">'
        + escape(
            (
                _("balk = waarde · streep = maximum")
                if maximaal
                else _("balk = waarde · streep = norm")
            )
            + " · "
            + _("* = voorlopig")
        )
        + "</text></svg>"
    )
    return "".join(parts)

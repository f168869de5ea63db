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
    """One bar: a measured toezegging in the year, with earlier years."""

    label: str
    waarde: Decimal
    norm: Decimal
    verdict: str
    maximaal: bool = False
    eerder: tuple[tuple[int, Decimal], ...] = ()


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


def staafdiagram(staven: list[Staaf], *, width: int = 640, title: str = "") -> str:
    """Horizontal bars, each scaled to its own norm (the norm line sits at 100%).

    Every bar carries its value as text, so the chart never depends on colour.
    """
    label_w, right_pad, row_h, top = 210, 70, 34, 26 if title else 6
    plot_w = width - label_w - right_pad
    height = top + row_h * max(len(staven), 1) + 22
    parts = _open_svg(width, height, title)
    for i, s in enumerate(staven):
        y = top + i * row_h
        scale_max = max(
            [s.norm * Decimal("1.25"), s.waarde, *(w for _, w in s.eerder), Decimal(1)]
        )

        def x(v: Decimal) -> float:
            return label_w + float(v / scale_max) * plot_w  # noqa: B023

        colour = COLOURS.get(s.verdict, "#5f6368")
        # Half even, as the charts of sealed reports have always been labelled.
        waarde, norm = (
            getal(v, 1, afronding=ROUND_HALF_EVEN) for v in (s.waarde, s.norm)
        )
        norm_woord = _("max") if s.maximaal else _("norm")
        parts.append(
            f'<text x="0" y="{y + 15}">{escape(s.label[:38])}</text>'
            f'<rect x="{label_w}" y="{y + 4}" width="{plot_w}" height="16" '
            'fill="#eef1f5"/>'
            f'<rect x="{label_w}" y="{y + 4}" width="{x(s.waarde) - label_w:.1f}" '
            f'height="16" fill="{colour}"/>'
            f'<line x1="{x(s.norm):.1f}" x2="{x(s.norm):.1f}" y1="{y}" y2="{y + 24}" '
            'stroke="#000" stroke-width="2"/>'
            f'<text x="{width - right_pad + 6}" y="{y + 16}">{waarde}</text>'
            f'<text x="{x(s.norm) + 3:.1f}" y="{y + 31}" font-size="8">'
            f"{escape(norm_woord)} {norm}</text>"
        )
        for jaar, eerder in s.eerder:
            cx = x(eerder)
            parts.append(
                f'<circle cx="{cx:.1f}" cy="{y + 12}" r="3.5" fill="#fff" '
                f'stroke="{HISTORY_COLOUR}" stroke-width="1.5">'
                f"<title>{jaar}: {getal(eerder, 1, afronding=ROUND_HALF_EVEN)}</title>"
                "</circle>"
            )
    legend_y = height - 6
    parts.append(
        f'<text x="{label_w}" y="{legend_y}" font-size="8">'
        + escape(_("balk = waarde dit jaar · streep = norm · rondje = eerdere jaren"))
        + "</text></svg>"
    )
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
            f'<text x="0" y="{y + 13}">{escape(t.label[:30])}</text>'
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

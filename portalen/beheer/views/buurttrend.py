"""The dossier's neighbourhood view: per gebouw of the coöperatie with a CBS
buurtcode, its buurt's Leefbaarometer scores over the last ten years (with a
small inline SVG line, no script) next to the coöperatie's own contribution in
those years (activities, those open to the neighbourhood, neighbourhood
participants, volunteer hours), and the buurt's latest CBS key figures.

The figures are public (every signed-in user reads them, not narrowed to the
portal's organisation); the contribution is the coöperatie's, read within the
portal. Three queries whatever the number of gebouwen: the scores, the key
figures and the contribution per year. A buurt is matched by its code; when
CBS redraws a buurt (a new kaartjaar) the figures of the old code no longer
match.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from cooperatie.buurtcijfers import laatste_scores
from cooperatie.models import Buurtkerncijfers, Cooperatie, Gebouw, Leefbaarometerscore
from ledger.models import Activiteit
from ledger.selectors import bijdrage_per_jaar
from portalen.ui import in_portal

JAREN = 10
"""Years shown, up to the running year."""

_BREEDTE, _HOOGTE, _MARGE = 160, 40, 4


def sparkline(punten: list[tuple[int, Decimal]], *, title: str) -> str:
    """A small line of the scores over the years (oldest first), as inline
    SVG; empty for fewer than two points. Every text is escaped."""
    if len(punten) < 2:
        return ""
    jaren = [jaar for jaar, _w in punten]
    waarden = [float(w) for _j, w in punten]
    laag, hoog = min(waarden), max(waarden)
    bereik_x = (max(jaren) - min(jaren)) or 1
    bereik_y = (hoog - laag) or 1.0

    def xy(jaar: int, waarde: float) -> tuple[str, str]:
        x = _MARGE + (jaar - min(jaren)) / bereik_x * (_BREEDTE - 2 * _MARGE)
        y = _HOOGTE - _MARGE - (waarde - laag) / bereik_y * (_HOOGTE - 2 * _MARGE)
        return f"{x:.1f}", f"{y:.1f}"

    coordinaten = [xy(j, w) for j, w in zip(jaren, waarden, strict=True)]
    return format_html(
        '<svg class="sparkline" viewBox="0 0 {} {}" width="{}" height="{}" '
        'role="img" aria-label="{}"><title>{}</title>'
        '<polyline fill="none" stroke="currentColor" stroke-width="2" '
        'points="{}"/>{}</svg>',
        _BREEDTE,
        _HOOGTE,
        _BREEDTE,
        _HOOGTE,
        title,
        title,
        " ".join(f"{x},{y}" for x, y in coordinaten),
        format_html_join(
            "", '<circle cx="{}" cy="{}" r="2" fill="currentColor"/>', coordinaten
        ),
    )


def _kerncijfers(request, codes: set[str], jaren: range) -> dict[str, Buurtkerncijfers]:
    """Per buurtcode its latest CBS key figures within the years shown."""
    laatste: dict[str, Buurtkerncijfers] = {}
    for rij in (
        Buurtkerncijfers.objects.visible_to(request.user)
        .filter(buurtcode__in=codes, jaar__gte=jaren.start, jaar__lt=jaren.stop)
        .order_by("buurtcode", "jaar")
    ):
        laatste[rij.buurtcode] = rij
    return laatste


def buurttrends(
    request, cooperatie: Cooperatie, gebouwen: list[Gebouw], lopend: int
) -> list[dict]:
    """Per gebouw with a buurtcode (in the order given, each once) its buurt's
    trend next to the coöperatie's contribution, per year of the last ten in
    which there is either."""
    met_code = list({g.pk: g for g in gebouwen if g.buurtcode}.values())
    if not met_code:
        return []
    jaren = range(lopend - JAREN + 1, lopend + 1)
    bijdrage = bijdrage_per_jaar(
        in_portal(request, Activiteit.objects),
        cooperatie_id=cooperatie.pk,
        jaren=jaren,
    )
    return trends(request, met_code, lambda _gebouw: bijdrage, jaren)


def trends(
    request, koppen: list, bijdrage_van: Callable[[Any], dict], jaren: range
) -> list[dict]:
    """Per head (a gebouw, or anything with a `buurtcode`, a `naam` and a
    `kaartjaar`) its buurt's Leefbaarometer trend next to the contribution
    `bijdrage_van(head)` gives (per year, as `bijdrage_per_jaar`), for the
    years of `jaren` in which there is either."""
    codes = {kop.buurtcode for kop in koppen}
    scores = laatste_scores(
        Leefbaarometerscore.objects.visible_to(request.user), codes=codes, jaren=jaren
    )
    kerncijfers = _kerncijfers(request, codes, jaren)
    result = []
    for kop in koppen:
        bijdrage = bijdrage_van(kop)
        rijen = [
            {
                "jaar": jaar,
                "score": scores.get((kop.buurtcode, jaar)),
                "bijdrage": bijdrage.get(jaar),
            }
            for jaar in jaren
            if (kop.buurtcode, jaar) in scores or jaar in bijdrage
        ]
        punten = [(r["jaar"], r["score"].totaal) for r in rijen if r["score"]]
        titel = _("Leefbaarometer van buurt %(buurt)s") % {"buurt": kop.buurtcode}
        result.append(
            {
                "gebouw": kop,
                "rijen": rijen,
                "heeft_scores": bool(punten),
                "svg": sparkline(punten, title=titel),
                "kerncijfers": kerncijfers.get(kop.buurtcode),
            }
        )
    return result

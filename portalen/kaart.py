"""The map of gebouwen as a page part any portal can show
(`templates/includes/kaart.html`, `static/js/kaart.js`, docs/kaart.md).

A portal's view reads the gebouwen it may show through
`afspraken.kaart.kaart_gebouwen` and passes the result here with its own link
builders (a gebouw's page, a coöperatie's dossier; None: no link), so the
include holds no portal's URLs. Everything the script needs travels as JSON
(`json_script`): the Content-Security-Policy allows no inline script.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.utils.translation import gettext as _

from afspraken.choices import ToetsingStatus, Verdict
from afspraken.kaart import Kaart, KaartGebouw

GEEN_OORDEEL = "geen"

# Per verdict the symbol in its marker and in the legend: the colour is never
# the only sign (the popup and the legend say it in words as well).
SYMBOLEN = {
    Verdict.NAGEKOMEN: "✓",
    Verdict.DEELS: "◐",
    Verdict.NIET_NAGEKOMEN: "✗",
    Verdict.TE_BEOORDELEN: "?",
    GEEN_OORDEEL: "–",
}


def _label(verdict: str) -> str:
    if verdict == GEEN_OORDEEL:
        return _("nog geen oordeel")
    return str(Verdict(verdict).label)


def _marker(
    gebouw: KaartGebouw,
    gebouw_url: Callable[[int], str] | None,
    cooperatie_url: Callable[[int], str] | None,
) -> dict:
    verdict = gebouw.verdict or GEEN_OORDEEL
    if gebouw.jaar is None:
        oordeel = _label(verdict)
    else:
        oordeel = _("%(oordeel)s (%(jaar)s, %(status)s)") % {
            "oordeel": _label(verdict),
            "jaar": gebouw.jaar,
            "status": ToetsingStatus(gebouw.status).label,
        }
    return {
        "id": gebouw.pk,
        "naam": f"{gebouw.complexnummer} {gebouw.naam}",
        "adres": gebouw.adres,
        "lat": float(gebouw.latitude),
        "lng": float(gebouw.longitude),
        "verdict": verdict,
        "symbool": SYMBOLEN[verdict],
        "oordeel": oordeel,
        "cooperatie": gebouw.cooperatie,
        "url": gebouw_url(gebouw.pk) if gebouw_url else "",
        "dossier": (
            cooperatie_url(gebouw.cooperatie_id)
            if cooperatie_url and gebouw.cooperatie_id
            else ""
        ),
    }


def kaart_context(
    kaart: Kaart,
    *,
    gebouw_url: Callable[[int], str] | None = None,
    cooperatie_url: Callable[[int], str] | None = None,
) -> dict:
    """What `includes/kaart.html` shows: the markers and texts for the script,
    the legend with the number of gebouwen per verdict, the gebouwen without
    coordinates."""
    markers = [_marker(g, gebouw_url, cooperatie_url) for g in kaart.gebouwen]
    tegels_url = settings.KAART_TEGELS_URL.strip()
    return {
        "data": {
            "tegels": (
                {"url": tegels_url, "attributie": settings.KAART_TEGELS_ATTRIBUTIE}
                if tegels_url
                else None
            ),
            "gebouwen": markers,
            "teksten": {
                "cooperatie": _("Coöperatie"),
                "geen_cooperatie": _("geen coöperatie"),
                "oordeel": _("Laatste oordeel"),
                "dossier": _("Dossier van de coöperatie"),
                "geen_tegels": _(
                    "De achtergrondkaart is niet bereikbaar; de gebouwen staan er "
                    "wel op."
                ),
            },
        },
        "legenda": [
            {
                "verdict": verdict,
                "symbool": symbool,
                "label": _label(verdict),
                "aantal": sum(1 for m in markers if m["verdict"] == verdict),
            }
            for verdict, symbool in SYMBOLEN.items()
        ],
        "gebouwen": markers,
        "zonder_coordinaten": [
            {
                "naam": f"{g.complexnummer} {g.naam}",
                "url": gebouw_url(g.pk) if gebouw_url else "",
            }
            for g in kaart.zonder_coordinaten
        ],
        "aantal_zonder_coordinaten": kaart.aantal_zonder_coordinaten,
        "meer_zonder_coordinaten": (
            kaart.aantal_zonder_coordinaten - len(kaart.zonder_coordinaten)
        ),
    }

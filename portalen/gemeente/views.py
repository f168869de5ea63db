"""The gemeente's pages: the roll-up of a year (per corporatie and per buurt,
aggregates only, `afspraken.gemeente`), each buurt's Leefbaarometer trend next
to the contribution of the coöperaties there, and the sealed gemeente report.

Read-only: the portal has no form that writes. A gemeente the user holds no
role for answers 404 (`portalen.ui.gemeente_view`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from afspraken import gemeenterapport
from afspraken.choices import Verdict
from afspraken.gemeente import (
    buurt_kaartjaren,
    buurtbijdragen,
    gemeente_jaren,
    gemeente_overzicht,
)
from afspraken.kaart import kaart_gebouwen
from afspraken.models import Prestatieafspraak
from afspraken.portefeuille import STATUS_LABELS, definitie_per_woning
from cooperatie.models import Gebouw
from portalen.beheer.views.buurttrend import JAREN, trends
from portalen.kaart import kaart_context
from portalen.ui import gemeente_view, not_found


@dataclass(frozen=True)
class Buurt:
    """A buurt as the head of its trend (the shape of a gebouw's)."""

    buurtcode: str
    kaartjaar: int | None

    @property
    def naam(self) -> str:
        return _("Buurt %(code)s") % {"code": self.buurtcode}


def _jaar(request, jaren: list[int]) -> int:
    """The year asked for (one of `jaren`, else 404), or the newest."""
    gevraagd = request.GET.get("jaar")
    if gevraagd is None:
        return jaren[0] if jaren else timezone.localdate().year
    if not gevraagd.isdigit() or int(gevraagd) not in jaren:
        raise not_found()
    return int(gevraagd)


def _labels(totalen) -> dict:
    return {
        "statussen": [
            {"status": s, "label": STATUS_LABELS[s], "aantal": n}
            for s, n in totalen.statussen.items()
        ],
        "verdicten": [
            {"verdict": v, "label": Verdict(v).label, "aantal": n}
            for v, n in totalen.verdicten.items()
        ],
    }


def _buurttrends(request, gemeentecode: str, per_buurt, lopend: int) -> list[dict]:
    """Per buurt of the roll-up its trend next to the contribution of the
    coöperaties with an afspraak there in the year shown (together, per year)."""
    groepen = [g for g in per_buurt if g.sleutel]
    if not groepen:
        return []
    kaartjaren = buurt_kaartjaren(
        Gebouw.objects.visible_to(request.user),
        gemeentecode=gemeentecode,
        buurtcodes=[g.sleutel for g in groepen],
    )
    jaren = range(lopend - JAREN + 1, lopend + 1)
    koppen = [Buurt(g.sleutel, kaartjaren.get(g.sleutel)) for g in groepen]
    bijdragen = buurtbijdragen(groepen, jaren=jaren)
    return trends(request, koppen, lambda kop: bijdragen[kop.buurtcode], jaren)


@gemeente_view
@require_safe
def overzicht(request):
    """The roll-up of a year of every afspraak in the gemeente, per corporatie
    and per buurt, with a year switcher."""
    gemeentecode = request.portal.gemeente.code
    jaren = gemeente_jaren(gemeentecode)
    jaar = _jaar(request, jaren)
    roll_up = gemeente_overzicht(gemeentecode=gemeentecode, jaar=jaar)
    return render(
        request,
        "gemeente/overzicht.html",
        {
            "gemeente": request.portal.gemeente,
            "jaar": jaar,
            "jaren": jaren,
            "overzicht": roll_up,
            "totaal": {"t": roll_up.totaal, **_labels(roll_up.totaal)},
            "corporaties": [
                {"groep": g, "t": g.totalen, **_labels(g.totalen)}
                for g in roll_up.per_corporatie
            ],
            "buurten": [
                {"groep": g, "t": g.totalen, **_labels(g.totalen)}
                for g in roll_up.per_buurt
            ],
            "definitie": definitie_per_woning(jaar),
            # The gebouwen in the gemeente coloured by their latest verdict
            # up to the year shown; no links lead into a corporatie's portal.
            "kaart": kaart_context(
                kaart_gebouwen(
                    gebouwen=Gebouw.objects.visible_to(request.user).in_gemeente(
                        gemeentecode
                    ),
                    tot_jaar=jaar,
                )
            ),
            "prestatieafspraken": Prestatieafspraak.objects.visible_to(request.user)
            .in_gemeente(gemeentecode)
            .lopend_in(jaar)
            .select_related("corporatie")
            .prefetch_related("doelen")
            .order_by("corporatie__naam", "ingangsjaar", "pk"),
            "buurttrends": _buurttrends(
                request, gemeentecode, roll_up.per_buurt, timezone.localdate().year
            ),
            "rapport_url": request.portal.url("rapport", jaar),
        },
    )


@gemeente_view
@require_safe
def rapport(request, jaar: int):
    """The sealed gemeente report of the year (PDF), in the reader's language."""
    gemeentecode = request.portal.gemeente.code
    if jaar not in gemeente_jaren(gemeentecode):
        raise not_found()
    pdf = gemeenterapport.seal(
        gemeentecode=gemeentecode,
        jaar=jaar,
        actor=request.user,
        taal=translation.get_language(),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    naam = gemeenterapport.bestandsnaam(gemeentecode, jaar)
    response["Content-Disposition"] = f'attachment; filename="{naam}"'
    return response

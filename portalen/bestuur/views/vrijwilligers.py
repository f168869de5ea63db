"""Hours per volunteer per year, for the cooperatie's own bestuur.

The board sees its members by name; a beheerder or auditor sees only the
aggregates (the dossier's year view). Activities without a split of their
hours per volunteer are shown as such ("niet verdeeld"), never guessed.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from cooperatie import privacy
from cooperatie.models import LedenInzage
from ledger.models import Activiteit, Vrijwilliger
from portalen.ui import bestuur_view, in_portal

ZERO = Decimal("0.00")


def _jaar(request, jaren: set[int]) -> int:
    """The year from ``?jaar=`` (1900–2999), else the running year."""
    gekozen = request.GET.get("jaar", "")[:4]
    if gekozen.isascii() and gekozen.isdigit() and 1900 <= int(gekozen) <= 2999:
        return int(gekozen)
    return timezone.localdate().year


@bestuur_view
def vrijwilligers_uren(request):
    """Per member: the activities of the year they volunteered in and the hours
    given where the activity's hours are split per volunteer; the activities
    whose hours are not split are listed apart."""
    activiteiten = in_portal(request, Activiteit.objects)
    jaren = {d.year for d in activiteiten.dates("datum", "year")}
    jaar = _jaar(request, jaren)
    jaren |= {jaar, timezone.localdate().year}
    van_jaar = activiteiten.in_jaar(jaar)
    gesplitst = Q(vrijwilligerschappen__uren__isnull=False)
    activiteit_rijen = van_jaar.annotate(
        aantal_vrijwilligers=Count("vrijwilligerschappen", distinct=True),
        aantal_verdeeld=Count("vrijwilligerschappen", filter=gesplitst, distinct=True),
    )
    niet_verdeeld = [
        a
        for a in activiteit_rijen.order_by("datum", "pk")
        if a.aantal_verdeeld == 0 and (a.vrijwilligersuren or a.aantal_vrijwilligers)
    ]
    leden = list(
        in_portal(request, Vrijwilliger.objects)
        .in_jaar(jaar)
        .values("lid_id", "lid__naam")
        .annotate(
            activiteiten=Count("activiteit", distinct=True),
            totaal=Coalesce(Sum("uren"), ZERO),
            niet_verdeeld=Count("pk", filter=Q(uren__isnull=True)),
        )
        .order_by("lid__naam", "lid_id")
    )
    totalen = van_jaar.aggregate(uren=Coalesce(Sum("vrijwilligersuren"), ZERO))
    totalen["verdeeld"] = sum((r["totaal"] for r in leden), ZERO)
    totalen["niet_verdeeld"] = totalen["uren"] - totalen["verdeeld"]
    privacy.log_inzage(
        actor=request.user,
        cooperatie=request.portal.cooperatie,
        bron=LedenInzage.Bron.ACTIVITEIT,
        aantal=len(leden),
    )
    return render(
        request,
        "bestuur/vrijwilligers_uren.html",
        {
            "jaar": jaar,
            "jaren": sorted(jaren, reverse=True),
            "leden": leden,
            "niet_verdeeld": niet_verdeeld,
            "totalen": totalen,
        },
    )


urlpatterns = [
    path(
        "vrijwilligers/uren/",
        vrijwilligers_uren,
        name="bestuur-vrijwilligers-uren",
    ),
]

"""The bestuur's exports of its own activities (CSV or XLSX, ``?formaat=``).

The money book's export lives with the money book (`views.boekingen`). Rows are
the portal's cooperatie's only (`in_portal`), with the list page's filters.
Volunteers are exported as a count: their names are member data, which the
member list and its own export show and log.
"""

from __future__ import annotations

from django.db.models import Count
from django.urls import path
from django.utils.translation import gettext as _

from kern import uitvoer
from ledger.models import Activiteit
from portalen.bestuur.forms.activiteiten import ActiviteitListFilter
from portalen.ui import bestuur_view, in_portal


def activiteit_kolommen() -> list[uitvoer.Kolom]:
    return [
        uitvoer.Kolom(_("Datum"), uitvoer.DATUM, breedte=12),
        uitvoer.Kolom(_("Titel"), breedte=30),
        uitvoer.Kolom(_("Thema"), breedte=20),
        uitvoer.Kolom(_("Omschrijving"), breedte=40),
        uitvoer.Kolom(_("Open voor de buurt"), breedte=10),
        uitvoer.Kolom(_("Deelnemers (leden)"), uitvoer.GETAL, decimalen=0),
        uitvoer.Kolom(_("Deelnemers uit de buurt"), uitvoer.GETAL, decimalen=0),
        uitvoer.Kolom(_("Vrijwilligersuren"), uitvoer.GETAL),
        uitvoer.Kolom(_("Aantal vrijwilligers"), uitvoer.GETAL, decimalen=0),
        uitvoer.Kolom(_("Partners"), breedte=24),
        uitvoer.Kolom(_("Bewijsstukken"), uitvoer.GETAL, decimalen=0),
        uitvoer.Kolom(_("Nummer"), uitvoer.GETAL, decimalen=0, breedte=8),
    ]


@bestuur_view
def activiteiten_export(request):
    """The activities of the list (its year and theme), oldest first."""
    filters = ActiviteitListFilter(
        request.GET, in_portal(request, Activiteit.objects), request=request
    )
    rijen = (
        filters.qs.annotate(
            aantal_vrijwilligers=Count("vrijwilligers", distinct=True),
            aantal_bijlagen=Count("bijlagen", distinct=True),
        )
        .order_by("datum", "pk")
        .iterator(chunk_size=500)
    )
    regels = (
        [
            a.datum,
            a.titel,
            a.get_thema_display(),
            a.omschrijving,
            _("ja") if a.open_voor_buurt else _("nee"),
            a.deelnemers_leden,
            a.deelnemers_buurt,
            a.vrijwilligersuren,
            a.aantal_vrijwilligers,
            a.partners,
            a.aantal_bijlagen,
            a.pk,
        ]
        for a in rijen
    )
    jaar = filters.value("jaar")
    return uitvoer.download(
        activiteit_kolommen(),
        regels,
        formaat=uitvoer.formaat_van(request),
        naam=_("activiteiten-%(jaar)s") % {"jaar": jaar or _("alle-jaren")},
        titel=_("Activiteiten"),
    )


urlpatterns = [
    path(
        "activiteiten/export/",
        activiteiten_export,
        name="bestuur-activiteiten-export",
    ),
]

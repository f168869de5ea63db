"""The beheerder's dossier of one coöperatie: everything needed to approve its
year with open eyes, on one read-only page.

- its overeenkomsten and the afspraken with this corporatie;
- every year of every afspraak (up to the running year) with its status, verdict
  and links to the toetsing and the sealed report, and a trend chart per measured
  toezegging over those years (frozen values for submitted years, live ones for
  open years, as everywhere: `afspraken.selectors.toetsing_resultaat`);
- per gebouw with a CBS buurtcode, its buurt's Leefbaarometer trend next to
  the coöperatie's contribution over the last ten years (`buurttrend`);
- for one chosen year the activities with their evidence, the bookings with the
  activity receipts, and the members as aggregates only (domain §8: a beheerder
  sees the board's names and functions, never other members).

The queries are constant per year shown, whatever the number of afspraken,
toezeggingen, activities or bookings: the afspraken, toezeggingen, toetsingen,
assessments and reports are read once for all years, `jaarcijfers` once per year
that is measured live.

Also the evidence routes of the beheer portal: the file itself and a thumbnail of
a photo (`portalen.bijlagen`), for a bijlage or a bon of a coöperatie in reach.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from afspraken.charts import Jaarwaarde, trenddiagram
from afspraken.choices import Richting, ToetsingStatus, Verdict
from afspraken.evaluatie import (
    Beoordeling,
    Jaarcijfers,
    ToetsingResultaat,
    percentage,
    to_decimal,
)
from afspraken.indicatoren import definitie
from afspraken.models import Afspraak, Rapport, Toetsing
from afspraken.models import Beoordeling as BeoordelingModel
from afspraken.selectors import (
    jaarcijfers,
    resultaat_bevroren,
    spec_of,
    toetsing_resultaat,
)
from cooperatie.jaarslot import peildatum
from cooperatie.models import Cooperatie, Overeenkomst
from ledger import woningwet
from ledger.choices import BoekingSoort, WoningwetSignaal
from ledger.models import Activiteit, Bijlage, Boeking, Bon, Vrijwilliger
from ledger.selectors import vrijwilligerstotalen, woningwet_signalen_in
from portalen import bijlagen
from portalen.beheer.views.buurttrend import buurttrends
from portalen.beheer.views.cooperaties import _bestuursleden, _met_bestuur, _status
from portalen.forms.toetsing import NIET_GEOPEND
from portalen.ui import beheer_view, get_in_portal, in_portal, paginate

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Afspraakjaar:
    """One year of one afspraak: its toetsing (if opened) and the result."""

    afspraak: Afspraak
    jaar: int
    toetsing: Toetsing | None
    resultaat: ToetsingResultaat
    bevroren: bool

    @property
    def status(self) -> str:
        return self.toetsing.status if self.toetsing else NIET_GEOPEND

    @property
    def vastgesteld(self) -> bool:
        return self.status == ToetsingStatus.VASTGESTELD


def jaren_van(afspraak: Afspraak, lopend: int) -> range:
    """The years of an afspraak up to the running year."""
    eind = min(afspraak.eindjaar or lopend, lopend)
    return range(afspraak.ingangsjaar, eind + 1)


def _afspraakjaren(
    request, cooperatie: Cooperatie, afspraken: list[Afspraak], lopend: int
) -> tuple[list[Afspraakjaar], dict[int, Jaarcijfers]]:
    """Every year of every afspraak with its result, newest year first, and the
    live figures of the years measured live (one `jaarcijfers` per year)."""
    specs = {
        afspraak.pk: [spec_of(t) for t in afspraak.toezeggingen.all()]  # prefetched
        for afspraak in afspraken
    }
    toetsingen = {
        (t.afspraak_id, t.jaar): t
        for t in in_portal(request, Toetsing.objects).filter(
            afspraak_id__in=[a.pk for a in afspraken]
        )
    }
    beoordelingen: dict[int, dict[int, Beoordeling]] = defaultdict(dict)
    for (
        toetsing_id,
        toezegging_id,
        oordeel,
        toelichting,
    ) in BeoordelingModel.objects.filter(
        toetsing_id__in=[t.pk for t in toetsingen.values()]
    ).values_list("toetsing_id", "toezegging_id", "oordeel", "toelichting"):
        beoordelingen[toetsing_id][toezegging_id] = Beoordeling(oordeel, toelichting)

    live_jaren = {
        jaar
        for afspraak in afspraken
        for jaar in jaren_van(afspraak, lopend)
        if not resultaat_bevroren(toetsingen.get((afspraak.pk, jaar)))
    }
    cijfers = {
        jaar: jaarcijfers(cooperatie_ids=[cooperatie.pk], jaar=jaar)[cooperatie.pk]
        for jaar in sorted(live_jaren)
    }

    regels = []
    for afspraak in afspraken:
        for jaar in jaren_van(afspraak, lopend):
            toetsing = toetsingen.get((afspraak.pk, jaar))
            # A frozen year reads its snapshot and never the figures.
            resultaat, bevroren = toetsing_resultaat(
                afspraak=afspraak,
                jaar=jaar,
                toetsing=toetsing,
                specs=specs[afspraak.pk],
                cijfers=cijfers.get(jaar, Jaarcijfers(jaar=jaar)),
                beoordelingen=beoordelingen.get(toetsing.pk, {}) if toetsing else {},
            )
            regels.append(Afspraakjaar(afspraak, jaar, toetsing, resultaat, bevroren))
    regels.sort(key=lambda r: (-r.jaar, r.afspraak.titel, r.afspraak.pk))
    return regels, cijfers


def _kies_jaar(request, jaren: list[int], regels: list[Afspraakjaar], lopend: int):
    """The year shown in detail and whether the asked one was refused: `?jaar=`
    when it is one of the afspraken's years, else the latest submitted year,
    else the running year (or the latest year of the afspraken)."""
    ingediend = [r.jaar for r in regels if r.status == ToetsingStatus.INGEDIEND]
    if ingediend:
        standaard = max(ingediend)
    elif lopend in jaren or not jaren:
        standaard = lopend
    else:
        standaard = max(jaren)
    gevraagd = request.GET.get("jaar")
    if gevraagd is None or gevraagd == "":
        return standaard, False
    try:
        jaar = int(gevraagd)
    except ValueError:
        return standaard, True
    if jaar not in jaren:
        return standaard, True
    return jaar, False


def _jaar_rij(request, regel: Afspraakjaar, rapporten: dict[int, Rapport]) -> dict:
    portal = request.portal
    status = regel.status
    rapport = rapporten.get(regel.toetsing.pk) if regel.toetsing else None
    return {
        "jaar": regel.jaar,
        "afspraak": regel.afspraak,
        "status": status,
        "status_label": (
            _("nog niet geopend")
            if status == NIET_GEOPEND
            else ToetsingStatus(status).label
        ),
        "verdict": regel.resultaat.verdict,
        "verdict_label": Verdict(regel.resultaat.verdict).label,
        "voorlopig": not regel.vastgesteld,
        "toetsing_url": (
            portal.url("toetsing", regel.toetsing.pk) if regel.toetsing else None
        ),
        "rapport_url": portal.url("rapport-pdf", rapport.pk) if rapport else None,
    }


def _trends(regels: list[Afspraakjaar]) -> list[dict]:
    """Per afspraak, a trend chart of each measured toezegging over its years
    (oldest first); kwalitatief toezeggingen have no value and no chart."""
    reeksen: dict[tuple[int, int], dict] = {}
    for regel in sorted(regels, key=lambda r: (r.afspraak.pk, r.jaar)):
        for r in regel.resultaat.toezeggingen:
            if r.waarde is None:
                continue
            spec = r.toezegging
            reeks = reeksen.setdefault(
                (regel.afspraak.pk, spec.id),
                {"afspraak": regel.afspraak, "punten": []},
            )
            # The terms of the latest year name the series.
            reeks["omschrijving"] = spec.omschrijving
            reeks["indicator_label"] = definitie(spec.indicator).label
            reeks["maximaal"] = spec.richting == Richting.MAXIMAAL
            reeks["punten"].append(
                Jaarwaarde(
                    jaar=regel.jaar,
                    waarde=to_decimal(r.waarde),
                    norm=Decimal(spec.norm),
                    verdict=r.verdict,
                    voorlopig=not regel.vastgesteld,
                )
            )
    trends = []
    for reeks in reeksen.values():
        titel = f"{reeks['omschrijving']} ({reeks['indicator_label']})"
        trends.append(
            {
                "afspraak": reeks["afspraak"],
                "titel": titel,
                # Safe: charts.py escapes every text it puts in the SVG.
                "svg": mark_safe(
                    trenddiagram(
                        reeks["punten"], maximaal=reeks["maximaal"], title=titel
                    )
                ),
            }
        )
    return trends


def _leden(
    cooperatie: Cooperatie,
    jaar: int,
    regels: list[Afspraakjaar],
    cijfers: dict[int, Jaarcijfers],
) -> dict:
    """Members on the year's peildatum as aggregates: as frozen at submission
    when the year is submitted, else counted now."""
    for regel in regels:
        if regel.jaar == jaar and regel.bevroren:
            vast = regel.toetsing.snapshot.get("cijfers", {})
            aantal = vast.get("aantal_leden", 0)
            doelgroep = vast.get("aantal_doelgroep", 0)
            actief = vast.get("actieve_leden", 0)
            bevroren = True
            break
    else:
        gemeten = (
            cijfers.get(jaar)
            or jaarcijfers(cooperatie_ids=[cooperatie.pk], jaar=jaar)[cooperatie.pk]
        )
        aantal, doelgroep = gemeten.aantal_leden, gemeten.aantal_doelgroep
        actief, bevroren = gemeten.actieve_leden, False
    return {
        "peildatum": peildatum(jaar),
        "aantal": aantal,
        "doelgroep": doelgroep,
        "aandeel_doelgroep": to_decimal(percentage(doelgroep, aantal), 1),
        "actief": actief,
        "aandeel_actief": to_decimal(percentage(actief, aantal), 1),
        "bevroren": bevroren,
    }


def _bewijs_per(request, model, eigenaar: str, route: str, ids) -> dict[int, list]:
    """Evidence files (`model`: Bijlage or Bon) per owner id (`eigenaar`:
    the foreign key's name), as links and, for photos, thumbnails."""
    portal = request.portal
    per_eigenaar: dict[int, list[dict]] = defaultdict(list)
    for bewijs in (
        in_portal(request, model.objects)
        .filter(**{f"{eigenaar}_id__in": set(ids)})
        .order_by(f"{eigenaar}_id", "pk")
    ):
        per_eigenaar[getattr(bewijs, f"{eigenaar}_id")].append(
            {
                "bijlage": bewijs,
                "naam": str(bewijs),
                "url": portal.url(route, bewijs.pk),
                "miniatuur_url": (
                    portal.url(f"{route}-miniatuur", bewijs.pk)
                    if bijlagen.heeft_miniatuur(bewijs)
                    else None
                ),
            }
        )
    return per_eigenaar


def _bijlagen_per_activiteit(request, activiteit_ids) -> dict[int, list[dict]]:
    """The evidence of the activities."""
    return _bewijs_per(request, Bijlage, "activiteit", "bijlage", activiteit_ids)


def _bonnen_per_boeking(request, boeking_ids) -> dict[int, list[dict]]:
    """The receipts of the bookings."""
    return _bewijs_per(request, Bon, "boeking", "bon", boeking_ids)


def _storno_of(boeking: Boeking) -> Boeking | None:
    try:
        return boeking.storno
    except Boeking.storno.RelatedObjectDoesNotExist:
        return None


def _boekingen(request, cooperatie: Cooperatie, jaar: int) -> tuple[list, dict]:
    """The bookings that count for the year (a storno in the year of the booking
    it cancels) and their totals, computed from the one list read."""
    boekingen = list(
        in_portal(request, Boeking.objects)
        .filter(cooperatie=cooperatie)
        .voor_jaar(jaar)
        .select_related("activiteit", "corrigeert", "storno")
        .order_by("datum", "pk")
    )
    som: dict[tuple[str, bool], Decimal] = defaultdict(lambda: ZERO)
    for boeking in boekingen:
        boeking.gestorneerd = _storno_of(boeking)
        som[(boeking.soort, boeking.is_storno)] += boeking.bedrag
    budget = som[(BoekingSoort.BUDGET, False)] - som[(BoekingSoort.BUDGET, True)]
    besteed = som[(BoekingSoort.UITGAVE, False)] - som[(BoekingSoort.UITGAVE, True)]
    return boekingen, {
        "budget": budget,
        "besteed": besteed,
        "saldo": budget - besteed,
        "saldo_negatief": budget - besteed < 0,
        "aantal": len(boekingen),
    }


@beheer_view
def dossier(request, cooperatie_id: int):
    """The dossier of one coöperatie for the beheerder: its overeenkomsten and
    afspraken, every year with status, verdict, toetsing and sealed report, the
    trend of each measured toezegging, and for one year (``?jaar=``) the
    activities with their evidence, the bookings with the receipts and the
    members as aggregates. Read-only; a coöperatie outside the corporatie's reach
    answers 404."""
    portal = request.portal
    cooperatie = get_in_portal(
        request, _met_bestuur(Cooperatie.objects), pk=cooperatie_id
    )
    _bestuursleden(request, [cooperatie])
    lopend = timezone.localdate().year
    vandaag = timezone.localdate()

    overeenkomsten = list(
        in_portal(request, Overeenkomst.objects)
        .filter(cooperatie=cooperatie, gebouw__corporatie=portal.corporatie)
        .select_related("gebouw")
        .order_by("gebouw__complexnummer", "-ingangsdatum", "pk")
    )
    for overeenkomst in overeenkomsten:
        overeenkomst.status, overeenkomst.status_label = _status(overeenkomst, vandaag)
    afspraken = list(
        in_portal(request, Afspraak.objects)
        .filter(cooperatie=cooperatie)
        .select_related("prestatieafspraak")
        .prefetch_related("toezeggingen")
        .order_by("-ingangsjaar", "titel", "pk")
    )
    regels, cijfers = _afspraakjaren(request, cooperatie, afspraken, lopend)
    rapporten = {
        r.toetsing_id: r
        for r in in_portal(request, Rapport.objects).filter(
            toetsing_id__in=[r.toetsing.pk for r in regels if r.vastgesteld]
        )
    }
    jaren = sorted({r.jaar for r in regels}, reverse=True)
    jaar, ongeldig_jaar = _kies_jaar(request, jaren, regels, lopend)

    activiteiten = (
        in_portal(request, Activiteit.objects)
        .filter(cooperatie=cooperatie)
        .in_jaar(jaar)
    )
    totalen = activiteiten.aggregate(
        aantal=Count("pk"),
        deelnemers_leden=Coalesce(Sum("deelnemers_leden"), 0),
        deelnemers_buurt=Coalesce(Sum("deelnemers_buurt"), 0),
        vrijwilligersuren=Coalesce(Sum("vrijwilligersuren"), ZERO),
    )
    # Volunteers as aggregates only: how many members, and the hours split
    # per volunteer (names stay with the bestuur).
    totalen.update(
        vrijwilligerstotalen(
            in_portal(request, Vrijwilliger.objects),
            cooperatie_id=cooperatie.pk,
            jaar=jaar,
        )
    )
    page = paginate(request, activiteiten.order_by("-datum", "-pk"))
    boekingen, boeking_totalen = _boekingen(request, cooperatie, jaar)
    bewijs = _bijlagen_per_activiteit(
        request,
        [a.pk for a in page] + [b.activiteit_id for b in boekingen if b.activiteit_id],
    )
    signalen = woningwet_signalen_in(activiteiten)
    for activiteit in page:
        activiteit.bewijs = bewijs.get(activiteit.pk, [])
        activiteit.signalen = woningwet.uitleg(signalen.get(activiteit.pk, []))
    bonnen = _bonnen_per_boeking(request, [b.pk for b in boekingen])
    for boeking in boekingen:
        # The booking's own receipts first, then its activity's evidence.
        boeking.bewijs = bonnen.get(boeking.pk, []) + bewijs.get(
            boeking.activiteit_id, []
        )

    return render(
        request,
        "beheer/dossier.html",
        {
            "cooperatie": cooperatie,
            "overeenkomsten": overeenkomsten,
            "afspraken": [
                {
                    "afspraak": a,
                    "url": portal.url("afspraak-bewerken", a.pk),
                    "prestatieafspraak_url": (
                        portal.url("prestatieafspraak-bewerken", a.prestatieafspraak_id)
                        if a.prestatieafspraak_id
                        else None
                    ),
                    "looptijd": (
                        f"{a.ingangsjaar}–{a.eindjaar}"
                        if a.eindjaar
                        else _("vanaf %(jaar)s") % {"jaar": a.ingangsjaar}
                    ),
                }
                for a in afspraken
            ],
            "jaarrijen": [_jaar_rij(request, r, rapporten) for r in regels],
            "trends": _trends(regels),
            "buurttrends": buurttrends(
                request, cooperatie, [o.gebouw for o in overeenkomsten], lopend
            ),
            "jaren": jaren,
            "jaar": jaar,
            "ongeldig_jaar": ongeldig_jaar,
            "jaar_regels": [r for r in regels if r.jaar == jaar],
            "leden": _leden(cooperatie, jaar, regels, cijfers),
            "page": page,
            "totalen": totalen,
            "signalen": [
                {
                    "label": signaal.label,
                    "aantal": sum(signaal in c for c in signalen.values()),
                }
                for signaal in WoningwetSignaal
            ],
            "boekingen": boekingen,
            "boeking_totalen": boeking_totalen,
        },
    )


@beheer_view
def bijlage(request, bijlage_id: int):
    """One evidence file of a coöperatie in the corporatie's reach, with the same
    safe headers as in the bestuur's portal (`portalen.bijlagen.download`)."""
    return bijlagen.download(get_in_portal(request, Bijlage.objects, pk=bijlage_id))


@beheer_view
def bijlage_miniatuur(request, bijlage_id: int):
    """A small JPEG of a photo bijlage (404 for a PDF, an unreadable file or a
    photo too large to decode safely)."""
    return bijlagen.miniatuur(
        request, get_in_portal(request, Bijlage.objects, pk=bijlage_id)
    )


@beheer_view
def bon(request, bon_id: int):
    """One receipt of a booking of a coöperatie in the corporatie's reach."""
    return bijlagen.download(get_in_portal(request, Bon.objects, pk=bon_id))


@beheer_view
def bon_miniatuur(request, bon_id: int):
    """A small JPEG of a photo receipt."""
    return bijlagen.miniatuur(request, get_in_portal(request, Bon.objects, pk=bon_id))


urlpatterns = [
    path(
        "cooperaties/<int:cooperatie_id>/dossier/",
        dossier,
        name="beheer-cooperatie-dossier",
    ),
    path("bijlagen/<int:bijlage_id>/", bijlage, name="beheer-bijlage"),
    path(
        "bijlagen/<int:bijlage_id>/miniatuur/",
        bijlage_miniatuur,
        name="beheer-bijlage-miniatuur",
    ),
    path("bonnen/<int:bon_id>/", bon, name="beheer-bon"),
    path("bonnen/<int:bon_id>/miniatuur/", bon_miniatuur, name="beheer-bon-miniatuur"),
]

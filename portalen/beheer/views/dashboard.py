"""The beheerder's start page (every cooperatie × year with a traffic light) and
the early warning for the running year (signalering).

Both measure through `selectors.corporatie_jaar` (a constant number of queries
per year however many afspraken) and judge nothing themselves: verdicts come
from `afspraken.evaluatie` (live) or the stored snapshot (frozen), the early
warning from `afspraken.signalering`.

What a page costs follows the page, not the corporatie: the overview orders,
filters and counts its rows from cheap queries (afspraken, toetsingen with their
status, gebouwen; deadlines are arithmetic), none of which needs a measurement,
and measures only the afspraken on the page shown (its export measures every
row). The early warning orders by a measured value, so it measures the running
year once; it writes out only the rows on its page. The year's totals above the
overview (coöperaties, woningen, volunteer hours, neighbourhood participants,
spending per woning) measure the year shown once more, in a constant number of
queries: they are `afspraken.gemeente.jaartotalen`, so a gemeente's roll-up
shows the very same figures for the corporatie (with the gemeente filter: its
row there).
"""

from __future__ import annotations

from collections import Counter, defaultdict

from django.db.models import Exists, OuterRef
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from afspraken import jaren as afspraak_jaren
from afspraken import signalering, termijnen
from afspraken.choices import ToetsingStatus, Verdict
from afspraken.gemeente import jaartotalen
from afspraken.indicatoren import definitie
from afspraken.models import Afspraak, Toetsing
from afspraken.selectors import corporatie_jaar
from cooperatie.models import Gebouw
from kern import uitvoer
from portalen.forms.toetsing import NIET_GEOPEND, DashboardFilterForm
from portalen.ui import beheer_view, in_portal, ingekort, paginate
from portalen.views.rapporten import jaar_downloads
from portalen.views.toetsing import koers, norm_tekst, url_or_none, waarde_tekst

STATUS_VOLGORDE = (
    termijnen.TE_LAAT,
    ToetsingStatus.INGEDIEND,
    ToetsingStatus.TERUGGESTUURD,
    ToetsingStatus.OPEN,
    NIET_GEOPEND,
    ToetsingStatus.VASTGESTELD,
)


def _status_label(status: str) -> str:
    if status == NIET_GEOPEND:
        return _("nog niet geopend")
    return str(ToetsingStatus(status).label)


def _teller_tekst(status: str, aantal: int) -> str:
    teksten = {
        termijnen.TE_LAAT: _("%(n)s te laat, termijn voorbij"),
        ToetsingStatus.INGEDIEND: _("%(n)s ingediend, wacht op u"),
        ToetsingStatus.TERUGGESTUURD: _("%(n)s teruggestuurd, bij het bestuur"),
        ToetsingStatus.OPEN: _("%(n)s open"),
        NIET_GEOPEND: _("%(n)s nog niet geopend"),
        ToetsingStatus.VASTGESTELD: _("%(n)s vastgesteld"),
    }
    return teksten[status] % {"n": aantal}


def _koers_van_lopend_jaar(
    regel, jaar: int, status: str, lopend: int, vandaag
) -> dict | None:
    """For a year that still runs and is with the bestuur: the early warning's
    word (op koers / risico) instead of a verdict, so the overview and the
    signalering agree. None for every other year."""
    if jaar != lopend or status not in (
        NIET_GEOPEND,
        ToetsingStatus.OPEN,
        ToetsingStatus.TERUGGESTUURD,
    ):
        return None
    risico = any(s.risico for s in signalering.signalen(regel.resultaat, vandaag))
    koers = signalering.Koers.RISICO if risico else signalering.Koers.OP_KOERS
    return {"koers": koers, "label": signalering.Koers(koers).label}


def _rijen(request, jaren: list[int], lopend: int) -> list[dict]:
    """One row per afspraak-year: every toetsing of the corporatie in `jaren`, and
    the afspraken without a toetsing in the running year and the years before it
    (a year the bestuur never opened must not vanish from the overview).

    Three queries whatever the number of afspraken and years, and nothing
    measured: a row holds what orders, filters and counts it (year, cooperatie,
    status, deadline, gebouwen and gemeenten). `_meet` completes the rows that are
    shown with the afspraak and its result."""
    vandaag = timezone.localdate()
    afspraken_qs = in_portal(request, Afspraak.objects)
    afspraken = list(
        afspraken_qs.order_by().values(
            "pk",
            "cooperatie__naam",
            "ingangsjaar",
            "eindjaar",
            "indienen_maand",
            "indienen_dag",
        )
    )
    toetsingen = {
        (row["afspraak_id"], row["jaar"]): row
        for row in in_portal(request, Toetsing.objects)
        .filter(jaar__in=jaren)
        .order_by()
        .values("afspraak_id", "jaar", "status", "pk")
    }
    # Per afspraak: its gebouwen and their gemeenten (the two place filters).
    gebouw_ids: dict[int, set[int]] = defaultdict(set)
    gemeenten: dict[int, set[str]] = defaultdict(set)
    for afspraak_id, gebouw_id, gemeentecode in (
        Afspraak.gebouwen.through.objects.filter(
            afspraak_id__in=afspraken_qs.values("pk")
        )
        .order_by()
        .values_list("afspraak_id", "gebouw_id", "gebouw__gemeentecode")
    ):
        gebouw_ids[afspraak_id].add(gebouw_id)
        gemeenten[afspraak_id].add(gemeentecode)
    rijen = []
    for jaar in jaren:
        for afspraak in afspraken:
            if afspraak["ingangsjaar"] > jaar or (
                afspraak["eindjaar"] is not None and afspraak["eindjaar"] < jaar
            ):
                continue
            toetsing = toetsingen.get((afspraak["pk"], jaar))
            if toetsing is None and jaar > lopend:
                continue
            status = toetsing["status"] if toetsing else NIET_GEOPEND
            uiterlijk = termijnen.uiterlijk_indienen(
                jaar, afspraak["indienen_maand"], afspraak["indienen_dag"]
            )
            rijen.append(
                {
                    "jaar": jaar,
                    "afspraak_id": afspraak["pk"],
                    "cooperatie_naam": afspraak["cooperatie__naam"],
                    "gebouw_ids": gebouw_ids[afspraak["pk"]],
                    "gemeenten": gemeenten[afspraak["pk"]],
                    "status": status,
                    "uiterlijk": uiterlijk,
                    "te_laat": termijnen.te_laat(
                        toetsing["status"] if toetsing else "", uiterlijk, vandaag
                    ),
                    "voorlopig": status != ToetsingStatus.VASTGESTELD,
                    "toetsing_id": toetsing["pk"] if toetsing else None,
                }
            )
    rijen.sort(key=lambda r: (-r["jaar"], r["cooperatie_naam"], r["afspraak_id"]))
    return rijen


def _meet(request, rijen: list[dict], lopend: int, *, alle: bool = False) -> list:
    """The rows completed with their afspraak (its cooperatie and gebouwen) and
    result: the verdict, or for the running year the early warning's word.

    `corporatie_jaar` once per year among the rows, for the afspraken of these
    rows only, so a page costs the same however many afspraken the corporatie
    has; `alle` measures whole years (the export, which shows every row). A row
    whose afspraak is gone by now (removed since the rows were read) is left
    out."""
    vandaag = timezone.localdate()
    corporatie_id = request.portal.corporatie.pk
    per_jaar: dict[int, set[int]] = defaultdict(set)
    for rij in rijen:
        per_jaar[rij["jaar"]].add(rij["afspraak_id"])
    regels = {}
    for jaar in sorted(per_jaar, reverse=True):
        for regel in corporatie_jaar(
            jaar=jaar,
            corporatie_ids=[corporatie_id],
            afspraak_ids=None if alle else per_jaar[jaar],
        ):
            regels[jaar, regel.afspraak.pk] = regel
    gemeten = []
    for rij in rijen:
        regel = regels.get((rij["jaar"], rij["afspraak_id"]))
        if regel is None:
            continue
        afspraak = regel.afspraak
        gebouwen = sorted(
            afspraak.gebouwen.all(), key=lambda g: (g.complexnummer, g.pk)
        )
        rij.update(
            {
                "afspraak": afspraak,
                "cooperatie": afspraak.cooperatie,
                "gebouwen": gebouwen,
                "gemeenten": sorted({g.gemeentecode for g in gebouwen}),
                "koers": _koers_van_lopend_jaar(
                    regel, rij["jaar"], rij["status"], lopend, vandaag
                ),
                "verdict": regel.resultaat.verdict,
                "verdict_label": Verdict(regel.resultaat.verdict).label,
                "status_label": _status_label(rij["status"]),
                "url": (
                    request.portal.url("toetsing", rij["toetsing_id"])
                    if rij["toetsing_id"]
                    else None
                ),
            }
        )
        gemeten.append(rij)
    return gemeten


def _overzicht(request) -> dict:
    """The overview's rows as filtered by the address (gemeente, gebouw, jaar,
    status), with the filter form and the counters: for the page and its
    export alike. Nothing is measured here (no filter, counter or order depends
    on a result): the caller measures the rows it shows (`_meet`)."""
    lopend = timezone.localdate().year
    # The place filters offer what the rows can hold: the gebouwen with an
    # afspraak (a search by complexnummer when there are many) and their gemeenten.
    gebouwen = in_portal(request, Gebouw.objects).filter(
        Exists(Afspraak.gebouwen.through.objects.filter(gebouw_id=OuterRef("pk")))
    )
    gemeenten = gebouwen.order_by().values_list("gemeentecode", flat=True).distinct()
    # The years with a toetsing, plus every year up to now in which an afspraak ran.
    looptijden = in_portal(request, Afspraak.objects).values_list(
        "ingangsjaar", "eindjaar"
    )
    jaren = sorted(
        {
            lopend,
            *in_portal(request, Toetsing.objects)
            .order_by()
            .values_list("jaar", flat=True)
            .distinct(),
            *(
                jaar
                for begin, eind in looptijden
                for jaar in range(begin, min(eind or lopend, lopend) + 1)
            ),
        },
        reverse=True,
    )
    form = DashboardFilterForm(
        request.GET or None, gebouwen=gebouwen, gemeenten=gemeenten, jaren=jaren
    )
    filters = {}
    if form.is_bound:
        form.is_valid()  # a refused filter is an error on its field
        filters = form.cleaned_data  # the others still apply
    gekozen_jaar = filters.get("jaar")
    rijen = _rijen(request, [gekozen_jaar] if gekozen_jaar else jaren, lopend)
    if filters.get("gemeente"):
        rijen = [r for r in rijen if filters["gemeente"] in r["gemeenten"]]
    if filters.get("gebouw"):
        rijen = [r for r in rijen if filters["gebouw"] & r["gebouw_ids"]]

    aantallen = Counter(r["status"] for r in rijen)
    aantallen[termijnen.TE_LAAT] = sum(1 for r in rijen if r["te_laat"])
    zonder_status = request.GET.copy()
    zonder_status.pop("status", None)
    zonder_status.pop("pagina", None)
    tellers = [
        {
            "status": status,
            "tekst": _teller_tekst(status, aantallen[status]),
            "query": f"{zonder_status.urlencode()}&status={status}".lstrip("&"),
        }
        for status in STATUS_VOLGORDE
        if aantallen[status]
    ]
    if filters.get("status") == termijnen.TE_LAAT:
        rijen = [r for r in rijen if r["te_laat"]]
    elif filters.get("status"):
        rijen = [r for r in rijen if r["status"] == filters["status"]]
    return {
        "form": form,
        "rijen": rijen,
        "tellers": tellers,
        "lopend": lopend,
        "gekozen_jaar": gekozen_jaar,
        "gemeente": filters.get("gemeente") or None,
    }


def _export_query(request) -> str:
    query = request.GET.copy()
    query.pop("pagina", None)
    query.pop("formaat", None)
    return query.urlencode()


@beheer_view
def dashboard(request):
    """Every cooperatie × year of the corporatie with a traffic light per toetsing
    (provisional while not vastgesteld), filterable by gemeente, gebouw, jaar and
    status, with counters of what waits for the beheerder."""
    overzicht = _overzicht(request)
    lopend, gekozen_jaar = overzicht["lopend"], overzicht["gekozen_jaar"]
    portal = request.portal
    page = paginate(request, overzicht["rijen"])
    # Measure only the rows shown (the counters and filters needed none).
    page.object_list = _meet(request, list(page.object_list), lopend)
    totalen_jaar = gekozen_jaar or lopend
    return render(
        request,
        "beheer/dashboard.html",
        {
            "filters": overzicht["form"],
            "page": page,
            "tellers": overzicht["tellers"],
            "lopend": lopend,
            "export_url": portal.url("start-export"),
            "export_query": _export_query(request),
            "nieuw_url": url_or_none(portal, "afspraak-nieuw")
            or url_or_none(portal, "afspraken"),
            "signalering_url": portal.url("signalering"),
            "downloads": jaar_downloads(request, gekozen_jaar, lopend),
            "totalen_jaar": totalen_jaar,
            "totalen_gemeente": overzicht["gemeente"],
            "totalen": jaartotalen(
                corporatie_id=portal.corporatie.pk,
                jaar=totalen_jaar,
                gemeentecode=overzicht["gemeente"],
            ),
        },
    )


def _signalen(request) -> list[dict]:
    """The early warning's rows of the running year, risico first: one
    measurement of the year (`corporatie_jaar`), the order from the signals
    alone. A row holds its signal and where it comes from; `_signaal_tekst` adds
    what is shown, for the rows shown."""
    vandaag = timezone.localdate()
    portal = request.portal
    rijen = [
        {
            "signaal": s,
            "regel": regel,
            "afspraak": regel.afspraak,
            "cooperatie": regel.afspraak.cooperatie,
        }
        for regel in corporatie_jaar(
            jaar=vandaag.year, corporatie_ids=[portal.corporatie.pk]
        )
        for s in signalering.signalen(regel.resultaat, vandaag)
    ]
    return signalering.risico_eerst(rijen, key=lambda rij: rij["signaal"])


def _signaal_tekst(request, rij: dict) -> dict:
    """A row of `_signalen` with its texts and link (no query)."""
    s, regel = rij["signaal"], rij["regel"]
    spec = s.toezegging
    waarde = next(
        r.waarde for r in regel.resultaat.toezeggingen if r.toezegging.id == spec.id
    )
    rij.update(
        {
            "omschrijving": spec.omschrijving,
            "indicator_label": definitie(spec.indicator).label,
            "norm": norm_tekst(spec),
            "waarde": waarde_tekst(spec.indicator, waarde),
            "koers": koers(s),
            "url": (
                request.portal.url("toetsing", regel.toetsing.pk)
                if regel.toetsing
                else None
            ),
        }
    )
    return rij


@beheer_view
def signalering_view(request):
    """Early warning for the running year: for each measured minimum of each
    running afspraak the value so far, the pace still needed and op koers or
    risico, risico first, so the beheerder can act before the year ends."""
    vandaag = timezone.localdate()
    rijen = _signalen(request)
    page = paginate(request, rijen)
    page.object_list = [_signaal_tekst(request, r) for r in page.object_list]
    return render(
        request,
        "beheer/signalering.html",
        {
            "page": page,
            "jaar": vandaag.year,
            "vandaag": vandaag,
            "aantal_risico": sum(1 for r in rijen if r["signaal"].risico),
            # The first late years; the overview lists them all.
            "te_laat": ingekort(
                r
                for r in afspraak_jaren.afspraak_jaren(
                    afspraken=in_portal(request, Afspraak.objects),
                    tot_jaar=vandaag.year - 1,
                    vandaag=vandaag,
                )
                if r.te_laat
            ),
            "te_laat_url": (
                f"{request.portal.url('start')}?status={termijnen.TE_LAAT}"
            ),
            "aantal": len(rijen),
            "export_url": request.portal.url("signalering-export"),
        },
    )


# Exports -------------------------------------------------------------------------


def _ja_nee(waarde: bool) -> str:
    return _("ja") if waarde else _("nee")


@beheer_view
def dashboard_export(request):
    """The overview as CSV or XLSX (``?formaat=``), with the page's filters:
    one row per afspraak-year, as on the page (aggregates only, no members)."""
    kolommen = [
        uitvoer.Kolom(_("Jaar"), uitvoer.GETAL, breedte=8),
        uitvoer.Kolom(_("Coöperatie"), breedte=30),
        uitvoer.Kolom(_("Afspraak"), breedte=30),
        uitvoer.Kolom(_("Complexen"), breedte=16),
        uitvoer.Kolom(_("Gemeenten"), breedte=12),
        uitvoer.Kolom(_("Status"), breedte=16),
        uitvoer.Kolom(_("Uiterlijk indienen"), uitvoer.DATUM, breedte=12),
        uitvoer.Kolom(_("Te laat"), breedte=8),
        uitvoer.Kolom(_("Oordeel"), breedte=16),
        uitvoer.Kolom(_("Voorlopig"), breedte=10),
    ]
    overzicht = _overzicht(request)
    rijen = (
        [
            r["jaar"],
            r["cooperatie"].naam,
            r["afspraak"].titel,
            ", ".join(g.complexnummer for g in r["gebouwen"]),
            ", ".join(r["gemeenten"]),
            r["status_label"],
            r["uiterlijk"],
            _ja_nee(r["te_laat"]),
            r["koers"]["label"] if r["koers"] else r["verdict_label"],
            _ja_nee(r["voorlopig"]),
        ]
        for r in _meet(request, overzicht["rijen"], overzicht["lopend"], alle=True)
    )
    return uitvoer.download(
        kolommen,
        rijen,
        formaat=uitvoer.formaat_van(request),
        naam=_("overzicht"),
        titel=_("Overzicht"),
    )


@beheer_view
def signalering_export(request):
    """The early warning of the running year as CSV or XLSX (``?formaat=``)."""
    kolommen = [
        uitvoer.Kolom(_("Coöperatie"), breedte=30),
        uitvoer.Kolom(_("Afspraak"), breedte=30),
        uitvoer.Kolom(_("Toezegging"), breedte=40),
        uitvoer.Kolom(_("Indicator"), breedte=24),
        uitvoer.Kolom(_("Norm"), breedte=14),
        uitvoer.Kolom(_("Waarde tot nu toe"), breedte=14),
        uitvoer.Kolom(_("Koers"), breedte=12),
    ]
    rijen = (
        [
            r["cooperatie"].naam,
            r["afspraak"].titel,
            r["omschrijving"],
            r["indicator_label"],
            r["norm"],
            r["waarde"],
            r["koers"]["label"],
        ]
        for r in (_signaal_tekst(request, r) for r in _signalen(request))
    )
    return uitvoer.download(
        kolommen,
        rijen,
        formaat=uitvoer.formaat_van(request),
        naam=_("signalering-%(jaar)s") % {"jaar": timezone.localdate().year},
        titel=_("Signalering"),
    )


urlpatterns = [
    path("", dashboard, name="beheer-start"),
    path("export/", dashboard_export, name="beheer-start-export"),
    path("signalering/", signalering_view, name="beheer-signalering"),
    path("signalering/export/", signalering_export, name="beheer-signalering-export"),
]

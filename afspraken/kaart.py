"""Selector of the map of gebouwen: per gebouw with coordinates the latest
verdict of the afspraken on it (docs/kaart.md).

The caller passes the gebouwen (already scoped: a beheerder's corporatie, later a
gemeente's territory); this module reads their afspraken and toetsingen, and
knows nothing of pages or URLs. Six queries however many gebouwen.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone

from cooperatie.models import Gebouw, Overeenkomst

from .choices import Verdict
from .models import Afspraak, Toetsing

# When two afspraken on one gebouw have a verdict in the same latest year, the
# map shows the one that asks for attention first.
ERNST = (
    Verdict.NAGEKOMEN,
    Verdict.TE_BEOORDELEN,
    Verdict.DEELS,
    Verdict.NIET_NAGEKOMEN,
)

# The gebouwen without coordinates a map lists by name (the count is complete).
MAX_ZONDER_COORDINATEN = 50
ADRES_VELDEN = ("straat", "huisnummer", "postcode", "plaats")


@dataclass(frozen=True)
class KaartGebouw:
    """One marker: a gebouw with its location and its latest verdict ("" when
    no toetsing on it has one yet), the year and status of that toetsing, and
    the coöperatie of that afspraak (else of today's overeenkomst)."""

    pk: int
    complexnummer: str
    naam: str
    adres: str
    latitude: Decimal
    longitude: Decimal
    cooperatie_id: int | None
    cooperatie: str
    verdict: str
    jaar: int | None
    status: str


@dataclass(frozen=True)
class GebouwZonderCoordinaten:
    pk: int
    complexnummer: str
    naam: str


@dataclass(frozen=True)
class Kaart:
    gebouwen: list[KaartGebouw]
    zonder_coordinaten: list[GebouwZonderCoordinaten]
    aantal_zonder_coordinaten: int


@dataclass(frozen=True)
class _Oordeel:
    jaar: int
    verdict: str
    status: str
    cooperatie_id: int
    cooperatie: str
    afspraak_id: int

    @property
    def rang(self) -> tuple[int, int, int]:
        """Later years first; within a year the gravest verdict; then the
        newest afspraak, so the choice never depends on the query's order."""
        return (self.jaar, ERNST.index(self.verdict), self.afspraak_id)


def laatste_oordelen(
    gebouw_ids: QuerySet, *, tot_jaar: int | None = None
) -> dict[int, _Oordeel]:
    """Per gebouw (of the `gebouw_ids` values queryset) the latest toetsing with
    a verdict among the afspraken on it, up to and including `tot_jaar`. Two
    queries: the afspraak–gebouw links and the toetsingen."""
    koppelingen = Afspraak.gebouwen.through.objects.filter(gebouw_id__in=gebouw_ids)
    afspraken_van: dict[int, list[int]] = defaultdict(list)
    for gebouw_id, afspraak_id in koppelingen.order_by().values_list(
        "gebouw_id", "afspraak_id"
    ):
        afspraken_van[gebouw_id].append(afspraak_id)
    toetsingen = Toetsing.objects.filter(
        afspraak_id__in=koppelingen.values("afspraak_id")
    ).exclude(verdict="")
    if tot_jaar is not None:
        toetsingen = toetsingen.filter(jaar__lte=tot_jaar)
    beste: dict[int, _Oordeel] = {}
    for (
        afspraak_id,
        jaar,
        verdict,
        status,
        cooperatie_id,
        naam,
    ) in toetsingen.order_by().values_list(
        "afspraak_id",
        "jaar",
        "verdict",
        "status",
        "afspraak__cooperatie_id",
        "afspraak__cooperatie__naam",
    ):
        oordeel = _Oordeel(jaar, verdict, status, cooperatie_id, naam, afspraak_id)
        if afspraak_id not in beste or oordeel.rang > beste[afspraak_id].rang:
            beste[afspraak_id] = oordeel
    uitkomst = {}
    for gebouw_id, afspraak_ids in afspraken_van.items():
        oordelen = [beste[a] for a in afspraak_ids if a in beste]
        if oordelen:
            uitkomst[gebouw_id] = max(oordelen, key=lambda o: o.rang)
    return uitkomst


def _huidige_cooperaties(
    gebouw_ids: QuerySet, datum: datetime.date
) -> dict[int, tuple[int, str]]:
    """Per gebouw the coöperatie of its overeenkomst on the date (one query)."""
    return {
        gebouw_id: (cooperatie_id, naam)
        for gebouw_id, cooperatie_id, naam in Overeenkomst.objects.filter(
            gebouw_id__in=gebouw_ids
        )
        .on(datum)
        .order_by("ingangsdatum")
        .values_list("gebouw_id", "cooperatie_id", "cooperatie__naam")
    }


def kaart_gebouwen(
    *,
    gebouwen: QuerySet[Gebouw],
    tot_jaar: int | None = None,
    datum: datetime.date | None = None,
) -> Kaart:
    """The map of `gebouwen` (a scoped queryset): one `KaartGebouw` per gebouw
    with coordinates, by complexnummer, with the latest verdict up to `tot_jaar`
    (all years when None); and the gebouwen without coordinates, the first
    `MAX_ZONDER_COORDINATEN` by complexnummer and their number."""
    met = gebouwen.filter(latitude__isnull=False, longitude__isnull=False)
    zonder = gebouwen.filter(latitude__isnull=True)
    ids = met.order_by().values("pk")
    oordelen = laatste_oordelen(ids, tot_jaar=tot_jaar)
    huidige = _huidige_cooperaties(ids, datum or timezone.localdate())
    kaart_gebouwen = []
    for row in met.order_by("complexnummer", "pk").values(
        "pk",
        "complexnummer",
        "naam",
        *ADRES_VELDEN,
        "latitude",
        "longitude",
    ):
        oordeel = oordelen.get(row["pk"])
        if oordeel is not None:
            cooperatie_id, cooperatie = oordeel.cooperatie_id, oordeel.cooperatie
        else:
            cooperatie_id, cooperatie = huidige.get(row["pk"], (None, ""))
        kaart_gebouwen.append(
            KaartGebouw(
                pk=row["pk"],
                complexnummer=row["complexnummer"],
                naam=row["naam"],
                adres=Gebouw(**{k: row[k] for k in ADRES_VELDEN}).adres,
                latitude=row["latitude"],
                longitude=row["longitude"],
                cooperatie_id=cooperatie_id,
                cooperatie=cooperatie,
                verdict=oordeel.verdict if oordeel else "",
                jaar=oordeel.jaar if oordeel else None,
                status=oordeel.status if oordeel else "",
            )
        )
    return Kaart(
        gebouwen=kaart_gebouwen,
        zonder_coordinaten=[
            GebouwZonderCoordinaten(*row)
            for row in zonder.order_by("complexnummer", "pk").values_list(
                "pk", "complexnummer", "naam"
            )[:MAX_ZONDER_COORDINATEN]
        ],
        aantal_zonder_coordinaten=zonder.count(),
    )

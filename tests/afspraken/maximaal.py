"""A year in which every text a report prints is as long as the models allow,
written through the services: the largest report an accepted input can make.
Used by the sealing test and by `bench/seal.py`."""

from __future__ import annotations

import datetime
from decimal import Decimal

from afspraken import services as afspraken_services
from afspraken.choices import Indicator, Verdict
from afspraken.models import Afspraak, Beoordeling, Toetsing, Toezegging
from cooperatie import services as cooperatie_services
from cooperatie.models import Cooperatie, Corporatie, Gebouw
from ledger import services as ledger_services
from ledger.models import Activiteit, Boeking

ZIN = (
    "De bewoners van het complex organiseerden samen met de buurt een middag "
    "vol activiteiten voor jong en oud. "
)


def limit(model, field: str) -> int:
    return model._meta.get_field(field).max_length


def tekst(model, field: str, begin: str = "") -> str:
    """A text of exactly the field's maximum length, starting with `begin`."""
    n = limit(model, field)
    return (begin + ZIN * (n // len(ZIN) + 1))[:n]


def fill_year_to_the_maximum(tenant, *, activiteiten: int = 40) -> Toetsing:
    """Tenant's 2024: every printed name and text at its maximum, eight
    toezeggingen, `activiteiten` activities and as many bookings. Returns the
    toetsing, still open."""
    beheerder, bestuur = tenant.beheerder, tenant.bestuur
    cooperatie_services.corporatie_update(
        corporatie=tenant.corporatie,
        actor=beheerder,
        naam=tekst(Corporatie, "naam", "Woonstichting "),
        plaats=tekst(Corporatie, "plaats"),
    )
    cooperatie_services.gebouw_update(
        gebouw=tenant.gebouw,
        actor=beheerder,
        complexnummer="C" * limit(Gebouw, "complexnummer"),
        naam=tekst(Gebouw, "naam"),
        straat=tekst(Gebouw, "straat"),
        huisnummer="1" * limit(Gebouw, "huisnummer"),
        plaats=tekst(Gebouw, "plaats"),
    )
    cooperatie_services.cooperatie_update(
        cooperatie=tenant.cooperatie,
        actor=bestuur,
        naam=tekst(Cooperatie, "naam", "Wooncoöperatie "),
    )
    afspraken_services.afspraak_update(
        afspraak=Afspraak.objects.get(pk=tenant.afspraak.pk),
        actor=beheerder,
        titel=tekst(Afspraak, "titel"),
        prestatieafspraak_kenmerk=tekst(Afspraak, "prestatieafspraak_kenmerk"),
    )
    for toezegging in Toezegging.objects.filter(afspraak=tenant.afspraak):
        afspraken_services.toezegging_update(
            toezegging=toezegging,
            actor=beheerder,
            omschrijving=tekst(Toezegging, "omschrijving", f"{toezegging.pk} "),
        )
    for i, indicator in enumerate(
        [i for i in Indicator if i != Indicator.KWALITATIEF][:6]
    ):
        afspraken_services.toezegging_create(
            afspraak=tenant.afspraak,
            actor=beheerder,
            omschrijving=tekst(Toezegging, "omschrijving", f"Toezegging {i} "),
            indicator=indicator,
            norm=Decimal(10),
        )
    for i in range(activiteiten):
        datum = datetime.date(2024, 1 + i % 12, 1 + i % 28)
        activiteit = ledger_services.activiteit_create(
            cooperatie=tenant.cooperatie,
            actor=bestuur,
            datum=datum,
            titel=tekst(Activiteit, "titel", f"Activiteit {i:03d} "),
            thema="ontmoeting",
            omschrijving=tekst(Activiteit, "omschrijving", f"Verslag {i:03d} "),
            partners=tekst(Activiteit, "partners"),
            deelnemers_leden=3,
            deelnemers_buurt=2,
        )
        ledger_services.boeking_create(
            cooperatie=tenant.cooperatie,
            datum=datum,
            soort="uitgave",
            bedrag=Decimal("12.50"),
            omschrijving=tekst(Boeking, "omschrijving", f"Boeking {i:03d} "),
            activiteit=activiteit,
            actor=bestuur,
        )
    return Toetsing.objects.get(pk=tenant.toetsing.pk)


def assess_to_the_maximum(toetsing: Toetsing, tenant) -> None:
    """Assess every kwalitatief toezegging with the longest toelichting."""
    for toezegging in Toezegging.objects.filter(
        afspraak=toetsing.afspraak, indicator=Indicator.KWALITATIEF
    ):
        afspraken_services.toetsing_beoordelen(
            toetsing=toetsing,
            toezegging=toezegging,
            oordeel=Verdict.DEELS,
            toelichting=tekst(Beoordeling, "toelichting"),
            actor=tenant.beheerder,
        )

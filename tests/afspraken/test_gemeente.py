"""The roll-up of a gemeente (afspraken.gemeente): per corporatie and per buurt,
equal to each corporatie's own figures, every coöperatie counted once in the
total."""

from __future__ import annotations

from decimal import Decimal

from afspraken.gemeente import gemeente_jaren, gemeente_overzicht, jaartotalen
from afspraken.models import Afspraak
from tests.afspraken.factories import AfspraakFactory, ToetsingFactory
from tests.cooperatie.factories import (
    CooperatieFactory,
    GebouwFactory,
    OvereenkomstFactory,
)
from tests.ledger.factories import ActiviteitFactory, BoekingFactory

G = "GM0363"
JAAR = 2024


def _som(a, b, veld):
    return getattr(a, veld) + getattr(b, veld)


VELDEN = (
    "afspraken",
    "cooperaties",
    "woningen",
    "vrijwilligersuren",
    "deelnemers_buurt",
    "besteding",
)


def test_rows_per_corporatie_equal_each_corporaties_own_figures(gemeente):
    overzicht = gemeente_overzicht(gemeentecode=G, jaar=JAAR)
    eigen = {
        t.corporatie.pk: jaartotalen(corporatie_id=t.corporatie.pk, jaar=JAAR)
        for t in (gemeente.a, gemeente.b)
    }
    assert [int(g.sleutel) for g in overzicht.per_corporatie] == [
        gemeente.a.corporatie.pk,
        gemeente.b.corporatie.pk,
    ]
    for groep in overzicht.per_corporatie:
        assert groep.totalen == eigen[int(groep.sleutel)]
    a, b = eigen[gemeente.a.corporatie.pk], eigen[gemeente.b.corporatie.pk]
    for veld in VELDEN:
        assert getattr(overzicht.totaal, veld) == _som(a, b, veld), veld
    # The world's figures: one activity (3.5 hours, 4 from the buurt) and one
    # uitgave of 25.00 per coöperatie, 24 woningen per gebouw.
    assert overzicht.totaal.vrijwilligersuren == Decimal("7.0")
    assert overzicht.totaal.deelnemers_buurt == 8
    assert overzicht.totaal.besteding == Decimal("50.00")
    assert overzicht.totaal.woningen == 48
    assert overzicht.totaal.besteding_per_woning == Decimal("1.04")
    assert overzicht.totaal.statussen == {"open": 2}
    # Corporatie C's afspraak lies in another gemeente.
    namen = [g.naam for g in overzicht.per_corporatie]
    assert gemeente.c.corporatie.naam not in namen
    assert [g.sleutel for g in overzicht.per_buurt] == ["BU03630000"]


def test_a_cooperatie_with_two_corporaties_counts_once_in_the_total(gemeente):
    """Coöperatie X has afspraken with A and with B in G: each corporatie's row
    holds its figures in full, the total holds them once."""
    x = CooperatieFactory(naam="Wooncoöperatie X")
    for tenant in (gemeente.a, gemeente.b):
        gebouw = GebouwFactory(
            corporatie=tenant.corporatie, aantal_woningen=10, buurtcode="BU03630001"
        )
        AfspraakFactory(corporatie=tenant.corporatie, cooperatie=x, gebouwen=[gebouw])
    ActiviteitFactory(cooperatie=x, vrijwilligersuren=Decimal("10"), deelnemers_buurt=5)
    BoekingFactory(cooperatie=x, bedrag=Decimal("100.00"))

    overzicht = gemeente_overzicht(gemeentecode=G, jaar=JAAR)
    per = {int(g.sleutel): g.totalen for g in overzicht.per_corporatie}
    a = per[gemeente.a.corporatie.pk]
    assert (a.cooperaties, a.vrijwilligersuren, a.besteding) == (
        2,
        Decimal("13.5"),
        Decimal("125.00"),
    )
    assert a == jaartotalen(corporatie_id=gemeente.a.corporatie.pk, jaar=JAAR)
    totaal = overzicht.totaal
    assert totaal.cooperaties == 3
    assert totaal.afspraken == 4
    assert totaal.vrijwilligersuren == Decimal("17.0")
    assert totaal.deelnemers_buurt == 13
    assert totaal.besteding == Decimal("150.00")
    assert totaal.woningen == 24 + 24 + 10 + 10
    buurten = {g.sleutel: g.totalen for g in overzicht.per_buurt}
    assert buurten["BU03630001"].cooperaties == 1
    assert buurten["BU03630001"].woningen == 20
    assert buurten["BU03630000"].cooperaties == 2


def test_a_corporatie_in_two_gemeenten_counts_only_its_gebouwen_there(gemeente):
    elders = GebouwFactory(
        corporatie=gemeente.a.corporatie, gemeentecode="GM0599", aantal_woningen=50
    )
    gemeente.a.afspraak.gebouwen.add(elders)
    a = gemeente.a.corporatie.pk
    overal = jaartotalen(corporatie_id=a, jaar=JAAR)
    hier = jaartotalen(corporatie_id=a, jaar=JAAR, gemeentecode=G)
    assert (overal.woningen, hier.woningen) == (74, 24)
    overzicht = gemeente_overzicht(gemeentecode=G, jaar=JAAR)
    assert overzicht.per_corporatie[0].totalen == hier
    daar = gemeente_overzicht(gemeentecode="GM0599", jaar=JAAR)
    assert {g.naam for g in daar.per_corporatie} == {
        gemeente.a.corporatie.naam,
        gemeente.c.corporatie.naam,
    }


def test_an_afspraak_without_gebouwen_is_placed_by_its_overeenkomst(gemeente):
    y = CooperatieFactory(naam="Wooncoöperatie Y")
    gebouw = GebouwFactory(corporatie=gemeente.b.corporatie, aantal_woningen=7)
    OvereenkomstFactory(gebouw=gebouw, cooperatie=y)
    afspraak = AfspraakFactory(corporatie=gemeente.b.corporatie, cooperatie=y)
    assert not afspraak.gebouwen.exists()
    assert afspraak in Afspraak.objects.in_gemeente(G)
    assert afspraak not in Afspraak.objects.in_gemeente("GM0599")
    b = gemeente_overzicht(gemeentecode=G, jaar=JAAR).per_corporatie[1].totalen
    assert (b.afspraken, b.cooperaties, b.woningen) == (2, 2, 31)


def test_statuses_and_verdicts_are_counted_per_afspraak_year(gemeente):
    ToetsingFactory(afspraak=gemeente.a.afspraak, jaar=2025, status="ingediend")
    overzicht = gemeente_overzicht(gemeentecode=G, jaar=2025)
    assert overzicht.totaal.statussen == {"niet_geopend": 1, "ingediend": 1}
    assert sum(overzicht.totaal.verdicten.values()) == 2
    assert gemeente_jaren(G, tot=2025) == [2025, 2024, 2023]


def test_an_empty_gemeente_has_no_rows(gemeente):
    overzicht = gemeente_overzicht(gemeentecode="GM0014", jaar=JAAR)
    assert overzicht.per_corporatie == []
    assert overzicht.totaal.cooperaties == 0
    assert overzicht.totaal.besteding_per_woning is None
    assert overzicht.as_data()["totaal"]["besteding_per_woning"] is None

"""Loading a corporatie-year: aggregates in SQL, constant queries, exact edges."""

import datetime
from decimal import Decimal
from fractions import Fraction

import pytest

from afspraken import selectors, services, snapshot
from afspraken.choices import Indicator
from afspraken.evaluatie import ToezeggingSpec, measure
from cooperatie.choices import Doelgroep
from tests.afspraken.factories import (
    AfspraakFactory,
    ToetsingFactory,
    ToezeggingFactory,
)
from tests.cooperatie.factories import CooperatieFactory, CorporatieFactory, LidFactory
from tests.helpers import fresh
from tests.ledger.factories import ActiviteitFactory, BoekingFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def _cooperaties_with_data(n: int, corporatie=None) -> list[int]:
    corporatie = corporatie or CorporatieFactory()
    ids = []
    for _ in range(n):
        cooperatie = CooperatieFactory()
        afspraak = AfspraakFactory(corporatie=corporatie, cooperatie=cooperatie)
        ToezeggingFactory(afspraak=afspraak)
        ToetsingFactory(afspraak=afspraak, jaar=2024)
        lid = LidFactory(cooperatie=cooperatie)
        ActiviteitFactory(cooperatie=cooperatie, vrijwilligers=[lid])
        BoekingFactory(cooperatie=cooperatie)
        ids.append(cooperatie.pk)
    return ids


@pytest.mark.parametrize("n", [2, 20])
def test_jaarcijfers_takes_four_queries_however_many_cooperaties(
    n, django_assert_num_queries
):
    ids = _cooperaties_with_data(n)
    # 1 activity groups, 2 bookings with storno's, 3 members on peildatum,
    # 4 distinct volunteers — and nothing per cooperatie.
    with django_assert_num_queries(4):
        cijfers = selectors.jaarcijfers(cooperatie_ids=ids, jaar=2024)
    assert len(cijfers) == n
    assert all(c.aantal_leden == 1 and c.actieve_leden == 1 for c in cijfers.values())


@pytest.mark.parametrize("n", [2, 20])
def test_corporatie_jaar_takes_constant_queries(n, django_assert_num_queries):
    corporatie = CorporatieFactory()
    _cooperaties_with_data(n, corporatie)
    # afspraken, toezeggingen, gebouwen, toetsingen (+ their beoordelingen),
    # then the four aggregates of jaarcijfers.
    with django_assert_num_queries(9):
        regels = selectors.corporatie_jaar(jaar=2024, corporatie_ids=[corporatie.pk])
    assert len(regels) == n
    assert all(r.resultaat.toezeggingen[0].waarde == 1 for r in regels)


@pytest.mark.django_db(transaction=True)
def test_corporatie_jaar_sends_its_queries_in_a_pipeline_outside_a_transaction():
    from django.db import connection

    corporatie = CorporatieFactory()
    _cooperaties_with_data(3, corporatie)
    postgres = connection.vendor == "postgresql"
    statuses = []

    def observe(execute, sql, params, many, context):
        if postgres:
            statuses.append(connection.connection.pgconn.pipeline_status)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(observe):
        regels = selectors.corporatie_jaar(jaar=2024, corporatie_ids=[corporatie.pk])
    assert len(regels) == 3
    assert all(r.resultaat.toezeggingen[0].waarde == 1 for r in regels)
    if postgres:
        from psycopg import pq

        # The nine queries are sent in pipeline mode, which ends with the call.
        assert len(statuses) == 9
        assert pq.PipelineStatus.OFF not in statuses
        assert connection.connection.pgconn.pipeline_status == pq.PipelineStatus.OFF


def test_the_toezeggingen_query_reads_a_spec_s_fields_in_its_order():
    # corporatie_jaar makes each ToezeggingSpec straight from the row's values
    # after the afspraak id: the id, then SPEC_FIELDS.
    assert ToezeggingSpec._fields == ("id", *selectors.SPEC_FIELDS)


def test_activities_on_31_december_and_1_january_fall_in_their_own_year():
    cooperatie = CooperatieFactory()
    ActiviteitFactory(cooperatie=cooperatie, datum=D(2023, 12, 31))
    ActiviteitFactory(cooperatie=cooperatie, datum=D(2024, 1, 1))
    ActiviteitFactory(cooperatie=cooperatie, datum=D(2024, 12, 31))
    ActiviteitFactory(cooperatie=cooperatie, datum=D(2025, 1, 1))
    cijfers = selectors.jaarcijfers(cooperatie_ids=[cooperatie.pk], jaar=2024)
    assert sum(g.aantal for g in cijfers[cooperatie.pk].activiteiten) == 2


def test_members_joining_or_leaving_on_the_peildatum():
    cooperatie = CooperatieFactory()
    LidFactory(cooperatie=cooperatie, lid_sinds=D(2024, 12, 31))  # counts
    LidFactory(cooperatie=cooperatie, lid_sinds=D(2020, 1, 1), lid_tot=D(2024, 12, 31))
    LidFactory(cooperatie=cooperatie, lid_sinds=D(2020, 1, 1), lid_tot=D(2025, 1, 1))
    LidFactory(cooperatie=cooperatie, lid_sinds=D(2025, 1, 1))  # not yet
    LidFactory(cooperatie=cooperatie, lid_sinds=D(2020, 1, 1), doelgroep=Doelgroep.JA)
    cijfers = selectors.jaarcijfers(cooperatie_ids=[cooperatie.pk], jaar=2024)[
        cooperatie.pk
    ]
    assert cijfers.aantal_leden == 3
    assert cijfers.aantal_doelgroep == 1


def test_empty_member_list_gives_zero_percentages():
    cooperatie = CooperatieFactory()
    cijfers = selectors.jaarcijfers(cooperatie_ids=[cooperatie.pk], jaar=2024)[
        cooperatie.pk
    ]
    spec = ToezeggingFactory.build(indicator=Indicator.AANDEEL_DOELGROEP)
    assert cijfers.aantal_leden == 0
    assert measure(selectors.spec_of(spec), cijfers) == 0


def test_storno_of_an_uitgave_counts_against_the_year_it_cancels():
    cooperatie = CooperatieFactory()
    kept = BoekingFactory(cooperatie=cooperatie, bedrag=Decimal("100.00"))
    cancelled = BoekingFactory(cooperatie=cooperatie, bedrag=Decimal("40.00"))
    BoekingFactory(
        cooperatie=cooperatie,
        bedrag=Decimal("40.00"),
        corrigeert=cancelled,
        datum=D(2025, 1, 10),  # a storno dated later still cancels 2024's booking
    )
    budget = BoekingFactory(cooperatie=cooperatie, soort="budget", bedrag=Decimal(500))
    BoekingFactory(
        cooperatie=cooperatie, soort="budget", bedrag=Decimal(500), corrigeert=budget
    )
    cijfers = selectors.jaarcijfers(cooperatie_ids=[cooperatie.pk], jaar=2024)[
        cooperatie.pk
    ]
    assert (cijfers.uitgaven, cijfers.uitgaven_gestorneerd) == (
        Decimal(140),
        Decimal(40),
    )
    spec = selectors.spec_of(ToezeggingFactory.build(indicator=Indicator.BESTEDING))
    assert measure(spec, cijfers) == Fraction(kept.bedrag)
    assert selectors.jaarcijfers(cooperatie_ids=[cooperatie.pk], jaar=2025)[
        cooperatie.pk
    ].uitgaven_gestorneerd == Decimal(0)


def test_a_member_volunteering_twice_counts_once_and_only_in_that_year():
    cooperatie = CooperatieFactory()
    lid, ander = LidFactory.create_batch(2, cooperatie=cooperatie)
    ActiviteitFactory(cooperatie=cooperatie, vrijwilligers=[lid])
    ActiviteitFactory(cooperatie=cooperatie, vrijwilligers=[lid])
    ActiviteitFactory(cooperatie=cooperatie, datum=D(2023, 5, 1), vrijwilligers=[ander])
    cijfers = selectors.jaarcijfers(cooperatie_ids=[cooperatie.pk], jaar=2024)[
        cooperatie.pk
    ]
    assert cijfers.actieve_leden == 1
    spec = selectors.spec_of(
        ToezeggingFactory.build(indicator=Indicator.AANDEEL_ACTIEVE_LEDEN)
    )
    assert measure(spec, cijfers) == 50


def test_thema_and_open_voor_buurt_filters_apply_to_activity_indicators(world):
    a = world.a
    ActiviteitFactory(cooperatie=a.cooperatie, thema="groen", open_voor_buurt=False)
    ToezeggingFactory(
        afspraak=a.afspraak,
        omschrijving="Groen, open",
        thema="groen",
        alleen_open_voor_buurt=True,
        norm=Decimal(1),
    )
    regel = selectors.corporatie_jaar(jaar=2024, corporatie_ids=[a.corporatie.pk])[0]
    waarden = {
        r.toezegging.omschrijving: r.waarde for r in regel.resultaat.toezeggingen
    }
    assert waarden["Groen, open"] == 0
    assert waarden[a.toezegging.omschrijving] == 2


def test_afspraak_that_ended_the_year_before_is_not_in_the_year(world):
    a = world.a
    AfspraakFactory(
        corporatie=a.corporatie,
        cooperatie=a.cooperatie,
        ingangsjaar=2020,
        eindjaar=2023,
    )
    starts = AfspraakFactory(
        corporatie=a.corporatie,
        cooperatie=a.cooperatie,
        ingangsjaar=2024,
        eindjaar=None,
    )
    regels = selectors.corporatie_jaar(jaar=2024, corporatie_ids=[a.corporatie.pk])
    assert {r.afspraak for r in regels} == {a.afspraak, starts}


def test_submitted_years_show_the_frozen_snapshot(world):
    a = world.a
    services.toetsing_indienen(toetsing=a.toetsing, actor=fresh(a.bestuur))
    # Members dated after the year do not change the frozen figures anyway; the
    # row says it is frozen and carries the snapshot's values.
    regel = selectors.corporatie_jaar(jaar=2024, corporatie_ids=[a.corporatie.pk])[0]
    assert regel.bevroren
    a.toetsing.refresh_from_db()
    assert regel.resultaat.verdict == a.toetsing.snapshot["verdict"]
    assert [
        str(r.waarde) for r in regel.resultaat.toezeggingen if r.waarde is not None
    ] == [
        str(Fraction(Decimal(row["waarde"])))
        for row in a.toetsing.snapshot["toezeggingen"]
        if row["waarde"] is not None
    ]


def test_a_volunteer_who_left_before_the_peildatum_is_not_an_active_member():
    cooperatie = CooperatieFactory()
    blijft = LidFactory(cooperatie=cooperatie)
    vertrokken = LidFactory(cooperatie=cooperatie, lid_tot=D(2024, 6, 1))
    ActiviteitFactory(cooperatie=cooperatie, vrijwilligers=[blijft, vertrokken])
    cijfers = selectors.jaarcijfers(cooperatie_ids=[cooperatie.pk], jaar=2024)[
        cooperatie.pk
    ]
    assert (cijfers.actieve_leden, cijfers.aantal_leden) == (1, 1)
    spec = selectors.spec_of(
        ToezeggingFactory.build(indicator=Indicator.AANDEEL_ACTIEVE_LEDEN)
    )
    assert measure(spec, cijfers) == 100


def test_the_snapshot_lists_the_bookings_its_totals_count(world):
    """A storno dated in the next year is listed (and subtracted) in the year of
    the boeking it cancels, and not in its own year."""
    a = world.a
    later = BoekingFactory(
        cooperatie=a.cooperatie,
        bedrag=Decimal("25.00"),
        corrigeert=a.boeking,
        datum=D(2025, 1, 5),
    )
    snapshot_2024 = snapshot.build(a.toetsing)
    ids = [b["id"] for b in snapshot_2024["boekingen"]]
    assert ids == [a.boeking.pk, later.pk]
    assert snapshot_2024["cijfers"]["besteding"] == "0.00"
    toetsing_2025 = ToetsingFactory(afspraak=a.afspraak, jaar=2025)
    assert snapshot.build(toetsing_2025)["boekingen"] == []


def _resultaat(toetsing):
    return selectors.toetsing_resultaat(
        afspraak=toetsing.afspraak, jaar=toetsing.jaar, toetsing=toetsing
    )


def test_toetsing_resultaat_is_live_until_submitted_then_frozen_until_returned(
    world, django_assert_num_queries
):
    a = world.a
    toetsing = fresh(a.toetsing)
    resultaat, bevroren = _resultaat(toetsing)
    assert not bevroren
    assert resultaat.toezeggingen[0].waarde == 1  # the world's activity of 2024

    services.toetsing_indienen(toetsing=toetsing, actor=fresh(a.bestuur))
    toetsing = fresh(a.toetsing)
    # Read from the stored snapshot, not measured: no query, and a value the
    # snapshot holds is what the result shows.
    toetsing.snapshot["toezeggingen"][0]["waarde"] = "99.5000"
    afspraak = toetsing.afspraak
    with django_assert_num_queries(0):
        resultaat, bevroren = selectors.toetsing_resultaat(
            afspraak=afspraak, jaar=2024, toetsing=toetsing
        )
    assert bevroren
    assert resultaat.toezeggingen[0].waarde == Fraction(199, 2)

    services.toetsing_terugsturen(
        toetsing=fresh(a.toetsing), reden="Graag aanvullen.", actor=fresh(a.beheerder)
    )
    toetsing = fresh(a.toetsing)
    assert toetsing.snapshot  # kept, but a returned year is measured again
    ActiviteitFactory(cooperatie=a.cooperatie, datum=D(2024, 3, 1))
    resultaat, bevroren = _resultaat(toetsing)
    assert not bevroren
    assert resultaat.toezeggingen[0].waarde == 2


def test_every_reader_of_a_year_agrees_on_frozen_or_live(world):
    """The toetsing page, the corporatie-year (dashboard, portefeuille, year
    overview) and the concept report decide through one selector."""
    a = world.a
    for stap in ("open", "ingediend", "teruggestuurd"):
        if stap == "ingediend":
            services.toetsing_indienen(toetsing=fresh(a.toetsing), actor=a.bestuur)
        if stap == "teruggestuurd":
            services.toetsing_terugsturen(
                toetsing=fresh(a.toetsing), reden="Graag aanvullen.", actor=a.beheerder
            )
        toetsing = fresh(a.toetsing)
        regel = next(
            r
            for r in selectors.corporatie_jaar(
                jaar=2024, corporatie_ids=[a.corporatie.pk]
            )
            if r.toetsing == toetsing
        )
        verwacht = stap == "ingediend"
        assert selectors.resultaat_bevroren(toetsing) is verwacht, stap
        assert regel.bevroren is verwacht, stap
        assert _resultaat(toetsing)[1] is verwacht, stap
        assert _resultaat(toetsing)[0] == regel.resultaat, stap

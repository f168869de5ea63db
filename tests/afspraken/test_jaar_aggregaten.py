"""The aggregates of a corporatie-year equal a straightforward reference.

`selectors.corporatie_jaar` sums the year's activities in one pass grouped by
cooperatie, only in the groups its toezeggingen tell apart; `jaarcijfers` groups
per thema and openness. On a seeded random year (themes, open and closed
activities, activities on the year's edges, volunteers who are and are not
members on the peildatum, uitgaven with storno's dated in and after the year)
both must measure what a plain loop over the rows measures.
"""

import datetime
import random
from collections import defaultdict
from decimal import Decimal
from fractions import Fraction

import pytest

from afspraken import selectors
from afspraken.choices import Indicator, Richting
from afspraken.cijfers import jaarcijfers_van
from afspraken.evaluatie import evaluate
from afspraken.indicatoren import definitie
from afspraken.models import Toezegging
from cooperatie.choices import Doelgroep
from ledger.choices import BoekingSoort, Thema
from ledger.models import Activiteit, Boeking
from tests.afspraken.factories import (
    AfspraakFactory,
    ToetsingFactory,
    ToezeggingFactory,
)
from tests.cooperatie.factories import CooperatieFactory, CorporatieFactory, LidFactory
from tests.ledger.factories import ActiviteitFactory, BoekingFactory

pytestmark = pytest.mark.django_db
D = datetime.date
JAAR = 2024
PEILDATUM = D(JAAR, 12, 31)
THEMAS = [Thema.ONTMOETING, Thema.GROEN, Thema.TAAL_EDUCATIE, Thema.OVERIG]
ACTIVITEIT_INDICATOREN = [
    Indicator.AANTAL_ACTIVITEITEN,
    Indicator.VRIJWILLIGERSUREN,
    Indicator.DEELNEMERS_BUURT,
]
ANDERE_INDICATOREN = [
    Indicator.BESTEDING,
    Indicator.AANTAL_LEDEN,
    Indicator.AANDEEL_ACTIEVE_LEDEN,
    Indicator.AANDEEL_DOELGROEP,
]
# Members on the peildatum and not: left before or on it, joined after it.
LIDMAATSCHAPPEN = [
    (D(2020, 1, 1), None),
    (D(2020, 1, 1), None),
    (PEILDATUM, None),
    (D(2020, 1, 1), D(JAAR, 6, 1)),
    (D(2020, 1, 1), PEILDATUM),
    (D(2020, 1, 1), D(JAAR + 1, 1, 1)),
    (D(JAAR + 1, 1, 1), None),
]
DATA = [
    D(JAAR - 1, 12, 31),
    D(JAAR, 1, 1),
    D(JAAR, 6, 15),
    D(JAAR, 12, 31),
    D(JAAR + 1, 1, 1),
]


def _wereld(seed: int, n_cooperaties: int = 5):
    """A corporatie with afspraken with random cooperatie-years."""
    rng = random.Random(seed)
    corporatie = CorporatieFactory()
    for _ in range(n_cooperaties):
        cooperatie = CooperatieFactory()
        afspraak = AfspraakFactory(corporatie=corporatie, cooperatie=cooperatie)
        ToetsingFactory(afspraak=afspraak, jaar=JAAR)
        leden = [
            LidFactory(
                cooperatie=cooperatie,
                lid_sinds=lid_sinds,
                lid_tot=lid_tot,
                doelgroep=rng.choice([Doelgroep.JA, Doelgroep.ONBEKEND]),
            )
            for lid_sinds, lid_tot in (
                rng.choice(LIDMAATSCHAPPEN) for _ in range(rng.randint(0, 6))
            )
        ]
        for _ in range(rng.randint(0, 25)):
            ActiviteitFactory(
                cooperatie=cooperatie,
                datum=rng.choice(DATA),
                thema=rng.choice(THEMAS),
                open_voor_buurt=rng.random() < 0.5,
                deelnemers_buurt=rng.randint(0, 9),
                vrijwilligersuren=Decimal(rng.randint(0, 1000)) / 100,
                vrijwilligers=rng.sample(leden, rng.randint(0, len(leden))),
            )
        for _ in range(rng.randint(0, 4)):
            boeking = BoekingFactory(
                cooperatie=cooperatie,
                datum=rng.choice(DATA),
                soort=rng.choice([BoekingSoort.UITGAVE, BoekingSoort.BUDGET]),
                bedrag=Decimal(rng.randint(1, 50000)) / 100,
            )
            if rng.random() < 0.5:
                BoekingFactory(
                    cooperatie=cooperatie,
                    datum=rng.choice([boeking.datum, D(JAAR + 1, 2, 1)]),
                    soort=boeking.soort,
                    bedrag=boeking.bedrag,
                    corrigeert=boeking,
                )
        for _ in range(rng.randint(1, 6)):
            indicator = rng.choice(ACTIVITEIT_INDICATOREN + ANDERE_INDICATOREN)
            filters = {}
            if indicator in ACTIVITEIT_INDICATOREN:
                filters = {
                    "thema": rng.choice(["", "", *THEMAS]),
                    "alleen_open_voor_buurt": rng.random() < 0.4,
                }
            ToezeggingFactory(
                afspraak=afspraak,
                indicator=indicator,
                norm=Decimal(rng.randint(0, 40)),
                richting=rng.choice([Richting.MINIMAAL, Richting.MAXIMAAL]),
                **filters,
            )
    return corporatie


def _referentie(toezegging: Toezegging) -> Fraction:
    """The value of a toezegging measured by a plain loop over the rows."""
    cooperatie_id = toezegging.afspraak.cooperatie_id
    lopend = [
        lid
        for lid in toezegging.afspraak.cooperatie.leden.all()
        if lid.lid_sinds <= PEILDATUM
        and (lid.lid_tot is None or lid.lid_tot > PEILDATUM)
    ]
    activiteiten = [
        a
        for a in Activiteit.objects.filter(cooperatie_id=cooperatie_id)
        if a.datum.year == JAAR
    ]
    indicator = toezegging.indicator
    if indicator in ACTIVITEIT_INDICATOREN:
        tellen = [
            a
            for a in activiteiten
            if (not toezegging.thema or a.thema == toezegging.thema)
            and (a.open_voor_buurt or not toezegging.alleen_open_voor_buurt)
        ]
        if indicator == Indicator.AANTAL_ACTIVITEITEN:
            return Fraction(len(tellen))
        if indicator == Indicator.VRIJWILLIGERSUREN:
            return Fraction(sum((a.vrijwilligersuren for a in tellen), Decimal(0)))
        return Fraction(sum(a.deelnemers_buurt for a in tellen))
    if indicator == Indicator.BESTEDING:
        uitgaven = Boeking.objects.filter(
            cooperatie_id=cooperatie_id, soort=BoekingSoort.UITGAVE
        )
        totaal = sum(
            (
                b.bedrag
                for b in uitgaven
                if b.corrigeert_id is None and b.datum.year == JAAR
            ),
            Decimal(0),
        )
        gestorneerd = sum(
            (
                b.bedrag
                for b in uitgaven
                if b.corrigeert_id is not None and b.corrigeert.datum.year == JAAR
            ),
            Decimal(0),
        )
        return Fraction(totaal - gestorneerd)
    if indicator == Indicator.AANTAL_LEDEN:
        return Fraction(len(lopend))
    if not lopend:
        return Fraction(0)
    if indicator == Indicator.AANDEEL_DOELGROEP:
        teller = sum(1 for lid in lopend if lid.doelgroep == Doelgroep.JA)
    else:
        actief = {lid.pk for a in activiteiten for lid in a.vrijwilligers.all()}
        teller = sum(1 for lid in lopend if lid.pk in actief)
    return Fraction(teller) * 100 / len(lopend)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_corporatie_jaar_measures_what_a_plain_loop_measures(seed):
    _meet_als_referentie(_wereld(seed))


def test_corporatie_jaar_measures_again_after_the_year_changed():
    """Its queries are kept compiled, never their rows: a second reading sees
    what was booked in between."""
    corporatie = _wereld(7)
    voor = _meet_als_referentie(corporatie)
    for afspraak in corporatie.afspraken.select_related("cooperatie"):
        cooperatie = afspraak.cooperatie
        lid = LidFactory(cooperatie=cooperatie, lid_sinds=D(2020, 1, 1))
        for thema in THEMAS:
            ActiviteitFactory(
                cooperatie=cooperatie,
                datum=D(JAAR, 3, 1),
                thema=thema,
                open_voor_buurt=True,
                deelnemers_buurt=3,
                vrijwilligersuren=Decimal("1.50"),
                vrijwilligers=[lid],
            )
        BoekingFactory(
            cooperatie=cooperatie,
            datum=D(JAAR, 3, 1),
            soort=BoekingSoort.UITGAVE,
            bedrag=Decimal("12.34"),
        )
    na = _meet_als_referentie(corporatie)
    assert set(na) == set(voor)
    assert any(na[pk] != voor[pk] for pk in na)


def _meet_als_referentie(corporatie) -> dict:
    """corporatie_jaar's value of each toezegging of the corporatie, after
    checking it against the plain loop (`_referentie`)."""
    regels = selectors.corporatie_jaar(jaar=JAAR, corporatie_ids=[corporatie.pk])
    toezeggingen = {
        t.pk: t
        for t in Toezegging.objects.filter(
            afspraak__corporatie=corporatie
        ).select_related("afspraak__cooperatie")
    }
    gemeten = {
        r.toezegging.id: r.waarde
        for regel in regels
        for r in regel.resultaat.toezeggingen
    }
    assert set(gemeten) == set(toezeggingen)
    for pk, toezegging in toezeggingen.items():
        assert gemeten[pk] == _referentie(toezegging), (
            toezegging.indicator,
            toezegging.thema,
            toezegging.alleen_open_voor_buurt,
        )
    return gemeten


@pytest.mark.parametrize("seed", [4, 5])
def test_corporatie_jaar_evaluates_as_the_groups_per_thema_and_openness(seed):
    """The few groups corporatie_jaar sums give the very results (values,
    verdicts, the whole) that `jaarcijfers`' groups per thema and openness give."""
    corporatie = _wereld(seed)
    regels = selectors.corporatie_jaar(jaar=JAAR, corporatie_ids=[corporatie.pk])
    per_thema = selectors.jaarcijfers(
        cooperatie_ids=[r.afspraak.cooperatie_id for r in regels], jaar=JAAR
    )
    assert regels
    for regel in regels:
        cijfers = per_thema[regel.afspraak.cooperatie_id]
        specs = [r.toezegging for r in regel.resultaat.toezeggingen]
        assert evaluate(specs, cijfers) == regel.resultaat
        # The other figures are the same; the activities only summed coarser.
        for naam in ("uitgaven", "uitgaven_gestorneerd", "aantal_leden"):
            assert getattr(regel.cijfers, naam) == getattr(cijfers, naam)
        assert (regel.cijfers.aantal_doelgroep, regel.cijfers.actieve_leden) == (
            cijfers.aantal_doelgroep,
            cijfers.actieve_leden,
        )
        for veld in ("aantal", "vrijwilligersuren", "deelnemers_buurt"):
            assert sum(getattr(g, veld) for g in regel.cijfers.activiteiten) == sum(
                getattr(g, veld) for g in cijfers.activiteiten
            )


def test_jaarcijfers_groups_per_thema_and_openness_as_a_plain_loop():
    corporatie = _wereld(6)
    ids = list(
        corporatie.afspraken.values_list("cooperatie_id", flat=True).order_by("pk")
    )
    cijfers = selectors.jaarcijfers(cooperatie_ids=ids, jaar=JAAR)
    for cooperatie_id in ids:
        verwacht = defaultdict(lambda: [0, Decimal(0), 0])
        for a in Activiteit.objects.filter(
            cooperatie_id=cooperatie_id, datum__year=JAAR
        ):
            groep = verwacht[(a.thema, a.open_voor_buurt)]
            groep[0] += 1
            groep[1] += a.vrijwilligersuren
            groep[2] += a.deelnemers_buurt
        assert {
            (g.thema, g.open_voor_buurt): [
                g.aantal,
                g.vrijwilligersuren,
                g.deelnemers_buurt,
            ]
            for g in cijfers[cooperatie_id].activiteiten
        } == dict(verwacht)


def test_activity_groups_follow_the_filters_asked_for():
    """Without filters one group of all activities; a thema asked for gets its
    own group and the other themes share one; openness splits every group."""
    cooperatie = CooperatieFactory()
    for thema, open_ in [
        (Thema.GROEN, True),
        (Thema.GROEN, False),
        (Thema.OVERIG, True),
        (Thema.ONTMOETING, False),
    ]:
        ActiviteitFactory(
            cooperatie=cooperatie,
            datum=D(JAAR, 5, 1),
            thema=thema,
            open_voor_buurt=open_,
        )

    def groepen(filters):
        cijfers = jaarcijfers_van(
            ids=[cooperatie.pk], cooperaties=[cooperatie.pk], jaar=JAAR, filters=filters
        )[cooperatie.pk]
        return {(g.thema, g.open_voor_buurt): g.aantal for g in cijfers.activiteiten}

    assert groepen({("", False)}) == {("", None): 4}
    assert groepen({("", False), (Thema.GROEN, False)}) == {
        (Thema.GROEN, None): 2,
        ("", None): 2,
    }
    assert groepen({(Thema.GROEN, True)}) == {
        (Thema.GROEN, True): 1,
        (Thema.GROEN, False): 1,
        ("", True): 1,
        ("", False): 1,
    }


def test_activiteitfilters_are_those_of_the_summed_indicators_and_toezeggingen():
    specs = [
        selectors.spec_of(ToezeggingFactory.build(pk=1, **kwargs))
        for kwargs in (
            {"indicator": Indicator.AANTAL_ACTIVITEITEN},
            {
                "indicator": Indicator.VRIJWILLIGERSUREN,
                "thema": Thema.GROEN,
                "alleen_open_voor_buurt": True,
            },
            {"indicator": Indicator.BESTEDING},
            {"indicator": Indicator.KWALITATIEF},
        )
    ]
    assert selectors.activiteitfilters(specs) == {("", False), (Thema.GROEN, True)}
    assert definitie(Indicator.BESTEDING).activiteiten is None


def test_corporatie_jaar_evaluates_only_the_afspraken_asked_for(
    django_assert_num_queries,
):
    corporatie = CorporatieFactory()
    afspraken = [AfspraakFactory(corporatie=corporatie) for _ in range(3)]
    for afspraak in afspraken:
        ToezeggingFactory(afspraak=afspraak)
    ActiviteitFactory(cooperatie=afspraken[1].cooperatie, datum=D(JAAR, 3, 1))
    andere = AfspraakFactory()  # another corporatie's

    with django_assert_num_queries(9):
        regels = selectors.corporatie_jaar(
            jaar=JAAR,
            corporatie_ids=[corporatie.pk],
            afspraak_ids=[afspraken[1].pk, afspraken[2].pk, andere.pk],
        )
    assert [r.afspraak.pk for r in regels] == sorted(
        [afspraken[1].pk, afspraken[2].pk],
        key=lambda pk: next((a.cooperatie.naam, a.pk) for a in afspraken if a.pk == pk),
    )
    waarden = {r.afspraak.pk: r.resultaat.toezeggingen[0].waarde for r in regels}
    assert waarden == {afspraken[1].pk: 1, afspraken[2].pk: 0}
    assert selectors.corporatie_jaar(jaar=JAAR, afspraak_ids=[]) == []
    assert [
        r.afspraak.pk
        for r in selectors.corporatie_jaar(jaar=JAAR, afspraak_ids=[andere.pk])
    ] == [andere.pk]


def test_corporatie_jaar_gives_afspraken_with_their_parties_and_gebouwen(
    django_assert_num_queries,
):
    from tests.cooperatie.factories import GebouwFactory

    corporatie = CorporatieFactory()
    gebouw = GebouwFactory(corporatie=corporatie)
    met = AfspraakFactory(corporatie=corporatie, gebouwen=[gebouw])
    zonder = AfspraakFactory(corporatie=corporatie)
    regels = selectors.corporatie_jaar(jaar=JAAR, corporatie_ids=[corporatie.pk])
    with django_assert_num_queries(0):
        per_afspraak = {
            r.afspraak.pk: (
                r.afspraak.corporatie.naam,
                r.afspraak.cooperatie.naam,
                [g.pk for g in r.afspraak.gebouwen.all()],
            )
            for r in regels
        }
    assert per_afspraak == {
        met.pk: (corporatie.naam, met.cooperatie.naam, [gebouw.pk]),
        zonder.pk: (corporatie.naam, zonder.cooperatie.naam, []),
    }
    afspraak = next(r.afspraak for r in regels if r.afspraak.pk == zonder.pk)
    assert afspraak.corporatie is next(
        r.afspraak.corporatie for r in regels if r.afspraak.pk == met.pk
    )
    # The loaded instance is an ordinary saved afspraak: relations still work.
    assert not afspraak._state.adding
    afspraak.gebouwen.add(gebouw)
    assert [g.pk for g in afspraak.gebouwen.all()] == [gebouw.pk]
    assert list(afspraak.gebouwen.filter(pk=gebouw.pk)) == [gebouw]


def test_gebouwen_read_ahead_give_way_to_a_change_before_they_are_read():
    from tests.cooperatie.factories import GebouwFactory

    corporatie = CorporatieFactory()
    gebouw = GebouwFactory(corporatie=corporatie)
    AfspraakFactory(corporatie=corporatie)
    (regel,) = selectors.corporatie_jaar(jaar=JAAR, corporatie_ids=[corporatie.pk])
    afspraak = regel.afspraak
    assert "gebouwen" in afspraak._prefetched_objects_cache
    afspraak.gebouwen.add(gebouw)  # before the rows read ahead were ever read
    assert "gebouwen" not in afspraak._prefetched_objects_cache
    assert [g.pk for g in afspraak.gebouwen.all()] == [gebouw.pk]

    (regel,) = selectors.corporatie_jaar(jaar=JAAR, corporatie_ids=[corporatie.pk])
    regel.afspraak.refresh_from_db()
    assert [g.pk for g in regel.afspraak.gebouwen.all()] == [gebouw.pk]

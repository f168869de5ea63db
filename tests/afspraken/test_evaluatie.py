"""The compliance arithmetic, without a database."""

import random
from decimal import Decimal
from fractions import Fraction

from django.utils import translation

import pytest

from afspraken.choices import Indicator, Richting, Verdict
from afspraken.evaluatie import (
    ActiviteitGroep,
    Beoordeling,
    Jaarcijfers,
    ToezeggingResultaat,
    ToezeggingSpec,
    evaluate,
    evaluate_toezegging,
    loopt_in,
    measure,
    percentage,
    toetsing_verdict,
    verdict_for_value,
)

D = Decimal


def weergave(waarde: Fraction | None) -> str:
    """The measured value as the snapshot and the report show it."""
    resultaat = ToezeggingResultaat(
        toezegging=spec(Indicator.AANTAL_LEDEN), waarde=waarde, verdict="nagekomen"
    )
    return resultaat.waarde_weergave


def spec(indicator, norm="10", **kwargs) -> ToezeggingSpec:
    return ToezeggingSpec(
        id=kwargs.pop("id", 1),
        omschrijving="toezegging",
        indicator=indicator,
        norm=D(norm),
        **kwargs,
    )


CIJFERS = Jaarcijfers(
    jaar=2024,
    activiteiten=(
        ActiviteitGroep("taal_educatie", True, 10, D("30.5"), 40),
        ActiviteitGroep("taal_educatie", False, 5, D("10"), 0),
        ActiviteitGroep("groen", True, 3, D("12.25"), 9),
    ),
    uitgaven=D("1250.00"),
    uitgaven_gestorneerd=D("50.00"),
    aantal_leden=40,
    aantal_doelgroep=30,
    actieve_leden=14,
)


@pytest.mark.parametrize(
    ("indicator", "kwargs", "expected"),
    [
        (Indicator.AANTAL_ACTIVITEITEN, {}, Fraction(18)),
        (Indicator.AANTAL_ACTIVITEITEN, {"thema": "taal_educatie"}, Fraction(15)),
        (Indicator.AANTAL_ACTIVITEITEN, {"alleen_open_voor_buurt": True}, Fraction(13)),
        (
            Indicator.AANTAL_ACTIVITEITEN,
            {"thema": "taal_educatie", "alleen_open_voor_buurt": True},
            Fraction(10),
        ),
        (Indicator.VRIJWILLIGERSUREN, {}, Fraction(D("52.75"))),
        (Indicator.VRIJWILLIGERSUREN, {"thema": "groen"}, Fraction(D("12.25"))),
        (Indicator.DEELNEMERS_BUURT, {}, Fraction(49)),
        (Indicator.DEELNEMERS_BUURT, {"alleen_open_voor_buurt": True}, Fraction(49)),
        (Indicator.BESTEDING, {}, Fraction(1200)),
        (Indicator.AANTAL_LEDEN, {}, Fraction(40)),
        (Indicator.AANDEEL_ACTIEVE_LEDEN, {}, Fraction(35)),
        (Indicator.AANDEEL_DOELGROEP, {}, Fraction(75)),
        (Indicator.KWALITATIEF, {}, None),
    ],
)
def test_each_indicator_measures_its_value(indicator, kwargs, expected):
    assert measure(spec(indicator, **kwargs), CIJFERS) == expected


def test_thema_without_activities_measures_zero():
    assert (
        measure(spec(Indicator.AANTAL_ACTIVITEITEN, thema="kunst_cultuur"), CIJFERS)
        == 0
    )


@pytest.mark.parametrize(
    "indicator",
    [
        Indicator.AANDEEL_ACTIEVE_LEDEN,
        Indicator.AANDEEL_DOELGROEP,
        Indicator.AANTAL_LEDEN,
    ],
)
def test_empty_member_list_gives_zero_not_an_error(indicator):
    leeg = Jaarcijfers(jaar=2024, actieve_leden=0, aantal_leden=0)
    assert measure(spec(indicator), leeg) == 0


def test_storno_of_an_uitgave_is_subtracted_from_besteding():
    cijfers = Jaarcijfers(
        jaar=2024, uitgaven=D("300.00"), uitgaven_gestorneerd=D("300.00")
    )
    assert measure(spec(Indicator.BESTEDING), cijfers) == 0


def test_percentages_are_exact_not_rounded():
    # 1 of 3 members is 33.333…%: below a norm of 33.34, above 33.33.
    cijfers = Jaarcijfers(jaar=2024, aantal_leden=3, actieve_leden=1)
    waarde = measure(spec(Indicator.AANDEEL_ACTIEVE_LEDEN), cijfers)
    assert waarde == Fraction(100, 3)
    assert verdict_for_value(waarde, D("33.34"), Richting.MINIMAAL, D(0)) == (
        Verdict.DEELS
    )
    assert verdict_for_value(waarde, D("33.33"), Richting.MINIMAAL, D(75)) == (
        Verdict.NAGEKOMEN
    )
    assert weergave(waarde) == "33,3"


def test_percentage_is_the_exact_share_whatever_the_kind_of_number():
    for teller, noemer in [(0, 7), (1, 3), (2, 3), (7, 7), (12, 5), (250, 1000)]:
        exact = Fraction(teller) * 100 / noemer
        assert percentage(teller, noemer) == exact
        # Counts read back from a snapshot may be other kinds of numbers.
        assert percentage(D(teller), noemer) == exact
        assert percentage(float(teller), noemer) == exact


def test_equal_sums_measure_the_same_exact_value_however_written():
    def uren(totaal: Decimal) -> Fraction:
        groep = ActiviteitGroep(
            thema="",
            open_voor_buurt=True,
            aantal=1,
            vrijwilligersuren=totaal,
            deelnemers_buurt=0,
        )
        cijfers = Jaarcijfers(jaar=2024, activiteiten=(groep,))
        return measure(spec(Indicator.VRIJWILLIGERSUREN), cijfers)

    assert uren(D("2.5")) == uren(D("2.50")) == Fraction(5, 2)
    assert uren(D("3")) == uren(D("3.00")) == 3
    assert uren(D("0.01")) == Fraction(1, 100)


@pytest.mark.parametrize(
    ("waarde", "norm", "richting", "deels", "expected"),
    [
        # minimaal: at the norm is kept, above too
        ("12", "12", Richting.MINIMAAL, "75", Verdict.NAGEKOMEN),
        ("13", "12", Richting.MINIMAAL, "75", Verdict.NAGEKOMEN),
        # exactly at the deels threshold (75% of 12 = 9) still counts as deels
        ("9", "12", Richting.MINIMAAL, "75", Verdict.DEELS),
        ("11.99", "12", Richting.MINIMAAL, "75", Verdict.DEELS),
        ("8.99", "12", Richting.MINIMAAL, "75", Verdict.NIET_NAGEKOMEN),
        # deels_vanaf 100 leaves no deels band
        ("11.99", "12", Richting.MINIMAAL, "100", Verdict.NIET_NAGEKOMEN),
        # a norm of 0 is always met
        ("0", "0", Richting.MINIMAAL, "75", Verdict.NAGEKOMEN),
        # maximaal: at or below the norm is kept, above is not, never deels
        ("500", "500", Richting.MAXIMAAL, "75", Verdict.NAGEKOMEN),
        ("499.99", "500", Richting.MAXIMAAL, "75", Verdict.NAGEKOMEN),
        ("500.01", "500", Richting.MAXIMAAL, "75", Verdict.NIET_NAGEKOMEN),
        ("10000", "500", Richting.MAXIMAAL, "75", Verdict.NIET_NAGEKOMEN),
    ],
)
def test_verdict_per_toezegging(waarde, norm, richting, deels, expected):
    assert (
        verdict_for_value(Fraction(D(waarde)), D(norm), richting, D(deels)) == expected
    )


def test_kwalitatief_is_te_beoordelen_until_assessed():
    t = spec(Indicator.KWALITATIEF, norm="0")
    assert evaluate_toezegging(t, CIJFERS).verdict == Verdict.TE_BEOORDELEN
    beoordeeld = evaluate_toezegging(
        t, CIJFERS, Beoordeling(Verdict.DEELS, "Tuin aangelegd, nog geen beheerplan.")
    )
    assert beoordeeld.verdict == Verdict.DEELS
    assert beoordeeld.toelichting == "Tuin aangelegd, nog geen beheerplan."
    assert beoordeeld.waarde is None
    assert beoordeeld.waarde_weergave == "–"


def _r(verdict, zwaarwegend=True) -> ToezeggingResultaat:
    return ToezeggingResultaat(
        spec(Indicator.AANTAL_LEDEN, zwaarwegend=zwaarwegend), Fraction(0), verdict
    )


@pytest.mark.parametrize(
    ("resultaten", "expected"),
    [
        ([_r(Verdict.NAGEKOMEN), _r(Verdict.NAGEKOMEN)], Verdict.NAGEKOMEN),
        ([_r(Verdict.NAGEKOMEN), _r(Verdict.DEELS)], Verdict.DEELS),
        ([_r(Verdict.NAGEKOMEN), _r(Verdict.NIET_NAGEKOMEN)], Verdict.NIET_NAGEKOMEN),
        # a non-zwaarwegend failure only makes the whole "deels"
        ([_r(Verdict.NAGEKOMEN), _r(Verdict.NIET_NAGEKOMEN, False)], Verdict.DEELS),
        # te_beoordelen wins over everything
        (
            [_r(Verdict.NIET_NAGEKOMEN), _r(Verdict.TE_BEOORDELEN)],
            Verdict.TE_BEOORDELEN,
        ),
        ([_r(Verdict.DEELS), _r(Verdict.NIET_NAGEKOMEN)], Verdict.NIET_NAGEKOMEN),
        ([], Verdict.NAGEKOMEN),
    ],
)
def test_verdict_per_toetsing(resultaten, expected):
    assert toetsing_verdict(resultaten) == expected


def test_evaluate_combines_measures_assessments_and_the_whole():
    toezeggingen = [
        spec(Indicator.AANTAL_ACTIVITEITEN, norm="12", id=1),
        spec(Indicator.BESTEDING, norm="1000", richting=Richting.MAXIMAAL, id=2),
        spec(Indicator.KWALITATIEF, norm="0", id=3),
    ]
    zonder = evaluate(toezeggingen, CIJFERS)
    assert [r.verdict for r in zonder.toezeggingen] == [
        Verdict.NAGEKOMEN,
        Verdict.NIET_NAGEKOMEN,
        Verdict.TE_BEOORDELEN,
    ]
    assert zonder.verdict == Verdict.TE_BEOORDELEN
    met = evaluate(toezeggingen, CIJFERS, {3: Beoordeling(Verdict.NAGEKOMEN, "Goed.")})
    assert met.verdict == Verdict.NIET_NAGEKOMEN
    assert met.jaar == 2024


def _verdict_by_fractions(waarde, t: ToezeggingSpec) -> str:
    """Domain §5 in Fraction's own comparisons: the reference the evaluation
    must agree with."""
    norm = Fraction(t.norm)
    if t.richting == Richting.MAXIMAAL:
        return Verdict.NAGEKOMEN if waarde <= norm else Verdict.NIET_NAGEKOMEN
    if waarde >= norm:
        return Verdict.NAGEKOMEN
    if waarde >= norm * Fraction(t.deels_vanaf) / 100:
        return Verdict.DEELS
    return Verdict.NIET_NAGEKOMEN


def _random_cijfers(rng: random.Random) -> Jaarcijfers:
    themas = ["", "taal_educatie", "groen", "ontmoeting"]
    return Jaarcijfers(
        jaar=2024,
        activiteiten=tuple(
            ActiviteitGroep(
                rng.choice(themas),
                rng.choice([True, False, None]),
                rng.randint(0, 12),
                D(rng.randint(0, 80)) / 4,
                rng.randint(0, 20),
            )
            for _ in range(rng.randint(0, 5))
        ),
        uitgaven=D(rng.randint(0, 200_000)) / 100,
        uitgaven_gestorneerd=D(rng.randint(0, 5_000)) / 100,
        aantal_leden=(leden := rng.randint(0, 50)),
        aantal_doelgroep=rng.randint(0, leden),
        actieve_leden=rng.randint(0, leden),
    )


def test_evaluate_agrees_with_exact_fractions_on_random_years(data_seed):
    """Many toezeggingen with shared and nearly shared terms (the evaluation
    keeps what it works out per terms), norms written in several ways, on
    random years: every value is what `measure` gives and every verdict what
    Fraction's comparisons give."""
    rng = random.Random(data_seed)
    indicatoren = [i.value for i in Indicator]
    terms = [
        {
            "indicator": rng.choice(indicatoren),
            # Some whose thresholds (75% and 50% of the norm) are whole
            # numbers, which counts hit exactly.
            "norm": rng.choice(
                ["0", "1", "8", "10", "10.00", "12", "12.5", "40", "1000", "0.01"]
            ),
            "richting": rng.choice([Richting.MINIMAAL, Richting.MAXIMAAL]),
            "deels_vanaf": D(rng.choice(["0", "50", "75", "75.0", "99.99", "100"])),
            "zwaarwegend": rng.random() < 0.7,
            "thema": rng.choice(["", "taal_educatie", "groen"]),
            "alleen_open_voor_buurt": rng.random() < 0.3,
        }
        for _ in range(40)
    ]
    for jaar in range(200):
        cijfers = _random_cijfers(rng)
        toezeggingen = [
            spec(id=jaar * 100 + i, **rng.choice(terms))
            for i in range(rng.randint(0, 8))
        ]
        beoordelingen = {
            t.id: Beoordeling(rng.choice(list(Verdict)), f"oordeel {t.id}")
            for t in toezeggingen
            if t.indicator == Indicator.KWALITATIEF and rng.random() < 0.5
        }
        resultaat = evaluate(toezeggingen, cijfers, beoordelingen)
        assert [r.toezegging for r in resultaat.toezeggingen] == toezeggingen
        for t, r in zip(toezeggingen, resultaat.toezeggingen, strict=True):
            assert r == evaluate_toezegging(t, cijfers, beoordelingen.get(t.id))
            if t.indicator == Indicator.KWALITATIEF:
                beoordeling = beoordelingen.get(t.id)
                assert r.waarde is None
                assert r.verdict == (
                    beoordeling.oordeel if beoordeling else Verdict.TE_BEOORDELEN
                )
                continue
            assert r.waarde == measure(t, cijfers)
            assert r.verdict == _verdict_by_fractions(r.waarde, t)
            assert r.verdict == verdict_for_value(
                r.waarde, t.norm, t.richting, t.deels_vanaf
            )
        assert resultaat.verdict == toetsing_verdict(resultaat.toezeggingen)


def test_a_toezeggings_terms_are_its_fields_after_the_id_and_the_omschrijving():
    """The evaluation keeps its measure and verdict by the spec's fields after
    these two, which must not decide either."""
    assert ToezeggingSpec._fields[:2] == ("id", "omschrijving")
    a = spec(Indicator.AANTAL_LEDEN, norm="41", id=1)
    b = a._replace(id=2, omschrijving="een andere")
    assert evaluate([a, b], CIJFERS).toezeggingen[1] == (
        b,
        Fraction(40),
        Verdict.DEELS,
        "",
    )


@pytest.mark.parametrize(
    ("ingangsjaar", "eindjaar", "jaar", "expected"),
    [
        (2024, 2026, 2024, True),  # starts that year
        (2022, 2024, 2024, True),  # ends that year
        (2025, None, 2024, False),  # starts later
        (2020, 2023, 2024, False),  # ended before
        (2020, None, 2024, True),  # open-ended
    ],
)
def test_afspraak_applies_to_the_years_it_runs(ingangsjaar, eindjaar, jaar, expected):
    assert loopt_in(ingangsjaar, eindjaar, jaar) is expected


def test_display_rounds_half_up_to_one_decimal_with_a_comma():
    assert weergave(Fraction(D("12.25"))) == "12,3"
    assert weergave(Fraction(7)) == "7,0"
    assert weergave(None) == "–"
    # The snapshot is Dutch evidence, whatever language the one who seals reads.
    with translation.override("en"):
        assert weergave(Fraction(D("1234.25"))) == "1234,3"

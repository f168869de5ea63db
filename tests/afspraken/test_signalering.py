"""The early-warning arithmetic of the running year, without a database."""

import datetime
from decimal import Decimal
from fractions import Fraction

import pytest

from afspraken.choices import Indicator, Richting, Verdict
from afspraken.evaluatie import ToetsingResultaat, ToezeggingResultaat, ToezeggingSpec
from afspraken.signalering import (
    Koers,
    dagen_in_jaar,
    is_cumulatief,
    resterende_maanden,
    risico_eerst,
    signaal,
    signaleert,
    signalen,
    verstreken_fractie,
    voortgang,
)

D = Decimal
F = Fraction


def spec(indicator=Indicator.AANTAL_ACTIVITEITEN, norm="12", **kwargs):
    return ToezeggingSpec(
        id=kwargs.pop("id", 1),
        omschrijving=kwargs.pop("omschrijving", "toezegging"),
        indicator=indicator,
        norm=D(norm),
        **kwargs,
    )


def test_elapsed_part_of_the_year_counts_the_days_before_the_date():
    assert verstreken_fractie(datetime.date(2023, 1, 1)) == 0
    assert verstreken_fractie(datetime.date(2023, 7, 1)) == F(181, 365)
    assert verstreken_fractie(datetime.date(2023, 12, 31)) == F(364, 365)


def test_leap_year_has_366_days_and_a_later_midpoint():
    assert dagen_in_jaar(2024) == 366
    assert dagen_in_jaar(2023) == 365
    assert dagen_in_jaar(2100) == 365
    assert verstreken_fractie(datetime.date(2024, 7, 1)) == F(182, 366)
    assert verstreken_fractie(datetime.date(2024, 12, 31)) == F(365, 366)


def test_remaining_months_include_the_current_month():
    assert resterende_maanden(datetime.date(2024, 1, 1)) == 12
    assert resterende_maanden(datetime.date(2024, 7, 15)) == 6
    assert resterende_maanden(datetime.date(2024, 12, 31)) == 1


def test_cumulative_and_level_indicators():
    assert is_cumulatief(Indicator.AANTAL_ACTIVITEITEN)
    assert is_cumulatief(Indicator.VRIJWILLIGERSUREN)
    assert is_cumulatief(Indicator.DEELNEMERS_BUURT)
    assert is_cumulatief(Indicator.BESTEDING)
    # The share of active members grows with every new volunteer of the year.
    assert is_cumulatief(Indicator.AANDEEL_ACTIEVE_LEDEN)
    assert not is_cumulatief(Indicator.AANTAL_LEDEN)
    assert not is_cumulatief(Indicator.AANDEEL_DOELGROEP)


def test_only_measured_minimums_get_a_signal():
    assert signaleert(spec())
    assert not signaleert(spec(richting=Richting.MAXIMAAL))
    assert not signaleert(spec(Indicator.KWALITATIEF, "0"))


def test_start_of_year_nothing_is_expected_yet():
    s = signaal(spec(norm="12"), F(0), datetime.date(2025, 1, 1))
    assert s.koers == Koers.OP_KOERS
    assert s.verwacht == 0
    assert s.tekort == 12
    assert s.resterende_maanden == 12
    assert s.per_maand == 1


def test_mid_year_behind_the_pace_is_at_risk_with_the_pace_still_needed():
    # 2023-07-01: 181/365 of the year passed; 12 × 181/365 ≈ 5.95 expected.
    s = signaal(spec(norm="12"), F(5), datetime.date(2023, 7, 1))
    assert s.verwacht == F(12 * 181, 365)
    assert s.koers == Koers.RISICO
    assert s.risico
    assert s.tekort == 7
    assert s.resterende_maanden == 6
    assert s.per_maand == F(7, 6)


def test_mid_year_on_the_pace_is_on_course():
    s = signaal(spec(norm="12"), F(6), datetime.date(2023, 7, 1))
    assert s.koers == Koers.OP_KOERS
    assert s.per_maand == 1


def test_leap_year_shifts_the_expected_value():
    # 1 July: 182/366 of 2024 passed (≈ 5.967 of 12) but 181/365 of 2023 (≈ 5.951).
    leap = signaal(spec(norm="12"), F("5.96"), datetime.date(2024, 7, 1))
    common = signaal(spec(norm="12"), F("5.96"), datetime.date(2023, 7, 1))
    assert leap.koers == Koers.RISICO
    assert common.koers == Koers.OP_KOERS


def test_end_of_year_almost_the_whole_norm_is_expected():
    op_31_december = datetime.date(2024, 12, 31)
    s = signaal(spec(norm="366"), F(364), op_31_december)
    assert s.verwacht == 365
    assert s.koers == Koers.RISICO
    assert s.tekort == 2
    assert s.resterende_maanden == 1
    assert s.per_maand == 2
    assert signaal(spec(norm="366"), F(365), op_31_december).koers == Koers.OP_KOERS


def test_norm_zero_is_always_on_course_and_has_no_percentage():
    s = signaal(spec(norm="0"), F(0), datetime.date(2024, 6, 1))
    assert s.koers == Koers.OP_KOERS
    assert s.tekort == 0
    assert s.per_maand == 0
    assert s.voortgang is None
    level = signaal(spec(Indicator.AANTAL_LEDEN, "0"), F(0), datetime.date(2024, 6, 1))
    assert level.koers == Koers.OP_KOERS


def test_already_met_needs_nothing_more():
    s = signaal(spec(norm="12"), F(15), datetime.date(2024, 2, 1))
    assert s.koers == Koers.OP_KOERS
    assert s.tekort == 0
    assert s.per_maand == 0
    assert s.voortgang == 125


def test_level_indicator_compares_with_the_whole_norm_all_year():
    januari = datetime.date(2024, 1, 1)
    s = signaal(spec(Indicator.AANDEEL_DOELGROEP, "30"), F(25), januari)
    assert s.koers == Koers.RISICO
    assert s.verwacht == 30
    assert s.tekort == 5
    assert s.per_maand is None
    assert not s.cumulatief
    ok = signaal(spec(Indicator.AANTAL_LEDEN, "20"), F(20), januari)
    assert ok.koers == Koers.OP_KOERS


def test_signals_of_a_result_skip_maximums_and_qualitative_clauses():
    minimaal = spec(id=1, norm="12")
    maximaal = spec(id=2, indicator=Indicator.BESTEDING, richting=Richting.MAXIMAAL)
    kwalitatief = spec(id=3, indicator=Indicator.KWALITATIEF, norm="0")
    resultaat = ToetsingResultaat(
        2024,
        Verdict.TE_BEOORDELEN,
        (
            ToezeggingResultaat(minimaal, F(3), Verdict.NIET_NAGEKOMEN),
            ToezeggingResultaat(maximaal, F(100), Verdict.NAGEKOMEN),
            ToezeggingResultaat(kwalitatief, None, Verdict.TE_BEOORDELEN),
        ),
    )
    result = signalen(resultaat, datetime.date(2024, 7, 1))
    assert [s.toezegging.id for s in result] == [1]
    assert result[0].koers == Koers.RISICO


def test_risk_sorts_first_and_keeps_the_order_otherwise():
    datum = datetime.date(2024, 7, 1)
    a = signaal(spec(id=1, norm="12"), F(12), datum)
    b = signaal(spec(id=2, norm="12"), F(1), datum)
    c = signaal(spec(id=3, norm="12"), F(10), datum)
    d = signaal(spec(id=4, norm="12"), F(0), datum)
    ordered = risico_eerst([a, b, c, d])
    assert [s.toezegging.id for s in ordered] == [2, 4, 1, 3]
    rows = [("x", a), ("y", b)]
    assert risico_eerst(rows, key=lambda row: row[1]) == [("y", b), ("x", a)]


@pytest.mark.parametrize(
    ("waarde", "norm", "expected"),
    [(F(12), F(20), F(60)), (F(0), F(5), F(0)), (F(3), F(0), None)],
)
def test_progress_as_percentage_of_the_norm(waarde, norm, expected):
    assert voortgang(waarde, norm) == expected

"""The one notation of numbers, money, percentages and dates, in Dutch and English:
exact rounding of Decimals and Fractions, negative numbers and zero, large
numbers, None, and the template filters that write the same."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

from django.template import Context, Template
from django.utils import translation

import pytest

from kern.formatting import (
    aantal,
    bedrag,
    datum,
    getal,
    maand,
    meetwaarde,
    moment,
    percentage,
    taal_van,
    tijd,
)

D = Decimal
F = Fraction

# Numbers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "decimalen", "nl", "en"),
    [
        (D("1234.5"), 2, "1234,50", "1234.50"),
        (D("1234.5"), 1, "1234,5", "1234.5"),
        (D("1234.5"), 0, "1235", "1235"),
        (D("-1234.5"), 1, "-1234,5", "-1234.5"),
        (0, 1, "0,0", "0.0"),
        (D("0.00"), 2, "0,00", "0.00"),
        (7, 1, "7,0", "7.0"),
        (F(100, 3), 1, "33,3", "33.3"),
        (F(200, 3), 1, "66,7", "66.7"),
        (F(-200, 3), 1, "-66,7", "-66.7"),
        ("12.50", 2, "12,50", "12.50"),
        (
            D("123456789012345678901234567890.25"),
            1,
            "123456789012345678901234567890,3",
            "123456789012345678901234567890.3",
        ),
    ],
)
def test_a_number_is_rounded_to_its_decimals_in_each_language(value, decimalen, nl, en):
    assert getal(value, decimalen, taal="nl") == nl
    assert getal(value, decimalen, taal="en") == en


def test_thousands_are_grouped_only_when_asked():
    assert getal(1234567, 0, taal="nl") == "1234567"
    assert getal(1234567, 0, groeperen=True, taal="nl") == "1.234.567"
    assert getal(1234567, 0, groeperen=True, taal="en") == "1,234,567"
    assert getal(D("-1234567.891"), 2, groeperen=True, taal="nl") == "-1.234.567,89"
    assert getal(D("-1234567.891"), 2, groeperen=True, taal="en") == "-1,234,567.89"
    assert getal(999, 0, groeperen=True, taal="nl") == "999"
    assert getal(D("0.5"), 1, groeperen=True, taal="nl") == "0,5"


@pytest.mark.parametrize(
    ("value", "half_up", "half_even"),
    [
        (D("12.25"), "12,3", "12,2"),
        (D("12.35"), "12,4", "12,4"),
        (D("-12.25"), "-12,3", "-12,2"),
        (F(49, 4), "12,3", "12,2"),  # 12.25 as a Fraction
        (D("0.05"), "0,1", "0,0"),
        (D("12.2499999999999999999999999999999"), "12,2", "12,2"),
        (D("12.2500000000000000000000000000001"), "12,3", "12,3"),
    ],
)
def test_rounding_is_exact_half_up_or_half_even(value, half_up, half_even):
    assert getal(value, 1, taal="nl") == half_up
    assert getal(value, 1, afronding=ROUND_HALF_EVEN, taal="nl") == half_even


def test_a_fraction_is_rounded_on_its_exact_value_not_a_28_digit_quotient():
    # 1/20 - 10**-30: a 28-digit division would first round it up to 0.05.
    just_below_half = F(1, 20) - F(1, 10**30)
    assert getal(just_below_half, 1, taal="nl") == "0,0"
    assert getal(F(1, 20), 1, taal="nl") == "0,1"


def test_a_float_is_taken_as_it_prints_not_as_its_binary_value():
    # 2.675 is stored as 2.67499999…; written, it is 2.675 and rounds up.
    assert getal(2.675, 2, taal="nl") == "2,68"
    assert getal(0.1 + 0.2, 2, taal="en") == "0.30"


def test_a_value_that_rounds_to_zero_has_no_minus_sign():
    assert getal(D("-0.04"), 1, taal="nl") == "0,0"
    assert getal(D("-0.4"), 0, taal="nl") == "0"
    assert getal(D("-0"), taal="nl") == "0"
    assert bedrag(D("-0.001"), taal="nl") == "€ 0,00"
    assert bedrag(D("-0.001"), taal="en") == "€0.00"


def test_compact_drops_the_decimals_of_a_whole_number_only():
    assert getal(F(12), 1, compact=True, taal="nl") == "12"
    assert getal(D("11.96"), 1, compact=True, taal="nl") == "12"
    assert getal(D("12.5"), 1, compact=True, taal="nl") == "12,5"
    assert getal(D("4.50"), 2, compact=True, taal="nl") == "4,50"
    assert getal(D("-3.00"), 2, compact=True, taal="en") == "-3"
    assert getal(0, 2, compact=True, taal="nl") == "0"


def test_without_decimals_given_a_number_is_written_exactly():
    assert getal(D("500.00"), taal="nl") == "500"
    assert getal(D("12.50"), taal="nl") == "12,5"
    assert getal(D("1E+3"), taal="nl") == "1000"
    assert getal(F(1, 8), taal="en") == "0.125"
    assert getal(-7, taal="en") == "-7"
    with pytest.raises(ValueError, match="geen eindige decimale"):
        getal(F(1, 3))


def test_none_is_a_dash_and_nonsense_is_refused():
    assert getal(None) == "–"
    assert bedrag(None) == "–"
    assert percentage(None) == "–"
    for bad in (D("NaN"), D("Infinity"), "twaalf"):
        with pytest.raises((ValueError, ArithmeticError)):
            getal(bad, 1)
    with pytest.raises(TypeError):
        getal(True, 1)
    with pytest.raises(ValueError, match="negatief"):
        getal(1, -1)
    with pytest.raises(ValueError, match="afronding"):
        getal(1, 1, afronding="ROUND_DOWN")


# Money and percentages -------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "nl", "en"),
    [
        (D("1234.5"), "€ 1.234,50", "€1,234.50"),
        ("1234.50", "€ 1.234,50", "€1,234.50"),
        (D("-12.5"), "€ -12,50", "-€12.50"),
        (0, "€ 0,00", "€0.00"),
        (D("1000000"), "€ 1.000.000,00", "€1,000,000.00"),
        (F(1001, 200), "€ 5,01", "€5.01"),  # 5.005, half up
        (F(-1001, 200), "€ -5,01", "-€5.01"),
        (D("238.333"), "€ 238,33", "€238.33"),
    ],
)
def test_an_amount_is_in_euro_to_the_cent(value, nl, en):
    assert bedrag(value, taal="nl") == nl
    assert bedrag(value, taal="en") == en


def test_a_percentage_is_given_in_percent():
    assert percentage(D("12.5"), taal="nl") == "12,5%"
    assert percentage(50, taal="nl") == "50,0%"
    assert percentage(F(100, 3), taal="en") == "33.3%"
    assert percentage(F(12), compact=True, taal="nl") == "12%"
    assert percentage(D("-2.25"), 1, taal="nl") == "-2,3%"
    assert percentage(D("99.95"), 0, taal="en") == "100%"


def test_the_active_language_is_used_unless_one_is_given():
    with translation.override("en"):
        assert getal(D("1.5"), 1) == "1.5"
        assert bedrag(D("1.5")) == "€1.50"
        assert bedrag(D("1.5"), taal="nl") == "€ 1,50"
    with translation.override("nl"):
        assert getal(D("1.5"), 1) == "1,5"
    assert taal_van("en-gb") == "en"
    assert taal_van("de") == "nl"
    with translation.override(None):
        assert taal_van() == "nl"


# Dates -----------------------------------------------------------------------------

DAG = datetime.date(2025, 3, 5)
# 23:30 UTC on 31 December is already New Year in Amsterdam.
OUDJAAR = datetime.datetime(2024, 12, 31, 23, 30, 5, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("vorm", "nl", "en"),
    [
        ("kort", "05-03-2025", "2025-03-05"),
        ("compact", "5-3-2025", "2025-03-05"),
        ("middel", "5 mrt 2025", "5 Mar 2025"),
        ("lang", "5 maart 2025", "5 March 2025"),
    ],
)
def test_a_date_in_each_form_and_language(vorm, nl, en):
    assert datum(DAG, vorm, taal="nl") == nl
    assert datum(DAG, vorm, taal="en") == en


def test_a_moment_is_written_in_local_time():
    assert datum(OUDJAAR, taal="nl") == "01-01-2025"
    assert tijd(OUDJAAR) == "00:30"
    assert tijd(OUDJAAR, seconden=True) == "00:30:05"
    assert moment(OUDJAAR, taal="nl") == "01-01-2025 00:30"
    assert moment(OUDJAAR, "compact", seconden=True, taal="nl") == "1-1-2025 00:30:05"
    assert moment(OUDJAAR, "lang", taal="en") == "1 January 2025 00:30"
    summer = datetime.datetime(2025, 7, 1, 10, 0, tzinfo=datetime.UTC)
    assert moment(summer, taal="en") == "2025-07-01 12:00"


def test_no_date_is_written_as_nothing_and_an_unknown_form_is_refused():
    assert datum(None) == ""
    assert moment(None) == ""
    with pytest.raises(ValueError, match="datumvorm"):
        datum(DAG, "heel lang")


def test_month_names():
    assert [maand(m, taal="nl") for m in (1, 3, 12)] == ["januari", "maart", "december"]
    assert maand(3, taal="en") == "March"
    with translation.override("en"):
        assert maand(5) == "May"


# Template filters ------------------------------------------------------------------


def render(text: str, **context) -> str:
    return Template("{% load opmaak %}" + text).render(Context(context))


def test_the_template_filters_write_the_same_in_the_active_language():
    context = {
        "uren": D("4.50"),
        "heel": D("4.00"),
        "geld": D("-1234.5"),
        "pct": D("12.25"),
        "dag": DAG,
        "t": OUDJAAR,
    }
    template = (
        "{{ uren|getal }} {{ uren|getal:2 }} {{ heel|getal:'-2' }}"
        " {{ uren|getal:'-2' }}"
        " | {{ geld|bedrag }} | {{ pct|percentage }} {{ pct|percentage:0 }}"
        " | {{ dag|datum }} {{ dag|datum:'lang' }} {{ dag|datum:'compact' }}"
        " | {{ t|moment }} {{ t|moment:'seconden' }} {{ t|moment:'compact' }}"
    )
    with translation.override("nl"):
        assert render(template, **context) == (
            "4,5 4,50 4 4,50 | € -1.234,50 | 12,3% 12%"
            " | 05-03-2025 5 maart 2025 5-3-2025"
            " | 01-01-2025 00:30 01-01-2025 00:30:05 1-1-2025 00:30"
        )
    with translation.override("en"):
        assert render(template, **context) == (
            "4.5 4.50 4 4.50 | -€1,234.50 | 12.3% 12%"
            " | 2025-03-05 5 March 2025 2025-03-05"
            " | 2025-01-01 00:30 2025-01-01 00:30:05 2025-01-01 00:30"
        )


def test_counts_and_hours_on_pages_are_grouped_without_trailing_zeros():
    template = "{{ n|aantal }} | {{ a|uren }} {{ b|uren }} {{ c|uren }} {{ d|uren }}"
    context = {
        "n": 14814,
        "a": D("1234.50"),
        "b": D("2.25"),
        "c": D("14814.00"),
        "d": None,
    }
    with translation.override("nl"):
        assert render(template, **context) == "14.814 | 1.234,5 2,25 14.814 –"
    with translation.override("en"):
        assert render(template, **context) == "14,814 | 1,234.5 2.25 14,814 –"


def test_a_filter_on_an_unknown_variable_writes_nothing():
    assert render("[{{ nix|getal:1 }}{{ nix|bedrag }}{{ nix|datum }}]") == "[]"
    assert render("[{{ nix|percentage }}{{ nix|moment }}]") == "[]"
    assert render("[{{ nix|aantal }}{{ nix|uren }}]") == "[]"
    assert render("[{{ leeg|getal }}{{ leeg|datum }}]", leeg=None) == "[–]"


# Counts and measured values ---------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "nl", "en"),
    [
        (26, "26", "26"),
        (D("26.0"), "26", "26"),
        (1234567, "1.234.567", "1,234,567"),
        (D("12.5"), "13", "13"),  # a count is whole: rounded half up
        (-1234, "-1.234", "-1,234"),
        (0, "0", "0"),
        (None, "–", "–"),
    ],
)
def test_a_count_is_whole_and_grouped(value, nl, en):
    assert aantal(value, taal="nl") == nl
    assert aantal(value, taal="en") == en


def test_a_count_never_has_a_decimal():
    for value in (20, D("20.00"), F(40, 2), "26.0"):
        assert "," not in aantal(value, taal="nl")
        assert "." not in aantal(value, taal="en")


@pytest.mark.parametrize(
    ("value", "kwargs", "nl", "en"),
    [
        (D("397.50"), {}, "397,5", "397.5"),
        (D("14.50"), {}, "14,5", "14.5"),
        (D("1234.56"), {}, "1.234,6", "1,234.6"),
        (12, {"compact": True}, "12", "12"),
        (D("80.00"), {"compact": True, "na": "%"}, "80%", "80%"),
        (F(100, 3), {"na": "%"}, "33,3%", "33.3%"),
        (D("397.5"), {"na": " uur"}, "397,5 uur", "397.5 uur"),
        (D("6000"), {"decimalen": 2, "voor": "≤ "}, "≤ 6.000,00", "≤ 6,000.00"),
        (None, {}, "–", "–"),
    ],
)
def test_a_measured_value_has_its_precision_and_unit(value, kwargs, nl, en):
    assert meetwaarde(value, **kwargs, taal="nl") == nl
    assert meetwaarde(value, **kwargs, taal="en") == en


def test_counts_and_measured_values_follow_the_active_language():
    with translation.override("en"):
        assert aantal(1234) == "1,234"
        assert meetwaarde(D("1234.5")) == "1,234.5"
    with translation.override("nl"):
        assert aantal(1234) == "1.234"
        assert meetwaarde(D("1234.5")) == "1.234,5"

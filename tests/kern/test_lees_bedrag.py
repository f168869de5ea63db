"""Amounts as people type them (kern.forms.lees_bedrag, BedragField)."""

from decimal import Decimal

from django import forms

import pytest

from kern.forms import BEDRAG_MAX_LENGTE, BedragField, lees_bedrag


@pytest.mark.parametrize(
    ("tekst", "waarde"),
    [
        ("1.234,50", "1234.50"),
        ("1234,5", "1234.5"),
        ("€ 12", "12"),
        ("€12,00", "12.00"),
        ("EUR 7,5", "7.5"),
        ("-12,50", "-12.50"),
        ("€ -3", "-3"),
        ("1.234", "1234"),
        ("1.234.567,89", "1234567.89"),
        ("1234.50", "1234.50"),
        ("12.5", "12.5"),
        ("1,234.50", "1234.50"),
        ("  1 234,50 ", "1234.50"),
        ("0,01", "0.01"),
    ],
)
def test_reads_dutch_and_machine_amounts(tekst, waarde):
    assert lees_bedrag(tekst) == Decimal(waarde)


@pytest.mark.parametrize(
    "tekst",
    [
        "",
        "€",
        "abc",
        "1,2,3",
        "12.34.5",
        "1.23,4.5",
        "1e5",
        "NaN",
        "12,",
        ",5x",
        "--5",
        "1.2345",
        "12.345.6",
    ],
)
def test_refuses_what_is_not_an_amount(tekst):
    with pytest.raises(ValueError, match="moet een getal in euro zijn"):
        lees_bedrag(tekst)


def test_refuses_long_text_before_reading_it():
    with pytest.raises(ValueError, match=str(BEDRAG_MAX_LENGTE)):
        lees_bedrag("1" * (BEDRAG_MAX_LENGTE + 1))


def test_field_keeps_model_bounds_and_names_the_shape():
    class F(forms.Form):
        bedrag = BedragField(max_digits=8, decimal_places=2, min_value=Decimal("0.01"))

    form = F({"bedrag": "1.234,50"})
    assert form.is_valid()
    assert form.cleaned_data["bedrag"] == Decimal("1234.50")
    form = F({"bedrag": "1.234,505"})
    assert not form.is_valid()
    assert "bedrag" in form.errors
    form = F({"bedrag": "0"})
    assert not form.is_valid()
    form = F({"bedrag": "twaalf"})
    assert form.errors["bedrag"] == [
        "Een bedrag moet een getal in euro zijn, bijvoorbeeld 1.234,50."
    ]

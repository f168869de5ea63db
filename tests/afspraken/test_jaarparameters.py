"""The legal figures every installation starts with."""

from decimal import Decimal

import pytest

from afspraken.choices import JaarparameterCode as C
from afspraken.models import Jaarparameter

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("jaar", "code", "waarde"),
    [
        (2023, C.DAEB_INKOMENSGRENS_EEN, "44035.00"),
        (2023, C.DAEB_INKOMENSGRENS_MEER, "48625.00"),
        (2024, C.DAEB_INKOMENSGRENS_EEN, "47699.00"),
        (2024, C.DAEB_INKOMENSGRENS_MEER, "52671.00"),
        (2021, C.AFTOPPINGSGRENS_LAAG, "633.25"),
        (2024, C.AFTOPPINGSGRENS_LAAG, "650.43"),
        (2024, C.AFTOPPINGSGRENS_HOOG, "697.07"),
    ],
)
def test_known_legal_figures_are_loaded_with_their_source(jaar, code, waarde):
    parameter = Jaarparameter.objects.get(jaar=jaar, code=code)
    assert parameter.waarde == Decimal(waarde)
    assert str(jaar) in parameter.bron
    assert len(parameter.bron) > 40


def test_a_figure_is_read_per_year_never_guessed():
    assert Jaarparameter.objects.geldend(2024, C.AFTOPPINGSGRENS_HOOG) == Decimal(
        "697.07"
    )
    assert Jaarparameter.objects.geldend(2022, C.AFTOPPINGSGRENS_HOOG) is None

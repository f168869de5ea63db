"""`manage.py evaluate_year` prints verdicts per toetsing and per toezegging."""

from io import StringIO

from django.core.management import call_command
from django.core.management.base import CommandError

import pytest

from afspraken import services
from tests.helpers import fresh


def _run(**kwargs) -> str:
    out = StringIO()
    call_command("evaluate_year", stdout=out, **kwargs)
    return out.getvalue()


def test_prints_every_toezegging_with_value_and_verdict(world):
    out = _run(jaar=2024)
    for tenant in (world.a, world.b):
        assert tenant.corporatie.naam in out
        assert tenant.cooperatie.naam in out
    # One activity against a norm of 12: measured 1,0, not kept.
    line = next(line for line in out.splitlines() if "Minstens 12 activiteiten" in line)
    assert "≥ 12" in line
    assert "1,0" in line
    assert "niet nagekomen" in line
    assert "2 afspraken in 2024: 2 niet nagekomen." in out


def test_corporatie_filter_and_frozen_years(world):
    services.toetsing_indienen(toetsing=world.a.toetsing, actor=fresh(world.a.bestuur))
    out = _run(jaar=2024, corporatie=world.a.corporatie.kvk_nummer)
    assert world.a.cooperatie.naam in out
    assert world.b.cooperatie.naam not in out
    assert "status: ingediend" in out
    assert "(vastgelegd)" in out


def test_unknown_kvk_is_refused_by_name(world):
    with pytest.raises(CommandError, match="99999999"):
        _run(jaar=2024, corporatie="99999999")


def test_a_year_without_afspraken_says_so(world):
    assert "Geen afspraken die in 1999 lopen." in _run(jaar=1999)

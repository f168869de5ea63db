"""The demo reads the buurtcijfers samples: every demo gebouw's buurt has a
Leefbaarometer trend over several years and CBS key figures."""

from __future__ import annotations

import datetime

import pytest

from cooperatie.models import Buurtkerncijfers, Gebouw, Leefbaarometerscore
from demo import buurtcijfers, wereld


@pytest.mark.django_db
def test_the_demo_gives_every_buurt_of_its_gebouwen_figures():
    assert wereld.seed(today=datetime.date(2026, 3, 2))

    codes = set(
        Gebouw.objects.exclude(buurtcode="").values_list("buurtcode", flat=True)
    )
    assert codes
    for code in codes:
        scores = Leefbaarometerscore.objects.filter(
            buurtcode=code, versie=buurtcijfers.VERSIE
        )
        assert scores.count() >= 3, code
        assert Buurtkerncijfers.objects.filter(buurtcode=code, jaar=2024).exists()


@pytest.mark.django_db
def test_the_samples_say_they_are_samples():
    for path in (buurtcijfers.LEEFBAAROMETER, buurtcijfers.CBS):
        assert path.name.startswith("VOORBEELD-")
        rows = path.read_text(encoding="utf-8").splitlines()[1:]
        assert all("VOORBEELD - geen echte cijfers" in row for row in rows)

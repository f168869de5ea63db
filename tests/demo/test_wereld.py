"""The same seed and day give the same demo world."""

from __future__ import annotations

import datetime

from django.db import transaction

import pytest

from cooperatie.models import Lid
from demo import wereld
from ledger.models import Activiteit, Boeking


def fingerprint() -> dict[str, list]:
    """The world by its values, without keys or times."""
    return {
        "leden": list(
            Lid.objects.order_by("naam").values_list(
                "naam",
                "adres",
                "email",
                "telefoon",
                "lid_sinds",
                "lid_tot",
                "doelgroep",
            )
        ),
        # Sorted on every value: two activities can share date, title and
        # coöperatie, and the database orders such ties as it likes.
        "activiteiten": sorted(
            Activiteit.objects.values_list(
                "cooperatie__naam",
                "datum",
                "titel",
                "deelnemers_leden",
                "deelnemers_buurt",
                "vrijwilligersuren",
            )
        ),
        "boekingen": list(
            Boeking.objects.order_by("pk").values_list(
                "cooperatie__naam", "datum", "soort", "bedrag", "omschrijving"
            )
        ),
    }


@pytest.mark.django_db
def test_the_same_day_builds_the_same_world_twice():
    today = datetime.date(2026, 3, 2)
    with transaction.atomic():
        assert wereld.seed(today=today)
        first = fingerprint()
        transaction.set_rollback(True)
    assert not Lid.objects.exists()

    assert wereld.seed(today=today)

    assert fingerprint() == first
    assert len(first["leden"]) > 130
    assert len(first["boekingen"]) > 100

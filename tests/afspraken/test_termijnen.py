"""The deadline of a year: the day an afspraak names (default 1 April of the
following year), and when a year is late."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError

import pytest

from afspraken import services, termijnen
from afspraken.choices import ToetsingStatus
from tests.afspraken.factories import ToetsingFactory, set_status
from tests.api.rules_helpers import client_for

D = datetime.date


@pytest.mark.parametrize(
    ("status", "vandaag", "laat"),
    [
        ("", D(2026, 4, 2), True),  # never opened
        (ToetsingStatus.OPEN, D(2026, 4, 1), False),  # the last day itself
        (ToetsingStatus.OPEN, D(2026, 4, 2), True),
        (ToetsingStatus.TERUGGESTUURD, D(2026, 4, 2), True),
        (ToetsingStatus.INGEDIEND, D(2026, 4, 2), False),
        (ToetsingStatus.VASTGESTELD, D(2027, 1, 1), False),
    ],
)
def test_te_laat_only_while_with_the_bestuur_and_past_the_day(status, vandaag, laat):
    uiterlijk = termijnen.uiterlijk_indienen(2025, 4, 1)
    assert uiterlijk == D(2026, 4, 1)
    assert termijnen.te_laat(status, uiterlijk, vandaag) is laat


def test_dagen_tot_counts_down_to_zero_and_below():
    uiterlijk = D(2026, 4, 1)
    assert termijnen.dagen_tot(uiterlijk, D(2026, 3, 18)) == 14
    assert termijnen.dagen_tot(uiterlijk, uiterlijk) == 0
    assert termijnen.dagen_tot(uiterlijk, D(2026, 4, 2)) == -1


@pytest.mark.django_db
def test_new_afspraak_defaults_to_1_april(world):
    afspraak = services.afspraak_create(
        corporatie=world.a.corporatie,
        cooperatie=world.a.cooperatie,
        titel="Nieuwe afspraak",
        ingangsjaar=2025,
        actor=world.a.beheerder,
    )
    assert afspraak.uiterlijk_indienen(2025) == D(2026, 4, 1)


@pytest.mark.django_db
@pytest.mark.parametrize(("maand", "dag"), [(2, 29), (4, 31), (6, 0)])
def test_a_day_that_does_not_exist_is_refused_on_the_field(world, maand, dag):
    with pytest.raises(ValidationError) as info:
        services.afspraak_update(
            afspraak=world.a.afspraak,
            actor=world.a.beheerder,
            indienen_maand=maand,
            indienen_dag=dag,
        )
    assert "indienen_dag" in info.value.message_dict
    world.a.afspraak.refresh_from_db()
    assert (world.a.afspraak.indienen_maand, world.a.afspraak.indienen_dag) == (4, 1)


@pytest.mark.django_db
def test_api_shows_the_deadline_and_whether_the_year_is_late(world):
    services.afspraak_update(
        afspraak=world.a.afspraak,
        actor=world.a.beheerder,
        indienen_maand=3,
        indienen_dag=15,
    )
    laat = ToetsingFactory(afspraak=world.a.afspraak, jaar=2020)
    op_tijd = ToetsingFactory(afspraak=world.a.afspraak, jaar=2021)
    set_status(op_tijd, ToetsingStatus.INGEDIEND)
    client = client_for(world.a.beheerder)

    body = client.get(f"/api/v1/toetsingen/{laat.pk}/").json()
    assert (body["uiterlijk_indienen"], body["te_laat"]) == ("2021-03-15", True)
    body = client.get(f"/api/v1/toetsingen/{op_tijd.pk}/").json()
    assert (body["uiterlijk_indienen"], body["te_laat"]) == ("2022-03-15", False)
    afspraak = client.get(f"/api/v1/afspraken/{world.a.afspraak.pk}/").json()
    assert (afspraak["indienen_maand"], afspraak["indienen_dag"]) == (3, 15)

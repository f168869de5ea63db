"""Hours per volunteer in the activities API: read, written with the
activity, refused when they do not add up."""

from __future__ import annotations

from decimal import Decimal

from ledger.models import Activiteit
from tests.api.problems import invalid_params
from tests.api.rules_helpers import client_for
from tests.helpers import entries_since, journal_mark, table_state


def _payload(world, **extra) -> dict:
    a = world.a
    return {
        "cooperatie": a.cooperatie.pk,
        "datum": "2025-05-01",
        "titel": "Plantjesmarkt",
        "thema": "groen",
        "vrijwilligersuren": "5.00",
        "vrijwilligers": [a.lid.pk, a.bestuurslid.pk],
        **extra,
    }


def test_create_and_read_hours_per_volunteer(world):
    a = world.a
    client = client_for(a.bestuur)
    mark = journal_mark()

    response = client.post(
        "/api/v1/activiteiten/",
        _payload(
            world,
            vrijwilligers_uren={str(a.lid.pk): "3.5", str(a.bestuurslid.pk): "1.5"},
        ),
        format="json",
    )

    assert response.status_code == 201, response.json()
    expected = {str(a.lid.pk): "3.50", str(a.bestuurslid.pk): "1.50"}
    assert response.json()["vrijwilligers_uren"] == expected
    activiteit = Activiteit.objects.get(pk=response.json()["id"])
    assert activiteit.vrijwilligers_uren == {
        str(a.lid.pk): Decimal("3.50"),
        str(a.bestuurslid.pk): Decimal("1.50"),
    }
    [entry] = entries_since(mark)
    assert entry.after["vrijwilligers_uren"] == expected
    read = client.get(f"/api/v1/activiteiten/{activiteit.pk}/")
    assert read.json()["vrijwilligers_uren"] == expected


def test_without_hours_the_contract_is_unchanged(world):
    response = client_for(world.a.bestuur).post(
        "/api/v1/activiteiten/", _payload(world), format="json"
    )
    assert response.status_code == 201
    assert response.json()["vrijwilligers_uren"] == {}


def test_hours_that_do_not_add_up_are_refused(world):
    a = world.a
    rows = table_state(Activiteit)
    response = client_for(a.bestuur).post(
        "/api/v1/activiteiten/",
        _payload(
            world,
            vrijwilligers_uren={str(a.lid.pk): "3", str(a.bestuurslid.pk): "1"},
        ),
        format="json",
    )
    assert response.status_code == 400
    assert "vrijwilligersuren" in invalid_params(response)
    assert table_state(Activiteit) == rows

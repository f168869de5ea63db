"""Bulk create through the API (POST /api/v1/activiteiten/bulk/ and
/api/v1/boekingen/bulk/): bounded, all or nothing, errors by index and field,
the single create's scoping, the year lock, one journal entry per object."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from afspraken.choices import ToetsingStatus
from kern.api.bulk import MAX_BULK
from ledger.models import Activiteit, Boeking
from tests.afspraken.factories import set_status
from tests.api.problems import invalid_params
from tests.helpers import entries_since, fresh, journal_mark, table_state

ACTIVITEITEN = "/api/v1/activiteiten/bulk/"
BOEKINGEN = "/api/v1/boekingen/bulk/"


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(fresh(user))
    return client


def _activiteit(world, n: int, **fields) -> dict:
    return {
        "cooperatie": world.a.cooperatie.pk,
        "datum": "2025-03-01",
        "titel": f"Koffieochtend {n}",
        "thema": "ontmoeting",
        "vrijwilligers": [world.a.lid.pk],
        "vrijwilligersuren": "2.50",
        **fields,
    }


def _boeking(world, **fields) -> dict:
    return {
        "cooperatie": world.a.cooperatie.pk,
        "datum": "2025-03-01",
        "soort": "uitgave",
        "bedrag": "12.50",
        "omschrijving": "Koffie",
        **fields,
    }


def test_bulk_activities_are_written_with_one_entry_each(world):
    seq = journal_mark()
    body = [_activiteit(world, n) for n in range(3)]

    response = client_for(world.a.bestuur).post(ACTIVITEITEN, body, format="json")

    assert response.status_code == 201, response.json()
    data = response.json()
    assert [item["titel"] for item in data] == [f"Koffieochtend {n}" for n in range(3)]
    assert all(item["vrijwilligers"] == [world.a.lid.pk] for item in data)
    entries = entries_since(seq)
    assert [e.action for e in entries] == ["activiteit_create"] * 3
    assert {e.actor_id for e in entries} == {world.a.bestuur.pk}
    assert Activiteit.objects.filter(titel__startswith="Koffieochtend ").count() == 3


def test_one_bad_object_writes_nothing_and_is_named_by_index(world):
    state, seq = table_state(Activiteit), journal_mark()
    body = [
        _activiteit(world, 0),
        _activiteit(world, 1, thema="feest"),
        _activiteit(world, 2),
    ]

    response = client_for(world.a.bestuur).post(ACTIVITEITEN, body, format="json")

    assert response.status_code == 400
    assert list(invalid_params(response)) == ["1.thema"]
    assert table_state(Activiteit) == state
    assert entries_since(seq) == []


def test_a_service_refusal_writes_nothing_and_is_named_by_index(world):
    set_status(world.a.toetsing, ToetsingStatus.INGEDIEND)
    state, seq = table_state(Boeking), journal_mark()
    body = [_boeking(world), _boeking(world, datum="2024-06-01")]

    response = client_for(world.a.bestuur).post(BOEKINGEN, body, format="json")

    assert response.status_code == 400
    errors = invalid_params(response)
    assert list(errors) == ["1.datum"]
    assert "2024" in errors["1.datum"][0]
    assert table_state(Boeking) == state
    assert entries_since(seq) == []


def test_another_cooperatie_is_out_of_scope_and_writes_nothing(world):
    state = table_state(Activiteit)
    response = client_for(world.b.bestuur).post(
        ACTIVITEITEN, [_activiteit(world, 0)], format="json"
    )
    assert response.status_code == 400
    assert "0.cooperatie" in invalid_params(response)
    # A beheerder sees the cooperatie but may not book for it.
    response = client_for(world.a.beheerder).post(
        ACTIVITEITEN, [_activiteit(world, 0)], format="json"
    )
    assert response.status_code == 403
    assert table_state(Activiteit) == state


def test_objects_of_two_cooperaties_are_refused(world, django_user_model):
    body = [
        _activiteit(world, 0),
        _activiteit(world, 1, cooperatie=world.b.cooperatie.pk),
    ]
    response = client_for(world.superuser).post(ACTIVITEITEN, body, format="json")
    assert response.status_code == 400
    assert "1.cooperatie" in invalid_params(response)


def test_a_volunteer_of_another_cooperatie_is_refused(world):
    body = [_activiteit(world, 0, vrijwilligers=[world.b.lid.pk])]
    response = client_for(world.a.bestuur).post(ACTIVITEITEN, body, format="json")
    assert response.status_code == 400
    assert "0.vrijwilligers" in invalid_params(response)


def test_a_storno_cannot_be_made_in_bulk(world):
    body = [_boeking(world, corrigeert=world.a.boeking.pk)]
    state = table_state(Boeking)
    response = client_for(world.a.bestuur).post(BOEKINGEN, body, format="json")
    # corrigeert is read-only: ignored, so this is a plain booking.
    assert response.status_code == 201
    assert response.json()[0]["corrigeert"] is None
    assert table_state(Boeking) != state


@pytest.mark.parametrize(
    "body",
    [
        {},
        [],
        "tekst",
        pytest.param("too-many", id="too-many"),
    ],
)
def test_the_body_is_a_bounded_nonempty_list(world, body):
    if body == "too-many":
        body = [_boeking(world)] * (MAX_BULK + 1)
    state = table_state(Boeking)
    response = client_for(world.a.bestuur).post(BOEKINGEN, body, format="json")
    assert response.status_code == 400
    assert table_state(Boeking) == state


def test_amounts_keep_the_strict_json_types(world):
    body = [_boeking(world, bedrag=12.5)]
    response = client_for(world.a.bestuur).post(BOEKINGEN, body, format="json")
    assert response.status_code == 400
    assert "0.bedrag" in invalid_params(response)

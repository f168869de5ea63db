"""Composite writes through the API: an afspraak with its toezeggingen nested in
the same POST, PUT or PATCH, all or nothing through `afspraak_save` (the service
of the beheerder's form); and activiteiten written through `activiteit_save`."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from afspraken.api.serializers import MAX_TOEZEGGING_ROWS
from afspraken.models import Afspraak, Toezegging
from ledger import services as ledger_services
from tests.afspraken.factories import ToezeggingFactory
from tests.api.problems import invalid_params
from tests.helpers import entries_since, fresh, journal_mark, table_state


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(fresh(user))
    return client


def _afspraak(world, **fields) -> dict:
    return {
        "corporatie": world.a.corporatie.pk,
        "cooperatie": world.a.cooperatie.pk,
        "gebouwen": [world.a.gebouw.pk],
        "titel": "Sociale inbreng 2025–2028",
        "ingangsjaar": 2025,
        **fields,
    }


def _row(omschrijving: str, **fields) -> dict:
    return {
        "omschrijving": omschrijving,
        "indicator": "besteding",
        "norm": "500.00",
        **fields,
    }


def _state():
    return table_state(Afspraak), table_state(Toezegging)


def test_create_with_nested_toezeggingen(world):
    seq = journal_mark()

    response = client_for(world.a.beheerder).post(
        "/api/v1/afspraken/",
        _afspraak(world, toezeggingen=[_row("Eerste"), _row("Tweede", volgorde=7)]),
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    # The rows are input only: the afspraak reads as before.
    assert "toezeggingen" not in body
    rows = Toezegging.objects.filter(afspraak_id=body["id"]).order_by("volgorde")
    assert [(t.omschrijving, t.norm, t.volgorde) for t in rows] == [
        ("Eerste", Decimal("500.00"), 1),
        ("Tweede", Decimal("500.00"), 7),
    ]
    assert [e.action for e in entries_since(seq)] == [
        "afspraak_create",
        "toezegging_create",
        "toezegging_create",
    ]


def test_create_with_a_bad_row_writes_nothing_and_names_the_row(world):
    seq, before = journal_mark(), _state()

    response = client_for(world.a.beheerder).post(
        "/api/v1/afspraken/",
        _afspraak(
            world,
            toezeggingen=[_row("Goed"), _row("Negatief", norm="-1.00"), _row("Goed")],
        ),
        format="json",
    )

    assert response.status_code == 400
    # Each refused row named by its index: only the field of the second row.
    assert list(invalid_params(response)) == ["toezeggingen.1.norm"]
    assert _state() == before
    assert entries_since(seq) == []


def test_patch_changes_adds_and_removes_toezeggingen(world):
    afspraak = world.a.afspraak
    schrappen = ToezeggingFactory(afspraak=afspraak, omschrijving="Schrappen")
    seq = journal_mark()

    response = client_for(world.a.beheerder).patch(
        f"/api/v1/afspraken/{afspraak.pk}/",
        {
            "titel": "Herzien",
            "toezeggingen": [
                {"id": world.a.toezegging.pk, "norm": "15.00"},
                {"id": schrappen.pk, "verwijderen": True},
                _row("Nieuw"),
            ],
        },
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert response.json()["titel"] == "Herzien"
    assert Toezegging.objects.get(pk=world.a.toezegging.pk).norm == Decimal("15.00")
    assert not Toezegging.objects.filter(pk=schrappen.pk).exists()
    assert afspraak.toezeggingen.filter(omschrijving="Nieuw").exists()
    assert [e.action for e in entries_since(seq)] == [
        "afspraak_update",
        "toezegging_update",
        "toezegging_delete",
        "toezegging_create",
    ]


def test_patch_with_rows_only_journals_only_the_rows(world):
    seq = journal_mark()

    response = client_for(world.a.beheerder).patch(
        f"/api/v1/afspraken/{world.a.afspraak.pk}/",
        {"toezeggingen": [_row("Nieuw")]},
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert [e.action for e in entries_since(seq)] == ["toezegging_create"]


def test_patch_with_a_refused_row_rolls_back_the_afspraak_too(world):
    assessed = world.a.beoordeling.toezegging
    seq, before = journal_mark(), _state()

    response = client_for(world.a.beheerder).patch(
        f"/api/v1/afspraken/{world.a.afspraak.pk}/",
        {
            "titel": "Mag niet blijven staan",
            "toezeggingen": [
                {"id": world.a.toezegging.pk, "norm": "15.00"},
                {"id": assessed.pk, "verwijderen": True},
            ],
        },
        format="json",
    )

    assert response.status_code == 400
    errors = invalid_params(response)
    assert [name.split(".")[:2] for name in errors] == [["toezeggingen", "1"]]
    assert "beoordeeld en blijft bewaard" in str(errors)
    assert _state() == before
    assert entries_since(seq) == []


def test_a_row_of_another_tenant_is_a_row_error_and_leaks_nothing(world):
    seq, before = journal_mark(), _state()

    response = client_for(world.a.beheerder).patch(
        f"/api/v1/afspraken/{world.a.afspraak.pk}/",
        {"toezeggingen": [{"id": world.b.toezegging.pk, "verwijderen": True}]},
        format="json",
    )

    assert response.status_code == 400
    assert invalid_params(response) == {
        "toezeggingen.0.id": ["Deze toezegging hoort niet bij deze afspraak."]
    }
    assert _state() == before
    assert entries_since(seq) == []


def test_rows_are_checked_for_their_json_types_and_their_number(world):
    client = client_for(world.a.beheerder)
    url = f"/api/v1/afspraken/{world.a.afspraak.pk}/"
    before = _state()

    wrong_type = client.patch(
        url, {"toezeggingen": [{"id": str(world.a.toezegging.pk)}]}, format="json"
    )
    too_many = client.patch(
        url,
        {"toezeggingen": [_row(f"Rij {i}") for i in range(MAX_TOEZEGGING_ROWS + 1)]},
        format="json",
    )

    assert wrong_type.status_code == 400
    assert "toezeggingen.0.id" in invalid_params(wrong_type)
    assert too_many.status_code == 400
    assert _state() == before


@pytest.mark.parametrize("user", ["a.bestuur", "b.beheerder"])
def test_nested_rows_need_the_beheerder(world, user):
    tenant, role = user.split(".")
    before = _state()

    response = client_for(getattr(getattr(world, tenant), role)).patch(
        f"/api/v1/afspraken/{world.a.afspraak.pk}/",
        {"toezeggingen": [{"id": world.a.toezegging.pk, "verwijderen": True}]},
        format="json",
    )

    assert response.status_code in (403, 404)
    assert _state() == before


def test_activiteit_writes_go_through_the_forms_service(world, monkeypatch):
    real = ledger_services.activiteit_save
    calls = []

    def spy(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(ledger_services, "activiteit_save", spy)
    client = client_for(world.a.bestuur)

    created = client.post(
        "/api/v1/activiteiten/",
        {
            "cooperatie": world.a.cooperatie.pk,
            "datum": "2025-04-12",
            "titel": "Moestuindag",
            "thema": "groen",
        },
        format="json",
    )
    changed = client.patch(
        f"/api/v1/activiteiten/{created.json()['id']}/",
        {"titel": "Moestuindag (verplaatst)"},
        format="json",
    )

    assert (created.status_code, changed.status_code) == (201, 200)
    assert changed.json()["titel"] == "Moestuindag (verplaatst)"
    assert [("activiteit" in call, call["data"].get("titel")) for call in calls] == [
        (False, "Moestuindag"),
        (True, "Moestuindag (verplaatst)"),
    ]

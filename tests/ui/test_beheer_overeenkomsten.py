"""The beheerder's pages to create, edit and end overeenkomsten."""

from __future__ import annotations

import datetime

from cooperatie.models import Overeenkomst
from tests.cooperatie.factories import (
    GebouwFactory,
)
from tests.helpers import entries_since, journal_mark, table_state
from tests.ui.beheer_helpers import form_data, messages_of, text_of, url

# Overeenkomsten -------------------------------------------------------------------


def overeenkomst_post(world, gebouw, **overrides) -> dict:
    data = {
        "gebouw": str(gebouw.pk),
        "cooperatie": str(world.a.cooperatie.pk),
        "soort": "beheer",
        "ingangsdatum": "2024-01-01",
        "einddatum": "",
        "aantal_woningen": "",
    }
    data.update(overrides)
    return data


def test_overeenkomst_list_shows_own_and_filters_by_status(client, world):
    gebouw = GebouwFactory(corporatie=world.a.corporatie, naam="Oud Complex")
    client.force_login(world.a.beheerder)
    client.post(
        url("beheer-overeenkomst-nieuw", world.a),
        overeenkomst_post(
            world, gebouw, einddatum="2021-12-31", ingangsdatum="2019-01-01"
        ),
    )
    base = url("beheer-overeenkomsten", world.a)

    def listed(**params):
        response = client.get(base, params)
        return {o.gebouw.naam for o in response.context["page"].object_list}

    assert listed() == {world.a.gebouw.naam, "Oud Complex"}
    assert listed(status="lopend") == {world.a.gebouw.naam}
    assert listed(status="beeindigd") == {"Oud Complex"}
    assert listed(gebouw=gebouw.pk) == {"Oud Complex"}
    html = text_of(client.get(base))
    assert "beëindigd" in html
    assert world.b.gebouw.naam not in html


def test_overeenkomst_create(client, world):
    gebouw = GebouwFactory(corporatie=world.a.corporatie, aantal_woningen=30)
    client.force_login(world.a.beheerder)
    seq = journal_mark()
    response = client.post(
        url("beheer-overeenkomst-nieuw", world.a), overeenkomst_post(world, gebouw)
    )
    assert response.status_code == 302
    overeenkomst = Overeenkomst.objects.get(gebouw=gebouw)
    assert overeenkomst.cooperatie == world.a.cooperatie
    assert overeenkomst.aantal_woningen == 30  # empty: all homes of the gebouw
    [entry] = entries_since(seq)
    assert entry.action == "overeenkomst_create"
    assert entry.object_id == str(overeenkomst.pk)
    assert "is vastgelegd" in messages_of(response)[0]


def test_overeenkomst_overlap_is_shown_on_the_field(client, world):
    client.force_login(world.a.beheerder)
    seq = journal_mark()
    rows = table_state(Overeenkomst)
    response = client.post(
        url("beheer-overeenkomst-nieuw", world.a),
        overeenkomst_post(world, world.a.gebouw, ingangsdatum="2023-06-01"),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "niet overlappen" in " ".join(errors["ingangsdatum"])
    assert table_state(Overeenkomst) == rows
    assert entries_since(seq) == []


def test_overeenkomst_choices_are_the_portals_only(client, world):
    client.force_login(world.a.beheerder)
    page = client.get(url("beheer-overeenkomst-nieuw", world.a))
    form = page.context["form"]
    assert list(form.fields["gebouw"].queryset) == [world.a.gebouw]
    assert list(form.fields["cooperatie"].queryset) == [world.a.cooperatie]
    assert world.b.gebouw.naam not in text_of(page)
    rows = table_state(Overeenkomst)
    response = client.post(
        url("beheer-overeenkomst-nieuw", world.a),
        overeenkomst_post(
            world,
            world.b.gebouw,
            cooperatie=str(world.b.cooperatie.pk),
            ingangsdatum="2030-01-01",
        ),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"gebouw", "cooperatie"}
    assert table_state(Overeenkomst) == rows


def test_overeenkomst_edit(client, world):
    client.force_login(world.a.beheerder)
    page = client.get(url("beheer-overeenkomst-bewerken", world.a))
    data = form_data(page.context["form"]) | {"aantal_woningen": "20"}
    seq = journal_mark()
    response = client.post(url("beheer-overeenkomst-bewerken", world.a), data)
    assert response.status_code == 302
    world.a.overeenkomst.refresh_from_db()
    assert world.a.overeenkomst.aantal_woningen == 20
    [entry] = entries_since(seq)
    assert entry.action == "overeenkomst_update"
    assert entry.after == {"aantal_woningen": 20}
    assert messages_of(response) == ["De overeenkomst is opgeslagen."]


def test_overeenkomst_edit_more_homes_than_the_gebouw_has(client, world):
    client.force_login(world.a.beheerder)
    page = client.get(url("beheer-overeenkomst-bewerken", world.a))
    data = form_data(page.context["form"]) | {"aantal_woningen": "999"}
    response = client.post(url("beheer-overeenkomst-bewerken", world.a), data)
    assert response.status_code == 200
    assert "telt maar" in " ".join(response.context["form"].errors["aantal_woningen"])


def test_overeenkomst_end(client, world):
    client.force_login(world.a.beheerder)
    seq = journal_mark()
    response = client.post(
        url("beheer-overeenkomst-beeindigen", world.a),
        {"einde-einddatum": "2026-06-30"},
    )
    assert response.status_code == 302
    world.a.overeenkomst.refresh_from_db()
    assert world.a.overeenkomst.einddatum == datetime.date(2026, 6, 30)
    [entry] = entries_since(seq)
    assert entry.action == "overeenkomst_end"
    assert entry.after == {"einddatum": "2026-06-30"}
    assert messages_of(response) == [
        f"De overeenkomst voor {world.a.gebouw} eindigt op 30 juni 2026."
    ]


def test_overeenkomst_end_before_it_began_is_shown_on_the_field(client, world):
    client.force_login(world.a.beheerder)
    seq = journal_mark()
    response = client.post(
        url("beheer-overeenkomst-beeindigen", world.a),
        {"einde-einddatum": "2019-12-31"},
    )
    assert response.status_code == 200
    errors = response.context["end_form"].errors
    assert "niet vóór de ingangsdatum" in " ".join(errors["einddatum"])
    world.a.overeenkomst.refresh_from_db()
    assert world.a.overeenkomst.einddatum is None
    assert entries_since(seq) == []


def test_overeenkomst_end_without_date(client, world):
    client.force_login(world.a.beheerder)
    response = client.post(url("beheer-overeenkomst-beeindigen", world.a), {})
    assert response.status_code == 200
    assert "einddatum" in response.context["end_form"].errors

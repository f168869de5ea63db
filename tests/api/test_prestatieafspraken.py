"""The API resource `prestatieafspraken`: create, read, change and delete
with the targets nested, the filters, the 404s out of scope, and an
afspraak's reference to one."""

from __future__ import annotations

from rest_framework.test import APIClient

from afspraken.models import Afspraak, Prestatieafspraak
from tests.afspraken.factories import PrestatieafspraakFactory
from tests.api.problems import invalid_params
from tests.helpers import entries_since, fresh, journal_mark, table_state

BASE = "/api/v1/prestatieafspraken/"


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(fresh(user))
    return client


def _body(world, **overrides) -> dict:
    return {
        "corporatie": world.a.corporatie.pk,
        "gemeentecode": world.a.gebouw.gemeentecode,
        "titel": "Prestatieafspraken 2025–2028",
        "ingangsjaar": 2025,
        "eindjaar": 2028,
        "huurdersorganisatie": "Huurdersvereniging De Kern",
        "doelen": [
            {
                "thema": "ontmoeting",
                "omschrijving": "Buurtkamers open voor de buurt",
                "streefwaarde": "4.00",
                "eenheid": "buurtkamers",
            },
            {"thema": "groen", "omschrijving": "Geveltuinen", "eenheid": ""},
        ],
        **overrides,
    }


def test_create_read_change_and_delete(world):
    api = _api(world.a.beheerder)
    mark = journal_mark()
    created = api.post(BASE, _body(world), format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["doelen"][0] == {
        "thema": "ontmoeting",
        "omschrijving": "Buurtkamers open voor de buurt",
        "streefwaarde": "4.00",
        "eenheid": "buurtkamers",
    }
    assert body["doelen"][1]["streefwaarde"] is None
    assert [e.action for e in entries_since(mark)] == [
        "prestatieafspraak_create",
        "prestatiedoel_create",
        "prestatiedoel_create",
    ]
    detail = f"{BASE}{body['id']}/"
    changed = api.patch(
        detail,
        {"titel": "Herzien", "doelen": [body["doelen"][1]]},
        format="json",
        HTTP_IF_MATCH=created["ETag"],
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["titel"] == "Herzien"
    assert [d["omschrijving"] for d in changed.json()["doelen"]] == ["Geveltuinen"]
    assert api.delete(detail).status_code == 204
    assert not Prestatieafspraak.objects.filter(pk=body["id"]).exists()


def test_refusals_name_the_field_and_the_target_row(world):
    api = _api(world.a.beheerder)
    before = table_state(Prestatieafspraak)
    for field, value in (("gemeentecode", "0344"), ("eindjaar", 2020)):
        response = api.post(BASE, _body(world, **{field: value}), format="json")
        assert response.status_code == 400
        assert set(invalid_params(response)) == {field}
    rows = _body(world)["doelen"]
    rows[1] = {**rows[1], "streefwaarde": "10.00"}  # without an eenheid
    response = api.post(BASE, _body(world, doelen=rows), format="json")
    assert response.status_code == 400
    # The refused row and field by name, as for an afspraak's toezeggingen.
    assert invalid_params(response) == {
        "doelen.1.eenheid": ["Een streefwaarde moet een eenheid hebben."]
    }
    response = api.post(BASE, _body(world, doelen=rows[:1] * 21), format="json")
    assert response.status_code == 400
    assert list(invalid_params(response)) == ["doelen.non_field_errors"]
    assert table_state(Prestatieafspraak) == before


def test_another_tenants_prestatieafspraak_does_not_exist(world):
    api = _api(world.a.beheerder)
    other = f"{BASE}{world.b.prestatieafspraak.pk}/"
    assert api.get(other).status_code == 404
    assert api.patch(other, {"titel": "X"}, format="json").status_code == 404
    assert api.delete(other).status_code == 404
    ids = {row["id"] for row in api.get(BASE).json()["results"]}
    assert world.b.prestatieafspraak.pk not in ids
    # Creating one for another corporatie is a field error, as if it did not exist.
    response = api.post(
        BASE, _body(world, corporatie=world.b.corporatie.pk), format="json"
    )
    assert response.status_code == 400
    assert "corporatie" in invalid_params(response)


def test_bestuur_reads_only_the_one_its_afspraak_refers_to(world):
    PrestatieafspraakFactory(corporatie=world.a.corporatie, titel="Niet de onze")
    rows = _api(world.a.bestuur).get(BASE).json()["results"]
    assert [row["id"] for row in rows] == [world.a.prestatieafspraak.pk]


def test_filters_by_gemeentecode_and_year(world):
    elders = PrestatieafspraakFactory(
        corporatie=world.a.corporatie,
        gemeentecode="GM0599",
        ingangsjaar=2030,
        eindjaar=2031,
    )
    api = _api(world.a.beheerder)
    ids = {r["id"] for r in api.get(BASE, {"gemeentecode": "gm0599"}).json()["results"]}
    assert ids == {elders.pk}
    ids = {r["id"] for r in api.get(BASE, {"jaar": 2024}).json()["results"]}
    assert ids == {world.a.prestatieafspraak.pk}
    assert api.get(BASE, {"jaar": "veel"}).status_code == 400


def test_an_afspraak_refers_by_id_and_is_refused_outside_its_gemeente(world):
    api = _api(world.a.beheerder)
    afspraak = f"/api/v1/afspraken/{world.a.afspraak.pk}/"
    body = api.get(afspraak).json()
    assert body["prestatieafspraak"] == world.a.prestatieafspraak.pk
    assert body["prestatieafspraak_kenmerk"] == ""
    elders = PrestatieafspraakFactory(
        corporatie=world.a.corporatie, gemeentecode="GM0599"
    )
    response = api.patch(afspraak, {"prestatieafspraak": elders.pk}, format="json")
    assert response.status_code == 400
    assert "prestatieafspraak" in invalid_params(response)
    response = api.patch(
        afspraak, {"prestatieafspraak": world.b.prestatieafspraak.pk}, format="json"
    )
    assert response.status_code == 400
    response = api.patch(
        afspraak,
        {"prestatieafspraak": None, "prestatieafspraak_kenmerk": "Art. 4"},
        format="json",
    )
    assert response.status_code == 200, response.content
    stored = Afspraak.objects.get(pk=world.a.afspraak.pk)
    assert (stored.prestatieafspraak, stored.prestatieafspraak_kenmerk) == (
        None,
        "Art. 4",
    )

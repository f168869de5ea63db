"""The API's rules: scoped inputs, member fields, ETags, bookings, toetsing actions."""

from __future__ import annotations

import datetime

import pytest

from afspraken import services as afspraken_services
from afspraken.models import Afspraak
from cooperatie.models import Gebouw, Lid, Overeenkomst
from ledger.models import Activiteit, Boeking
from tests.api.problems import invalid_params, problem_of
from tests.api.rules_helpers import absent_pk, client_for, unknown_pk_message
from tests.cooperatie.factories import (
    LidFactory,
)
from tests.helpers import entries_since, fresh, journal_mark, table_state

# Related inputs are scoped --------------------------------------------------------


def test_overeenkomst_with_another_tenants_gebouw_is_a_field_error(world):
    seq, rows = journal_mark(), table_state(Overeenkomst)
    payload = {
        "gebouw": world.b.gebouw.pk,
        "cooperatie": world.a.cooperatie.pk,
        "soort": "huur",
        "ingangsdatum": "2015-01-01",
        "einddatum": "2019-12-31",
    }

    response = client_for(world.a.beheerder).post(
        "/api/v1/overeenkomsten/", payload, format="json"
    )

    assert response.status_code == 400
    # Worded exactly as for a gebouw that does not exist: nothing leaks.
    assert invalid_params(response) == {
        "gebouw": [unknown_pk_message(world.b.gebouw.pk)]
    }
    assert table_state(Overeenkomst) == rows
    assert entries_since(seq) == []


def test_afspraak_with_another_tenants_cooperatie_is_a_field_error(world):
    seq, rows = journal_mark(), table_state(Afspraak)
    payload = {
        "corporatie": world.a.corporatie.pk,
        "cooperatie": world.b.cooperatie.pk,
        "gebouwen": [world.a.gebouw.pk],
        "titel": "Afspraken met de buren",
        "ingangsjaar": 2025,
    }

    response = client_for(world.a.beheerder).post(
        "/api/v1/afspraken/", payload, format="json"
    )

    assert response.status_code == 400
    assert invalid_params(response) == {
        "cooperatie": [unknown_pk_message(world.b.cooperatie.pk)]
    }
    assert table_state(Afspraak) == rows
    assert entries_since(seq) == []


def test_activiteit_with_another_tenants_member_as_vrijwilliger_is_a_field_error(
    world,
):
    seq, rows = journal_mark(), table_state(Activiteit)
    payload = {
        "cooperatie": world.a.cooperatie.pk,
        "datum": "2025-05-01",
        "titel": "Plantjesmarkt",
        "thema": "groen",
        "vrijwilligers": [world.a.lid.pk, world.b.lid.pk],
    }

    response = client_for(world.a.bestuur).post(
        "/api/v1/activiteiten/", payload, format="json"
    )

    assert response.status_code == 400
    assert invalid_params(response) == {
        "vrijwilligers": [unknown_pk_message(world.b.lid.pk)]
    }
    assert table_state(Activiteit) == rows
    assert entries_since(seq) == []


def test_another_tenants_object_reads_like_one_that_does_not_exist(world):
    client = client_for(world.a.beheerder)
    payload = {
        "cooperatie": world.a.cooperatie.pk,
        "soort": "huur",
        "ingangsdatum": "2015-01-01",
    }
    theirs = invalid_params(
        client.post(
            "/api/v1/overeenkomsten/",
            {**payload, "gebouw": world.b.gebouw.pk},
            format="json",
        )
    )["gebouw"][0]
    nowhere = invalid_params(
        client.post(
            "/api/v1/overeenkomsten/",
            {**payload, "gebouw": absent_pk(Gebouw)},
            format="json",
        )
    )["gebouw"][0]
    assert theirs.replace(str(world.b.gebouw.pk), "X") == nowhere.replace(
        str(absent_pk(Gebouw)), "X"
    )


# Leden: who sees which fields -----------------------------------------------------


def full_lid(lid: Lid) -> dict:
    return {
        "id": lid.pk,
        "cooperatie": lid.cooperatie_id,
        "naam": lid.naam,
        "email": lid.email,
        "telefoon": lid.telefoon,
        "adres": lid.adres,
        "lid_sinds": lid.lid_sinds.isoformat(),
        "lid_tot": None,
        "bestuursfunctie": lid.bestuursfunctie,
        "doelgroep": lid.doelgroep,
    }


def test_the_bestuur_sees_all_its_members_with_personal_data(world):
    a = world.a

    response = client_for(a.bestuur).get("/api/v1/leden/")

    assert response.status_code == 200
    rows = sorted(response.json()["results"], key=lambda r: r["id"])
    assert rows == sorted(
        [full_lid(a.lid), full_lid(a.bestuurslid)], key=lambda r: r["id"]
    )
    # The personal fields are really there, not blank stand-ins.
    assert all(row["naam"] and row["email"] and row["telefoon"] for row in rows)
    assert next(r for r in rows if r["id"] == a.lid.pk)["doelgroep"] == "ja"


def test_a_beheerder_sees_only_board_members_by_name_and_function(world):
    a = world.a
    LidFactory(
        cooperatie=a.cooperatie,
        bestuursfunctie="secretaris",
        lid_tot=datetime.date(2024, 1, 1),
    )  # a former board member: not shown
    client = client_for(a.beheerder)

    listed = client.get("/api/v1/leden/")
    shown = client.get(f"/api/v1/leden/{a.bestuurslid.pk}/")
    hidden = client.get(f"/api/v1/leden/{a.lid.pk}/")

    expected = {
        **full_lid(a.bestuurslid),
        "email": None,
        "telefoon": None,
        "adres": None,
        "doelgroep": None,
    }
    assert expected["naam"] == a.bestuurslid.naam
    assert expected["bestuursfunctie"] == "voorzitter"
    assert listed.status_code == 200
    assert listed.json()["results"] == [expected]
    assert shown.status_code == 200
    assert shown.json() == expected
    assert hidden.status_code == 404


def test_an_auditor_sees_no_member_rows(world):
    client = client_for(world.a.auditor)

    listed = client.get("/api/v1/leden/")

    assert listed.status_code == 200
    assert listed.json()["count"] == 0
    assert listed.json()["results"] == []
    for lid in (world.a.lid, world.a.bestuurslid):
        assert client.get(f"/api/v1/leden/{lid.pk}/").status_code == 404


def test_the_other_tenants_bestuur_sees_none_of_a_members(world):
    response = client_for(world.b.bestuur).get("/api/v1/leden/")
    ids = {row["id"] for row in response.json()["results"]}
    assert ids == {world.b.lid.pk, world.b.bestuurslid.pk}


# ETags ----------------------------------------------------------------------------


def test_patch_with_the_current_etag_passes_and_a_stale_one_is_412(world):
    gebouw = world.a.gebouw
    client = client_for(world.a.beheerder)
    url = f"/api/v1/gebouwen/{gebouw.pk}/"

    first = client.get(url)
    etag = first["ETag"]
    assert etag.startswith('"')
    assert etag.endswith('"')

    seq = journal_mark()
    changed = client.patch(url, {"naam": "De Nieuwe Linde"}, HTTP_IF_MATCH=etag)
    assert changed.status_code == 200
    assert changed.json()["naam"] == "De Nieuwe Linde"
    new_etag = changed["ETag"]
    assert new_etag != etag
    assert client.get(url)["ETag"] == new_etag
    assert [e.action for e in entries_since(seq)] == ["gebouw_update"]

    seq, rows = journal_mark(), table_state(Gebouw)
    stale = client.patch(url, {"naam": "Verloren update"}, HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert "gewijzigd" in problem_of(stale)["detail"]
    assert table_state(Gebouw) == rows
    assert Gebouw.objects.get(pk=gebouw.pk).naam == "De Nieuwe Linde"
    assert entries_since(seq) == []

    stale_put = client.put(
        url,
        {**first.json(), "naam": "Verloren update"},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert stale_put.status_code == 412
    assert table_state(Gebouw) == rows

    forced = client.patch(url, {"naam": "Toch gewijzigd"}, HTTP_IF_MATCH="*")
    assert forced.status_code == 200
    assert Gebouw.objects.get(pk=gebouw.pk).naam == "Toch gewijzigd"
    assert [e.action for e in entries_since(seq)] == ["gebouw_update"]


def test_an_if_match_on_another_tenants_object_is_still_404(world):
    etag = client_for(world.a.beheerder).get(f"/api/v1/gebouwen/{world.a.gebouw.pk}/")[
        "ETag"
    ]
    response = client_for(world.b.beheerder).patch(
        f"/api/v1/gebouwen/{world.a.gebouw.pk}/", {"naam": "x"}, HTTP_IF_MATCH=etag
    )
    assert response.status_code == 404


# Boekingen never change -----------------------------------------------------------


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_a_boeking_cannot_be_changed_or_deleted(world, method):
    boeking = world.a.boeking
    seq, rows = journal_mark(), table_state(Boeking)

    response = getattr(client_for(world.a.bestuur), method)(
        f"/api/v1/boekingen/{boeking.pk}/", {"bedrag": "1.00"}, format="json"
    )

    assert response.status_code == 405
    assert table_state(Boeking) == rows
    assert entries_since(seq) == []


def test_storno_books_the_counter_entry(world):
    boeking = world.a.boeking
    client = client_for(world.a.bestuur)
    seq = journal_mark()

    response = client.post(
        f"/api/v1/boekingen/{boeking.pk}/storno/",
        {"omschrijving": "Dubbel geboekt"},
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    storno = Boeking.objects.get(pk=body["id"])
    assert storno.corrigeert_id == boeking.pk
    assert body["corrigeert"] == boeking.pk
    assert body["bedrag"] == str(boeking.bedrag)
    assert body["soort"] == boeking.soort
    assert body["cooperatie"] == boeking.cooperatie_id
    assert body["datum"] == boeking.datum.isoformat()
    entries = entries_since(seq)
    assert [e.action for e in entries] == ["boeking_storno"]
    assert entries[0].object_id == str(storno.pk)
    assert client.get(f"/api/v1/boekingen/{boeking.pk}/").json()["storno"] == storno.pk


@pytest.mark.parametrize("body", [{}, {"omschrijving": ""}, {"omschrijving": "  "}])
def test_boeking_storno_without_a_reason_is_rejected(world, body):
    boeking = world.a.boeking
    client = client_for(world.a.bestuur)
    seq, rows = journal_mark(), table_state(Boeking)

    response = client.post(
        f"/api/v1/boekingen/{boeking.pk}/storno/", body, format="json"
    )

    assert response.status_code == 400
    assert invalid_params(response) == {
        "omschrijving": ["Een reden voor de storno moet ingevuld zijn."]
    }
    assert table_state(Boeking) == rows
    assert entries_since(seq) == []


def test_boeking_storno_twice_is_rejected(world):
    boeking = world.a.boeking
    client = client_for(world.a.bestuur)
    reden = {"omschrijving": "Dubbel geboekt"}
    first = client.post(f"/api/v1/boekingen/{boeking.pk}/storno/", reden, format="json")
    assert first.status_code == 201
    seq, rows = journal_mark(), table_state(Boeking)

    again = client.post(f"/api/v1/boekingen/{boeking.pk}/storno/", reden, format="json")
    of_storno = client.post(
        f"/api/v1/boekingen/{first.json()['id']}/storno/", reden, format="json"
    )

    assert again.status_code == 400
    assert "corrigeert" in invalid_params(again)
    assert of_storno.status_code == 400
    assert "corrigeert" in invalid_params(of_storno)
    assert table_state(Boeking) == rows
    assert entries_since(seq) == []


# The yearly cycle answers with the toetsing -------------------------------------


def test_terugsturen_and_beoordelen_answer_with_the_toetsing(world):
    a = world.a
    afspraken_services.toetsing_indienen(toetsing=a.toetsing, actor=fresh(a.bestuur))
    client = client_for(a.beheerder)
    url = f"/api/v1/toetsingen/{a.toetsing.pk}"
    seq = journal_mark()

    assessed = client.post(
        f"{url}/beoordelen/",
        {
            "toezegging": a.beoordeling.toezegging_id,
            "oordeel": "deels",
            "toelichting": "Open, maar alleen op zaterdag.",
        },
        format="json",
    )
    returned = client.post(
        f"{url}/terugsturen/", {"reden": "De uren van maart ontbreken."}, format="json"
    )

    assert assessed.status_code == 200, assessed.content
    assert assessed.json()["id"] == a.toetsing.pk
    assert assessed.json()["status"] == "ingediend"
    assert "ETag" in assessed
    assert returned.status_code == 200, returned.content
    body = returned.json()
    assert body["id"] == a.toetsing.pk
    assert body["status"] == "teruggestuurd"
    assert body["teruggestuurd_reden"] == "De uren van maart ontbreken."
    a.toetsing.refresh_from_db()
    assert a.toetsing.status == "teruggestuurd"
    a.beoordeling.refresh_from_db()
    assert a.beoordeling.oordeel == "deels"
    assert [e.action for e in entries_since(seq)] == [
        "toetsing_beoordelen",
        "toetsing_terugsturen",
    ]

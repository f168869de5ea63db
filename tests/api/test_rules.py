"""The API's rules beyond who-may-what: scoped related inputs, the member field
rules, ETags, bookings that never change, paging, filters, sealed reports."""

from __future__ import annotations

import datetime
import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from afspraken import services as afspraken_services
from afspraken.models import Afspraak, Rapport
from cooperatie.models import Gebouw, Lid, Overeenkomst
from ledger.models import Activiteit, Boeking
from tests.afspraken.factories import (
    AfspraakFactory,
    JaarparameterFactory,
    RapportFactory,
    ToetsingFactory,
    ToezeggingFactory,
)
from tests.cooperatie.factories import (
    CooperatieFactory,
    GebouwFactory,
    LidFactory,
    OvereenkomstFactory,
)
from tests.helpers import entries_since, fresh, journal_mark, table_state
from tests.ledger.factories import (
    ActiviteitFactory,
    AuditEntryFactory,
    BoekingFactory,
)


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(fresh(user))
    return client


def unknown_pk_message(pk) -> str:
    """DRF's message for a pk that does not exist at all."""
    return f'Ongeldige pk "{pk}" - object bestaat niet.'


def absent_pk(model) -> int:
    return (model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1


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
    assert response.json() == {"gebouw": [unknown_pk_message(world.b.gebouw.pk)]}
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
    assert response.json() == {
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
    assert response.json() == {"vrijwilligers": [unknown_pk_message(world.b.lid.pk)]}
    assert table_state(Activiteit) == rows
    assert entries_since(seq) == []


def test_another_tenants_object_reads_like_one_that_does_not_exist(world):
    client = client_for(world.a.beheerder)
    payload = {
        "cooperatie": world.a.cooperatie.pk,
        "soort": "huur",
        "ingangsdatum": "2015-01-01",
    }
    theirs = client.post(
        "/api/v1/overeenkomsten/",
        {**payload, "gebouw": world.b.gebouw.pk},
        format="json",
    ).json()["gebouw"][0]
    nowhere = client.post(
        "/api/v1/overeenkomsten/",
        {**payload, "gebouw": absent_pk(Gebouw)},
        format="json",
    ).json()["gebouw"][0]
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
    assert "gewijzigd" in stale.json()["detail"]
    assert table_state(Gebouw) == rows
    assert Gebouw.objects.get(pk=gebouw.pk).naam == "De Nieuwe Linde"
    assert entries_since(seq) == []

    stale_put = client.put(
        url, {**first.json(), "naam": "Verloren update"}, HTTP_IF_MATCH=etag
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

    response = client.post(f"/api/v1/boekingen/{boeking.pk}/storno/", {}, format="json")

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


def test_boeking_storno_twice_is_rejected(world):
    boeking = world.a.boeking
    client = client_for(world.a.bestuur)
    first = client.post(f"/api/v1/boekingen/{boeking.pk}/storno/", {}, format="json")
    assert first.status_code == 201
    seq, rows = journal_mark(), table_state(Boeking)

    again = client.post(f"/api/v1/boekingen/{boeking.pk}/storno/", {}, format="json")
    of_storno = client.post(
        f"/api/v1/boekingen/{first.json()['id']}/storno/", {}, format="json"
    )

    assert again.status_code == 400
    assert "corrigeert" in again.json()
    assert of_storno.status_code == 400
    assert "corrigeert" in of_storno.json()
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


# Paging ---------------------------------------------------------------------------


@pytest.fixture
def many_gebouwen(world):
    """520 gebouwen of A, besides the world's own one."""
    Gebouw.objects.bulk_create(
        GebouwFactory.build_batch(520, corporatie=world.a.corporatie)
    )
    return 521


def page(world, query: str) -> dict:
    response = client_for(world.a.beheerder).get(f"/api/v1/gebouwen/{query}")
    assert response.status_code == 200, response.content
    return response.json()


def test_lists_page_by_50_by_default(world, many_gebouwen):
    body = page(world, "")
    assert body["count"] == many_gebouwen
    assert len(body["results"]) == 50
    assert body["next"] is not None
    assert body["previous"] is None


def test_a_page_size_of_500_is_allowed(world, many_gebouwen):
    body = page(world, "?page_size=500")
    assert body["count"] == many_gebouwen
    assert len(body["results"]) == 500
    assert body["next"] is not None


def test_a_page_size_above_500_is_capped_to_500(world, many_gebouwen):
    body = page(world, "?page_size=1000")
    assert body["count"] == many_gebouwen
    assert len(body["results"]) == 500
    assert body["next"] is not None


def test_the_last_page_holds_the_rest(world, many_gebouwen):
    body = page(world, "?page=11")
    assert len(body["results"]) == many_gebouwen - 10 * 50
    assert body["next"] is None


# Filters, search and ordering -----------------------------------------------------


def ids_of(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_gebouwen_filter_on_gemeentecode(world):
    corporatie = world.a.corporatie
    amersfoort = GebouwFactory(corporatie=corporatie, gemeentecode="GM0307")
    GebouwFactory(corporatie=corporatie, gemeentecode="GM0344")
    response = client_for(world.a.beheerder).get(
        "/api/v1/gebouwen/?gemeentecode=GM0307"
    )
    assert ids_of(response) == {amersfoort.pk}


def test_gebouwen_text_search_and_ordering(world):
    corporatie = world.a.corporatie
    GebouwFactory(corporatie=corporatie, naam="Zonnehof")
    hof = GebouwFactory(corporatie=corporatie, naam="Akkerhof")
    client = client_for(world.a.beheerder)

    found = client.get("/api/v1/gebouwen/?q=akkerHOF")
    by_name = client.get("/api/v1/gebouwen/?ordering=naam").json()["results"]
    by_name_desc = client.get("/api/v1/gebouwen/?ordering=-naam").json()["results"]

    assert ids_of(found) == {hof.pk}
    names = [row["naam"] for row in by_name]
    assert names == sorted(names)
    assert names[0] == "Akkerhof"
    assert [row["naam"] for row in by_name_desc] == names[::-1]


def test_a_filter_never_widens_the_scope(world):
    response = client_for(world.a.beheerder).get(
        f"/api/v1/gebouwen/?corporatie={world.b.corporatie.pk}"
    )
    assert ids_of(response) == set()


def test_activiteiten_filter_on_jaar_thema_and_search(world):
    cooperatie = world.a.cooperatie
    groen_2023 = ActiviteitFactory(
        cooperatie=cooperatie, datum=datetime.date(2023, 6, 1), thema="groen"
    )
    taal_2023 = ActiviteitFactory(
        cooperatie=cooperatie,
        datum=datetime.date(2023, 9, 1),
        thema="taal_educatie",
        titel="Voorleesochtend",
    )
    client = client_for(world.a.beheerder)

    assert ids_of(client.get("/api/v1/activiteiten/?jaar=2023")) == {
        groen_2023.pk,
        taal_2023.pk,
    }
    assert ids_of(client.get("/api/v1/activiteiten/?thema=groen")) == {groen_2023.pk}
    assert ids_of(client.get("/api/v1/activiteiten/?jaar=2024")) == {
        world.a.activiteit.pk
    }
    assert ids_of(client.get("/api/v1/activiteiten/?q=voorlees")) == {taal_2023.pk}
    ordered = client.get("/api/v1/activiteiten/?ordering=datum").json()["results"]
    assert [row["id"] for row in ordered] == [
        groen_2023.pk,
        taal_2023.pk,
        world.a.activiteit.pk,
    ]


def test_toetsingen_filter_on_jaar_status_and_verdict(world):
    afspraak = world.a.afspraak
    ingediend = ToetsingFactory(
        afspraak=afspraak, jaar=2025, status="ingediend", verdict="deels"
    )
    teruggestuurd = ToetsingFactory(
        afspraak=afspraak, jaar=2026, status="teruggestuurd", verdict="nagekomen"
    )
    client = client_for(world.a.auditor)

    assert ids_of(client.get("/api/v1/toetsingen/?jaar=2025")) == {ingediend.pk}
    assert ids_of(client.get("/api/v1/toetsingen/?status=teruggestuurd")) == {
        teruggestuurd.pk
    }
    assert ids_of(client.get("/api/v1/toetsingen/?verdict=deels")) == {ingediend.pk}
    assert ids_of(client.get("/api/v1/toetsingen/?status=open")) == {
        world.a.toetsing.pk
    }
    bad = client.get("/api/v1/toetsingen/?verdict=prima")
    assert bad.status_code == 400
    assert "verdict" in bad.json()


# One filter of each remaining resource: (resource, who asks, the query, and
# what it must find exactly). Each makes a row that matches next to the world's
# rows that do not.


def _corporaties(w):
    return (
        "corporaties",
        w.superuser,
        f"kvk_nummer={w.b.corporatie.kvk_nummer}",
        {w.b.corporatie.pk},
    )


def _cooperaties(w):
    beheer = CooperatieFactory(soort="beheer", aangemeld_door=w.a.corporatie)
    return "cooperaties", w.a.beheerder, "soort=beheer", {beheer.pk}


def _overeenkomsten(w):
    ended = OvereenkomstFactory(
        gebouw=GebouwFactory(corporatie=w.a.corporatie),
        cooperatie=w.a.cooperatie,
        ingangsdatum=datetime.date(2015, 1, 1),
        einddatum=datetime.date(2019, 12, 31),
    )
    return "overeenkomsten", w.a.beheerder, "lopend_op=2019-06-01", {ended.pk}


def _leden(w):
    former = LidFactory(
        cooperatie=w.a.cooperatie,
        lid_sinds=datetime.date(2018, 1, 1),
        lid_tot=datetime.date(2019, 12, 31),
    )
    return "leden", w.a.bestuur, "actief_op=2019-06-01", {former.pk}


def _afspraken(w):
    later = AfspraakFactory(
        corporatie=w.a.corporatie,
        cooperatie=w.a.cooperatie,
        ingangsjaar=2029,
        eindjaar=2031,
    )
    return "afspraken", w.a.beheerder, "jaar=2030", {later.pk}


def _toezeggingen(w):
    besteding = ToezeggingFactory(afspraak=w.a.afspraak, indicator="besteding")
    return "toezeggingen", w.a.auditor, "indicator=besteding", {besteding.pk}


def _boekingen(w):
    budget = BoekingFactory(cooperatie=w.a.cooperatie, soort="budget")
    return "boekingen", w.a.bestuur, "soort=budget", {budget.pk}


def _rapporten(w):
    RapportFactory(
        toetsing=ToetsingFactory(afspraak=w.a.afspraak, jaar=2022, status="vastgesteld")
    )
    return "rapporten", w.a.auditor, "jaar=2023", {w.a.rapport.pk}


def _jaarparameters(w):
    later = JaarparameterFactory(jaar=2031)
    return "jaarparameters", w.a.bestuur, "jaar=2031", {later.pk}


def _journaal(w):
    entry = AuditEntryFactory(action="filter_proef", corporatie_id=w.a.corporatie.pk)
    return "journaal", w.a.beheerder, "action=filter_proef", {entry.pk}


@pytest.mark.parametrize(
    "case",
    [
        _corporaties,
        _cooperaties,
        _overeenkomsten,
        _leden,
        _afspraken,
        _toezeggingen,
        _boekingen,
        _rapporten,
        _jaarparameters,
        _journaal,
    ],
    ids=lambda case: case.__name__.strip("_"),
)
def test_a_filter_of_each_resource_finds_exactly_its_rows(world, case):
    resource, user, query, expected = case(world)
    client = client_for(user)

    unfiltered = client.get(f"/api/v1/{resource}/").json()["results"]
    response = client.get(f"/api/v1/{resource}/?{query}")

    assert response.status_code == 200, response.content
    found = {row["id"] for row in response.json()["results"]}
    assert found == expected
    # The filter left rows out that the user does see.
    assert len(unfiltered) > len(found)


def test_boekingen_filter_on_storno_and_leden_on_bestuur(world):
    a = world.a
    storno = BoekingFactory(cooperatie=a.cooperatie, corrigeert=a.boeking)
    assert ids_of(client_for(a.bestuur).get("/api/v1/boekingen/?storno=true")) == {
        storno.pk
    }
    assert ids_of(client_for(a.bestuur).get("/api/v1/leden/?bestuur=true")) == {
        a.bestuurslid.pk
    }


# Sealed reports -------------------------------------------------------------------


@pytest.fixture
def sealed(world):
    """A's 2024 toetsing submitted, approved and sealed for real."""
    toetsing = afspraken_services.toetsing_indienen(
        toetsing=world.a.toetsing, actor=fresh(world.a.bestuur)
    )
    toetsing = afspraken_services.toetsing_vaststellen(
        toetsing=toetsing, actor=fresh(world.a.beheerder)
    )
    rapport = Rapport.objects.get(toetsing=toetsing)
    with rapport.pdf.open("rb") as fh:
        data = fh.read()
    return rapport, data


def test_rapport_pdf_downloads_the_sealed_bytes(world, sealed):
    rapport, data = sealed
    seq = journal_mark()

    response = client_for(world.a.auditor).get(f"/api/v1/rapporten/{rapport.pk}/pdf/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    expected_name = f"nalevingsrapport-2024-toetsing-{rapport.toetsing_id}.pdf"
    assert f'filename="{expected_name}"' in disposition
    body = response.content
    assert body == data
    assert body.startswith(b"%PDF-")
    assert hashlib.sha256(body).hexdigest() == rapport.sha256
    assert entries_since(seq) == []


def test_a_bundle_of_a_year_without_sealed_reports_is_not_found(world):
    response = client_for(world.a.auditor).get(
        "/api/v1/rapporten/bundel/", {"corporatie": world.a.corporatie.pk, "jaar": 2019}
    )
    assert response.status_code == 404


def test_a_stored_report_changed_after_sealing_is_not_handed_out(world, sealed):
    rapport, _data = sealed
    Path(rapport.pdf.path).write_bytes(b"%PDF-1.7 changed after sealing")
    client = client_for(world.a.auditor)

    response = client.get(f"/api/v1/rapporten/{rapport.pk}/pdf/")
    assert response.status_code == 409
    assert "SHA-256" in response.json()["detail"]
    response = client.get(
        "/api/v1/rapporten/bundel/",
        {"corporatie": world.a.corporatie.pk, "jaar": 2024},
    )
    assert response.status_code == 409


def test_verifieer_recognises_the_sealed_pdf_and_its_sha256(world, sealed):
    rapport, data = sealed
    client = client_for(world.a.auditor)
    seq = journal_mark()

    uploaded = client.post(
        "/api/v1/rapporten/verifieer/",
        {"pdf": io.BytesIO(data)},
        format="multipart",
    )
    by_hash = client.post(
        "/api/v1/rapporten/verifieer/",
        {"sha256": rapport.sha256.upper()},
        format="json",
    )

    for response in (uploaded, by_hash):
        assert response.status_code == 200
        body = response.json()
        assert body["verzegeld"] is True
        assert body["sha256"] == rapport.sha256
        assert body["rapport"]["id"] == rapport.pk
        assert body["rapport"]["jaar"] == 2024
        assert body["rapport"]["toetsing"] == rapport.toetsing_id
    assert entries_since(seq) == []


def test_verifieer_rejects_a_pdf_with_one_flipped_byte(world, sealed):
    _rapport, data = sealed
    tampered = bytearray(data)
    tampered[len(tampered) // 2] ^= 0x01

    response = client_for(world.a.auditor).post(
        "/api/v1/rapporten/verifieer/",
        {"pdf": io.BytesIO(bytes(tampered))},
        format="multipart",
    )

    assert response.status_code == 200
    assert response.json() == {
        "verzegeld": False,
        "sha256": hashlib.sha256(bytes(tampered)).hexdigest(),
        "rapport": None,
    }


def test_another_tenants_auditor_is_told_a_sealed_report_is_not_sealed(world, sealed):
    rapport, data = sealed
    client = client_for(world.b.auditor)

    uploaded = client.post(
        "/api/v1/rapporten/verifieer/", {"pdf": io.BytesIO(data)}, format="multipart"
    )
    by_hash = client.post(
        "/api/v1/rapporten/verifieer/", {"sha256": rapport.sha256}, format="json"
    )

    for response in (uploaded, by_hash):
        assert response.status_code == 200
        assert response.json() == {
            "verzegeld": False,
            "sha256": rapport.sha256,
            "rapport": None,
        }


def test_verifieer_without_pdf_or_sha256_is_a_field_error(world):
    response = client_for(world.a.auditor).post(
        "/api/v1/rapporten/verifieer/", {}, format="json"
    )
    assert response.status_code == 400
    assert "pdf" in response.json()


def test_the_auditor_bundle_holds_the_sealed_pdf_and_its_sums(world, sealed):
    rapport, data = sealed
    url = f"/api/v1/rapporten/bundel/?corporatie={world.a.corporatie.pk}&jaar=2024"

    response = client_for(world.a.auditor).get(url)
    outsider = client_for(world.b.auditor).get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert world.a.corporatie.kvk_nummer in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    stem = f"2024-toetsing-{rapport.toetsing_id}"
    assert archive.read(f"{stem}/nalevingsrapport.pdf") == data
    assert (
        f"{rapport.sha256}  {stem}/nalevingsrapport.pdf"
        in archive.read("SHA256SUMS").decode()
    )
    assert outsider.status_code == 404

"""The beheerder's pages: who may reach them, gebouwen and coöperaties."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest

from cooperatie.models import Cooperatie, Gebouw
from tests.cooperatie.factories import (
    CorporatieFactory,
    GebouwFactory,
    LidFactory,
    RolFactory,
)
from tests.helpers import entries_since, journal_mark, table_state
from tests.ui.beheer_helpers import (
    OBJECT_PAGES,
    PAGES,
    POST_ONLY,
    form_data,
    messages_of,
    text_of,
    url,
)

# Access ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_is_sent_to_login(client, world, name):
    response = client.get(url(name, world.a))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ["bestuur", "auditor"])
@pytest.mark.parametrize("name", PAGES)
def test_other_roles_of_the_tenant_are_refused(client, world, name, role):
    client.force_login(getattr(world.a, role))
    seq = journal_mark()
    assert client.get(url(name, world.a)).status_code == 403
    assert client.post(url(name, world.a), {"naam": "x"}).status_code == 403
    assert entries_since(seq) == []


@pytest.mark.parametrize("name", OBJECT_PAGES)
def test_another_tenants_object_does_not_exist(client, world, name):
    client.force_login(world.a.beheerder)
    seq = journal_mark()
    assert client.get(url(name, world.a, world.b)).status_code == 404
    assert client.post(url(name, world.a, world.b), {}).status_code == 404
    assert entries_since(seq) == []


@pytest.mark.parametrize("name", PAGES)
def test_another_tenants_portal_does_not_exist(client, world, name):
    client.force_login(world.a.beheerder)
    assert client.get(url(name, world.b)).status_code == 404


@pytest.mark.parametrize("name", sorted(POST_ONLY))
def test_actions_take_post_only(client, world, name):
    client.force_login(world.a.beheerder)
    assert client.get(url(name, world.a)).status_code == 405


@pytest.mark.parametrize("name", [n for n in PAGES if n not in POST_ONLY])
def test_every_page_renders_for_the_beheerder(client, world, name):
    client.force_login(world.a.beheerder)
    response = client.get(url(name, world.a))
    assert response.status_code == 200
    html = text_of(response)
    assert html.count("<h1>") == 1
    assert 'style="' not in html
    assert "<script>" not in html


# Gebouwen -------------------------------------------------------------------------


def gebouw_post(**overrides) -> dict:
    data = {
        "complexnummer": "C-900",
        "naam": "De Populier",
        "straat": "Populierenlaan",
        "huisnummer": "12",
        "postcode": "3512ab",
        "plaats": "Utrecht",
        "gemeentecode": "gm0344",
        "buurtcode": "",
        "kaartjaar": "",
        "aantal_woningen": "18",
        "bouwjaar": "1972",
        "daeb": "daeb",
    }
    data.update(overrides)
    return data


def test_gebouw_list_shows_own_gebouwen_only(client, world):
    client.force_login(world.a.beheerder)
    response = client.get(url("beheer-gebouwen", world.a))
    html = text_of(response)
    assert world.a.gebouw.complexnummer in html
    assert world.a.gebouw.naam in html
    # Linked through the running overeenkomst.
    assert str(world.a.cooperatie) in html
    assert world.b.gebouw.complexnummer not in html
    assert world.b.gebouw.naam not in html


def test_gebouw_list_filters_by_gemeente_and_text(client, world):
    other = GebouwFactory(
        corporatie=world.a.corporatie, naam="Het Kastanjehof", gemeentecode="GM0599"
    )
    client.force_login(world.a.beheerder)
    base = url("beheer-gebouwen", world.a)

    html = text_of(client.get(base, {"gemeente": "GM0599"}))
    assert other.naam in html
    assert world.a.gebouw.naam not in html

    html = text_of(client.get(base, {"q": "kastanje"}))
    assert other.naam in html
    assert world.a.gebouw.naam not in html

    html = text_of(client.get(base, {"q": "bestaat-niet"}))
    assert 'class="empty"' in html


def test_gebouw_list_is_paginated_and_keeps_its_filter(client, world):
    GebouwFactory.create_batch(26, corporatie=world.a.corporatie, gemeentecode="GM0599")
    client.force_login(world.a.beheerder)
    base = url("beheer-gebouwen", world.a)
    first = client.get(base, {"gemeente": "GM0599"})
    assert len(first.context["page"].object_list) == 25
    assert "gemeente=GM0599&amp;pagina=2" in first.content.decode()  # raw HTML
    second = client.get(base, {"gemeente": "GM0599", "pagina": "2"})
    assert len(second.context["page"].object_list) == 1
    assert world.a.gebouw not in second.context["page"].object_list


def test_gebouw_list_empty_state_links_to_create(client, world):
    # A corporatie without gebouwen, with A's beheerder as its beheerder too.
    leeg = CorporatieFactory()
    RolFactory(user=world.a.beheerder, corporatie=leeg)
    client.force_login(world.a.beheerder)
    response = client.get(reverse("beheer-gebouwen", args=[leeg.pk]))
    html = text_of(response)
    assert 'class="empty"' in html
    assert reverse("beheer-gebouw-nieuw", args=[leeg.pk]) in html


def test_gebouw_create_writes_row_journal_and_message(client, world):
    client.force_login(world.a.beheerder)
    seq = journal_mark()
    response = client.post(url("beheer-gebouw-nieuw", world.a), gebouw_post())
    assert response.status_code == 302
    assert response["Location"] == url("beheer-gebouwen", world.a)
    gebouw = Gebouw.objects.get(corporatie=world.a.corporatie, complexnummer="C-900")
    assert gebouw.postcode == "3512 AB"
    assert gebouw.gemeentecode == "GM0344"
    [entry] = entries_since(seq)
    assert (entry.action, entry.object_id) == ("gebouw_create", str(gebouw.pk))
    assert entry.actor_id == world.a.beheerder.pk
    assert messages_of(response) == [f"Gebouw {gebouw} is toegevoegd."]


def test_gebouw_duplicate_complexnummer_is_shown_on_the_field(client, world):
    client.force_login(world.a.beheerder)
    seq = journal_mark()
    rows = table_state(Gebouw)
    response = client.post(
        url("beheer-gebouw-nieuw", world.a),
        gebouw_post(complexnummer=world.a.gebouw.complexnummer),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "complexnummer" in errors
    assert "al een gebouw met dit complexnummer" in " ".join(errors["complexnummer"])
    assert "al een gebouw met dit complexnummer" in text_of(response)
    assert table_state(Gebouw) == rows
    assert entries_since(seq) == []


def test_gebouw_same_complexnummer_as_other_tenant_is_fine(client, world):
    client.force_login(world.a.beheerder)
    response = client.post(
        url("beheer-gebouw-nieuw", world.a),
        gebouw_post(complexnummer=world.b.gebouw.complexnummer),
    )
    assert response.status_code == 302


def test_gebouw_bad_postcode_and_buurtcode_without_kaartjaar(client, world):
    client.force_login(world.a.beheerder)
    response = client.post(
        url("beheer-gebouw-nieuw", world.a),
        gebouw_post(postcode="12345", buurtcode="BU03440101"),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "postcode" in errors
    assert "kaartjaar" in errors


def test_gebouw_edit_journals_only_the_changes(client, world):
    gebouw = world.a.gebouw
    client.force_login(world.a.beheerder)
    page = client.get(url("beheer-gebouw-bewerken", world.a))
    data = form_data(page.context["form"])
    data["naam"] = "De Nieuwe Linde"
    seq = journal_mark()
    response = client.post(url("beheer-gebouw-bewerken", world.a), data)
    assert response.status_code == 302
    gebouw.refresh_from_db()
    assert gebouw.naam == "De Nieuwe Linde"
    [entry] = entries_since(seq)
    assert entry.action == "gebouw_update"
    assert entry.after == {"naam": "De Nieuwe Linde"}
    assert messages_of(response) == [f"Gebouw {gebouw} is opgeslagen."]


def test_gebouw_edit_without_changes_writes_nothing(client, world):
    client.force_login(world.a.beheerder)
    page = client.get(url("beheer-gebouw-bewerken", world.a))
    seq = journal_mark()
    response = client.post(
        url("beheer-gebouw-bewerken", world.a), form_data(page.context["form"])
    )
    assert response.status_code == 302
    assert entries_since(seq) == []
    assert messages_of(response) == ["Er was niets gewijzigd."]


def test_gebouw_edit_refused_keeps_the_stored_values(client, world):
    other = GebouwFactory(corporatie=world.a.corporatie)
    client.force_login(world.a.beheerder)
    page = client.get(url("beheer-gebouw-bewerken", world.a))
    data = form_data(page.context["form"])
    data.update(complexnummer=other.complexnummer, naam="Gewijzigd")
    response = client.post(url("beheer-gebouw-bewerken", world.a), data)
    assert response.status_code == 200
    assert "complexnummer" in response.context["form"].errors
    assert response.context["gebouw"].naam == world.a.gebouw.naam
    world.a.gebouw.refresh_from_db()
    assert world.a.gebouw.naam != "Gewijzigd"


def test_gebouw_delete_refused_while_an_overeenkomst_refers_to_it(client, world):
    client.force_login(world.a.beheerder)
    seq = journal_mark()
    response = client.post(url("beheer-gebouw-verwijderen", world.a), follow=True)
    assert Gebouw.objects.filter(pk=world.a.gebouw.pk).exists()
    assert entries_since(seq) == []
    assert "blijft bewaard" in text_of(response)


def test_gebouw_delete_of_unused_gebouw(client, world):
    gebouw = GebouwFactory(corporatie=world.a.corporatie)
    client.force_login(world.a.beheerder)
    seq = journal_mark()
    response = client.post(
        reverse(
            "beheer-gebouw-verwijderen",
            args=[world.a.corporatie.pk, gebouw.pk],
        )
    )
    assert response.status_code == 302
    assert not Gebouw.objects.filter(pk=gebouw.pk).exists()
    [entry] = entries_since(seq)
    assert (entry.action, entry.object_id) == ("gebouw_delete", str(gebouw.pk))
    assert messages_of(response) == [f"Gebouw {gebouw} is verwijderd."]


# Coöperaties ----------------------------------------------------------------------


def cooperatie_post(**overrides) -> dict:
    data = {
        "naam": "Wooncoöperatie De Vlier",
        "soort": "woon",
        "kvk_nummer": "87654321",
        "rechtsvorm": "vereniging",
        "opgericht_op": "2021-03-01",
        "email": "bestuur@devlier.example.nl",
        "website": "",
    }
    data.update(overrides)
    return data


def test_cooperatie_list_shows_counts_and_board_but_no_other_members(client, world):
    LidFactory(cooperatie=world.a.cooperatie, lid_sinds=datetime.date(2099, 1, 1))
    LidFactory(
        cooperatie=world.a.cooperatie,
        lid_tot=datetime.date(2021, 1, 1),
        naam="Oud Lid",
    )
    client.force_login(world.a.beheerder)
    response = client.get(url("beheer-cooperaties", world.a))
    html = text_of(response)
    assert world.a.cooperatie.naam in html
    assert world.b.cooperatie.naam not in html
    # Board member: name and function; ordinary member: neither name nor e-mail.
    assert world.a.bestuurslid.naam in html
    assert "voorzitter" in html
    assert world.a.lid.naam not in html
    assert world.a.lid.email not in html
    assert world.a.bestuurslid.email not in html
    assert world.a.bestuurslid.telefoon not in html
    assert "Oud Lid" not in html
    [row] = response.context["page"].object_list
    assert row.aantal_leden == 2  # lid and bestuurslid; not the future or former
    assert row.aantal_overeenkomsten == 1
    assert row.aantal_afspraken == 1


def test_cooperatie_create_registers_it_for_this_corporatie(client, world):
    client.force_login(world.a.beheerder)
    seq = journal_mark()
    response = client.post(url("beheer-cooperatie-nieuw", world.a), cooperatie_post())
    assert response.status_code == 302
    cooperatie = Cooperatie.objects.get(kvk_nummer="87654321")
    assert cooperatie.aangemeld_door == world.a.corporatie
    [entry] = entries_since(seq)
    assert (entry.action, entry.object_id) == ("cooperatie_create", str(cooperatie.pk))
    assert messages_of(response) == ["Coöperatie Wooncoöperatie De Vlier is aangemeld."]
    # Now in the corporatie's list, and not in the other tenant's.
    assert cooperatie.naam in text_of(client.get(url("beheer-cooperaties", world.a)))
    client.force_login(world.b.beheerder)
    assert cooperatie.naam not in text_of(
        client.get(url("beheer-cooperaties", world.b))
    )


def test_cooperatie_duplicate_kvk_is_shown_on_the_field(client, world):
    client.force_login(world.a.beheerder)
    seq = journal_mark()
    rows = table_state(Cooperatie)
    response = client.post(
        url("beheer-cooperatie-nieuw", world.a),
        cooperatie_post(kvk_nummer=world.b.cooperatie.kvk_nummer),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "al een coöperatie met dit KvK-nummer" in " ".join(errors["kvk_nummer"])
    assert table_state(Cooperatie) == rows
    assert entries_since(seq) == []


def test_cooperatie_edit(client, world):
    client.force_login(world.a.beheerder)
    page = client.get(url("beheer-cooperatie-bewerken", world.a))
    html = text_of(page)
    assert world.a.bestuurslid.naam in html
    assert world.a.lid.naam not in html
    data = form_data(page.context["form"])
    data["website"] = "https://eendracht.example.nl"
    seq = journal_mark()
    response = client.post(url("beheer-cooperatie-bewerken", world.a), data)
    assert response.status_code == 302
    world.a.cooperatie.refresh_from_db()
    assert world.a.cooperatie.website == "https://eendracht.example.nl"
    [entry] = entries_since(seq)
    assert entry.action == "cooperatie_update"
    assert entry.after == {"website": "https://eendracht.example.nl"}
    assert messages_of(response) == [
        f"Coöperatie {world.a.cooperatie.naam} is opgeslagen."
    ]


def test_cooperatie_edit_bad_kvk(client, world):
    client.force_login(world.a.beheerder)
    page = client.get(url("beheer-cooperatie-bewerken", world.a))
    data = form_data(page.context["form"]) | {"kvk_nummer": "1234"}
    seq = journal_mark()
    response = client.post(url("beheer-cooperatie-bewerken", world.a), data)
    assert response.status_code == 200
    assert "8 cijfers" in " ".join(response.context["form"].errors["kvk_nummer"])
    assert entries_since(seq) == []


# BAG ids and coordinates -----------------------------------------------------------


def test_gebouw_with_bag_ids_and_rd_coordinates_is_stored(client, world):
    client.force_login(world.a.beheerder)
    response = client.post(
        url("beheer-gebouw-nieuw", world.a),
        gebouw_post(
            bag_pand_id="0344100000012345",
            bag_verblijfsobject_ids="0344010000012345\r\n0344010000012346, ",
            clustercode="cl-1",
            rd_x="155000",
            rd_y="463000,0",
        ),
    )
    assert response.status_code == 302
    gebouw = Gebouw.objects.get(corporatie=world.a.corporatie, complexnummer="C-900")
    assert gebouw.bag_pand_id == "0344100000012345"
    assert gebouw.bag_verblijfsobject_ids == ["0344010000012345", "0344010000012346"]
    assert gebouw.clustercode == "CL-1"
    assert (round(gebouw.latitude, 3), round(gebouw.longitude, 3)) == (
        Decimal("52.155"),
        Decimal("5.387"),
    )

    page = client.get(
        reverse("beheer-gebouw-bewerken", args=[world.a.corporatie.pk, gebouw.pk])
    )
    form = page.context["form"]
    assert "0344010000012345\n0344010000012346" in page.content.decode()
    data = form_data(form)
    seq = journal_mark()
    assert client.post(page.wsgi_request.path, data).status_code == 302
    assert entries_since(seq) == []  # nothing changed, nothing written


def test_gebouw_with_a_bag_pand_id_of_another_gemeente_shows_it_on_the_field(
    client, world
):
    client.force_login(world.a.beheerder)
    rows = table_state(Gebouw)
    response = client.post(
        url("beheer-gebouw-nieuw", world.a),
        gebouw_post(bag_pand_id="0363100000012345"),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "moet met de gemeentecode van het gebouw beginnen" in " ".join(
        errors["bag_pand_id"]
    )
    assert "0344" in text_of(response)
    assert table_state(Gebouw) == rows


# Import -----------------------------------------------------------------------------

IMPORT_CSV = (
    "complexnummer;naam;straat;huisnummer;postcode;plaats;gemeentecode;"
    "aantal_woningen;bag_pand_id;rd_x;rd_y\r\n"
    "I-1;De Eik;Eiklaan;1;3511 AB;Utrecht;GM0344;24;0344100000000001;155000;463000\r\n"
)


def _upload(client, world, text: str, name: str = "gebouwen.csv"):
    bestand = SimpleUploadedFile(name, text.encode("utf-8"), "text/csv")
    return client.post(url("beheer-gebouwen-import", world.a), {"bestand": bestand})


def test_gebouwen_import_registers_every_row_and_says_so(client, world):
    client.force_login(world.a.beheerder)
    assert client.get(url("beheer-gebouwen", world.a)).status_code == 200
    seq = journal_mark()

    response = _upload(client, world, IMPORT_CSV)

    assert response.status_code == 302
    assert response["Location"] == url("beheer-gebouwen", world.a)
    gebouw = Gebouw.objects.get(corporatie=world.a.corporatie, complexnummer="I-1")
    assert gebouw.bag_pand_id == "0344100000000001"
    assert gebouw.latitude is not None
    assert [e.action for e in entries_since(seq)] == ["gebouw_create"]
    assert messages_of(response) == ["1 gebouw is ingelezen."]


def test_gebouwen_import_names_row_and_column_and_writes_nothing(client, world):
    client.force_login(world.a.beheerder)
    rows = table_state(Gebouw)

    response = _upload(client, world, IMPORT_CSV.replace("0344100", "0363100"))

    assert response.status_code == 200
    assert "rij 2, kolom bag_pand_id" in text_of(response)
    assert table_state(Gebouw) == rows

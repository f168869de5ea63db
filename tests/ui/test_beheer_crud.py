"""The beheerder's pages to create and edit gebouwen, coöperaties, overeenkomsten
and afspraken with their toezeggingen."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.messages import get_messages
from django.urls import reverse

import pytest

from afspraken.choices import Indicator
from afspraken.models import Afspraak, Toezegging
from cooperatie.models import Cooperatie, Gebouw, Overeenkomst
from kern.models import AuditEntry
from tests.cooperatie.factories import (
    CorporatieFactory,
    GebouwFactory,
    LidFactory,
    RolFactory,
)
from tests.helpers import entries_since, journal_mark, page_text, table_state

# URL name → the tenant attribute whose pk fills the object kwarg (or None).
PAGES = {
    "beheer-gebouwen": None,
    "beheer-gebouw-nieuw": None,
    "beheer-gebouw-bewerken": ("gebouw_id", "gebouw"),
    "beheer-gebouw-verwijderen": ("gebouw_id", "gebouw"),
    "beheer-cooperaties": None,
    "beheer-cooperatie-nieuw": None,
    "beheer-cooperatie-bewerken": ("cooperatie_id", "cooperatie"),
    "beheer-overeenkomsten": None,
    "beheer-overeenkomst-nieuw": None,
    "beheer-overeenkomst-bewerken": ("overeenkomst_id", "overeenkomst"),
    "beheer-overeenkomst-beeindigen": ("overeenkomst_id", "overeenkomst"),
    "beheer-afspraken": None,
    "beheer-afspraak-nieuw": None,
    "beheer-afspraak-bewerken": ("afspraak_id", "afspraak"),
}
OBJECT_PAGES = [name for name, obj in PAGES.items() if obj]
POST_ONLY = {"beheer-gebouw-verwijderen", "beheer-overeenkomst-beeindigen"}


def url(name: str, tenant, obj_tenant=None) -> str:
    """The page in `tenant`'s portal, for the object of `obj_tenant` (default:
    the same tenant)."""
    kwargs = {"corporatie_id": tenant.corporatie.pk}
    if PAGES[name]:
        kwarg, attr = PAGES[name]
        kwargs[kwarg] = getattr(obj_tenant or tenant, attr).pk
    return reverse(name, kwargs=kwargs)


text_of = page_text


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def form_data(form) -> dict:
    """What a browser would post for an unbound form as it is rendered."""
    data = {}
    for bound in form:
        value = bound.value()
        if bound.widget_type == "checkbox":
            if value:
                data[bound.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[bound.html_name] = [
                str(v.pk if hasattr(v, "pk") else v) for v in value
            ]
        elif value is None:
            data[bound.html_name] = ""
        elif hasattr(value, "pk"):
            data[bound.html_name] = str(value.pk)
        else:
            data[bound.html_name] = str(value)
    return data


def page_data(response) -> dict:
    """The afspraak page's form and formset as the browser would post them."""
    data = form_data(response.context["form"])
    formset = response.context["formset"]
    for name, value in formset.management_form.initial.items():
        data[f"{formset.prefix}-{name}"] = str(value)
    for row in formset.forms:
        data.update(form_data(row))
    return data


def row_key(data: dict, index: int, field: str) -> str:
    return f"toezeggingen-{index}-{field}"


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


# Afspraken ------------------------------------------------------------------------


def afspraak_post(world, rows=(), **overrides) -> dict:
    data = {
        "cooperatie": str(world.a.cooperatie.pk),
        "titel": "Sociale inbreng 2025–2028",
        "ondertekend_op": "2024-12-01",
        "ingangsjaar": "2025",
        "eindjaar": "2028",
        "prestatieafspraak": "",
        "gebouwen": [str(world.a.gebouw.pk)],
        "toezeggingen-TOTAL_FORMS": str(max(len(rows), 3)),
        "toezeggingen-INITIAL_FORMS": "0",
        "toezeggingen-MIN_NUM_FORMS": "0",
        "toezeggingen-MAX_NUM_FORMS": "1000",
    }
    for i in range(int(data["toezeggingen-TOTAL_FORMS"])):
        row = rows[i] if i < len(rows) else BLANK
        for key, value in row.items():
            data[f"toezeggingen-{i}-{key}"] = value
    data.update(overrides)
    return data


# A blank row as the browser posts it: the fields' initial values.
BLANK = {
    "omschrijving": "",
    "indicator": "",
    "norm": "0",
    "richting": "minimaal",
    "deels_vanaf": "75",
    "zwaarwegend": "on",
    "thema": "",
}
ACTIVITEITEN = {
    "omschrijving": "Minstens 10 activiteiten",
    "indicator": "aantal_activiteiten",
    "norm": "10",
    "richting": "minimaal",
    "deels_vanaf": "75",
    "zwaarwegend": "on",
    "thema": "",
}
KWALITATIEF = {
    "omschrijving": "De moestuin is open voor de buurt",
    "indicator": "kwalitatief",
    "norm": "",
    "richting": "minimaal",
    "deels_vanaf": "",
    "thema": "",
}


def test_afspraak_list_shows_own_only(client, world):
    client.force_login(world.a.beheerder)
    response = client.get(url("beheer-afspraken", world.a))
    html = text_of(response)
    assert world.a.afspraak.titel in html
    assert world.b.afspraak.titel not in html
    [row] = response.context["page"].object_list
    assert row.aantal_toezeggingen == 2
    assert [t.jaar for t in row.toetsingen.all()] == [2024, 2023]
    assert str(world.a.gebouw) in html


def test_afspraak_list_filters_by_cooperatie_and_year(client, world):
    client.force_login(world.a.beheerder)
    base = url("beheer-afspraken", world.a)
    html = text_of(client.get(base, {"jaar": "2030"}))
    assert world.a.afspraak.titel not in html
    assert 'class="empty"' in html
    html = text_of(client.get(base, {"jaar": "2025"}))
    assert world.a.afspraak.titel in html
    html = text_of(client.get(base, {"cooperatie": world.a.cooperatie.pk}))
    assert world.a.afspraak.titel in html
    # Another tenant's cooperatie is not a choice: the filter is refused, not applied.
    response = client.get(base, {"cooperatie": world.b.cooperatie.pk})
    assert "cooperatie" in response.context["filters"].errors


def test_afspraak_create_with_toezeggingen(client, world):
    client.force_login(world.a.beheerder)
    seq = journal_mark()
    response = client.post(
        url("beheer-afspraak-nieuw", world.a),
        afspraak_post(world, [ACTIVITEITEN, KWALITATIEF]),
    )
    assert response.status_code == 302
    afspraak = Afspraak.objects.get(titel="Sociale inbreng 2025–2028")
    assert response["Location"] == reverse(
        "beheer-afspraak-bewerken", args=[world.a.corporatie.pk, afspraak.pk]
    )
    assert afspraak.corporatie == world.a.corporatie
    assert list(afspraak.gebouwen.all()) == [world.a.gebouw]
    rows = list(afspraak.toezeggingen.order_by("volgorde"))
    assert [(t.indicator, t.norm) for t in rows] == [
        (Indicator.AANTAL_ACTIVITEITEN, Decimal("10.00")),
        (Indicator.KWALITATIEF, Decimal("0.00")),
    ]
    assert rows[1].deels_vanaf == Decimal("75.00")  # left empty: the default
    assert [e.action for e in entries_since(seq)] == [
        "afspraak_create",
        "toezegging_create",
        "toezegging_create",
    ]
    assert messages_of(response) == [
        "Afspraak Sociale inbreng 2025–2028 is vastgelegd: 2 toezeggingen toegevoegd."
    ]


def test_afspraak_create_one_bad_row_writes_nothing(client, world):
    client.force_login(world.a.beheerder)
    seq = journal_mark()
    afspraken, toezeggingen = table_state(Afspraak), table_state(Toezegging)
    bad = ACTIVITEITEN | {"omschrijving": "Negatief", "norm": "-5"}
    response = client.post(
        url("beheer-afspraak-nieuw", world.a),
        afspraak_post(world, [ACTIVITEITEN, bad]),
    )
    assert response.status_code == 200
    rows = response.context["formset"].forms
    assert rows[0].errors == {}
    assert "De norm is nul of meer." in rows[1].errors["norm"]
    html = text_of(response)
    assert "De norm is nul of meer." in html
    assert "er is nog niets opgeslagen" in html
    assert table_state(Afspraak) == afspraken
    assert table_state(Toezegging) == toezeggingen
    assert entries_since(seq) == []


def test_afspraak_create_filter_on_a_non_activity_indicator(client, world):
    client.force_login(world.a.beheerder)
    bad = KWALITATIEF | {"thema": "groen"}
    response = client.post(
        url("beheer-afspraak-nieuw", world.a), afspraak_post(world, [bad])
    )
    assert response.status_code == 200
    errors = response.context["formset"].forms[0].errors
    assert "indicatoren over activiteiten" in " ".join(errors["thema"])
    assert not Afspraak.objects.filter(titel="Sociale inbreng 2025–2028").exists()


def test_afspraak_create_bad_span_is_shown_on_the_field(client, world):
    client.force_login(world.a.beheerder)
    seq = journal_mark()
    response = client.post(
        url("beheer-afspraak-nieuw", world.a),
        afspraak_post(world, [ACTIVITEITEN], eindjaar="2020"),
    )
    assert response.status_code == 200
    assert "eindjaar" in response.context["form"].errors
    assert entries_since(seq) == []


def test_afspraak_create_choices_are_the_portals_only(client, world):
    client.force_login(world.a.beheerder)
    page = client.get(url("beheer-afspraak-nieuw", world.a))
    form = page.context["form"]
    assert list(form.fields["cooperatie"].queryset) == [world.a.cooperatie]
    assert list(form.fields["gebouwen"].queryset) == [world.a.gebouw]
    rows = table_state(Afspraak)
    response = client.post(
        url("beheer-afspraak-nieuw", world.a),
        afspraak_post(
            world,
            [ACTIVITEITEN],
            cooperatie=str(world.b.cooperatie.pk),
            gebouwen=[str(world.b.gebouw.pk)],
        ),
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"cooperatie", "gebouwen"}
    assert table_state(Afspraak) == rows


def test_afspraak_edit_changes_adds_and_deletes_rows(client, world):
    afspraak = world.a.afspraak
    plain = world.a.toezegging  # aantal_activiteiten, not assessed
    assessed = world.a.beoordeling.toezegging
    client.force_login(world.a.beheerder)
    page = client.get(url("beheer-afspraak-bewerken", world.a))
    data = page_data(page)
    forms = page.context["formset"].forms
    index = {row.instance.pk: i for i, row in enumerate(forms) if row.instance.pk}
    data["titel"] = "Nieuwe titel"
    data[row_key(data, index[assessed.pk], "omschrijving")] = "Moestuin open"
    data[row_key(data, index[plain.pk], "DELETE")] = "on"
    new = len(index)
    for key, value in (
        ACTIVITEITEN
        | {
            "omschrijving": "Vrijwilligersuren",
            "indicator": "vrijwilligersuren",
            "norm": "200",
        }
    ).items():
        data[row_key(data, new, key)] = value
    seq = journal_mark()
    response = client.post(url("beheer-afspraak-bewerken", world.a), data)
    assert response.status_code == 302, response.context["formset"].errors
    afspraak.refresh_from_db()
    assert afspraak.titel == "Nieuwe titel"
    assert not Toezegging.objects.filter(pk=plain.pk).exists()
    assessed.refresh_from_db()
    assert assessed.omschrijving == "Moestuin open"
    added = afspraak.toezeggingen.get(indicator="vrijwilligersuren")
    assert added.norm == Decimal("200.00")
    assert added.volgorde > assessed.volgorde
    actions = sorted(e.action for e in entries_since(seq))
    assert actions == [
        "afspraak_update",
        "toezegging_create",
        "toezegging_delete",
        "toezegging_update",
    ]
    update = AuditEntry.objects.get(pk__gt=seq, action="toezegging_update")
    assert update.after == {"omschrijving": "Moestuin open"}
    assert messages_of(response) == [
        "Afspraak Nieuwe titel is opgeslagen: 1 toezegging toegevoegd, "
        "1 toezegging gewijzigd, 1 toezegging verwijderd."
    ]


def test_afspraak_edit_refused_delete_rolls_everything_back(client, world):
    assessed = world.a.beoordeling.toezegging
    client.force_login(world.a.beheerder)
    page = client.get(url("beheer-afspraak-bewerken", world.a))
    data = page_data(page)
    forms = page.context["formset"].forms
    index = {row.instance.pk: i for i, row in enumerate(forms) if row.instance.pk}
    data["titel"] = "Mag niet blijven staan"
    data[row_key(data, index[world.a.toezegging.pk], "norm")] = "15"
    data[row_key(data, index[assessed.pk], "DELETE")] = "on"
    seq = journal_mark()
    afspraken, toezeggingen = table_state(Afspraak), table_state(Toezegging)
    response = client.post(url("beheer-afspraak-bewerken", world.a), data)
    assert response.status_code == 200
    row = response.context["formset"].forms[index[assessed.pk]]
    assert "beoordeeld en blijft bewaard" in " ".join(row.non_field_errors())
    assert "beoordeeld en blijft bewaard" in text_of(response)
    # The page shows the stored afspraak, not the refused title.
    assert response.context["afspraak"].titel == world.a.afspraak.titel
    assert table_state(Afspraak) == afspraken
    assert table_state(Toezegging) == toezeggingen
    assert entries_since(seq) == []


def test_afspraak_edit_without_changes(client, world):
    client.force_login(world.a.beheerder)
    page = client.get(url("beheer-afspraak-bewerken", world.a))
    seq = journal_mark()
    response = client.post(url("beheer-afspraak-bewerken", world.a), page_data(page))
    assert response.status_code == 302
    assert entries_since(seq) == []
    assert messages_of(response) == ["Er was niets gewijzigd."]


def test_afspraak_edit_cannot_reach_another_tenants_toezegging(client, world):
    client.force_login(world.a.beheerder)
    page = client.get(url("beheer-afspraak-bewerken", world.a))
    data = page_data(page)
    data["toezeggingen-0-id"] = str(world.b.toezegging.pk)
    data["toezeggingen-0-omschrijving"] = "Overgenomen"
    rows = table_state(Toezegging)
    response = client.post(url("beheer-afspraak-bewerken", world.a), data)
    assert response.status_code == 200
    formset = response.context["formset"]
    assert "id" in formset.forms[0].errors
    assert "hoort niet (meer) bij deze afspraak" in " ".join(formset.non_form_errors())
    assert "hoort niet (meer) bij deze afspraak" in text_of(response)
    assert table_state(Toezegging) == rows


def test_afspraak_edit_shows_cooperatie_and_toetsingen(client, world):
    client.force_login(world.a.beheerder)
    response = client.get(url("beheer-afspraak-bewerken", world.a))
    html = text_of(response)
    assert world.a.cooperatie.naam in html
    assert "2024" in html
    assert "2023" in html
    assert world.a.toezegging.omschrijving in html
    assert world.b.toezegging.afspraak.titel not in html

"""The bestuur's member pages: access, the list, adding, editing, ending."""

from __future__ import annotations

import datetime
import html

from django.urls import reverse
from django.utils import timezone

import pytest

from cooperatie.choices import Bestuursfunctie, Doelgroep, RolSoort
from cooperatie.models import Lid
from tests.cooperatie.factories import CooperatieFactory, LidFactory, RolFactory
from tests.helpers import entries_since, journal_mark, table_state
from tests.ui.leden_helpers import PAGES, messages_of, page_url, text_of, url

# Access -------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "with_lid"), PAGES)
def test_beheerder_and_auditor_of_the_same_tenant_are_forbidden(
    client, world, name, with_lid
):
    target = page_url(world.a, name, with_lid)
    for user in (world.a.beheerder, world.a.auditor):
        client.force_login(user)
        assert client.get(target).status_code == 403
        assert client.post(target, {}).status_code == 403


@pytest.mark.parametrize(("name", "with_lid"), PAGES)
def test_anonymous_is_sent_to_login(client, world, name, with_lid):
    response = client.get(page_url(world.a, name, with_lid))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(("name", "with_lid"), PAGES)
def test_other_tenants_bestuur_finds_nothing(client, world, name, with_lid):
    client.force_login(world.b.bestuur)
    assert client.get(page_url(world.a, name, with_lid)).status_code == 404


@pytest.mark.parametrize("name", ["lid-bewerken", "lid-beeindigen"])
def test_other_tenants_lid_is_not_found(bestuur, world, name):
    rows = table_state(Lid)
    target = url(world.a, name, world.b.lid.pk)
    assert bestuur.get(target).status_code == 404
    assert bestuur.post(target, {"lid_tot": "2025-01-01"}).status_code == 404
    assert table_state(Lid) == rows


# List ---------------------------------------------------------------------------


def test_list_shows_members_with_their_data_and_the_counts(bestuur, world):
    a = world.a
    response = bestuur.get(url(a, "leden"))
    assert response.status_code == 200
    text = text_of(response)
    for lid in (a.lid, a.bestuurslid):
        assert lid.naam in text
        assert lid.email in text
    assert "Voorzitter" in text  # the board section
    # Two members today, one of them doelgroep.
    assert "Leden vandaag 2" in text
    assert "Waarvan doelgroep 1 (50,0%)" in text
    assert world.b.lid.naam not in text
    assert world.b.lid.email not in text


def test_list_filters_former_members_and_searches(bestuur, world):
    a = world.a
    oud = LidFactory(
        cooperatie=a.cooperatie,
        naam="Oud Lid",
        lid_sinds=datetime.date(2019, 1, 1),
        lid_tot=datetime.date(2022, 1, 1),
    )
    current = text_of(bestuur.get(url(a, "leden")))
    assert oud.naam not in current
    former = text_of(bestuur.get(url(a, "leden"), {"status": "voormalig"}))
    assert oud.naam in former
    assert a.lid.naam not in former
    found = html.unescape(
        bestuur.get(url(a, "leden"), {"status": "alle", "zoek": a.lid.email})
        .content.decode()
        .split("<h2>Ledenlijst</h2>")[1]  # the list, below the board
    )
    assert a.lid.naam in found
    assert a.bestuurslid.naam not in found


def test_list_pages_through_many_members(bestuur, world):
    for n in range(30):
        LidFactory(cooperatie=world.a.cooperatie, naam=f"Zz lid {n:02d}")
    response = bestuur.get(url(world.a, "leden"), {"pagina": 2})
    assert response.status_code == 200
    text = text_of(response)
    assert "Pagina 2 van 2 (32 rijen)" in text
    assert "Zz lid 29" in text
    assert world.a.lid.naam not in text


def test_empty_list_points_to_adding_and_importing(client, world):
    cooperatie = CooperatieFactory()
    rol = RolFactory(
        user=world.a.bestuur,
        soort=RolSoort.BESTUUR,
        corporatie=None,
        cooperatie=cooperatie,
    )
    client.force_login(rol.user)
    response = client.get(reverse("bestuur-leden", args=[cooperatie.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Er staan nog geen leden in de lijst." in page
    assert reverse("bestuur-lid-nieuw", args=[cooperatie.pk]) in page
    assert reverse("bestuur-leden-import", args=[cooperatie.pk]) in page


# Add, edit, end -----------------------------------------------------------------


def test_adding_a_member_writes_it_and_the_journal(bestuur, world):
    a = world.a
    seq = journal_mark()
    response = bestuur.post(
        url(a, "lid-nieuw"),
        {
            "naam": "Fatima El Amrani",
            "email": "fatima@example.nl",
            "telefoon": "06-12345678",
            "adres": "Kastanjelaan 12-3",
            "lid_sinds": "2024-05-01",
            "bestuursfunctie": "secretaris",
            "doelgroep": "ja",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == url(a, "leden")
    lid = Lid.objects.get(cooperatie=a.cooperatie, email="fatima@example.nl")
    assert lid.bestuursfunctie == Bestuursfunctie.SECRETARIS
    assert lid.doelgroep == Doelgroep.JA
    assert [e.action for e in entries_since(seq)] == ["lid_create"]
    assert messages_of(response) == ["Fatima El Amrani is als lid toegevoegd."]


def test_adding_a_member_shows_errors_next_to_the_fields(bestuur, world):
    a = world.a
    rows = table_state(Lid)
    response = bestuur.post(
        url(a, "lid-nieuw"),
        {
            "naam": "Tweede",
            "email": a.lid.email,  # taken: the service refuses it
            "lid_sinds": "2024-05-01",
            "doelgroep": "onbekend",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "email": [
            "Een e-mailadres mag per coöperatie maar bij één lid horen: deze "
            "coöperatie heeft al een lid met dit e-mailadres."
        ]
    }
    assert table_state(Lid) == rows

    response = bestuur.post(
        url(a, "lid-nieuw"), {"naam": "", "lid_sinds": "gisteren", "doelgroep": "ja"}
    )
    assert set(response.context["form"].errors) == {"naam", "lid_sinds"}
    assert table_state(Lid) == rows


def test_a_backdated_member_in_a_locked_year_is_refused_on_its_field(bestuur, world):
    rows = table_state(Lid)
    response = bestuur.post(
        url(world.a, "lid-nieuw"),
        {"naam": "Te laat", "lid_sinds": "2023-03-01", "doelgroep": "onbekend"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["lid_sinds"] == [
        "Het jaar 2023 is vastgesteld en kan niet meer worden gewijzigd."
    ]
    assert table_state(Lid) == rows


def test_editing_sends_only_the_changed_fields(bestuur, world):
    lid = world.a.lid
    form = bestuur.get(url(world.a, "lid-bewerken", lid.pk)).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data["lid_sinds"] = lid.lid_sinds.isoformat()
    data["telefoon"] = "06-87654321"
    data["bestuursfunctie"] = "penningmeester"
    seq = journal_mark()

    response = bestuur.post(url(world.a, "lid-bewerken", lid.pk), data)

    assert response.status_code == 302
    lid.refresh_from_db()
    assert lid.telefoon == "06-87654321"
    assert lid.bestuursfunctie == Bestuursfunctie.PENNINGMEESTER
    (entry,) = entries_since(seq)
    assert entry.action == "lid_update"
    assert set(entry.after) == {"telefoon", "bestuursfunctie"}
    assert messages_of(response) == [f"De gegevens van {lid.naam} zijn bijgewerkt."]

    # The same data again changes nothing and writes nothing.
    seq = journal_mark()
    response = bestuur.post(url(world.a, "lid-bewerken", lid.pk), data)
    assert entries_since(seq) == []
    assert messages_of(response)[-1] == "Er is niets gewijzigd."


def test_ending_a_membership(bestuur, world):
    lid = world.a.bestuurslid
    page = bestuur.get(url(world.a, "lid-beeindigen", lid.pk))
    assert page.status_code == 200
    assert page.context["form"]["lid_tot"].value() == timezone.localdate()
    seq = journal_mark()

    response = bestuur.post(
        url(world.a, "lid-beeindigen", lid.pk), {"lid_tot": "2025-02-01"}
    )

    assert response.status_code == 302
    lid.refresh_from_db()
    assert lid.lid_tot == datetime.date(2025, 2, 1)
    assert lid.bestuursfunctie == ""
    assert [e.action for e in entries_since(seq)] == ["lid_end"]
    assert messages_of(response) == [
        f"Het lidmaatschap van {lid.naam} is beëindigd per 01-02-2025."
    ]


def test_ending_in_a_locked_year_is_refused_on_the_date(bestuur, world):
    lid = world.a.lid
    rows = table_state(Lid)
    response = bestuur.post(
        url(world.a, "lid-beeindigen", lid.pk), {"lid_tot": "2023-06-01"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["lid_tot"] == [
        "Het jaar 2023 is vastgesteld en kan niet meer worden gewijzigd."
    ]
    assert table_state(Lid) == rows


def test_a_refused_end_date_keeps_the_form_with_the_error(bestuur, world):
    lid = world.a.lid
    before_sinds = lid.lid_sinds
    response = bestuur.post(
        url(world.a, "lid-beeindigen", lid.pk),
        {"lid_tot": (before_sinds - datetime.timedelta(days=1)).isoformat()},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["lid_tot"]
    # The page still offers to end the membership: nothing was ended.
    assert response.context["lid"].lid_tot is None
    assert 'name="lid_tot"' in response.content.decode()
    lid.refresh_from_db()
    assert lid.lid_tot is None

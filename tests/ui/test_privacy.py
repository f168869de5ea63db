"""AVG pages of the bestuur portal (one member's data as JSON, erasure with a
confirmation page) and the read log of every page and API answer that shows
member rows."""

from __future__ import annotations

import json

from django.contrib.messages import get_messages
from django.urls import reverse

import pytest
from rest_framework.test import APIClient

from cooperatie.models import LedenInzage, Lid
from kern.journal import verify_chain
from kern.models import AuditEntry
from tests.helpers import fresh


def url(tenant, name: str, *args) -> str:
    return reverse(f"bestuur-{name}", args=[tenant.cooperatie.pk, *args])


def reads() -> list[tuple[str, int, str, int]]:
    return list(
        LedenInzage.objects.order_by("pk").values_list(
            "username", "cooperatie", "bron", "aantal"
        )
    )


@pytest.fixture
def bestuur(client, world):
    client.force_login(world.a.bestuur)
    return client


# One member's data (art. 15) ---------------------------------------------------


def test_bestuur_downloads_one_members_data_as_json_and_the_read_is_logged(
    bestuur, world
):
    a = world.a
    response = bestuur.get(url(a, "lid-export", a.lid.pk))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["lid"]["naam"] == a.lid.naam
    assert data["lid"]["email"] == a.lid.email
    assert data["activiteiten_als_vrijwilliger"][0]["titel"] == a.activiteit.titel
    assert a.bestuurslid.naam not in response.content.decode()
    assert reads() == [(a.bestuur.username, a.cooperatie.pk, "avg_export", 1)]


def test_member_edit_page_offers_download_and_erasure(bestuur, world):
    a = world.a
    html = bestuur.get(url(a, "lid-bewerken", a.lid.pk)).content.decode()
    assert url(a, "lid-export", a.lid.pk) in html
    assert url(a, "lid-wissen", a.lid.pk) in html
    assert "Gegevens downloaden (AVG)" in html
    assert "Gegevens wissen (AVG)" in html


# Erasure (art. 17) -----------------------------------------------------------------


def test_erasure_asks_for_confirmation_first(bestuur, world):
    a = world.a
    response = bestuur.get(url(a, "lid-wissen", a.lid.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "Persoonsgegevens wissen" in html
    assert "data-confirm=" in html
    lid = Lid.objects.get(pk=a.lid.pk)
    assert lid.geanonimiseerd_op is None
    assert lid.naam == a.lid.naam


def test_erasure_anonymises_the_member_journals_it_and_says_so(bestuur, world):
    a = world.a
    seq = AuditEntry.objects.order_by("-pk").first().pk
    response = bestuur.post(url(a, "lid-wissen", a.lid.pk))
    assert response.status_code == 302
    assert response["Location"] == url(a, "leden")
    lid = Lid.objects.get(pk=a.lid.pk)
    assert lid.naam == f"Gewist lid #{lid.pk}"
    assert (lid.email, lid.telefoon, lid.adres) == ("", "", "")
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"De persoonsgegevens van lid #{lid.pk} zijn gewist."
    ]
    [entry] = AuditEntry.objects.filter(pk__gt=seq)
    assert (entry.action, entry.object_id, entry.actor) == (
        "lid_wissen",
        str(lid.pk),
        a.bestuur,
    )
    assert verify_chain().ok
    # The page now says it is done, and offers no second erasure.
    html = bestuur.get(url(a, "lid-wissen", a.lid.pk)).content.decode()
    assert "zijn al gewist" in html
    assert "Persoonsgegevens wissen</button>" not in html


def test_erasing_twice_shows_an_error_and_writes_nothing(bestuur, world):
    a = world.a
    bestuur.post(url(a, "lid-wissen", a.lid.pk))
    count = AuditEntry.objects.count()
    response = bestuur.post(url(a, "lid-wissen", a.lid.pk), follow=True)
    assert "De gegevens van dit lid zijn al gewist." in response.content.decode()
    assert AuditEntry.objects.count() == count


# Access ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["lid-export", "lid-wissen"])
def test_other_tenants_member_is_404(bestuur, world, name):
    assert bestuur.get(url(world.a, name, world.b.lid.pk)).status_code == 404
    assert bestuur.post(url(world.a, name, world.b.lid.pk)).status_code == 404
    assert Lid.objects.get(pk=world.b.lid.pk).geanonimiseerd_op is None


@pytest.mark.parametrize("name", ["lid-export", "lid-wissen"])
@pytest.mark.parametrize("role", ["beheerder", "auditor"])
def test_roles_outside_the_bestuur_portal_get_403(client, world, name, role):
    a = world.a
    client.force_login(getattr(a, role))
    assert client.get(url(a, name, a.lid.pk)).status_code == 403
    assert client.post(url(a, name, a.lid.pk)).status_code == 403
    assert Lid.objects.get(pk=a.lid.pk).geanonimiseerd_op is None
    assert reads() == []


@pytest.mark.parametrize("name", ["lid-export", "lid-wissen"])
def test_anonymous_is_sent_to_login(client, world, name):
    response = client.get(url(world.a, name, world.a.lid.pk))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


# The read log ----------------------------------------------------------------------


def test_api_member_list_and_detail_are_logged_per_cooperatie(world):
    a = world.a
    api = APIClient()
    api.force_authenticate(fresh(a.bestuur))
    assert api.get("/api/v1/leden/").status_code == 200
    assert api.get(f"/api/v1/leden/{a.lid.pk}/").status_code == 200
    assert reads() == [
        (a.bestuur.username, a.cooperatie.pk, "api", 2),
        (a.bestuur.username, a.cooperatie.pk, "api", 1),
    ]


def test_api_board_names_read_by_a_beheerder_are_logged(world):
    a = world.a
    api = APIClient()
    api.force_authenticate(fresh(a.beheerder))
    assert api.get("/api/v1/leden/").status_code == 200
    assert reads() == [(a.beheerder.username, a.cooperatie.pk, "api", 1)]


def test_activity_form_volunteer_list_is_logged(bestuur, world):
    a = world.a
    assert bestuur.get(url(a, "activiteit-nieuw")).status_code == 200
    response = bestuur.get(url(a, "activiteit-bewerken", a.activiteit.pk))
    assert response.status_code == 200
    logged = reads()
    assert [row[:3] for row in logged] == [
        (a.bestuur.username, a.cooperatie.pk, "activiteit")
    ] * 2
    assert all(row[3] >= 1 for row in logged)


def test_import_preview_is_logged(bestuur, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    a = world.a
    export = bestuur.get(url(a, "leden-export"))
    LedenInzage.objects.all().delete()
    response = bestuur.post(
        url(a, "leden-import"),
        {"bestand": SimpleUploadedFile("leden.csv", export.content)},
    )
    assert response.status_code == 200
    assert reads() == [(a.bestuur.username, a.cooperatie.pk, "import", 2)]

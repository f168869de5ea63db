"""The beheerder's page of machine clients, /beheer/<corporatie>/koppelingen/:
registering shows the secret once (and the client works with it), revoking
ends it, and the page shows only the corporatie's own clients."""

from __future__ import annotations

from django.contrib.auth.hashers import check_password
from django.urls import reverse

from oauth2_provider.models import Application

from cooperatie.models import ApiClient
from kern.models import AuditEntry
from tests.api.oauth_helpers import access_token, api_as, register, token_response
from tests.helpers import page_text

GEBOUWEN = "Coopsturing.Gebouwen.Read"


def page(tenant, name="koppelingen", *args) -> str:
    return reverse(f"beheer-{name}", args=[tenant.corporatie.pk, *args])


def test_registering_shows_the_secret_once_and_it_works(client, world):
    client.force_login(world.a.beheerder)
    response = client.post(page(world.a), {"naam": "Power BI", "scopes": [GEBOUWEN]})

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    koppeling = ApiClient.objects.get()
    assert koppeling.corporatie == world.a.corporatie
    assert koppeling.scopes == [GEBOUWEN]
    html = page_text(response)
    assert koppeling.client_id in html
    secret = html.split('<dt>Geheim</dt><dd><code class="hash">')[1].split("<")[0]
    assert check_password(secret, Application.objects.get().client_secret)
    assert api_as(access_token(koppeling, secret)).get(
        "/api/v1/gebouwen/"
    ).status_code == (200)
    entry = AuditEntry.objects.get(action="apiclient_create")
    assert entry.actor_id == world.a.beheerder.pk

    # Never shown again: the list has the client id, not the secret.
    listed = page_text(client.get(page(world.a)))
    assert koppeling.client_id in listed
    assert secret not in listed
    assert "Power BI" in listed


def test_the_page_refuses_bad_input_on_the_form(client, world):
    client.force_login(world.a.beheerder)
    response = client.post(
        page(world.a), {"naam": "x" * 101, "scopes": ["Coopsturing.Geheim.Read"]}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"naam", "scopes"}
    assert not ApiClient.objects.exists()


def test_revoking_ends_the_client_and_its_tokens(client, world):
    koppeling, secret = register(world.a, GEBOUWEN, naam="Exact ERP")
    token = access_token(koppeling, secret)
    client.force_login(world.a.beheerder)

    response = client.post(page(world.a, "koppeling-intrekken", koppeling.pk))

    assert response.status_code == 302
    koppeling.refresh_from_db()
    assert koppeling.revoked_at is not None
    assert api_as(token).get("/api/v1/gebouwen/").status_code == 401
    assert token_response(koppeling.client_id, secret).status_code == 401
    html = page_text(client.get(page(world.a)))
    assert "Ingetrokken koppeling (1)" in html
    assert "Er zijn geen werkende koppelingen." in html


def test_the_page_shows_only_the_corporaties_own_clients(client, world):
    register(world.a, GEBOUWEN, naam="Koppeling van A")
    register(world.b, GEBOUWEN, naam="Koppeling van B")
    client.force_login(world.a.beheerder)
    html = page_text(client.get(page(world.a)))
    assert "Koppeling van A" in html
    assert "Koppeling van B" not in html

"""Machine clients (OAuth2 client credentials): a beheerder registers one for
its corporatie; the client gets short-lived tokens from the real token
endpoint, reads and writes within its scopes as its corporatie's beheerder
would, and the journal names it; revoking it ends its tokens at once."""

from __future__ import annotations

import base64
import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import pytest
import yaml
from oauth2_provider.models import AccessToken, Application
from rest_framework.test import APIClient

from cooperatie import koppelingen
from cooperatie.models import ApiClient
from kern.api.scopes import SCOPES
from kern.models import AuditEntry
from tests.api.oauth_helpers import (
    access_token,
    api_as,
    register,
    token_response,
)
from tests.api.problems import invalid_params
from tests.helpers import entries_since, journal_mark

READ = {
    group: f"Coopsturing.{group}.Read"
    for group in ("Activiteiten", "Boekingen", "Gebouwen", "Journaal")
}
GEBOUWEN_WRITE = "Coopsturing.Gebouwen.Write"


@pytest.fixture
def api():
    return APIClient()


def _register_by_api(api, user, **body):
    data = {
        "corporatie": body.pop("corporatie"),
        "naam": body.pop("naam", "Power BI"),
        "scopes": body.pop("scopes", [READ["Activiteiten"]]),
        **body,
    }
    api.force_authenticate(user)
    response = api.post("/api/v1/koppelingen/", data, format="json")
    api.force_authenticate(None)
    return response


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


# The acceptance: token, scope, journal ----------------------------------------------


def test_a_client_reads_within_its_scope_and_gets_403_outside_it(api, world):
    created = _register_by_api(
        api,
        world.a.beheerder,
        corporatie=world.a.corporatie.pk,
        scopes=[READ["Activiteiten"], READ["Gebouwen"]],
    )
    assert created.status_code == 201, created.content
    body = created.json()

    answer = token_response(body["client_id"], body["client_secret"])
    assert answer.status_code == 200, answer.content
    token = answer.json()
    assert token["token_type"] == "Bearer"
    assert token["expires_in"] == 3600
    assert set(token["scope"].split()) == {READ["Activiteiten"], READ["Gebouwen"]}
    client = api_as(token["access_token"])

    # Within its scope, only its corporatie's data (the cooperaties it works with).
    assert _ids(client.get("/api/v1/activiteiten/")) == {world.a.activiteit.pk}
    own = client.get(f"/api/v1/activiteiten/{world.a.activiteit.pk}/")
    assert own.status_code == 200
    assert own.json()["titel"] == world.a.activiteit.titel
    assert (
        client.get(f"/api/v1/activiteiten/{world.b.activiteit.pk}/").status_code == 404
    )
    assert _ids(client.get("/api/v1/gebouwen/")) == {world.a.gebouw.pk}

    # Outside its scope: another group, and a write with a read scope.
    refused = client.get("/api/v1/boekingen/")
    assert refused.status_code == 403
    assert READ["Boekingen"] in refused.json()["detail"]
    mark = journal_mark()
    patch = client.patch(
        f"/api/v1/gebouwen/{world.a.gebouw.pk}/", {"naam": "Nieuw"}, format="json"
    )
    assert patch.status_code == 403
    assert GEBOUWEN_WRITE in patch.json()["detail"]
    assert entries_since(mark) == []
    world.a.gebouw.refresh_from_db()
    assert world.a.gebouw.naam != "Nieuw"


def test_a_write_with_the_write_scope_is_journaled_in_the_clients_name(world):
    koppeling, secret = register(world.a, GEBOUWEN_WRITE, naam="Exact ERP")
    client = api_as(access_token(koppeling, secret))

    mark = journal_mark()
    response = client.patch(
        f"/api/v1/gebouwen/{world.a.gebouw.pk}/",
        {"naam": "De Nieuwe Linde"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["naam"] == "De Nieuwe Linde"
    [entry] = entries_since(mark)
    assert entry.action == "gebouw_update"
    assert entry.actor_name == f"client:Exact ERP ({koppeling.client_id[:8]})"
    assert entry.actor_id == koppeling.gebruiker_id
    assert entry.after == {"naam": "De Nieuwe Linde"}
    assert entry.keten == f"corporatie:{world.a.corporatie.pk}"

    # The write scope reads too; the other corporatie's gebouw does not exist.
    assert client.get(f"/api/v1/gebouwen/{world.a.gebouw.pk}/").status_code == 200
    other = client.patch(
        f"/api/v1/gebouwen/{world.b.gebouw.pk}/", {"naam": "X"}, format="json"
    )
    assert other.status_code == 404
    # A write the beheerder role may not make is not made by its client either.
    assert client.post("/api/v1/activiteiten/", {}, format="json").status_code == 403


def test_a_client_of_a_sees_none_of_bs_objects(world):
    koppeling, secret = register(world.a)
    client = api_as(access_token(koppeling, secret))
    for resource, attribute in (
        ("gebouwen", "gebouw"),
        ("cooperaties", "cooperatie"),
        ("overeenkomsten", "overeenkomst"),
        ("afspraken", "afspraak"),
        ("toetsingen", "toetsing"),
        ("activiteiten", "activiteit"),
        ("boekingen", "boeking"),
        ("rapporten", "rapport"),
    ):
        own, other = getattr(world.a, attribute), getattr(world.b, attribute)
        listed = _ids(client.get(f"/api/v1/{resource}/"))
        assert own.pk in listed, resource
        assert other.pk not in listed, resource
        assert client.get(f"/api/v1/{resource}/{other.pk}/").status_code == 404


def test_a_client_holds_no_role_and_cannot_manage_access(world):
    koppeling, secret = register(world.a)
    client = api_as(access_token(koppeling, secret))
    user = get_user_model().objects.get(pk=koppeling.gebruiker_id)
    assert not user.has_usable_password()
    assert not user.rollen.exists()
    assert not user.is_staff
    assert not user.is_superuser
    # Closed to clients: personal tokens, clients, invitations, roles, the root.
    for url in (
        "/api/v1/tokens/",
        "/api/v1/koppelingen/",
        "/api/v1/uitnodigingen/",
        "/api/v1/rollen/",
        "/api/v1/",
    ):
        assert client.get(url).status_code == 403, url
    made = client.post(
        "/api/v1/koppelingen/",
        {"corporatie": world.a.corporatie.pk, "naam": "X", "scopes": list(SCOPES)},
        format="json",
    )
    assert made.status_code == 403
    assert client.post("/api/v1/tokens/", {"naam": "X"}, format="json").status_code == (
        403
    )
    assert ApiClient.objects.count() == 1


# Revoked, expired, refused at the token endpoint ------------------------------------


def test_a_revoked_client_gets_401_at_once_and_no_new_token(api, world):
    koppeling, secret = register(world.a)
    token = access_token(koppeling, secret)
    client = api_as(token)
    assert client.get("/api/v1/gebouwen/").status_code == 200

    api.force_authenticate(world.a.beheerder)
    mark = journal_mark()
    assert api.delete(f"/api/v1/koppelingen/{koppeling.pk}/").status_code == 204
    [entry] = entries_since(mark)
    assert entry.action == "apiclient_revoke"
    assert entry.actor_id == world.a.beheerder.pk
    assert entry.before["revoked_at"] is None
    assert entry.after["revoked_at"] is not None

    refused = client.get("/api/v1/gebouwen/")
    assert refused.status_code == 401
    assert refused.json()["detail"] == "Ongeldige of ingetrokken token."
    assert token_response(koppeling.client_id, secret).status_code == 401
    assert not AccessToken.objects.exists()
    assert not Application.objects.exists()
    assert not get_user_model().objects.get(pk=koppeling.gebruiker_id).is_active
    # Revoked once; the row stays for the journal, visible as revoked.
    again = api.delete(f"/api/v1/koppelingen/{koppeling.pk}/")
    assert again.status_code == 400
    shown = api.get(f"/api/v1/koppelingen/{koppeling.pk}/").json()
    assert shown["revoked_at"] is not None


def test_an_expired_token_answers_401_saying_so(world):
    koppeling, secret = register(world.a)
    token = access_token(koppeling, secret)
    stored = AccessToken.objects.get()
    # Tokens live an hour (OAUTH2_TOKEN_GELDIGHEID_SECONDEN).
    assert abs(
        stored.expires - timezone.now() - datetime.timedelta(hours=1)
    ) < datetime.timedelta(minutes=1)
    AccessToken.objects.update(expires=timezone.now() - datetime.timedelta(seconds=1))
    refused = api_as(token).get("/api/v1/gebouwen/")
    assert refused.status_code == 401
    assert "verlopen" in refused.json()["detail"]
    # A new token works again.
    assert api_as(access_token(koppeling, secret)).get(
        "/api/v1/gebouwen/"
    ).status_code == (200)


def test_an_unknown_token_answers_401(world):
    register(world.a)
    assert api_as("csc_verzonnen").get("/api/v1/gebouwen/").status_code == 401


def test_the_token_endpoint_refuses_wrong_secrets_other_grants_and_scopes(world):
    koppeling, secret = register(world.a, READ["Gebouwen"])
    assert token_response(koppeling.client_id, secret + "x").status_code == 401
    assert token_response("onbekend", secret).status_code == 401
    password_grant = token_response(
        koppeling.client_id, secret, grant_type="password", username="x", password="y"
    )
    assert password_grant.status_code == 400
    # Only the scopes it was registered with.
    wider = token_response(koppeling.client_id, secret, scope=READ["Boekingen"])
    assert wider.status_code == 400
    assert wider.json()["error"] == "invalid_scope"
    assert not AccessToken.objects.exists()


@pytest.mark.parametrize("password", ["fout", "Juist-wachtwoord-1"])
@pytest.mark.parametrize("grant", ["password", "refresh_token", "authorization_code"])
def test_the_token_endpoint_checks_no_persons_password(world, grant, password):
    """A client's credentials never make the token endpoint an oracle of
    another account's password: every other grant is refused alike, before
    its parameters are read."""
    koppeling, secret = register(world.a, READ["Gebouwen"])
    victim = world.b.beheerder
    victim.set_password("Juist-wachtwoord-1")
    victim.save()
    with CaptureQueriesContext(connection) as queries:
        response = token_response(
            koppeling.client_id,
            secret,
            grant_type=grant,
            username=victim.username,
            password=password,
        )
    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"
    assert not any("auth_user" in query["sql"] for query in queries)
    assert not AccessToken.objects.exists()


def test_the_credentials_may_come_with_http_basic(world):
    koppeling, secret = register(world.a, READ["Gebouwen"])
    basic = base64.b64encode(f"{koppeling.client_id}:{secret}".encode()).decode()
    response = APIClient().post(
        "/api/v1/oauth/token/",
        data="grant_type=client_credentials",
        content_type="application/x-www-form-urlencoded",
        HTTP_AUTHORIZATION=f"Basic {basic}",
    )
    assert response.status_code == 200, response.content
    token = response.json()["access_token"]
    assert api_as(token).get("/api/v1/gebouwen/").status_code == 200


def test_an_application_without_a_registered_client_gets_no_token(world):
    """One made beside the services (the admin) is no client of a corporatie."""
    secret = "geheim-" + "x" * 40
    Application.objects.create(
        name="los",
        client_id="los-client",
        client_secret=secret,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
    )
    assert token_response("los-client", secret).status_code == 401


def test_a_token_is_stored_as_a_hash_only(world):
    koppeling, secret = register(world.a)
    token = access_token(koppeling, secret)
    stored = AccessToken.objects.get()
    assert stored.token == ""
    assert token not in str(AccessToken.objects.values().get())


def test_a_personal_token_still_authenticates_beside_client_tokens(api, world):
    api.force_authenticate(world.a.beheerder)
    key = api.post("/api/v1/tokens/", {"naam": "Script"}, format="json").json()[
        "sleutel"
    ]
    api.force_authenticate(None)
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.get("/api/v1/boekingen/").status_code == 200
    # A personal token registers no client (as it makes no tokens).
    made = api.post(
        "/api/v1/koppelingen/",
        {
            "corporatie": world.a.corporatie.pk,
            "naam": "X",
            "scopes": [READ["Gebouwen"]],
        },
        format="json",
    )
    assert made.status_code == 403
    assert not ApiClient.objects.exists()


# Registering: who, shown once, bounded ------------------------------------------------


def test_the_secret_is_shown_once_and_stored_as_a_hash(api, world):
    mark = journal_mark()
    response = _register_by_api(
        api, world.a.beheerder, corporatie=world.a.corporatie.pk
    )
    assert response.status_code == 201
    body = response.json()
    secret = body["client_secret"]
    koppeling = ApiClient.objects.get(pk=body["id"])
    assert body["client_id"] == koppeling.client_id
    stored = Application.objects.get(client_id=koppeling.client_id)
    assert stored.client_secret != secret
    assert check_password(secret, stored.client_secret)
    [entry] = entries_since(mark)
    assert entry.action == "apiclient_create"
    assert entry.actor_id == world.a.beheerder.pk
    assert entry.keten == f"corporatie:{world.a.corporatie.pk}"
    assert entry.after["scopes"] == [READ["Activiteiten"]]
    assert secret not in str(entry.after)
    assert secret not in str(ApiClient.objects.filter(pk=koppeling.pk).values().get())
    # Never shown again.
    api.force_authenticate(world.a.beheerder)
    listed = api.get("/api/v1/koppelingen/").json()["results"]
    assert [row["client_id"] for row in listed] == [koppeling.client_id]
    assert "client_secret" not in listed[0]
    assert "client_secret" not in api.get(f"/api/v1/koppelingen/{koppeling.pk}/").json()


@pytest.mark.parametrize("role", ["bestuur", "auditor"])
def test_only_a_beheerder_registers_a_client(api, world, role):
    response = _register_by_api(
        api, getattr(world.a, role), corporatie=world.a.corporatie.pk
    )
    assert response.status_code == 403
    assert not ApiClient.objects.exists()
    assert not AuditEntry.objects.filter(action="apiclient_create").exists()


def test_a_beheerder_registers_no_client_for_another_corporatie(api, world):
    response = _register_by_api(
        api, world.b.beheerder, corporatie=world.a.corporatie.pk
    )
    assert response.status_code == 400
    assert "corporatie" in invalid_params(response)
    assert not ApiClient.objects.exists()


def test_only_the_corporaties_beheerders_see_and_revoke_its_clients(api, world):
    koppeling, _secret = register(world.a)
    for user in (world.a.auditor, world.a.bestuur, world.b.beheerder):
        api.force_authenticate(user)
        assert api.get("/api/v1/koppelingen/").json()["results"] == []
        assert api.get(f"/api/v1/koppelingen/{koppeling.pk}/").status_code == 404
        assert api.delete(f"/api/v1/koppelingen/{koppeling.pk}/").status_code == 404
    assert ApiClient.objects.get().revoked_at is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"naam": "x" * 101}, "naam"),
        ({"naam": "twee\nregels"}, "naam"),
        ({"naam": ""}, "naam"),
        ({"scopes": ["Coopsturing.Geheim.Read"]}, "scopes"),
        ({"scopes": ["Coopsturing.Boekingen.Write"]}, "scopes"),
        ({"scopes": []}, "scopes"),
        ({"scopes": [READ["Gebouwen"], READ["Gebouwen"]]}, "scopes"),
        ({"scopes": READ["Gebouwen"]}, "scopes"),
        ({"scopes": [READ["Gebouwen"]] * 100}, "scopes"),
        ({"corporatie": "1"}, "corporatie"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(api, world, body, field):
    body = {"corporatie": world.a.corporatie.pk, **body}
    response = _register_by_api(api, world.a.beheerder, **body)
    assert response.status_code == 400, response.content
    assert field in {name.split(".")[0] for name in invalid_params(response)}
    assert not ApiClient.objects.exists()
    assert not get_user_model().objects.filter(username__startswith="client:").exists()


def test_a_corporatie_has_a_bounded_number_of_working_clients(world):
    for n in range(koppelingen.MAX_ACTIEF_PER_CORPORATIE):
        register(world.a, READ["Gebouwen"], naam=f"Koppeling {n}")
    with pytest.raises(koppelingen.ValidationError):
        register(world.a, READ["Gebouwen"], naam="Eén te veel")
    koppelingen.apiclient_revoke(
        client=ApiClient.objects.first(), actor=world.a.beheerder
    )
    register(world.a, READ["Gebouwen"], naam="Nu wel")


# The schema --------------------------------------------------------------------------


def test_the_schema_states_the_scheme_its_scopes_and_each_operations_scope(
    tmp_path, db
):
    path = tmp_path / "schema.yaml"
    call_command("spectacular", validate=True, fail_on_warn=True, file=str(path))
    schema = yaml.safe_load(path.read_text())

    scheme = schema["components"]["securitySchemes"]["oauth2"]
    assert scheme["type"] == "oauth2"
    assert list(scheme["flows"]) == ["clientCredentials"]
    flow = scheme["flows"]["clientCredentials"]
    assert flow["tokenUrl"] == reverse("oauth-token") == "/api/v1/oauth/token/"
    assert set(flow["scopes"]) == set(SCOPES)
    assert flow["scopes"][READ["Gebouwen"]] == "gebouwen lezen"

    def oauth2(path, method):
        # Paths relative to the schema's server URL (/api/v1).
        security = schema["paths"][path][method]["security"]
        return [s["oauth2"] for s in security if "oauth2" in s]

    assert oauth2("/activiteiten/", "get") == [[READ["Activiteiten"]]]
    assert oauth2("/gebouwen/{id}/", "get") == [
        [READ["Gebouwen"]],
        [GEBOUWEN_WRITE],
    ]
    assert oauth2("/gebouwen/{id}/", "patch") == [[GEBOUWEN_WRITE]]
    assert oauth2("/rapporten/verifieer/", "post") == [["Coopsturing.Rapporten.Read"]]
    # No scope lets a client write activities, or reach the clients themselves.
    assert oauth2("/activiteiten/", "post") == []
    assert oauth2("/koppelingen/", "get") == []
    assert oauth2("/tokens/", "post") == []

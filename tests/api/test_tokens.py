"""API tokens: made by a signed-in user, shown once, usable for scripts, revocable;
they expire, and die with a new password."""

import datetime
import hashlib
import io
import re

from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django.utils.dateparse import parse_datetime

import pytest
from rest_framework.test import APIClient

from cooperatie.models import ApiToken
from kern.models import AuditEntry
from tests.cooperatie.factories import PASSWORD
from tests.helpers import entries_since, entry_json, journal_mark


@pytest.fixture
def api():
    return APIClient()


def _make(api, user, naam="ERP-koppeling"):
    api.force_authenticate(user)
    response = api.post("/api/v1/tokens/", {"naam": naam}, format="json")
    api.force_authenticate(None)
    return response


def test_a_token_is_shown_once_stored_as_a_hash_and_journaled(api, world):
    response = _make(api, world.a.beheerder)
    assert response.status_code == 201
    key = response.json()["sleutel"]
    token = ApiToken.objects.get(pk=response.json()["id"])
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    entry = AuditEntry.objects.get(action="apitoken_create")
    assert key not in str(entry.after)
    assert "key_hash" not in entry.after
    # Listing never shows the key again.
    api.force_authenticate(world.a.beheerder)
    listed = api.get("/api/v1/tokens/").json()["results"]
    assert [t["prefix"] for t in listed] == [key[:8]]
    assert "sleutel" not in listed[0]


def test_a_token_acts_with_its_users_scope(api, world):
    key = _make(api, world.a.beheerder).json()["sleutel"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get(f"/api/v1/gebouwen/{world.a.gebouw.pk}/").status_code == 200
    assert api.get(f"/api/v1/gebouwen/{world.b.gebouw.pk}/").status_code == 404
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.get("/api/v1/gebouwen/").status_code == 200


def test_a_revoked_or_wrong_token_answers_401(api, world):
    response = _make(api, world.a.beheerder)
    key, pk = response.json()["sleutel"], response.json()["id"]
    api.force_authenticate(world.a.beheerder)
    assert api.delete(f"/api/v1/tokens/{pk}/").status_code == 204
    api.force_authenticate(None)
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/gebouwen/").status_code == 401
    api.credentials(HTTP_AUTHORIZATION="Token cs_verzonnen")
    assert api.get("/api/v1/gebouwen/").status_code == 401
    assert AuditEntry.objects.filter(action="apitoken_revoke").count() == 1


def test_nobody_sees_or_revokes_another_users_token(api, world):
    pk = _make(api, world.a.beheerder).json()["id"]
    api.force_authenticate(world.a.auditor)
    assert api.get(f"/api/v1/tokens/{pk}/").status_code == 404
    assert api.delete(f"/api/v1/tokens/{pk}/").status_code == 404
    assert ApiToken.objects.get(pk=pk).revoked_at is None


# Only a signed-in session makes tokens -------------------------------------------


def test_a_token_cannot_make_tokens_only_a_signed_in_session_can(api, world):
    user = world.a.beheerder
    key = _make(api, user).json()["sleutel"]
    before = list(ApiToken.objects.values_list("pk", flat=True))
    seq = journal_mark()

    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = api.post("/api/v1/tokens/", {"naam": "opvolger"}, format="json")

    assert response.status_code == 403
    assert "meld u aan" in response.json()["detail"]
    assert list(ApiToken.objects.values_list("pk", flat=True)) == before
    assert entries_since(seq) == []
    # With the token, the user still lists (and may revoke) their tokens.
    assert api.get("/api/v1/tokens/").status_code == 200

    # A real session (login cookie, no token) makes one.
    session = APIClient()
    session.force_login(user)
    response = session.post("/api/v1/tokens/", {"naam": "opvolger"}, format="json")
    assert response.status_code == 201
    assert ApiToken.objects.filter(user=user).count() == 2


# Expiry -----------------------------------------------------------------------


def test_a_token_expires_after_the_configured_days_and_lists_its_expiry(
    api, world, settings
):
    assert settings.API_TOKEN_GELDIGHEID_DAGEN == 90  # the default
    settings.API_TOKEN_GELDIGHEID_DAGEN = 30
    made = _make(api, world.a.beheerder).json()
    token = ApiToken.objects.get(pk=made["id"])
    validity = token.verloopt_op - token.created_at
    assert abs(validity - datetime.timedelta(days=30)) < datetime.timedelta(seconds=5)
    api.force_authenticate(world.a.beheerder)
    listed = api.get("/api/v1/tokens/").json()["results"][0]
    assert parse_datetime(listed["verloopt_op"]) == token.verloopt_op
    assert parse_datetime(made["verloopt_op"]) == token.verloopt_op
    api.force_authenticate(None)

    api.credentials(HTTP_AUTHORIZATION=f"Token {made['sleutel']}")
    assert api.get("/api/v1/gebouwen/").status_code == 200
    # A moment past its expiry it answers 401, saying so.
    ApiToken.objects.filter(pk=token.pk).update(
        verloopt_op=timezone.now() - datetime.timedelta(seconds=1)
    )
    response = api.get("/api/v1/gebouwen/")
    assert response.status_code == 401
    assert "verlopen" in response.json()["detail"]
    assert "maak een nieuwe token" in response.json()["detail"]


def test_a_token_made_before_the_migration_carries_no_mark_and_does_not_work(
    api, world
):
    key = _make(api, world.a.beheerder).json()["sleutel"]
    ApiToken.objects.update(wachtwoord_kenmerk="")
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/gebouwen/").status_code == 401


# A new password ends the tokens --------------------------------------------------

NEW = "Zonnebloem-Akker-42"


def _set_by_admin(client, user):
    """`set_password` as the admin's form, `changepassword` or a shell do it."""
    user.set_password(NEW)
    user.save()


def _change_page(client, user):
    client.force_login(user)
    response = client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 302


def _reset_link(client, user):
    user.email = "iemand@example.nl"
    user.save()
    client.post("/accounts/password_reset/", {"email": user.email})
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[-1].body)
    form_url = client.get(link.group(1), follow=True).redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 302


def _changepassword_command(client, user, monkeypatch):
    monkeypatch.setattr("getpass.getpass", lambda prompt="": NEW)
    call_command("changepassword", user.get_username(), stdout=io.StringIO())


@pytest.mark.parametrize(
    "change", [_set_by_admin, _change_page, _reset_link, _changepassword_command]
)
def test_a_new_password_ends_the_users_tokens(api, client, world, change, request):
    user = world.a.beheerder
    key = _make(api, user).json()["sleutel"]
    other = _make(api, world.b.beheerder).json()["sleutel"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/gebouwen/").status_code == 200

    if change is _changepassword_command:
        change(client, user, request.getfixturevalue("monkeypatch"))
    else:
        change(client, user)
    user.refresh_from_db()
    assert user.check_password(NEW)

    response = api.get("/api/v1/gebouwen/")
    assert response.status_code == 401
    assert "wachtwoord is gewijzigd" in response.json()["detail"]
    # Another user's token is untouched; a token made after the change works.
    api.credentials(HTTP_AUTHORIZATION=f"Token {other}")
    assert api.get("/api/v1/gebouwen/").status_code == 200
    fresh_key = _make(api, user).json()["sleutel"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {fresh_key}")
    assert api.get("/api/v1/gebouwen/").status_code == 200


def test_signing_in_again_keeps_the_tokens(api, client, world):
    user = world.a.beheerder
    key = _make(api, user).json()["sleutel"]
    response = client.post(
        "/accounts/login/", {"username": user.get_username(), "password": PASSWORD}
    )
    assert response.status_code == 302
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/gebouwen/").status_code == 200


def test_tokens_survive_a_secret_key_rotation_with_the_old_key_as_fallback(
    api, world, settings
):
    key = _make(api, world.a.beheerder).json()["sleutel"]
    old = settings.SECRET_KEY
    settings.SECRET_KEY = "een-nieuwe-geheime-sleutel-" + "x" * 40
    settings.SECRET_KEY_FALLBACKS = [old]
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/gebouwen/").status_code == 200
    settings.SECRET_KEY_FALLBACKS = []
    assert api.get("/api/v1/gebouwen/").status_code == 401


def test_the_journal_holds_neither_the_key_hash_nor_the_password_mark(api, world):
    made = _make(api, world.a.beheerder).json()
    token = ApiToken.objects.get(pk=made["id"])
    entry = AuditEntry.objects.get(action="apitoken_create")
    assert "wachtwoord_kenmerk" not in entry.after
    assert token.wachtwoord_kenmerk not in entry_json(entry)
    assert token.key_hash not in entry_json(entry)
    assert entry.after["verloopt_op"]

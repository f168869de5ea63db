"""API tokens: made by a user, shown once, usable for scripts, revocable."""

import hashlib

import pytest
from rest_framework.test import APIClient

from cooperatie.models import ApiToken
from ledger.models import AuditEntry


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

"""What the provider answers must hold: an ID token for us (`azp` when it has
several audiences) issued no later than a small clock skew from now, and a
token endpoint answering a JSON object; anything else is a clean refusal."""

from __future__ import annotations

import logging
import time

from django.urls import reverse

import pytest

from portalen import aanmelding, oidc
from tests.sso_helpers import (
    CLIENT_ID,
    check_due,
    messages_of,
    misbehaving_provider,
    oidc_provider,
    refused,
    sign_in_via_provider,
    signed_in_user,
    state_of,
)

__all__ = ["misbehaving_provider", "oidc_provider"]


@pytest.mark.parametrize(
    ("claims", "signs_in"),
    [
        ({"aud": [CLIENT_ID, "ander-programma"]}, False),
        ({"aud": [CLIENT_ID, "ander-programma"], "azp": "ander-programma"}, False),
        ({"aud": CLIENT_ID, "azp": "ander-programma"}, False),
        ({"aud": [CLIENT_ID, "ander-programma"], "azp": CLIENT_ID}, True),
        ({"aud": [CLIENT_ID], "azp": CLIENT_ID}, True),
    ],
)
def test_an_id_token_with_several_audiences_must_be_authorized_for_us(
    client, world, oidc_provider, caplog, claims, signs_in
):
    beheerder = world.a.beheerder
    oidc_provider.set_user("azp", email=beheerder.email, email_verified=True, **claims)
    if signs_in:
        sign_in_via_provider(client, oidc_provider, "azp")
        assert signed_in_user(client) == beheerder
    else:
        refused(client, oidc_provider, "azp", caplog)


@pytest.mark.parametrize(
    ("later", "signs_in"), [(20, True), (oidc.KLOKVERSCHIL + 60, False)]
)
def test_an_id_token_issued_in_the_future_is_refused_beyond_a_small_skew(
    client, world, oidc_provider, caplog, later, signs_in
):
    beheerder = world.a.beheerder
    iat = int(time.time()) + later
    oidc_provider.set_user("iat", email=beheerder.email, email_verified=True, iat=iat)
    if signs_in:
        sign_in_via_provider(client, oidc_provider, "iat")
        assert signed_in_user(client) == beheerder
    else:
        refused(client, oidc_provider, "iat", caplog)


UNUSABLE_ANSWERS = ["[]", '"tokens"', "null", "geen json", '{"refresh_token": 7}']


@pytest.mark.parametrize("answer", UNUSABLE_ANSWERS)
def test_an_unusable_token_answer_at_sign_in_is_a_clean_refusal(
    client, world, misbehaving_provider, caplog, answer
):
    misbehaving_provider.token_answer = answer
    state = state_of(client.get(reverse("oidc-start")))
    with caplog.at_level(logging.WARNING, logger="coopsturing.security"):
        response = client.get(reverse("oidc-callback") + f"?code=c&state={state}")
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert signed_in_user(client) is None
    assert "Aanmelden via Entra ID is niet gelukt" in messages_of(response)[0]
    assert any(
        "single sign-on refused: provider" in r.getMessage() for r in caplog.records
    )


def _due_session_of(client, user) -> None:
    """A session signed in through the provider, with a refresh token, whose
    check at the provider is due."""
    client.force_login(user, backend=aanmelding.OIDC_BACKEND)
    session = client.session
    session[oidc.SESSIE_REFRESH] = "refresh-token"
    session.save()
    check_due(client)


@pytest.mark.parametrize("answer", UNUSABLE_ANSWERS)
def test_an_unusable_token_answer_at_the_check_ends_the_session(
    client, world, misbehaving_provider, caplog, answer
):
    misbehaving_provider.token_answer = answer
    _due_session_of(client, world.a.beheerder)
    portal = f"/beheer/{world.a.corporatie.pk}/"
    with caplog.at_level(logging.WARNING, logger="coopsturing.security"):
        response = client.get(portal)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={portal}"
    assert signed_in_user(client) is None
    assert any("refresh_invalid" in r.getMessage() for r in caplog.records)


def test_a_well_formed_token_answer_at_the_check_keeps_the_session(
    client, world, misbehaving_provider
):
    misbehaving_provider.token_answer = '{"access_token": "a", "refresh_token": "r2"}'
    _due_session_of(client, world.a.beheerder)
    assert client.get(f"/beheer/{world.a.corporatie.pk}/").status_code == 200
    assert client.session[oidc.SESSIE_REFRESH] == "r2"

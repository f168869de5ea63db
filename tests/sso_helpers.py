"""A real OpenID Connect provider for the tests: `oidc-provider-mock` (Flask and
authlib) serving HTTP on a free port of this machine, in a thread. Its users
and their claims are set, and their tokens revoked, through its own HTTP
endpoints; the application talks to it as to Entra ID: discovery, the
authorization endpoint (its login form, where a test names the user), the
token endpoint, JWKS and userinfo."""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, urlsplit

from django.contrib.auth import get_user_model
from django.urls import reverse

import pyotp
import pytest
import requests
from oidc_provider_mock import run_server_in_thread

from kern import tweestaps
from portalen import oidc

CLIENT_ID = "coopsturing-test"
CLIENT_SECRET = "geheim-van-de-test"


@dataclass
class Provider:
    url: str

    def set_user(self, sub: str, **claims) -> None:
        """The claims the provider gives for `sub` from now on."""
        response = requests.put(
            f"{self.url}/users/{quote(sub, safe='')}", json=claims, timeout=10
        )
        assert response.status_code == 204, response.text

    def revoke(self, sub: str) -> None:
        """Withdraw every access and refresh token of `sub` (what disabling
        the user or revoking their sessions does at Entra ID)."""
        response = requests.post(
            f"{self.url}/users/{quote(sub, safe='')}/revoke-tokens", timeout=10
        )
        assert response.status_code == 204, response.text

    def authorize(self, authorization_url: str, sub: str) -> str:
        """Sign `sub` in on the provider's form; the redirect back to us."""
        response = requests.post(
            authorization_url, data={"sub": sub}, allow_redirects=False, timeout=10
        )
        assert response.status_code == 302, response.text
        return response.headers["Location"]


@pytest.fixture
def oidc_provider(settings):
    """The provider running, and single sign-on configured to use it."""
    with run_server_in_thread() as server:
        provider = Provider(url=f"http://localhost:{server.server_port}")
        settings.OIDC_ISSUER = provider.url
        settings.OIDC_RP_CLIENT_ID = CLIENT_ID
        settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
        settings.OIDC_NAAM = "Entra ID"
        yield provider


def sign_in_via_provider(client, provider: Provider, sub: str, *, next_url=""):
    """Through the start view, the provider's form and the callback, with
    Django's test client; the callback's response."""
    start = client.get(
        "/accounts/sso/start/" + (f"?next={next_url}" if next_url else "")
    )
    assert start.status_code == 302
    location = provider.authorize(start["Location"], sub)
    assert location.startswith("http://testserver/accounts/sso/callback/")
    query = parse_qs(urlsplit(location).query)
    assert "code" in query
    return client.get(location)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


def signed_in_user(client):
    return (
        get_user_model().objects.filter(pk=client.session.get("_auth_user_id")).first()
    )


def refused(client, provider: Provider, sub: str, caplog) -> str:
    """Sign `sub` in and see it refused, with a line in the security log; the
    message the login page shows."""
    with caplog.at_level(logging.WARNING, logger="coopsturing.security"):
        response = sign_in_via_provider(client, provider, sub)
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert signed_in_user(client) is None
    assert oidc.SESSIE_REFRESH not in client.session
    assert any("single sign-on refused" in r.getMessage() for r in caplog.records)
    (message,) = messages_of(response)
    return message


def check_due(client) -> None:
    """The session's check at the provider is due on its next request."""
    session = client.session
    session[oidc.SESSIE_HERCONTROLE] = 0
    session.save()


def state_of(start) -> str:
    """The state of the start view's redirect to the provider."""
    return parse_qs(urlsplit(start["Location"]).query)["state"][0]


def enrol(user) -> pyotp.TOTP:
    """The user's authenticator app, enrolled."""
    device = tweestaps.totp_start(user=user)
    app = pyotp.TOTP(tweestaps.secret_of(device).replace(" ", ""))
    tweestaps.totp_confirm(user=user, code=app.now())
    return app


class _Misbehaving(BaseHTTPRequestHandler):
    """A provider whose discovery document is in order but whose token
    endpoint answers `server.token_answer` (any text) with 200."""

    def _answer(self, body: str) -> None:
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        base = self.server.url
        if self.path == "/.well-known/openid-configuration":
            self._answer(
                json.dumps(
                    {
                        "issuer": base,
                        "authorization_endpoint": f"{base}/authorize",
                        "token_endpoint": f"{base}/token",
                        "jwks_uri": f"{base}/jwks",
                    }
                )
            )
        else:
            self.send_error(404)

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path == "/token":
            self._answer(self.server.token_answer)
        else:
            self.send_error(404)

    def log_message(self, *args):
        pass


@pytest.fixture
def misbehaving_provider(settings):
    """A provider on a free local port whose token endpoint answers what the
    test sets in `.token_answer`; single sign-on configured to use it."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Misbehaving)
    server.url = f"http://127.0.0.1:{server.server_port}"
    server.token_answer = "{}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.OIDC_ISSUER = server.url
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_NAAM = "Entra ID"
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()

"""Machine clients in tests: registered through the service, tokens fetched
from the real token endpoint with a form post, as an ERP or BI tool does."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from rest_framework.test import APIClient

from cooperatie import koppelingen
from kern.api.scopes import SCOPES

TOKEN_URL = "/api/v1/oauth/token/"


def register(tenant, *scopes: str, naam: str = "ERP-koppeling"):
    """A client of the tenant's corporatie, registered by its beheerder:
    (client, secret). Without scopes: every scope."""
    return koppelingen.apiclient_create(
        corporatie=tenant.corporatie,
        naam=naam,
        scopes=list(scopes or SCOPES),
        actor=tenant.beheerder,
    )


def token_response(client_id: str, secret: str, **extra):
    """The token endpoint's answer to a client-credentials request, the
    credentials in the form body (`client_secret_post`)."""
    body = {
        "grant_type": "client_credentials",
        "client_id": client_id,
        "client_secret": secret,
        **extra,
    }
    assert reverse("oauth-token") == TOKEN_URL
    return APIClient().post(
        TOKEN_URL,
        data=urlencode(body),
        content_type="application/x-www-form-urlencoded",
    )


def access_token(client, secret: str, **extra) -> str:
    response = token_response(client.client_id, secret, **extra)
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


def api_as(token: str) -> APIClient:
    """An API client that sends the access token as a bearer token."""
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return api

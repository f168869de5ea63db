"""API authentication: personal API tokens and machine clients' OAuth2 access
tokens. Its own module: DRF imports authentication classes while loading its
views, so this must not import them back."""

from django.utils.translation import gettext as _

from oauth2_provider.contrib.rest_framework import OAuth2Authentication
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from .. import koppelingen, services
from ..oauth import CLIENT_TOKEN_PREFIX


def _credentials(request, keywords) -> str | None:
    """The key of an `Authorization: <keyword> <key>` header, or None when the
    header names none of `keywords`."""
    header = get_authorization_header(request).split()
    if not header or header[0].lower() not in keywords:
        return None
    if len(header) != 2:
        raise exceptions.AuthenticationFailed(
            _("Ongeldige Authorization-header: verwacht 'Token <sleutel>'.")
        )
    try:
        return header[1].decode()
    except UnicodeDecodeError as exc:
        raise exceptions.AuthenticationFailed(_("Ongeldige sleutel.")) from exc


class ApiTokenAuthentication(BaseAuthentication):
    """`Authorization: Token <key>` (or `Bearer <key>`) with a user's API token.
    A machine client's access token (`Bearer csc_…`) is left to
    `ClientCredentialsAuthentication`."""

    keywords = (b"token", b"bearer")

    def authenticate(self, request):
        key = _credentials(request, self.keywords)
        if key is None or key.startswith(CLIENT_TOKEN_PREFIX):
            return None
        try:
            token = services.apitoken_authenticate(key)
        except services.ApiTokenRefusedError as exc:
            raise exceptions.AuthenticationFailed(str(exc)) from exc
        return token.user, token

    def authenticate_header(self, request):
        return "Token"


class ClientCredentialsAuthentication(OAuth2Authentication):
    """`Authorization: Bearer csc_…` with an access token a machine client got
    from /api/v1/oauth/token/ (OAuth2 client credentials). The request acts as
    the client's account (`cooperatie.koppelingen`); `request.auth` is the
    access token, whose scopes `kern.api.oauth.ClientScopePermission` checks.

    The token is looked up by its SHA-256, as django-oauth-toolkit stores it,
    without oauthlib's request parsing, which would read the request body
    before the permissions are decided."""

    def authenticate(self, request):
        key = _credentials(request, (b"bearer",))
        if key is None or not key.startswith(CLIENT_TOKEN_PREFIX):
            return None
        try:
            client, token = koppelingen.clienttoken_authenticate(key)
        except koppelingen.ClientTokenRefusedError as exc:
            raise exceptions.AuthenticationFailed(str(exc)) from exc
        return client.gebruiker, token

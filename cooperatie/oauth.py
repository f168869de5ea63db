"""django-oauth-toolkit, narrowed to what machine clients need.

- Only the client-credentials grant: a registered client exchanges its client
  id and secret for an access token (`ClientCredentialsValidator`); there is no
  authorization page, and no other grant is accepted, whatever an application
  row says.
- Only registered clients that are not revoked: an application without an
  active `ApiClient` (one made in the admin, say) gets no token.
- The scopes a client may ask for are those it was registered with; a token
  request without `scope` gets all of them (`ClientScopes`).
- Access tokens carry a prefix (`CLIENT_TOKEN_PREFIX`), so that the API tells
  them from personal API tokens (`cs_…`) by their form.
"""

from __future__ import annotations

import secrets

from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.scopes import BaseScopes

from kern.api.scopes import SCOPES

from .models import ApiClient

CLIENT_TOKEN_PREFIX = "csc_"
CLIENT_CREDENTIALS = "client_credentials"


def access_token(request) -> str:
    """A new access token (django-oauth-toolkit's ACCESS_TOKEN_GENERATOR)."""
    return CLIENT_TOKEN_PREFIX + secrets.token_urlsafe(32)


def active_client(application) -> ApiClient | None:
    """The registered, unrevoked client of a django-oauth-toolkit application."""
    if application is None or application.pk is None:
        return None
    return ApiClient.objects.active().filter(applicatie=application).first()


class ClientScopes(BaseScopes):
    """Every scope of the API (`kern.api.scopes`); a client may ask for the
    scopes it was registered with."""

    def get_all_scopes(self):
        return SCOPES

    def get_available_scopes(self, application=None, request=None, *args, **kwargs):
        if application is None:
            return list(SCOPES)
        client = active_client(application)
        return list(client.scopes) if client else []

    def get_default_scopes(self, application=None, request=None, *args, **kwargs):
        return self.get_available_scopes(application, request, *args, **kwargs)


class ClientCredentialsValidator(OAuth2Validator):
    """django-oauth-toolkit's validator, for registered clients and the
    client-credentials grant only."""

    def validate_grant_type(
        self, client_id, grant_type, client, request, *args, **kwargs
    ):
        return grant_type == CLIENT_CREDENTIALS and super().validate_grant_type(
            client_id, grant_type, client, request, *args, **kwargs
        )

    def validate_user(self, username, password, client, request, *args, **kwargs):
        """No grant of a client checks a person's password."""
        return False

    def authenticate_client(self, request, *args, **kwargs):
        return (
            super().authenticate_client(request, *args, **kwargs)
            and active_client(request.client) is not None
        )

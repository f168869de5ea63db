"""OAuth2 scopes enforced on every API view, and stated in the schema.

A request authenticated with a machine client's access token (OAuth2 client
credentials, `cooperatie.api.authentication.ClientCredentialsAuthentication`)
passes `ClientScopePermission` only when the token holds a scope of the view's
resource group (`scope_group`, declared in `kern.api.scopes`): the read or the
write scope for GET, HEAD and OPTIONS and for an action that only reads
(`scope_reads`), the write scope for a write. A view without a group refuses
every client: a new endpoint is closed to machine clients until it declares
one. A request by a person (session or personal API token) is left to the
roles, as before.

The permission is one of the default permission classes (config/settings.py),
so it applies to every view of the API.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from drf_spectacular.contrib.django_oauth_toolkit import DjangoOAuthToolkitScheme
from rest_framework.permissions import SAFE_METHODS, BasePermission

from .scopes import accepted_scopes, scope_label


def is_client_token(auth) -> bool:
    """Whether the request was authenticated by an OAuth2 access token."""
    from oauth2_provider.models import get_access_token_model

    return isinstance(auth, get_access_token_model())


def token_scopes(token) -> set[str]:
    return set((token.scope or "").split())


def view_scopes(view, method: str) -> tuple[str, ...]:
    """The scopes of which a client needs one for `method` on `view` (none:
    no client may)."""
    writes = method.upper() not in SAFE_METHODS and not getattr(
        view, "scope_reads", False
    )
    return accepted_scopes(getattr(view, "scope_group", None), writes=writes)


class ClientScoped:
    """What a viewset declares for machine clients (`ScopedViewSet` has it):
    `scope_group`, the resource group of `kern.api.scopes` whose scope a client
    needs (None: no client may use the viewset), and `scope_reads` on an action
    that takes POST but only reads (``@action(..., scope_reads=True)``)."""

    scope_group: str | None = None
    scope_reads: bool = False


class ClientScopePermission(BasePermission):
    """A machine client's token must hold a scope of the view's resource group
    that allows the method; a view without a group refuses every client (fail
    closed)."""

    message = gettext_lazy("Deze bewerking is niet beschikbaar voor een API-koppeling.")

    def has_permission(self, request, view) -> bool:
        if not is_client_token(request.auth):
            return True
        if getattr(view, request.method.lower(), None) is None:
            return True  # a method the view does not take: 405, as for anyone
        accepted = view_scopes(view, request.method)
        if not accepted:
            return False
        if token_scopes(request.auth) & set(accepted):
            return True
        self.message = _("Deze token moet de scope %(scope)s hebben (%(wat)s).") % {
            "scope": accepted[0],
            "wat": scope_label(accepted[0]),
        }
        return False


class ClientCredentialsScheme(DjangoOAuthToolkitScheme):
    """The OAuth2 security scheme (client credentials, the token URL and every
    scope, from SPECTACULAR_SETTINGS and the scopes backend) and each
    operation's requirement: the scopes `ClientScopePermission` accepts there
    (any one of them), or none where no client may call it."""

    target_class = "cooperatie.api.authentication.ClientCredentialsAuthentication"
    name = "oauth2"

    def get_security_requirement(self, auto_schema):
        accepted = view_scopes(auto_schema.view, auto_schema.method)
        return [{self.name: [scope]} for scope in accepted] or None

    def get_security_definition(self, auto_schema):
        definition = super().get_security_definition(auto_schema)
        for flow in definition["flows"].values():
            flow["scopes"] = {
                scope: str(label) for scope, label in flow["scopes"].items()
            }
        definition["description"] = _(
            "Een API-koppeling (OAuth2 client credentials) van een corporatie: "
            "vraag bij het token-adres een toegangstoken aan met de client-id "
            "en het geheim, en stuur het mee als `Authorization: Bearer "
            "<token>`. De koppeling handelt met de rechten van een beheerder "
            "van haar corporatie, beperkt tot haar scopes."
        )
        return definition

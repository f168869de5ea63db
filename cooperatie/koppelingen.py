"""Machine clients (API-koppelingen): a beheerder registers an ERP or BI tool
for its corporatie, with OAuth2 client credentials and scopes per resource
group, and revokes it.

A client is a django-oauth-toolkit application (client id, a password hash of
the secret; client-credentials grant only, `cooperatie.oauth`) plus an account
of its own that cannot sign in and holds no role: the client acts as that
account, with the reach of its corporatie's beheerder (`cooperatie.scope`)
narrowed to its scopes (`kern.api.oauth`). The account's name,
``client:<naam> (<first 8 characters of the client id>)``, is how the journal
names the client on every write it makes. The secret is shown once, when the
client is registered. Revoking ends the account and removes the application
with its tokens, so they stop working at once; the client's row stays, for the
journal's sake.
"""

from __future__ import annotations

import hashlib

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oauth2_provider.generators import generate_client_id, generate_client_secret
from oauth2_provider.models import get_access_token_model, get_application_model

from kern import writes
from kern.formatting import moment

from . import permissions
from .models import ApiClient, Corporatie

# At most this many clients of one corporatie work at the same time.
MAX_ACTIEF_PER_CORPORATIE = 20

# The account of a client is named `client:<naam> (<id>)`: a colon is not
# allowed in the name of a person's account, so it is never a person's.
ACCOUNT_PREFIX = "client:"


def account_name(client: ApiClient) -> str:
    return f"{ACCOUNT_PREFIX}{client.naam} ({client.client_id[:8]})"


def _require_person(actor) -> None:
    """A client never registers or revokes clients, even where its scope
    would allow it as a beheerder's."""
    if ApiClient.objects.filter(gebruiker_id=getattr(actor, "pk", None)).exists():
        raise permissions.deny(_("Een API-koppeling mag geen koppelingen beheren."))


def _require_room(corporatie: Corporatie) -> None:
    active = ApiClient.objects.active().filter(corporatie=corporatie).count()
    if active >= MAX_ACTIEF_PER_CORPORATIE:
        raise ValidationError(
            _(
                "Een corporatie mag hoogstens %(max)s werkende koppelingen "
                "hebben; trek er eerst een in."
            )
            % {"max": MAX_ACTIEF_PER_CORPORATIE}
        )


@transaction.atomic
def apiclient_create(
    *, corporatie: Corporatie, naam: str, scopes: list[str], actor
) -> tuple[ApiClient, str]:
    """Register a client for the corporatie. Returns the client and its
    secret: the secret is shown this once, only its password hash is stored.
    Only a beheerder of the corporatie (or the platform operator) does this."""
    permissions.require_beheerder(actor, corporatie.pk)
    _require_person(actor)
    # Two registrations at once count the working clients one after the other.
    Corporatie.objects.select_for_update().filter(pk=corporatie.pk).first()
    _require_room(corporatie)
    client = ApiClient(
        corporatie=corporatie,
        naam=(naam or "").strip(),
        scopes=scopes,
        client_id=generate_client_id(),
        aangemaakt_door=actor if getattr(actor, "pk", None) else None,
    )
    # The name goes into the account's name: checked before the account exists.
    client.clean_fields(exclude={"gebruiker", "applicatie"})
    client.gebruiker = get_user_model().objects.create_user(
        username=account_name(client), password=None
    )
    secret = generate_client_secret()
    application_model = get_application_model()
    client.applicatie = application_model.objects.create(
        name=f"{corporatie.naam} – {client.naam}"[:255],
        client_id=client.client_id,
        client_secret=secret,
        hash_client_secret=True,
        client_type=application_model.CLIENT_CONFIDENTIAL,
        authorization_grant_type=application_model.GRANT_CLIENT_CREDENTIALS,
        user=client.gebruiker,
    )
    writes.create(client, actor=actor, action="apiclient_create")
    return client, secret


@transaction.atomic
def apiclient_revoke(*, client: ApiClient, actor) -> ApiClient:
    """Revoke a client: its tokens stop working at once and it gets no new
    ones. A beheerder of its corporatie (or the platform operator) does this."""
    permissions.require_beheerder(actor, client.corporatie_id)
    _require_person(actor)
    client = ApiClient.objects.select_for_update().get(pk=client.pk)
    if client.revoked_at is not None:
        raise ValidationError(_("Deze koppeling is al ingetrokken."))
    application_id = client.applicatie_id
    writes.update(
        client,
        {"revoked_at": timezone.now(), "applicatie": None},
        actor=actor,
        action="apiclient_revoke",
        allowed=("revoked_at", "applicatie"),
    )
    get_user_model().objects.filter(pk=client.gebruiker_id).update(is_active=False)
    # With the application go its access tokens.
    get_application_model().objects.filter(pk=application_id).delete()
    return client


class ClientTokenRefusedError(Exception):
    """An access token that does not authenticate; the message says why."""


def clienttoken_authenticate(key: str):
    """The client and the access token of this key, if it still works; else
    ClientTokenRefusedError saying why (unknown, revoked, expired). One query."""
    digest = hashlib.sha256(key.encode()).hexdigest()
    token = (
        get_access_token_model()
        .objects.select_related("application__api_client__gebruiker")
        .filter(token_checksum=digest)
        .first()
    )
    client = getattr(token.application, "api_client", None) if token else None
    if (
        client is None
        or client.revoked_at is not None
        or not client.gebruiker.is_active
    ):
        raise ClientTokenRefusedError(_("Ongeldige of ingetrokken token."))
    if token.is_expired():
        raise ClientTokenRefusedError(
            _(
                "Deze token is verlopen op %(moment)s; vraag een nieuwe aan bij "
                "/api/v1/oauth/token/."
            )
            % {"moment": moment(token.expires)}
        )
    return client, token

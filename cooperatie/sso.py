"""Who a sign-in through the identity provider (single sign-on) is here.

The provider vouches for an identity (its issuer and the `sub` it gives the
person) and an e-mail address; it never grants a role.

- An identity an account signed in with before (`SsoIdentiteit`, recorded at
  the account's first completed sign-in through the provider,
  `ssoidentiteit_bind`) signs in that account, also when the provider's
  address for it changed (a security-log line says so).
- Otherwise the address (verified; compared with ASCII letters in any case and
  every other character exactly, so no look-alike passes) signs in the one
  active account that has it, unless that account signs in with another
  identity at this provider: an address the provider gave to someone else
  does not take the old account over (refused, with a security-log line).
- When no account has the address, an account is made for the open
  invitations to it and they are taken up exactly as their links would
  (`uitnodigingen.uitnodigingen_accept_by_address`, journaled).

Anyone else is refused with a message that says why: an unverified address,
an address two accounts share, a disabled account, an account bound to
another identity, or an address nobody invited. The platform operator can
remove an account's identity in the admin (`ssoidentiteit_delete`).
"""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from kern import writes
from kern.aanmeldtijdperk import aanmeldtijdperk_raise
from kern.security_log import log_single_sign_on

from . import uitnodigingen
from .models import SsoIdentiteit

# An e-mail address is at most 254 characters (RFC 5321); longer is refused
# before any lookup. A `sub` is at most 255 ASCII characters (OpenID Connect
# Core §2).
MAX_ADRES = 254
MAX_SUB = 255

# The security log's codes of refusals.
GEEN_MATCH = "no_match"
ANDERE_IDENTITEIT = "identity_mismatch"


class SsoGeweigerdError(Exception):
    """The sign-in is refused; the message says why, for the user; `reden`
    and `detail` are for the security log."""

    def __init__(self, message: str, *, reden: str = GEEN_MATCH, detail: str = ""):
        super().__init__(message)
        self.reden = reden
        self.detail = detail


def _username_for(adres: str) -> str:
    """A free username for a new account: the address itself, or with a number
    when another account has that name already."""
    users = get_user_model().objects
    basis = adres.casefold()[:140]
    for nummer in range(1, 100):
        kandidaat = basis if nummer == 1 else f"{basis}-{nummer}"
        if not users.filter(username__iexact=kandidaat).exists():
            return kandidaat
    raise SsoGeweigerdError(_("Voor dit adres moet een beheerder een account maken."))


def _not_invited(adres: str) -> SsoGeweigerdError:
    return SsoGeweigerdError(
        _(
            "Er is geen account en geen open uitnodiging voor %(adres)s; "
            "vraag een beheerder u uit te nodigen."
        )
        % {"adres": adres}
    )


def _disabled(user) -> SsoGeweigerdError:
    return SsoGeweigerdError(
        _("Het account van %(adres)s is uitgeschakeld.") % {"adres": user.email}
    )


def _other_identity(user) -> SsoGeweigerdError:
    return SsoGeweigerdError(
        _(
            "Het account van %(adres)s moet worden aangemeld met de identiteit "
            "bij de aanmelddienst waarmee het eerder is aangemeld; hoort het "
            "adres nu bij iemand anders, vraag dan de beheerder van het platform."
        )
        % {"adres": user.email},
        reden=ANDERE_IDENTITEIT,
        detail=f"account={user.pk}",
    )


def _require_identity(issuer: str, sub: str) -> None:
    if not (
        isinstance(issuer, str)
        and isinstance(sub, str)
        and issuer
        and 0 < len(sub) <= MAX_SUB
    ):
        raise SsoGeweigerdError(
            _(
                "De aanmelding moet een geldige identiteit meegeven; vraag uw "
                "ICT-afdeling."
            )
        )


def _signed_in_by_identity(identiteit: SsoIdentiteit, adres: str, geverifieerd: bool):
    """The account of a known identity. Its open invitations are taken up
    only when the provider vouches for the account's own address."""
    user = identiteit.user
    if not user.is_active:
        raise _disabled(user)
    if uitnodigingen.same_address(user.email, adres):
        if geverifieerd:
            uitnodigingen.uitnodigingen_accept_by_address(user=user)
    else:
        log_single_sign_on("email_changed", user_id=user.pk, refused=False)
    return user


@transaction.atomic
def user_for_sign_in(*, issuer: str, sub: str, email: str, geverifieerd: bool):
    """The account a provider's sign-in with this identity and address signs
    in; see the module's docstring. Raises SsoGeweigerdError."""
    _require_identity(issuer, sub)
    adres = (email or "").strip() if isinstance(email, str) else ""
    identiteit = (
        SsoIdentiteit.objects.select_related("user")
        .filter(issuer=issuer, sub=sub)
        .first()
    )
    if identiteit is not None:
        return _signed_in_by_identity(identiteit, adres, geverifieerd)
    if not adres or len(adres) > MAX_ADRES or "@" not in adres:
        raise SsoGeweigerdError(
            _("De aanmelding moet een e-mailadres meegeven; vraag uw ICT-afdeling.")
        )
    if not geverifieerd:
        raise SsoGeweigerdError(
            _("Het e-mailadres %(adres)s moet door de aanmelddienst bevestigd zijn.")
            % {"adres": adres}
        )
    # The database narrows the search; the address must then be the same one,
    # not a look-alike that Unicode case folding makes equal.
    accounts = [
        user
        for user in get_user_model().objects.filter(email__iexact=adres)
        if uitnodigingen.same_address(user.email, adres)
    ]
    if len(accounts) > 1:
        raise SsoGeweigerdError(
            _(
                "Het e-mailadres %(adres)s moet bij één account horen, maar hoort "
                "bij meer accounts; vraag de beheerder van het platform dit op te "
                "lossen."
            )
            % {"adres": adres}
        )
    if accounts:
        (user,) = accounts
        if not user.is_active:
            raise _disabled(user)
        if SsoIdentiteit.objects.filter(user=user, issuer=issuer).exists():
            raise _other_identity(user)
        uitnodigingen.uitnodigingen_accept_by_address(user=user)
        return user
    if not uitnodigingen.open_uitnodigingen_to(adres):
        raise _not_invited(adres)
    try:
        user = uitnodigingen.account_create(
            username=_username_for(adres), email=adres, password=None
        )
    except ValidationError:
        # The name was taken a moment ago by another sign-in.
        raise SsoGeweigerdError(
            _("Aanmelden moet opnieuw; probeer het nog eens.")
        ) from None
    if not uitnodigingen.uitnodigingen_accept_by_address(user=user):
        # Every invitation was one the address may not take up: the account
        # is rolled back with the refusal.
        raise _not_invited(adres)
    return user


@transaction.atomic
def ssoidentiteit_bind(*, user, issuer: str, sub: str) -> SsoIdentiteit:
    """Record the identity `user` completed a sign-in with (journaled as
    `ssoidentiteit_create`); the identity it has already changes nothing.
    Refused (SsoGeweigerdError) when the identity is another account's or the
    account has another one at this provider: a sign-in through the provider
    for either happened in between."""
    _require_identity(issuer, sub)
    bekend = list(
        SsoIdentiteit.objects.filter(Q(issuer=issuer) & (Q(sub=sub) | Q(user=user)))
    )
    for identiteit in bekend:
        if identiteit.user_id == user.pk and identiteit.sub == sub:
            return identiteit
    if bekend:
        raise _other_identity(user)
    identiteit = SsoIdentiteit(
        user=user, issuer=issuer, sub=sub, journaal_salt=secrets.token_hex(16)
    )
    try:
        # A savepoint: the same identity or account bound a moment ago
        # elsewhere meets the unique index here.
        with transaction.atomic():
            return writes.create(identiteit, actor=user, action="ssoidentiteit_create")
    except (IntegrityError, ValidationError):
        raise _other_identity(user) from None


@transaction.atomic
def ssoidentiteit_delete(*, ssoidentiteit: SsoIdentiteit, actor) -> None:
    """The platform operator removes an account's identity (its person got a
    new one at the provider, or the address the account was found by went to
    someone else); journaled. Every session of the account ends; its next
    sign-in through the provider records the identity it comes with."""
    if actor is None or not actor.is_superuser:
        raise PermissionDenied(_("Alleen de beheerder van het platform mag dit."))
    user = ssoidentiteit.user
    writes.delete(ssoidentiteit, actor=actor, action="ssoidentiteit_delete")
    aanmeldtijdperk_raise(user=user)

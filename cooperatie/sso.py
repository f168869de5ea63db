"""Who a sign-in through the identity provider (single sign-on) is here.

The provider vouches for an e-mail address, nothing more: it never grants a
role. The address (verified; compared with ASCII letters in any case and
every other character exactly, so no look-alike passes) signs in the one
active account that has it, or, when no account has it, makes an account for
the open invitations to it and takes them up exactly as their links would
(`uitnodigingen.uitnodigingen_accept_by_address`, journaled). Anyone else is
refused with a message that says why: an unverified address, an address two
accounts share, a disabled account, or an address nobody invited.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from . import uitnodigingen

# An e-mail address is at most 254 characters (RFC 5321); longer is refused
# before any lookup.
MAX_ADRES = 254


class SsoGeweigerdError(Exception):
    """The sign-in is refused; the message says why, for the user."""


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


@transaction.atomic
def user_for_sign_in(*, email: str, geverifieerd: bool):
    """The account a provider's sign-in with this address signs in; see the
    module's docstring. Raises SsoGeweigerdError."""
    adres = (email or "").strip() if isinstance(email, str) else ""
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
            raise SsoGeweigerdError(
                _("Het account van %(adres)s is uitgeschakeld.") % {"adres": adres}
            )
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

"""The second factor: a TOTP authenticator app (django-otp) with one-time
recovery codes.

A user enrols on their account page: `totp_start` makes an unconfirmed device
(its secret is shown as a QR code and as text), `totp_confirm` confirms it with
a first code and makes the recovery codes. Signing in then asks for a code
(`code_verify`) before the session is signed in. Recovery codes are made anew
and the factor is removed only after a fresh code is given, or the password in
a session that gave a code (`code_gegeven`): the password alone does not stand
in for a factor the session never proved.

Enrolment and removal (also the operator's reset) raise the user's sign-in
epoch (`aanmeldtijdperk`): every other session of the user ends, so none that
signed in before the factor was on goes on without its code.

Every wrong code counts against the user's device: django-otp makes the next
try wait 1, 2, 4, 8 … seconds (`OTP_TOTP_THROTTLE_FACTOR`), however many
sessions or addresses the tries come from. Enrolment, new recovery codes and
removal are journaled (the platform chain; the account by number only), never
the secret or a code.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from base64 import b32encode
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from django_otp.plugins.otp_totp.models import TOTPDevice

from . import journal
from .aanmeldtijdperk import aanmeldtijdperk_raise
from .models import Herstelcode

# A TOTP code: six digits. A recovery code: 16 characters of an alphabet
# without look-alikes (0/o, 1/l/i), some 80 bits, shown in groups of four.
TOTP_CIJFERS = 6
HERSTELCODE_ALFABET = "abcdefghjkmnpqrstuvwxyz23456789"
HERSTELCODE_LENGTE = 16
HERSTELCODE_AANTAL = 10
# The longest input a code field takes (spaces and dashes included).
MAX_INVOER = 32

TOTP = "totp"
HERSTELCODE = "herstelcode"

_TOTP_RE = re.compile(rf"[0-9]{{{TOTP_CIJFERS}}}")
_HERSTEL_RE = re.compile(rf"[{HERSTELCODE_ALFABET}]{{{HERSTELCODE_LENGTE}}}")


class CodeGeweigerdError(Exception):
    """A code that does not sign in; the message says why, for the user."""


@dataclass(frozen=True)
class Code:
    """A typed code, normalised: which kind it is and its characters."""

    soort: str
    waarde: str


def parse_code(invoer: str) -> Code | None:
    """The code in what the user typed (spaces and dashes ignored, any case),
    or None when it is neither six digits nor a recovery code."""
    if not isinstance(invoer, str) or len(invoer) > MAX_INVOER:
        return None
    waarde = re.sub(r"[\s-]", "", invoer).lower()
    if _TOTP_RE.fullmatch(waarde):
        return Code(TOTP, waarde)
    if _HERSTEL_RE.fullmatch(waarde):
        return Code(HERSTELCODE, waarde)
    return None


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def totp_of(user, *, confirmed: bool = True) -> TOTPDevice | None:
    """The user's authenticator app (confirmed, or the one being enrolled)."""
    if user is None or not user.pk:
        return None
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).first()


def has_factor(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def open_herstelcodes(user) -> int:
    return Herstelcode.objects.filter(user=user, gebruikt_op__isnull=True).count()


def secret_of(device: TOTPDevice) -> str:
    """The secret as an authenticator app takes it when typed: base32, in
    groups of four."""
    tekst = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(tekst[i : i + 4] for i in range(0, len(tekst), 4))


def _journal(user, *, action: str, actor=None) -> None:
    journal.record(
        actor=actor or user,
        action=action,
        object_type=user._meta.label_lower,
        object_id=user.pk,
        object_repr=f"gebruiker #{user.pk}",
    )


@transaction.atomic
def totp_start(*, user) -> TOTPDevice:
    """A new, unconfirmed authenticator app for `user` (one being enrolled is
    replaced). Refused while the user has a confirmed one."""
    if has_factor(user):
        raise CodeGeweigerdError(
            _("Tweestapsverificatie staat al aan; verwijder die eerst.")
        )
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="app", confirmed=False)


def _new_herstelcodes(user) -> list[str]:
    Herstelcode.objects.filter(user=user).delete()
    codes = [
        "".join(secrets.choice(HERSTELCODE_ALFABET) for _ in range(HERSTELCODE_LENGTE))
        for _ in range(HERSTELCODE_AANTAL)
    ]
    Herstelcode.objects.bulk_create(
        [Herstelcode(user=user, code_hash=_hash(code)) for code in codes]
    )
    return [
        "-".join(code[i : i + 4] for i in range(0, HERSTELCODE_LENGTE, 4))
        for code in codes
    ]


def _throttled(device: TOTPDevice) -> None:
    allowed, data = device.verify_is_allowed()
    if not allowed:
        wacht = (data or {}).get("locked_until") or timezone.now()
        seconden = max(1, int((wacht - timezone.now()).total_seconds()) + 1)
        raise CodeGeweigerdError(
            _(
                "Te veel foute codes na elkaar: probeer het over %(seconden)s "
                "seconden opnieuw."
            )
            % {"seconden": seconden}
        )


def _wrong() -> CodeGeweigerdError:
    return CodeGeweigerdError(
        _(
            "De code moet de huidige code uit uw app of een ongebruikte "
            "herstelcode zijn."
        )
    )


def _locked(user, *, confirmed: bool) -> TOTPDevice | None:
    """The user's device, locked until the transaction ends: two tries at
    once count (and spend a code) one after the other."""
    return (
        TOTPDevice.objects.select_for_update()
        .filter(user=user, confirmed=confirmed)
        .first()
    )


def totp_confirm(*, user, code: str) -> list[str]:
    """Confirm the app being enrolled with a code it shows; the factor is then
    on. Returns the new recovery codes (shown this once). A wrong code counts
    against the device (committed, also when refused)."""
    with transaction.atomic():
        device = _locked(user, confirmed=False)
        if device is None:
            raise CodeGeweigerdError(_("Begin opnieuw met het instellen van de app."))
        _throttled(device)
        parsed = parse_code(code)
        if parsed is not None and parsed.soort == TOTP:
            # verify_token counts a failure on the device itself.
            goed = device.verify_token(parsed.waarde)
        else:
            device.throttle_increment()
            goed = False
        if goed:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            codes = _new_herstelcodes(user)
            aanmeldtijdperk_raise(user=user)
            _journal(user, action="tweestaps_aan")
            return codes
    raise CodeGeweigerdError(_("De code moet de zes cijfers zijn die uw app nu toont."))


def code_verify(*, user, code: str) -> str:
    """Check a code of the user's confirmed factor: a TOTP code (each works
    once, within its 30 seconds and one step either side) or an unused recovery
    code (then used up). Returns which kind signed in; CodeGeweigerdError
    otherwise, also while the device makes the user wait after wrong codes."""
    with transaction.atomic():
        device = _locked(user, confirmed=True)
        if device is None:
            raise _wrong()
        _throttled(device)
        parsed = parse_code(code)
        if parsed is not None and parsed.soort == TOTP:
            # verify_token counts a failure on the device itself.
            if device.verify_token(parsed.waarde):
                return TOTP
        elif parsed is not None and _use_herstelcode(user, parsed.waarde):
            device.throttle_reset()
            return HERSTELCODE
        else:
            device.throttle_increment()
    raise _wrong()


def _use_herstelcode(user, waarde: str) -> bool:
    """Use up the unused recovery code; False when there is none (also when
    another request used it a moment ago: the update counts the rows)."""
    return bool(
        Herstelcode.objects.filter(
            user=user, code_hash=_hash(waarde), gebruikt_op__isnull=True
        ).update(gebruikt_op=timezone.now())
    )


def confirm_identity(*, user, bevestiging: str, code_gegeven: bool) -> None:
    """A fresh proof before the factor changes: a code of the factor, or the
    account's password (an account from single sign-on has none) when the
    session asking gave a code of the factor (`code_gegeven`: at sign-in or
    at enrolment). A session that never did (one from before the factor was
    on, or the provider's own MFA) must give a code: the password alone is no
    second factor. A wrong password counts against the device as a wrong code
    does, so the password cannot be guessed here without waiting."""
    if parse_code(bevestiging) is not None:
        code_verify(user=user, code=bevestiging)
        return
    if not code_gegeven:
        raise CodeGeweigerdError(
            _(
                "Deze sessie heeft nog geen code gegeven: de bevestiging moet een "
                "code uit uw app of een herstelcode zijn."
            )
        )
    with transaction.atomic():
        device = _locked(user, confirmed=True)
        if device is not None:
            _throttled(device)
        goed = (
            bool(bevestiging)
            and len(bevestiging) <= 4096
            and user.has_usable_password()
            and user.check_password(bevestiging)
        )
        if not goed and device is not None:
            device.throttle_increment()
    if not goed:
        raise CodeGeweigerdError(
            _("De bevestiging moet een code uit uw app of uw wachtwoord zijn.")
        )


def _confirmed_change(user, bevestiging: str, code_gegeven: bool) -> None:
    """The proof before a change, in its own transaction: a wrong code still
    counts when the change is refused."""
    if not has_factor(user):
        raise CodeGeweigerdError(_("Tweestapsverificatie staat nog niet aan."))
    confirm_identity(user=user, bevestiging=bevestiging, code_gegeven=code_gegeven)


def herstelcodes_regenerate(*, user, bevestiging: str, code_gegeven: bool) -> list[str]:
    """New recovery codes after a fresh proof (see `confirm_identity`); the
    old ones stop working."""
    _confirmed_change(user, bevestiging, code_gegeven)
    with transaction.atomic():
        codes = _new_herstelcodes(user)
        _journal(user, action="herstelcodes_vernieuwd")
    return codes


def tweestaps_remove(*, user, bevestiging: str, code_gegeven: bool) -> None:
    """Remove the factor (the app and the recovery codes) after a fresh proof
    (see `confirm_identity`); the user's other sessions end."""
    _confirmed_change(user, bevestiging, code_gegeven)
    with transaction.atomic():
        _remove(user, actor=user)


@transaction.atomic
def tweestaps_reset(*, totpdevice: TOTPDevice, actor) -> None:
    """The platform operator removes a user's factor (a lost phone and lost
    recovery codes); every session of the user ends, and the user can then
    sign in with the password alone and enrol again."""
    if actor is None or not actor.is_superuser:
        raise PermissionDenied(_("Alleen de beheerder van het platform mag dit."))
    _remove(totpdevice.user, actor=actor)


def _remove(user, *, actor) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    Herstelcode.objects.filter(user=user).delete()
    aanmeldtijdperk_raise(user=user)
    _journal(user, action="tweestaps_uit", actor=actor)

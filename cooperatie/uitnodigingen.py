"""Invitations: a beheerder or a bestuur invites someone by e-mail to take up a
role; the invitee accepts through the link in the mail, with an account they
have or one they make then.

The grant rules are those of `services.rol_create`, plus one: a bestuur invites
fellow board members of its own cooperatie. Only a SHA-256 of an invitation's
token is stored; the token itself is only in the mail's link.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
import string

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kern import journal, mail, writes

from . import permissions
from .choices import CORPORATIE_ROLLEN, RolSoort, UitnodigingStatus
from .models import Cooperatie, Corporatie, Rol, Uitnodiging
from .scope import forget_scope

OPEN = UitnodigingStatus.OPEN.value
VERLOPEN = UitnodigingStatus.VERLOPEN.value
GEBRUIKT = UitnodigingStatus.GEBRUIKT.value
INGETROKKEN = UitnodigingStatus.INGETROKKEN.value


class UitnodigingOngeldigError(Exception):
    """The link leads to no open invitation; `reden` says why (`VERLOPEN`,
    `GEBRUIKT`, `INGETROKKEN`, or None for an unknown token)."""

    def __init__(self, reden: str | None):
        super().__init__(reden or "onbekend")
        self.reden = reden


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _validity() -> datetime.timedelta:
    return datetime.timedelta(days=settings.UITNODIGING_GELDIGHEID_DAGEN)


def status_of(uitnodiging: Uitnodiging) -> str:
    if uitnodiging.geaccepteerd_op is not None:
        return GEBRUIKT
    if uitnodiging.ingetrokken_op is not None:
        return INGETROKKEN
    if uitnodiging.verloopt_op <= timezone.now():
        return VERLOPEN
    return OPEN


def require_may_invite(actor, uitnodiging: Uitnodiging) -> None:
    """Who may invite to a role (and send again or withdraw the invitation):
    the platform operator any; a beheerder roles on their corporatie and bestuur
    roles on the cooperaties in its scope; a bestuur fellow board members of its
    own cooperatie. A gemeente role is never granted by invitation (the
    platform operator grants it in the admin)."""
    if uitnodiging.soort == RolSoort.GEMEENTE:
        raise ValidationError(
            {
                "soort": _(
                    "Een gemeenterol moet de platformbeheerder toekennen, niet "
                    "een uitnodiging."
                )
            }
        )
    if uitnodiging.soort in CORPORATIE_ROLLEN:
        permissions.require_beheerder(actor, uitnodiging.corporatie_id)
    elif not permissions.beheert_cooperatie(actor, uitnodiging.cooperatie_id):
        permissions.require_bestuur(actor, uitnodiging.cooperatie_id)


def _new_token(uitnodiging: Uitnodiging) -> str:
    token = secrets.token_urlsafe(32)
    uitnodiging.key_hash = hash_token(token)
    return token


def link_of(token: str) -> str:
    return mail.absolute_url(reverse("uitnodiging", args=[token]))


def _send(uitnodiging: Uitnodiging, token: str) -> None:
    mail.send_to_address(
        adres=uitnodiging.email,
        naam="uitnodiging",
        context={
            "soort": uitnodiging.get_soort_display(),
            "organisatie": str(uitnodiging.corporatie or uitnodiging.cooperatie),
            "link": link_of(token),
            "verloopt_op": uitnodiging.verloopt_op,
        },
    )


@transaction.atomic
def uitnodiging_create(
    *,
    email: str,
    soort: str,
    corporatie: Corporatie | None = None,
    cooperatie: Cooperatie | None = None,
    actor,
) -> Uitnodiging:
    """Invite `email` to a role and send the invitation."""
    uitnodiging = Uitnodiging(
        email=(email or "").strip(),
        soort=soort,
        corporatie=corporatie,
        cooperatie=cooperatie,
        uitgenodigd_door=actor if getattr(actor, "pk", None) else None,
        verloopt_op=timezone.now() + _validity(),
        journaal_salt=secrets.token_hex(16),
    )
    if soort in RolSoort.values:
        require_may_invite(actor, uitnodiging)
    _require_not_own_address(actor, uitnodiging)
    _lock_organisation(uitnodiging)
    token = _new_token(uitnodiging)
    writes.create(
        uitnodiging, actor=actor, action="uitnodiging_create", check=_require_no_twin
    )
    _send(uitnodiging, token)
    return uitnodiging


# Addresses compare with the case of ASCII letters ignored and every other
# character exactly: Unicode case folding (and PostgreSQL's UPPER, behind
# `email__iexact`) makes look-alikes equal, "ı" to "i" and "ſ" to "s", so that
# "admın@…" would be "admin@…".
_ASCII_KLEIN = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def _adres(email: str | None) -> str:
    """An address as compared: without surrounding space, ASCII letters in
    lower case."""
    return (email or "").strip().translate(_ASCII_KLEIN)


def same_address(een: str | None, ander: str | None) -> bool:
    """Whether two addresses are one (see `_ASCII_KLEIN`)."""
    return bool(_adres(een)) and _adres(een) == _adres(ander)


def _require_not_own_address(actor, uitnodiging: Uitnodiging) -> None:
    """An invitation to one's own address would let the inviter take the role
    up with a second account: granting it to oneself, which `rol_create`
    refuses too."""
    own = _adres(getattr(actor, "email", ""))
    if own and own == _adres(uitnodiging.email) and not actor.is_superuser:
        raise ValidationError(
            {"email": _("Een uitnodiging moet naar het adres van een ander gaan.")}
        )


def _lock_organisation(uitnodiging: Uitnodiging) -> None:
    """Invitations to one organisation are made one at a time, so that two at
    once cannot both pass `_require_no_twin`."""
    if uitnodiging.cooperatie_id is not None:
        model, pk = Cooperatie, uitnodiging.cooperatie_id
    else:
        model, pk = Corporatie, uitnodiging.corporatie_id
    list(model.objects.select_for_update().filter(pk=pk).values_list("pk"))


def _require_no_twin(uitnodiging: Uitnodiging) -> None:
    """One open invitation per address and role: a second would leave two
    working links; the existing one can be sent again."""
    twin = Uitnodiging.objects.open().filter(
        email__iexact=uitnodiging.email,
        soort=uitnodiging.soort,
        corporatie=uitnodiging.corporatie,
        cooperatie=uitnodiging.cooperatie,
    )
    if twin.exists():
        raise ValidationError(
            {
                "email": _(
                    "Een adres mag per rol één open uitnodiging hebben; verstuur "
                    "de bestaande opnieuw."
                )
            }
        )


def _require_not_used(uitnodiging: Uitnodiging) -> None:
    if uitnodiging.geaccepteerd_op is not None:
        raise ValidationError(_("Een aangenomen uitnodiging moet ongewijzigd blijven."))
    if uitnodiging.ingetrokken_op is not None:
        raise ValidationError(
            _("Een ingetrokken uitnodiging moet ongewijzigd blijven.")
        )


@transaction.atomic
def uitnodiging_resend(*, uitnodiging: Uitnodiging, actor) -> Uitnodiging:
    """Send the invitation again with a new link and a new expiry; the old link
    no longer works."""
    require_may_invite(actor, uitnodiging)
    _require_not_used(uitnodiging)
    token = secrets.token_urlsafe(32)
    writes.update(
        uitnodiging,
        {"key_hash": hash_token(token), "verloopt_op": timezone.now() + _validity()},
        actor=actor,
        action="uitnodiging_resend",
        allowed={"key_hash", "verloopt_op"},
    )
    _send(uitnodiging, token)
    return uitnodiging


@transaction.atomic
def uitnodiging_withdraw(*, uitnodiging: Uitnodiging, actor) -> Uitnodiging:
    """Withdraw an invitation that was not accepted: its link no longer works."""
    require_may_invite(actor, uitnodiging)
    _require_not_used(uitnodiging)
    return writes.update(
        uitnodiging,
        {"ingetrokken_op": timezone.now()},
        actor=actor,
        action="uitnodiging_withdraw",
        allowed={"ingetrokken_op"},
    )


def open_uitnodiging(token: str) -> Uitnodiging:
    """The open invitation of a link's token; UitnodigingOngeldigError otherwise."""
    uitnodiging = (
        Uitnodiging.objects.select_related("corporatie", "cooperatie")
        .filter(key_hash=hash_token(token or ""))
        .first()
    )
    if uitnodiging is None:
        raise UitnodigingOngeldigError(None)
    reden = status_of(uitnodiging)
    if reden != OPEN:
        raise UitnodigingOngeldigError(reden)
    return uitnodiging


def account_exists_for(uitnodiging: Uitnodiging) -> bool:
    return (
        get_user_model()
        .objects.filter(email__iexact=uitnodiging.email, is_active=True)
        .exists()
    )


def is_addressed_to(uitnodiging: Uitnodiging, user) -> bool:
    """Whether `user`'s account has the invited address (the platform operator
    may take up any invitation)."""
    adres = _adres(getattr(user, "email", ""))
    return user.is_superuser or adres == _adres(uitnodiging.email)


def _tell_colleagues(uitnodiging: Uitnodiging, user) -> None:
    """Tell those who share the organisation that someone took a role up: the
    other board members of the cooperatie (or the corporatie's beheerders) and
    whoever sent the invitation. Security mail, so sent whatever their
    notification setting: nobody joins a board unnoticed."""
    if uitnodiging.soort == RolSoort.BESTUUR:
        collega = Rol.objects.filter(
            soort=RolSoort.BESTUUR, cooperatie_id=uitnodiging.cooperatie_id
        )
    else:
        collega = Rol.objects.filter(
            soort=RolSoort.BEHEERDER, corporatie_id=uitnodiging.corporatie_id
        )
    ontvangers = list(
        get_user_model()
        .objects.filter(
            Q(pk__in=collega.values("user_id"))
            | Q(pk=uitnodiging.uitgenodigd_door_id or 0)
        )
        .exclude(pk=user.pk)
        .select_related("accountinstelling")
        .order_by("pk")
    )
    mail.send(
        to=ontvangers,
        naam="rol_aangenomen",
        context={
            "gebruiker": user.get_username(),
            "soort": uitnodiging.get_soort_display(),
            "organisatie": str(uitnodiging.corporatie or uitnodiging.cooperatie),
        },
        verplicht=True,
    )


@transaction.atomic
def uitnodiging_accept(*, token: str, user) -> Rol:
    """Take up the role of an open invitation with `user`'s account (the role is
    kept when the user holds it already) and mark the invitation used."""
    return _accept(open_uitnodiging(token), user)


def _accept(uitnodiging: Uitnodiging, user) -> Rol:
    """Accept one open invitation with `user`'s account, inside the caller's
    transaction."""
    # Lock the row: a link works once, also when clicked twice at the same time.
    uitnodiging = Uitnodiging.objects.select_for_update().get(pk=uitnodiging.pk)
    if status_of(uitnodiging) != OPEN:
        raise UitnodigingOngeldigError(status_of(uitnodiging))
    if uitnodiging.uitgenodigd_door_id == user.pk and not user.is_superuser:
        # Inviting oneself would widen one's own reach.
        raise permissions.deny(_("Een eigen uitnodiging moet een ander aannemen."))
    if not is_addressed_to(uitnodiging, user):
        # The link alone is not enough: a forwarded or leaked mail must not
        # hand the role to whoever holds an account here.
        raise permissions.deny(
            _(
                "Deze uitnodiging moet worden aangenomen met het account van het "
                "uitgenodigde e-mailadres."
            )
        )
    rol = Rol.objects.filter(
        user=user,
        soort=uitnodiging.soort,
        corporatie=uitnodiging.corporatie,
        cooperatie=uitnodiging.cooperatie,
    ).first()
    if rol is None:
        rol = Rol(
            user=user,
            soort=uitnodiging.soort,
            corporatie=uitnodiging.corporatie,
            cooperatie=uitnodiging.cooperatie,
        )
        writes.create(rol, actor=user, action="rol_create")
        forget_scope(user)
        _tell_colleagues(uitnodiging, user)
    writes.update(
        uitnodiging,
        {"geaccepteerd_op": timezone.now(), "geaccepteerd_door": user},
        actor=user,
        action="uitnodiging_accept",
        allowed={"geaccepteerd_op", "geaccepteerd_door"},
    )
    return rol


@transaction.atomic
def uitnodiging_accept_new_account(*, token: str, username: str, password: str):
    """Make an account with the invitation's e-mail address and accept the
    invitation with it. The caller checks the password against the validators."""
    uitnodiging = open_uitnodiging(token)
    user = account_create(username=username, email=uitnodiging.email, password=password)
    uitnodiging_accept(token=token, user=user)
    return user


def account_create(*, username: str, email: str, password: str | None):
    """Make an account (no password: one that signs in through the identity
    provider only) and journal it, inside the caller's transaction. A username
    that is taken, in any case, is a field error."""
    users = get_user_model().objects
    taken = ValidationError({"username": _("De gebruikersnaam moet nog vrij zijn.")})
    if users.filter(username__iexact=username).exists():
        raise taken
    try:
        # A savepoint: the same name chosen at the same moment elsewhere meets
        # the unique index here, and the caller hears of it as a field error.
        with transaction.atomic():
            user = users.create_user(username=username, email=email, password=password)
    except IntegrityError:
        raise taken from None
    # No personal data in the journal: the account by its number only.
    journal.record(
        actor=user,
        action="account_create",
        object_type=user._meta.label_lower,
        object_id=user.pk,
        object_repr=f"gebruiker #{user.pk}",
    )
    return user


def open_uitnodigingen_to(email: str) -> list[Uitnodiging]:
    """The open invitations to an address (`same_address`)."""
    adres = (email or "").strip()
    if not adres:
        return []
    return [
        uitnodiging
        for uitnodiging in Uitnodiging.objects.open()
        .filter(email__iexact=adres)
        .select_related("corporatie", "cooperatie")
        .order_by("pk")
        if same_address(uitnodiging.email, adres)
    ]


@transaction.atomic
def uitnodigingen_accept_by_address(*, user) -> list[Rol]:
    """Take up every open invitation to `user`'s address, each exactly as its
    link would (`uitnodiging_accept`): for a sign-in through an identity
    provider that vouched for the address, which stands in for the link in the
    mail. An invitation the user may not take up (one they sent themselves) is
    left open."""
    rollen = []
    for uitnodiging in open_uitnodigingen_to(user.email):
        try:
            with transaction.atomic():
                rollen.append(_accept(uitnodiging, user))
        except (PermissionDenied, UitnodigingOngeldigError):
            continue
    return rollen

"""Every write of the cooperatie app. Each service is atomic, keyword-only, takes
the acting user, checks permission, and writes one journal entry."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from kern import writes
from kern.formatting import moment

from .. import permissions
from ..choices import CORPORATIE_ROLLEN, JaarStatus, RolSoort
from ..jaarslot import (
    ensure_member_counts_unchanged,
    ensure_year_open,
    gesloten_jaren,
    lock_cooperatie,
)
from ..models import (
    ApiToken,
    Cooperatie,
    Corporatie,
    Gebouw,
    GeslotenJaar,
    Lid,
    Overeenkomst,
    Relatie,
    Rol,
)
from ..scope import forget_scope
from ..verwijderbaar import last_beheerder_message

# The writes of gebouwen live in their own module; callers import them from here.
from .gebouwen import gebouw_create as gebouw_create
from .gebouwen import gebouw_create_many as gebouw_create_many
from .gebouwen import gebouw_delete as gebouw_delete
from .gebouwen import gebouw_update as gebouw_update

# Corporatie ---------------------------------------------------------------------


@transaction.atomic
def corporatie_create(*, naam: str, kvk_nummer: str, plaats: str, actor) -> Corporatie:
    permissions.require_superuser(actor)
    corporatie = Corporatie(naam=naam, kvk_nummer=kvk_nummer, plaats=plaats)
    return writes.create(corporatie, actor=actor, action="corporatie_create")


@transaction.atomic
def corporatie_update(*, corporatie: Corporatie, actor, **data) -> Corporatie:
    permissions.require_beheerder(actor, corporatie.pk)
    return writes.update(
        corporatie,
        data,
        actor=actor,
        action="corporatie_update",
        allowed=Corporatie.EDITABLE_FIELDS,
    )


# Cooperatie ---------------------------------------------------------------------


@transaction.atomic
def cooperatie_create(
    *, aangemeld_door: Corporatie | None = None, actor, **data
) -> Cooperatie:
    """Register a cooperatie. A beheerder registers it for their own corporatie, so
    they see it before any overeenkomst or afspraak exists."""
    if aangemeld_door is None:
        permissions.require_superuser(actor)
    else:
        permissions.require_beheerder(actor, aangemeld_door.pk)
    writes.refuse_unknown(data, Cooperatie.EDITABLE_FIELDS)
    cooperatie = Cooperatie(aangemeld_door=aangemeld_door, **data)
    return writes.create(cooperatie, actor=actor, action="cooperatie_create")


@transaction.atomic
def cooperatie_update(*, cooperatie: Cooperatie, actor, **data) -> Cooperatie:
    permissions.require_beheerder_or_bestuur(actor, cooperatie.pk)
    return writes.update(
        cooperatie,
        data,
        actor=actor,
        action="cooperatie_update",
        allowed=Cooperatie.EDITABLE_FIELDS,
    )


# Overeenkomst -------------------------------------------------------------------


def _check_overeenkomst(overeenkomst: Overeenkomst) -> None:
    errors: dict[str, str] = {}
    if overeenkomst.overlapping().exists():
        errors["ingangsdatum"] = _(
            "Dit gebouw heeft in deze periode al een overeenkomst; perioden van "
            "overeenkomsten voor één gebouw mogen niet overlappen."
        )
    gebouw = overeenkomst.gebouw
    if (
        overeenkomst.aantal_woningen
        and overeenkomst.aantal_woningen > gebouw.aantal_woningen
    ):
        errors["aantal_woningen"] = _("Het gebouw telt maar %(n)s woningen.") % {
            "n": gebouw.aantal_woningen
        }
    if errors:
        raise ValidationError(errors)


def _overeenkomst_violation(exc: IntegrityError) -> ValidationError | None:
    """PostgreSQL's exclusion constraint catches a concurrent overlapping insert
    that validation could not see; give it the same readable message."""
    if "overeenkomst_geen_overlap" in str(exc):
        return ValidationError(
            {"ingangsdatum": _("Dit gebouw heeft in deze periode al een overeenkomst.")}
        )
    return None


@transaction.atomic
def overeenkomst_create(
    *,
    gebouw: Gebouw,
    cooperatie: Cooperatie,
    soort: str,
    ingangsdatum: datetime.date,
    einddatum: datetime.date | None = None,
    aantal_woningen: int | None = None,
    actor,
) -> Overeenkomst:
    permissions.require_beheerder(actor, gebouw.corporatie_id)
    permissions.require_visible(actor, cooperatie, "cooperatie")
    overeenkomst = Overeenkomst(
        gebouw=gebouw,
        cooperatie=cooperatie,
        soort=soort,
        ingangsdatum=ingangsdatum,
        einddatum=einddatum,
        aantal_woningen=aantal_woningen or gebouw.aantal_woningen,
    )
    try:
        with transaction.atomic():
            writes.create(
                overeenkomst,
                actor=actor,
                action="overeenkomst_create",
                check=_check_overeenkomst,
            )
    except IntegrityError as exc:
        raise (_overeenkomst_violation(exc) or exc) from exc
    relatie_record(corporatie_id=gebouw.corporatie_id, cooperatie_id=cooperatie.pk)
    return overeenkomst


def _overeenkomst_write(
    overeenkomst: Overeenkomst, data: dict[str, Any], *, actor, action: str
) -> Overeenkomst:
    permissions.require_beheerder(actor, overeenkomst.gebouw.corporatie_id)
    try:
        with transaction.atomic():
            return writes.update(
                overeenkomst,
                data,
                actor=actor,
                action=action,
                allowed=Overeenkomst.EDITABLE_FIELDS,
                check=_check_overeenkomst,
            )
    except IntegrityError as exc:
        raise (_overeenkomst_violation(exc) or exc) from exc


@transaction.atomic
def overeenkomst_update(*, overeenkomst: Overeenkomst, actor, **data) -> Overeenkomst:
    return _overeenkomst_write(
        overeenkomst, data, actor=actor, action="overeenkomst_update"
    )


@transaction.atomic
def overeenkomst_end(
    *, overeenkomst: Overeenkomst, einddatum: datetime.date, actor
) -> Overeenkomst:
    """End a running overeenkomst on the given date (its last day)."""
    return _overeenkomst_write(
        overeenkomst, {"einddatum": einddatum}, actor=actor, action="overeenkomst_end"
    )


# Derived records: ties and closed years -----------------------------------------
# Kept inside the transaction of the write they follow from (that write's
# journal entry records it); called by this app's and the afspraken app's
# services, never by a view.


@transaction.atomic
def relatie_record(
    *, corporatie_id: int, cooperatie_id: int, gebouwen: Iterable[int] | None = None
) -> Relatie:
    """Record that an overeenkomst or afspraak ties this corporatie and cooperatie
    (a tie stays, as no service deletes either). `gebouwen`, when given, become
    the gebouwen of the afspraken between the two: ids, or a query of them that
    is read only once the tie's row is locked, so that two concurrent changes of
    their afspraken each count the other's."""
    Relatie.objects.bulk_create(
        [Relatie(corporatie_id=corporatie_id, cooperatie_id=cooperatie_id)],
        ignore_conflicts=True,
    )
    relatie = Relatie.objects.select_for_update().get(
        corporatie_id=corporatie_id, cooperatie_id=cooperatie_id
    )
    if gebouwen is not None:
        relatie.gebouwen.set(list(gebouwen))
    return relatie


@transaction.atomic
def gesloten_jaar_set(
    *, cooperatie_id: int, jaar: int, status: str | None
) -> GeslotenJaar | None:
    """Close a year of a cooperatie with `status` (a `JaarStatus`), or open it
    again (None). The caller read the year's toetsingen under the cooperatie's
    lock (`jaarslot.lock_cooperatie`); a vastgesteld year is approved for good,
    so it stays closed and vastgesteld whatever an earlier read said."""
    row = (
        GeslotenJaar.objects.select_for_update()
        .filter(cooperatie_id=cooperatie_id, jaar=jaar)
        .first()
    )
    if row is not None and row.status == JaarStatus.VASTGESTELD:
        return row
    if status is None:
        if row is not None:
            row.delete()
        return None
    if row is None:
        return GeslotenJaar.objects.create(
            cooperatie_id=cooperatie_id, jaar=jaar, status=status
        )
    if row.status != status:
        row.status = status
        row.save(update_fields=["status"])
    return row


# Lid ----------------------------------------------------------------------------


def _lid_dates(data: dict[str, Any]) -> dict[str, datetime.date | None]:
    return {name: data[name] for name in ("lid_sinds", "lid_tot") if name in data}


def _check_membership_change(
    lid: Lid, before, data: dict[str, Any], gesloten: dict[int, str] | None = None
) -> None:
    """The year lock for members: dates in a locked year, and any change of who
    counts on a locked year's peildatum, are refused. `gesloten`: the closed
    years, when the caller read them under the cooperatie's lock."""
    after = (
        data.get("lid_sinds", lid.lid_sinds),
        data.get("lid_tot", lid.lid_tot),
    )
    changed = {
        name: value
        for name, value in _lid_dates(data).items()
        if before is None or value != getattr(lid, name)
    }
    # Moving a date out of a locked year changes that year too.
    old = {name: getattr(lid, name) for name in changed} if before else {}
    ensure_year_open(cooperatie_id=lid.cooperatie_id, dates=changed, gesloten=gesloten)
    ensure_year_open(cooperatie_id=lid.cooperatie_id, dates=old, gesloten=gesloten)
    if after[0] is not None:
        ensure_member_counts_unchanged(
            cooperatie_id=lid.cooperatie_id,
            before=before,
            after=after,
            # A new member counts from lid_sinds; for an existing one the
            # refusal goes on the date that moved (lid_tot when it did).
            field="lid_tot"
            if before is not None and "lid_tot" in changed
            else "lid_sinds",
            gesloten=gesloten,
        )


def _new_lid(
    cooperatie: Cooperatie, data: dict[str, Any], gesloten: dict[int, str] | None
) -> Lid:
    """A new member, unsaved, after the service's own checks (the model's
    validation follows in the write)."""
    writes.refuse_unknown(data, Lid.EDITABLE_FIELDS)
    lid = Lid(cooperatie=cooperatie, journaal_salt=Lid.new_salt(), **data)
    _check_membership_change(lid, None, data, gesloten)
    return lid


@transaction.atomic
def lid_create(*, cooperatie: Cooperatie, actor, **data) -> Lid:
    permissions.require_bestuur(actor, cooperatie.pk)
    lid = _new_lid(cooperatie, data, None)
    return writes.create(lid, actor=actor, action="lid_create")


MAX_LEDEN = 5000
"""Most members one write of many adds (an import's rows)."""


@transaction.atomic
def lid_create_many(
    *, cooperatie: Cooperatie, rows: Iterable[dict[str, Any]], actor
) -> list[Lid]:
    """Add members, each as `lid_create` does (the same checks, one journal
    entry each), all or nothing and in a number of queries that does not grow
    with the rows: a refused row raises `kern.writes.RowValidationError` naming
    every refused row by its index, and nothing is written."""
    permissions.require_bestuur(actor, cooperatie.pk)
    rows = list(rows)
    if len(rows) > MAX_LEDEN:
        raise ValidationError(
            {"leden": _("Hoogstens %(max)s leden tegelijk.") % {"max": MAX_LEDEN}}
        )
    if not rows:
        return []
    lock_cooperatie(cooperatie.pk)
    gesloten = gesloten_jaren(cooperatie_id=cooperatie.pk)
    leden = writes.prepare_many(
        rows, lambda row: _new_lid(cooperatie, dict(row), gesloten), "leden"
    )
    return writes.create_many(leden, actor=actor, action="lid_create")


@transaction.atomic
def lid_update(*, lid: Lid, actor, **data) -> Lid:
    permissions.require_bestuur(actor, lid.cooperatie_id)
    _check_membership_change(lid, (lid.lid_sinds, lid.lid_tot), data)
    return writes.update(
        lid, data, actor=actor, action="lid_update", allowed=Lid.EDITABLE_FIELDS
    )


@transaction.atomic
def lid_end(*, lid: Lid, lid_tot: datetime.date, actor) -> Lid:
    """End a membership: `lid_tot` is the first day the household is no member."""
    permissions.require_bestuur(actor, lid.cooperatie_id)
    if lid.lid_tot is not None:
        raise ValidationError({"lid_tot": _("Dit lidmaatschap is al beëindigd.")})
    data = {"lid_tot": lid_tot}
    _check_membership_change(lid, (lid.lid_sinds, None), data)
    if lid.bestuursfunctie:
        data["bestuursfunctie"] = ""
    return writes.update(
        lid, data, actor=actor, action="lid_end", allowed=Lid.EDITABLE_FIELDS
    )


# Rol ----------------------------------------------------------------------------


def _require_may_grant(actor, rol: Rol) -> None:
    """Who may grant or withdraw a role: the platform operator any (a gemeente
    role only they); a beheerder roles on their corporatie and bestuur roles on
    the cooperaties in its scope — never to themselves, which would widen their
    own reach."""
    if rol.user_id == getattr(actor, "pk", None) or rol.soort == RolSoort.GEMEENTE:
        # A gemeente role opens the aggregates of every corporatie in the
        # gemeente: no beheerder of one of them may grant it.
        permissions.require_superuser(actor)
    elif rol.soort in CORPORATIE_ROLLEN:
        permissions.require_beheerder(actor, rol.corporatie_id)
    elif not permissions.beheert_cooperatie(actor, rol.cooperatie_id):
        permissions.require_superuser(actor)


@transaction.atomic
def rol_create(
    *,
    user,
    soort: str,
    corporatie: Corporatie | None = None,
    cooperatie: Cooperatie | None = None,
    gemeentecode: str = "",
    actor,
) -> Rol:
    """Grant a role. The platform operator grants any; a beheerder grants roles on
    their corporatie and bestuur roles on the cooperaties in its scope."""
    rol = Rol(
        user=user,
        soort=soort,
        corporatie=corporatie,
        cooperatie=cooperatie,
        gemeentecode=(gemeentecode or "").strip().upper(),
    )
    _require_may_grant(actor, rol)
    rol = writes.create(rol, actor=actor, action="rol_create")
    forget_scope(user)
    return rol


def _require_may_end(actor, rol: Rol) -> None:
    """Who may end a role: whoever may grant it; anyone their own role (it only
    narrows their reach); a bestuur the role of a fellow board member of its own
    cooperatie (who stepped down)."""
    if rol.user_id == getattr(actor, "pk", None):
        return
    if rol.soort == RolSoort.BESTUUR and permissions.is_bestuur_of(
        actor, rol.cooperatie_id
    ):
        return
    _require_may_grant(actor, rol)


@transaction.atomic
def rol_delete(*, rol: Rol, actor) -> None:
    """End a role (see `_require_may_end`). A corporatie keeps at least one
    beheerder: only the platform operator removes the last."""
    _require_may_end(actor, rol)
    if rol.soort == RolSoort.BEHEERDER:
        _require_another_beheerder(actor, rol)
    user = rol.user
    writes.delete(rol, actor=actor, action="rol_delete")
    forget_scope(user)


def _require_another_beheerder(actor, rol: Rol) -> None:
    """Lock the corporatie's beheerder roles, then decide again: two removals
    at the same moment (each their own, or each the other's) are decided one
    after the other, and the second sees what the first left."""
    beheerders = list(
        Rol.objects.select_for_update()
        .filter(soort=RolSoort.BEHEERDER, corporatie_id=rol.corporatie_id)
        .values_list("pk", flat=True)
    )
    if rol.pk not in beheerders:
        raise ValidationError(_("Een rol moet nog lopen om haar te beëindigen."))
    forget_scope(actor)
    _require_may_end(actor, rol)
    if len(beheerders) == 1 and not actor.is_superuser:
        raise ValidationError(last_beheerder_message())


# API tokens ---------------------------------------------------------------------


def _hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


_PASSWORD_MARK_SALT = "cooperatie.ApiToken.wachtwoord_kenmerk"


def _password_mark(user, secret: str | None = None) -> str:
    """A keyed digest of the user's stored password hash (like Django's session
    auth hash). Any new password changes it, whichever way it is set: the
    password change and reset pages, the admin, `changepassword`, a
    `set_password` in a shell, `set_unusable_password`."""
    return salted_hmac(
        _PASSWORD_MARK_SALT, user.password, secret=secret, algorithm="sha256"
    ).hexdigest()


def _password_unchanged(token: ApiToken) -> bool:
    # Marks made before a SECRET_KEY rotation still count (SECRET_KEY_FALLBACKS).
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return any(
        constant_time_compare(token.wachtwoord_kenmerk, _password_mark(token.user, key))
        for key in keys
    )


def _apitoken_validity() -> datetime.timedelta:
    return datetime.timedelta(days=settings.API_TOKEN_GELDIGHEID_DAGEN)


@transaction.atomic
def apitoken_create(*, naam: str, actor) -> tuple[ApiToken, str]:
    """Make an API token for the acting user. Returns the token and its key; the
    key is shown this once and only its SHA-256 is stored. The token expires
    after settings.API_TOKEN_GELDIGHEID_DAGEN days and with a new password.

    Only a signed-in user makes tokens: the API refuses a request that is itself
    authenticated by a token (`ApiTokenViewSet`), so a leaked key cannot make
    itself a successor."""
    if actor is None or not actor.is_authenticated:
        raise permissions.deny(_("Meld u aan om een token te maken."))
    key = "cs_" + secrets.token_urlsafe(32)
    token = ApiToken(
        user=actor,
        naam=(naam or "").strip(),
        prefix=key[:8],
        key_hash=_hash_key(key),
        verloopt_op=timezone.now() + _apitoken_validity(),
        wachtwoord_kenmerk=_password_mark(actor),
    )
    # The journal holds neither the key's hash nor the password mark
    # (kern.journal.JOURNAL_EXCLUDED).
    writes.create(token, actor=actor, action="apitoken_create")
    return token, key


@transaction.atomic
def apitoken_revoke(*, token: ApiToken, actor) -> ApiToken:
    """Revoke a token; it stops working at once. A user revokes their own tokens;
    the platform operator any."""
    if token.user_id != getattr(actor, "pk", None):
        permissions.require_superuser(actor)
    if token.revoked_at is not None:
        raise ValidationError({"token": _("Deze token is al ingetrokken.")})
    return writes.update(
        token,
        {"revoked_at": timezone.now()},
        actor=actor,
        action="apitoken_revoke",
        allowed=("revoked_at",),
    )


class ApiTokenRefusedError(Exception):
    """A key that does not authenticate; the message says why, for the client."""


def apitoken_authenticate(key: str) -> ApiToken:
    """The token with this key, if it still works; else ApiTokenRefusedError saying
    why (unknown or revoked, expired, password changed, user inactive). Not a
    write: `last_used_at` is a convenience stamp, refreshed at most once a
    minute and not journaled."""
    token = (
        ApiToken.objects.select_related("user").filter(key_hash=_hash_key(key)).first()
    )
    if token is None or token.revoked_at is not None or not token.user.is_active:
        raise ApiTokenRefusedError(_("Ongeldige of ingetrokken token."))
    now = timezone.now()
    if token.verloopt_op <= now:
        raise ApiTokenRefusedError(
            _("Deze token is verlopen op %(moment)s; maak een nieuwe token.")
            % {"moment": moment(token.verloopt_op)}
        )
    if not _password_unchanged(token):
        raise ApiTokenRefusedError(
            _(
                "Het wachtwoord is gewijzigd nadat deze token is gemaakt; "
                "de token werkt niet meer. Maak een nieuwe token."
            )
        )
    if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(
        minutes=1
    ):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token

"""The yearly lock: once a year of a cooperatie is closed (a toetsing of it was
ingediend or vastgesteld, see `GeslotenJaar`), the cooperatie's activities,
bookings and member changes of that year are refused.

Every check first locks the cooperatie's row (SELECT … FOR UPDATE on PostgreSQL),
and submitting and returning a year take the same lock before they measure the
year and change its `GeslotenJaar`, so a write that passed the check can never
land after the year was closed. On SQLite the IMMEDIATE transactions serialise
writers already.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .choices import JaarStatus
from .models import Cooperatie, GeslotenJaar


def peildatum(jaar: int) -> datetime.date:
    """The reference date of member counts: 31 December of the year."""
    return datetime.date(jaar, 12, 31)


def lock_cooperatie(cooperatie_id: int) -> None:
    """Serialise year-sensitive writes of one cooperatie with its submissions."""
    list(Cooperatie.objects.select_for_update().filter(pk=cooperatie_id).values("pk"))


def gesloten_jaren(
    *, cooperatie_id: int, jaren: Iterable[int] | None = None
) -> dict[int, str]:
    """The closed years of the cooperatie (or those among `jaren`), with status."""
    rows = GeslotenJaar.objects.filter(cooperatie_id=cooperatie_id)
    if jaren is not None:
        rows = rows.filter(jaar__in=set(jaren))
    return dict(rows.values_list("jaar", "status"))


def gesloten_jaar_refusal(*, cooperatie_id: int, jaar: int) -> str | None:
    """Why a change dated in `jaar` is refused, or None while the year is open.
    A read for pages (which offer no action the services would refuse); the
    services decide with `ensure_year_open`, under the cooperatie's lock."""
    status = gesloten_jaren(cooperatie_id=cooperatie_id, jaren=[jaar]).get(jaar)
    return _refusal(jaar, status) if status else None


def _refusal(jaar: int, status: str) -> str:
    return _("Het jaar %(jaar)s is %(status)s en kan niet meer worden gewijzigd.") % {
        "jaar": jaar,
        "status": JaarStatus(status).label,
    }


def ensure_year_open(
    *,
    cooperatie_id: int,
    dates: dict[str, datetime.date | None],
    gesloten: dict[int, str] | None = None,
) -> None:
    """Refuse the write when any of the named dates falls in a closed year.
    `gesloten`: the cooperatie's closed years, read by the caller under the
    cooperatie's lock (a write of many rows reads them once)."""
    present = {field: d for field, d in dates.items() if d is not None}
    if gesloten is None:
        lock_cooperatie(cooperatie_id)
        gesloten = gesloten_jaren(
            cooperatie_id=cooperatie_id, jaren={d.year for d in present.values()}
        )
    errors = {
        field: _refusal(datum.year, gesloten[datum.year])
        for field, datum in present.items()
        if datum.year in gesloten
    }
    if errors:
        raise ValidationError(errors)


Membership = tuple[datetime.date, datetime.date | None] | None


def _counts(membership: Membership, op: datetime.date) -> bool:
    if membership is None:
        return False
    sinds, tot = membership
    return sinds <= op and (tot is None or tot > op)


def ensure_member_counts_unchanged(
    *,
    cooperatie_id: int,
    before: Membership,
    after: Membership,
    field: str,
    gesloten: dict[int, str] | None = None,
) -> None:
    """Refuse a membership change that alters the member count on the peildatum of
    a closed year — a backdated join or leave changes that year as surely as one
    dated in it. `gesloten` as for `ensure_year_open`."""
    if gesloten is None:
        lock_cooperatie(cooperatie_id)
        gesloten = gesloten_jaren(cooperatie_id=cooperatie_id)
    for jaar, status in sorted(gesloten.items()):
        if _counts(before, peildatum(jaar)) != _counts(after, peildatum(jaar)):
            raise ValidationError({field: _refusal(jaar, status)})

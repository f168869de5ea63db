"""The yearly lock: once a year is ingediend or vastgesteld, the cooperatie's
activities, bookings and member changes dated in that year are refused."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .choices import ToetsingStatus
from .models import Toetsing

LOCKED_STATUSES = (ToetsingStatus.INGEDIEND, ToetsingStatus.VASTGESTELD)


def locked_years(*, cooperatie_id: int, jaren: Iterable[int]) -> dict[int, str]:
    """The given years that are locked for the cooperatie, with the status."""
    rows = Toetsing.objects.filter(
        afspraak__cooperatie_id=cooperatie_id,
        jaar__in=set(jaren),
        status__in=LOCKED_STATUSES,
    ).values_list("jaar", "status")
    return dict(rows)


def ensure_year_open(
    *, cooperatie_id: int, dates: dict[str, datetime.date | None]
) -> None:
    """Refuse the write when any of the named dates falls in a locked year."""
    present = {field: d for field, d in dates.items() if d is not None}
    locked = locked_years(
        cooperatie_id=cooperatie_id, jaren={d.year for d in present.values()}
    )
    errors = {}
    for field, datum in present.items():
        status = locked.get(datum.year)
        if status is not None:
            errors[field] = _(
                "Het jaar %(jaar)s is %(status)s en kan niet meer worden gewijzigd."
            ) % {"jaar": datum.year, "status": ToetsingStatus(status).label}
    if errors:
        raise ValidationError(errors)

"""The dates of a repeated activity (pure: no database)."""

from __future__ import annotations

import datetime
from calendar import monthrange

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .choices import Herhaling

MAX_HERHALINGEN = 366
"""Most occurrences one repeat writes (weekly is 52 a year)."""


def _plus_months(start: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or that month's last day when it is
    shorter (31 January, then 28/29 February, then 31 March)."""
    index = start.month - 1 + months
    jaar, maand = start.year + index // 12, index % 12 + 1
    return datetime.date(jaar, maand, min(start.day, monthrange(jaar, maand)[1]))


def herhaal_datums(
    *, start: datetime.date, herhaling: str, tot: datetime.date
) -> list[datetime.date]:
    """The dates of the repeats of an activity on `start`: after it, up to and
    including `tot`. Refuses more than MAX_HERHALINGEN, and an end date that
    leaves none."""
    if herhaling not in Herhaling.values:
        raise ValidationError(
            {"herhaling": _("Kies hoe vaak de activiteit terugkomt.")}
        )
    herhaling = Herhaling(herhaling)
    datums: list[datetime.date] = []
    n = 1
    while True:
        if herhaling == Herhaling.MAANDELIJKS:
            volgende = _plus_months(start, n)
        else:
            weken = 2 if herhaling == Herhaling.TWEEWEKELIJKS else 1
            volgende = start + datetime.timedelta(weeks=weken * n)
        if volgende > tot:
            break
        if len(datums) >= MAX_HERHALINGEN:
            raise ValidationError(
                {
                    "tot": _(
                        "Een herhaling mag hoogstens %(max)s keer voorkomen; "
                        "kies een eerdere einddatum."
                    )
                    % {"max": MAX_HERHALINGEN}
                }
            )
        datums.append(volgende)
        n += 1
    if not datums:
        raise ValidationError(
            {
                "tot": _(
                    "De einddatum moet na de eerste herhaling liggen; met deze "
                    "einddatum komt er geen activiteit bij."
                )
            }
        )
    return datums

"""When a year must be submitted, and whether it is late. Pure: no database.

An afspraak names a day of the year (`indienen_maand`, `indienen_dag`; default
1 April); year Y must be submitted on or before that day in year Y + 1. A year is
late (`te_laat`) once that day has passed while it is still with the bestuur:
not opened, open or returned. Submitted and approved years are never late.
"""

from __future__ import annotations

import calendar
import datetime

from django.utils.translation import gettext_lazy as _

from .choices import ToetsingStatus

# The one word for an overdue year, on every page and in every report.
TE_LAAT = "te_laat"
TE_LAAT_LABEL = _("te laat")

STANDAARD_MAAND = 4
STANDAARD_DAG = 1
# The statuses in which a year is still the bestuur's to submit ("" for a year
# without a toetsing yet).
BIJ_HET_BESTUUR = frozenset({"", ToetsingStatus.OPEN, ToetsingStatus.TERUGGESTUURD})


def dagen_in_maand(maand: int) -> int:
    """Days a deadline may name in `maand` (29 February is not a yearly day)."""
    return calendar.monthrange(2001, maand)[1]


def uiterlijk_indienen(jaar: int, maand: int, dag: int) -> datetime.date:
    """The last day on which year `jaar` may be submitted."""
    return datetime.date(jaar + 1, maand, dag)


def te_laat(status: str, uiterlijk: datetime.date, vandaag: datetime.date) -> bool:
    return status in BIJ_HET_BESTUUR and vandaag > uiterlijk


def dagen_tot(uiterlijk: datetime.date, vandaag: datetime.date) -> int:
    """Days left until the deadline (0 on the day itself, negative after it)."""
    return (uiterlijk - vandaag).days

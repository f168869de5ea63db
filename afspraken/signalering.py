"""Early warning for the running year (signalering), as pure functions over plain
data: is a toezegging with a minimum on course, so that a manager or a board can
act before the year ends?

The measured value comes from the same arithmetic as the toetsing
(`afspraken.evaluatie`, fed by `afspraken.selectors`); this module only compares it
with what the date makes reasonable to expect.

Two kinds of indicator (`cumulatief` in `afspraken.indicatoren`):

- *cumulative* (such as activities, volunteer hours, besteding, the share of
  members who volunteered so far) grow through the year. On course means:
  value ≥ norm × the elapsed part of the year. The elapsed part counts the days
  *before* the given date (1 January: 0, 31 December: 364/365), so nothing is
  expected on the first day and the full norm only once the year is over. The
  pace still needed is the shortfall to the norm spread over the remaining
  calendar months, the current month included (a manager can still act this
  month; never zero months, never a division by zero).
- *level* (such as members on peildatum, the share of the doelgroep) is a
  state, not a sum: on course means value ≥ norm already; the pace is simply the
  gap to the norm.

Only toezeggingen with richting `minimaal` that are measured (not kwalitatief)
get a signal: a maximum cannot be "behind", and a qualitative clause has no value.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import TypeVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import Richting
from .evaluatie import ToetsingResultaat, ToezeggingSpec
from .indicatoren import definitie

HUNDRED = Fraction(100)

T = TypeVar("T")


class Koers(models.TextChoices):
    OP_KOERS = "op_koers", _("op koers")
    RISICO = "risico", _("risico")


@dataclass(frozen=True)
class Signaal:
    """The early warning of one toezegging on a given date.

    `verwacht`: what should have been reached by now (the norm for a level
    indicator); `tekort`: what is still needed to reach the norm (never negative);
    `per_maand`: for a cumulative indicator the shortfall per remaining month,
    None for a level indicator.
    """

    toezegging: ToezeggingSpec
    waarde: Fraction
    cumulatief: bool
    verwacht: Fraction
    tekort: Fraction
    resterende_maanden: int
    per_maand: Fraction | None
    koers: str

    @property
    def norm(self) -> Fraction:
        return Fraction(self.toezegging.norm)

    @property
    def risico(self) -> bool:
        return self.koers == Koers.RISICO

    @property
    def voortgang(self) -> Fraction | None:
        """The value as a percentage of the norm (None for a norm of 0)."""
        return voortgang(self.waarde, self.norm)


def dagen_in_jaar(jaar: int) -> int:
    return 366 if calendar.isleap(jaar) else 365


def verstreken_fractie(datum: datetime.date) -> Fraction:
    """The part of the year that has passed before `datum` (0 on 1 January)."""
    begin = datetime.date(datum.year, 1, 1)
    return Fraction((datum - begin).days, dagen_in_jaar(datum.year))


def resterende_maanden(datum: datetime.date) -> int:
    """Calendar months left in the year, the month of `datum` included (1–12)."""
    return 13 - datum.month


def is_cumulatief(indicator: str) -> bool:
    return definitie(indicator).cumulatief


def signaleert(toezegging: ToezeggingSpec) -> bool:
    """Whether the toezegging gets an early warning: a measured minimum."""
    return (
        toezegging.richting == Richting.MINIMAAL
        and not definitie(toezegging.indicator).kwalitatief
    )


def voortgang(waarde: Fraction, norm: Fraction) -> Fraction | None:
    """`waarde` as a percentage of `norm`, exact; None when the norm is 0."""
    if norm == 0:
        return None
    return Fraction(waarde) * HUNDRED / Fraction(norm)


def signaal(
    toezegging: ToezeggingSpec, waarde: Fraction, datum: datetime.date
) -> Signaal:
    """The early warning of one measured minimum on `datum`."""
    norm = Fraction(toezegging.norm)
    waarde = Fraction(waarde)
    tekort = max(norm - waarde, Fraction(0))
    maanden = resterende_maanden(datum)
    if is_cumulatief(toezegging.indicator):
        verwacht = norm * verstreken_fractie(datum)
        per_maand: Fraction | None = tekort / maanden
        cumulatief = True
    else:
        verwacht = norm
        per_maand = None
        cumulatief = False
    koers = Koers.OP_KOERS if waarde >= verwacht else Koers.RISICO
    return Signaal(
        toezegging=toezegging,
        waarde=waarde,
        cumulatief=cumulatief,
        verwacht=verwacht,
        tekort=tekort,
        resterende_maanden=maanden,
        per_maand=per_maand,
        koers=koers,
    )


def signalen(resultaat: ToetsingResultaat, datum: datetime.date) -> list[Signaal]:
    """The early warnings of one afspraak's result, in the toezeggingen' order."""
    return [
        signaal(r.toezegging, r.waarde, datum)
        for r in resultaat.toezeggingen
        if signaleert(r.toezegging) and r.waarde is not None
    ]


def risico_eerst(items: Iterable[T], key=lambda item: item) -> list[T]:
    """`items` with those at risk first, otherwise in their given order.

    `key` gives the Signaal of an item (the item itself by default).
    """
    return sorted(items, key=lambda item: not key(item).risico)

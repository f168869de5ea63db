"""How numbers, money, percentages and dates are written, in Dutch and English.

The one place that decides the notation, so a screen, a message, a report and a
command write the same value the same way. Every function takes the language
(``taal``: ``"nl"`` or ``"en"``) and otherwise follows the active one, so a
report that must be Dutch whatever its reader reads asks for ``taal="nl"`` (or
renders under ``translation.override("nl")``).

Numbers are rounded exactly: an int, Decimal, Fraction or numeric string is
rounded as the value it is, never through a float; a float is taken as it
prints (``2.675`` is 2.675, not the binary value just below it). Rounding is
half up (away from zero) unless ``afronding=ROUND_HALF_EVEN`` is asked for, and
a value that rounds to zero is written without a minus sign.

===========  ===================  ====================
             nl                   en
===========  ===================  ====================
getal        1234,5 / 1.234,5     1234.5 / 1,234.5
bedrag       € 1.234,50           €1,234.50
  negative   € -1.234,50          -€1,234.50
aantal       1.234                1,234
meetwaarde   1.234,5 uur          1,234.5 hours
percentage   12,5%                12.5%
datum kort   05-03-2025           2025-03-05
  compact    5-3-2025             2025-03-05
  middel     5 mrt 2025           5 Mar 2025
  lang       5 maart 2025         5 March 2025
moment       05-03-2025 14:30     2025-03-05 14:30
===========  ===================  ====================

English keeps the day-month order of the long forms and writes numeric dates as
ISO 8601, which no reader mistakes for month-day.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Literal

from django.utils import dateformat, timezone, translation
from django.utils.dates import MONTHS

Getal = int | float | Decimal | Fraction | str
DatumVorm = Literal["kort", "compact", "middel", "lang"]

LEEG = "–"
"""What a number that is not there (None) is written as."""

# (decimal separator, thousands separator) per language.
_SCHEIDING = {"nl": (",", "."), "en": (".", ",")}
# Django date formats per language and form.
_DATUM = {
    "nl": {"kort": "d-m-Y", "compact": "j-n-Y", "middel": "j b Y", "lang": "j F Y"},
    "en": {"kort": "Y-m-d", "compact": "Y-m-d", "middel": "j M Y", "lang": "j F Y"},
}
_AFRONDINGEN = (ROUND_HALF_UP, ROUND_HALF_EVEN)


def taal_van(taal: str | None = None) -> str:
    """The language to write in: the one given, else the active one; ``en-gb``
    counts as ``en``, and a language without its own notation writes Dutch."""
    code = (taal or translation.get_language() or "nl").split("-")[0].lower()
    return code if code in _SCHEIDING else "nl"


# Numbers ---------------------------------------------------------------------------


def _exact(value: Getal) -> Fraction:
    if isinstance(value, bool):
        raise TypeError("Een waarheidswaarde is geen getal.")
    if isinstance(value, float):
        value = repr(value)
    if isinstance(value, str):
        value = Decimal(value.strip())
    if isinstance(value, Decimal) and not value.is_finite():
        raise ValueError(f"{value} is geen eindig getal.")
    return Fraction(value)


def _scaled(value: Fraction, decimalen: int, afronding: str) -> int:
    """``value * 10**decimalen`` rounded to a whole number."""
    if afronding not in _AFRONDINGEN:
        raise ValueError(f"Onbekende afronding {afronding}.")
    scaled = value * 10**decimalen
    floor, rest = divmod(scaled.numerator, scaled.denominator)
    twice = 2 * rest
    if twice > scaled.denominator:
        return floor + 1
    if twice < scaled.denominator:
        return floor
    if afronding == ROUND_HALF_UP:  # away from zero
        return floor + 1 if scaled > 0 else floor
    return floor + (floor % 2)


def _decimals_needed(value: Fraction) -> int:
    """How many decimals write ``value`` exactly; a value with no finite
    decimal notation (1/3) has none."""
    denominator, twos, fives = value.denominator, 0, 0
    while denominator % 2 == 0:
        denominator //= 2
        twos += 1
    while denominator % 5 == 0:
        denominator //= 5
        fives += 1
    if denominator != 1:
        raise ValueError(f"{value} heeft geen eindige decimale schrijfwijze.")
    return max(twos, fives)


def _write(scaled: int, decimalen: int, *, taal: str, groeperen: bool) -> str:
    """A whole number of units of ``10**-decimalen`` in the notation of ``taal``."""
    komma, punt = _SCHEIDING[taal]
    digits = str(abs(scaled)).rjust(decimalen + 1, "0")
    split = len(digits) - decimalen
    whole, fraction = digits[:split], digits[split:]
    if groeperen:
        whole = f"{int(whole):,}".replace(",", punt)
    text = f"{whole}{komma}{fraction}" if decimalen else whole
    return f"-{text}" if scaled < 0 else text


def getal(
    value: Getal | None,
    decimalen: int | None = None,
    *,
    compact: bool = False,
    groeperen: bool = False,
    afronding: str = ROUND_HALF_UP,
    taal: str | None = None,
) -> str:
    """A number: ``getal(Decimal("1234.5"), 2)`` is ``1234,50`` in Dutch.

    ``decimalen``: the number of decimals, rounded to; None writes the value
    exactly, without trailing zeros (``12.50`` as ``12,5``). ``compact``: a value
    that rounds to a whole number drops its decimals (``12`` but ``12,50``).
    ``groeperen``: thousands separated (``1.234,5``). None is written ``–``.
    """
    if value is None:
        return LEEG
    exact = _exact(value)
    if decimalen is None:
        decimalen = _decimals_needed(exact)
    elif decimalen < 0:
        raise ValueError("Het aantal decimalen kan niet negatief zijn.")
    scaled = _scaled(exact, decimalen, afronding)
    if compact and scaled % 10**decimalen == 0:
        scaled, decimalen = scaled // 10**decimalen, 0
    return _write(scaled, decimalen, taal=taal_van(taal), groeperen=groeperen)


def bedrag(value: Getal | None, *, taal: str | None = None) -> str:
    """An amount in euro, to the cent (half up), thousands separated:
    ``€ 1.234,50`` and ``€ -12,50`` in Dutch, ``€1,234.50`` and ``-€12.50`` in
    English. None is written ``–``."""
    if value is None:
        return LEEG
    taal = taal_van(taal)
    text = getal(value, 2, groeperen=True, taal=taal)
    if taal == "nl":
        return f"€ {text}"
    return f"-€{text[1:]}" if text.startswith("-") else f"€{text}"


def percentage(
    value: Getal | None,
    decimalen: int | None = 1,
    *,
    compact: bool = False,
    taal: str | None = None,
) -> str:
    """A percentage, given in percent (``12.5`` is ``12,5%``), rounded half up;
    ``decimalen`` and ``compact`` as for :func:`getal`. None is written ``–``."""
    if value is None:
        return LEEG
    return f"{getal(value, decimalen, compact=compact, taal=taal)}%"


def aantal(value: Getal | None, *, taal: str | None = None) -> str:
    """A count: a whole number (rounded half up), thousands separated, never a
    decimal: ``1.234`` in Dutch, ``1,234`` in English. None is written ``–``."""
    return getal(value, 0, groeperen=True, taal=taal)


def meetwaarde(
    value: Getal | None,
    decimalen: int | None = 1,
    *,
    compact: bool = False,
    voor: str = "",
    na: str = "",
    taal: str | None = None,
) -> str:
    """A measured value in a unit: the number to ``decimalen`` (rounded half up,
    thousands separated) between ``voor`` and ``na``, as given (so
    ``meetwaarde(397.5, na=" uur")`` is ``397,5 uur``). Which precision and
    which unit a value has is the caller's knowledge; this writes it. None is
    written ``–``."""
    if value is None:
        return LEEG
    text = getal(value, decimalen, compact=compact, groeperen=True, taal=taal)
    return f"{voor}{text}{na}"


# Dates -----------------------------------------------------------------------------


def _lokaal(value: datetime.date) -> datetime.date:
    """A moment in the time zone of the screen (Europe/Amsterdam); a date as is."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def datum(
    value: datetime.date | None, vorm: DatumVorm = "kort", *, taal: str | None = None
) -> str:
    """A date (of a moment: its local date) in one of the forms ``kort``
    (05-03-2025), ``compact`` (5-3-2025), ``middel`` (5 mrt 2025) or ``lang``
    (5 maart 2025). None is written as nothing, as an empty table cell."""
    if value is None:
        return ""
    value = _lokaal(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    taal = taal_van(taal)
    if vorm not in _DATUM[taal]:
        raise ValueError(f"Onbekende datumvorm {vorm!r}.")
    with translation.override(taal):
        return dateformat.format(value, _DATUM[taal][vorm])


def tijd(value: datetime.datetime, *, seconden: bool = False) -> str:
    """The local time of a moment on a 24-hour clock: ``14:30`` (``14:30:05``)."""
    return f"{_lokaal(value):%H:%M:%S}" if seconden else f"{_lokaal(value):%H:%M}"


def moment(
    value: datetime.datetime | None,
    vorm: DatumVorm = "kort",
    *,
    seconden: bool = False,
    taal: str | None = None,
) -> str:
    """A moment in local time: its date in ``vorm`` and its time,
    ``05-03-2025 14:30``. None is written as nothing."""
    if value is None:
        return ""
    return f"{datum(value, vorm, taal=taal)} {tijd(value, seconden=seconden)}"


def maand(nummer: int, *, taal: str | None = None) -> str:
    """The name of a month, 1 to 12: ``maart``, ``March``."""
    with translation.override(taal_van(taal)):
        return str(MONTHS[nummer])

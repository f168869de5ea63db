"""The compliance arithmetic of domain §5, as pure functions over plain data.

No ORM here: the selectors (`afspraken.selectors`) load one cooperatie-year as
aggregates (`Jaarcijfers`), and these functions turn them into a measured value and
a verdict per toezegging, and a verdict per toetsing. What each indicator measures
is declared in `afspraken.indicatoren`; the arithmetic of each kind of measure is
here. Comparisons are exact (`Fraction` for percentages); display rounds to one
decimal.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any, NamedTuple

from kern.formatting import getal

from .choices import Richting, Verdict
from .indicatoren import (
    ALLE_ACTIVITEITEN,
    AandeelLeden,
    Activiteitfilter,
    IndicatorDefinitie,
    Jaarcijfer,
    Som,
    definitie,
)

HUNDRED = Fraction(100)


@dataclass(frozen=True)
class ActiviteitGroep:
    """Activities of one cooperatie-year with the same thema and openness, summed.

    A single activity is a group with `aantal=1`. A coarser group (as
    `selectors.corporatie_jaar` sums them) has thema "" for the themes no filter
    names, and `open_voor_buurt` None when it holds open and closed activities.
    """

    thema: str
    open_voor_buurt: bool | None
    aantal: int
    vrijwilligersuren: Decimal
    deelnemers_buurt: int


@dataclass(frozen=True)
class Jaarcijfers:
    """Everything the indicators of one cooperatie in one year are measured on.

    `uitgaven` is the sum of the year's uitgave bookings (not storno's);
    `uitgaven_gestorneerd` the sum of the storno's of those bookings. Member counts
    are on the peildatum (31 December); `actieve_leden` counts the distinct members
    on the peildatum who volunteered in at least one activity of the year (so the
    share of active members is a part of the members and never exceeds 100%).
    """

    jaar: int
    activiteiten: tuple[ActiviteitGroep, ...] = ()
    uitgaven: Decimal = Decimal("0")
    uitgaven_gestorneerd: Decimal = Decimal("0")
    aantal_leden: int = 0
    aantal_doelgroep: int = 0
    actieve_leden: int = 0

    @property
    def besteding(self) -> Decimal:
        """Uitgaven minus the storno's of those uitgaven, in euros."""
        return self.uitgaven - self.uitgaven_gestorneerd


class ToezeggingSpec(NamedTuple):
    """The measurable part of one toezegging. A named tuple, not a dataclass:
    a corporatie-year makes thousands, each straight from a row of its fields
    in this order (`selectors.corporatie_jaar`), and a tuple is made in one
    step."""

    id: int
    omschrijving: str
    indicator: str
    norm: Decimal
    richting: str = Richting.MINIMAAL
    deels_vanaf: Decimal = Decimal("75")
    zwaarwegend: bool = True
    thema: str = ""
    alleen_open_voor_buurt: bool = False


@dataclass(frozen=True)
class Beoordeling:
    """The beheerder's assessment of a kwalitatief toezegging."""

    oordeel: str
    toelichting: str


class ToezeggingResultaat(NamedTuple):
    """The measured value and verdict of one toezegging (a named tuple, as
    `ToezeggingSpec`: thousands per corporatie-year)."""

    toezegging: ToezeggingSpec
    waarde: Fraction | None
    verdict: str
    toelichting: str = ""

    @property
    def waarde_weergave(self) -> str:
        """The measured value rounded (half up) to one decimal, as the sealed
        snapshot keeps it: Dutch, like the report it is printed in."""
        return getal(self.waarde, 1, taal="nl")


class ToetsingResultaat(NamedTuple):
    """The verdict of a toetsing and of each of its toezeggingen (a named
    tuple, as `ToezeggingResultaat`)."""

    jaar: int
    verdict: str
    toezeggingen: tuple[ToezeggingResultaat, ...] = ()


# Measuring -------------------------------------------------------------------------


def percentage(teller: int, noemer: int) -> Fraction:
    """`teller` as a percentage of `noemer`, exact; 0 for an empty denominator."""
    if noemer == 0:
        return Fraction(0)
    if type(teller) is int and type(noemer) is int:
        return Fraction(teller * 100, noemer)  # the same value, made directly
    return Fraction(teller) * HUNDRED / noemer


# The exact value of each measured number, made once: thousands of toezeggingen
# measure a few hundred distinct counts and sums, and making a Fraction of a
# Decimal costs more than the rest of measuring it. Equal numbers (1, 1.0,
# 1.00) have the same exact value.
_BREUKEN: dict[Decimal | int, Fraction] = {}
_MAX_BREUKEN = 1 << 16


def _breuk(getal: Decimal | int) -> Fraction:
    """`Fraction(getal)`, from a bounded cache of the values made before."""
    try:
        return _BREUKEN[getal]
    except KeyError:
        if len(_BREUKEN) >= _MAX_BREUKEN:
            _BREUKEN.clear()
        breuk = _BREUKEN[getal] = Fraction(getal)
        return breuk


def _sommeerder(
    veld: str, filters: tuple[Activiteitfilter | ToezeggingSpec, ...]
) -> Callable[[Iterable[ActiviteitGroep]], Decimal | int]:
    """What sums `veld` over the activity groups that pass every filter (an
    indicator's or a toezegging's: each names a thema, or none, and whether
    only activities open to the neighbourhood count), in one loop: the
    filters combined into one thema (no group passes two different ones) and
    whether only open activities count."""
    thema = ""
    alleen_open = False
    for filter_ in filters:
        if filter_.thema:
            if thema and filter_.thema != thema:
                return _niets
            thema = filter_.thema
        alleen_open = alleen_open or filter_.alleen_open_voor_buurt

    def som(groepen: Iterable[ActiviteitGroep]) -> Decimal | int:
        # The first value as it is, not added to 0: a sum of one group is
        # that group's number, whose exact value `_breuk` finds by its hash
        # (computed once; a new Decimal computes it again).
        totaal = _GEEN
        for groep in groepen:
            if thema and groep.thema != thema:
                continue
            if alleen_open and not groep.open_voor_buurt:
                continue
            waarde = getattr(groep, veld)
            totaal = waarde if totaal is _GEEN else totaal + waarde
        return 0 if totaal is _GEEN else totaal

    return som


# Nothing summed yet (no value a group holds).
_GEEN: Any = object()


def _niets(groepen: Iterable[ActiviteitGroep]) -> int:
    return 0


# A measure: the value of a toezegging in a year, from the year's figures.
Meter = Callable[[Jaarcijfers], Fraction]


def _meter_van(
    indicator: IndicatorDefinitie, thema: str, alleen_open_voor_buurt: bool
) -> Meter | None:
    """How a toezegging on the indicator, with that activity filter, is
    measured (by the kind of its measure); None for kwalitatief."""
    meting = indicator.meting
    if meting is None:
        return None
    if isinstance(meting, Som):
        eigen = Activiteitfilter(thema, alleen_open_voor_buurt)
        som = _sommeerder(
            meting.veld, (indicator.activiteiten or ALLE_ACTIVITEITEN, eigen)
        )
        return lambda cijfers: _breuk(som(cijfers.activiteiten))
    if isinstance(meting, Jaarcijfer):
        naam = meting.naam
        return lambda cijfers: _breuk(getattr(cijfers, naam))
    if isinstance(meting, AandeelLeden):
        teller = meting.teller
        return lambda cijfers: percentage(
            getattr(cijfers, teller), cijfers.aantal_leden
        )
    raise TypeError(f"unknown kind of measure {meting!r}")


# The measure of each indicator code and activity filter a toezegging has,
# worked out once: thousands of toezeggingen share a handful.
_METERS: dict[tuple[str, str, bool], Meter | None] = {}
_MAX_METERS = 4096


def _meter(code: str, thema: str, alleen_open_voor_buurt: bool) -> Meter | None:
    """`_meter_van` of the indicator with that code (`definitie`), kept."""
    key = (code, thema, alleen_open_voor_buurt)
    try:
        return _METERS[key]
    except KeyError:
        meter = _meter_van(definitie(code), thema, alleen_open_voor_buurt)
        if len(_METERS) >= _MAX_METERS:
            _METERS.clear()
        _METERS[key] = meter
        return meter


def meet(
    indicator: IndicatorDefinitie, t: ToezeggingSpec, cijfers: Jaarcijfers
) -> Fraction | None:
    """The value of an indicator for a toezegging in the year, by the kind of its
    measure; None for kwalitatief."""
    meter = _meter_van(indicator, t.thema, t.alleen_open_voor_buurt)
    return None if meter is None else meter(cijfers)


def measure(t: ToezeggingSpec, cijfers: Jaarcijfers) -> Fraction | None:
    """The measured value of a toezegging in the year; None for kwalitatief."""
    meter = _meter(t.indicator, t.thema, t.alleen_open_voor_buurt)
    return None if meter is None else meter(cijfers)


# Verdicts --------------------------------------------------------------------------


# A verdict on a measured value against a toezegging's norm.
Oordeel = Callable[[Fraction], str]


@functools.lru_cache(maxsize=4096)
def _oordeel(norm: Decimal, richting: str, deels_vanaf: Decimal) -> Oordeel:
    """The verdict on a value against the norm (domain §5), with the norm and
    the threshold for deels nagekomen made exact once (many toezeggingen share
    them). Values are compared exactly by their cross products (denominators
    are positive), as Fraction's own operators compare them."""
    norm_f = Fraction(norm)
    norm_teller, norm_noemer = norm_f.as_integer_ratio()
    deels_teller, deels_noemer = (
        norm_f * Fraction(deels_vanaf) / HUNDRED
    ).as_integer_ratio()
    nagekomen, deels, niet_nagekomen = (
        Verdict.NAGEKOMEN,
        Verdict.DEELS,
        Verdict.NIET_NAGEKOMEN,
    )
    if richting == Richting.MAXIMAAL:

        def maximaal(waarde: Fraction) -> str:
            teller, noemer = waarde.as_integer_ratio()
            if teller * norm_noemer <= norm_teller * noemer:
                return nagekomen
            return niet_nagekomen

        return maximaal

    def minimaal(waarde: Fraction) -> str:
        teller, noemer = waarde.as_integer_ratio()
        if teller * norm_noemer >= norm_teller * noemer:
            return nagekomen
        if teller * deels_noemer >= deels_teller * noemer:
            return deels
        return niet_nagekomen

    return minimaal


def verdict_for_value(
    waarde: Fraction, norm: Decimal, richting: str, deels_vanaf: Decimal
) -> str:
    """Verdict of a measured toezegging (domain §5)."""
    return _oordeel(norm, richting, deels_vanaf)(waarde)


def evaluate_toezegging(
    t: ToezeggingSpec, cijfers: Jaarcijfers, beoordeling: Beoordeling | None = None
) -> ToezeggingResultaat:
    toets = _TOETSEN.get(t[_TERMEN], _GEEN)
    if toets is _GEEN:
        toets = _toets(t)
    if toets is None:  # kwalitatief
        if beoordeling is None:
            return _resultaat(t, None, Verdict.TE_BEOORDELEN, "")
        return _resultaat(t, None, beoordeling.oordeel, beoordeling.toelichting)
    waarde, verdict = toets(cijfers)
    return _resultaat(t, waarde, verdict, "")


# A toets: the measured value of a toezegging in the year and its verdict.
Toets = Callable[[Jaarcijfers], tuple[Fraction, str]]

# The terms of a toezegging: every field of its spec after the id and the
# omschrijving (indicator, norm, richting, deels_vanaf, zwaarwegend, thema,
# alleen_open_voor_buurt), which alone decide how it is measured and judged.
_TERMEN = slice(2, None)

# The toets of each toezegging's terms, worked out once: the toezeggingen of
# a corporatie-year share a handful of terms, and measuring one is a lookup
# of its terms and a call.
_TOETSEN: dict[tuple, Toets | None] = {}
_MAX_TOETSEN = 4096


def _toets(t: ToezeggingSpec) -> Toets | None:
    """How a toezegging with these terms is measured and judged (None for
    kwalitatief), as `measure` and `verdict_for_value` do, kept by its terms."""
    meter = _meter(t.indicator, t.thema, t.alleen_open_voor_buurt)
    toets = (
        None
        if meter is None
        else _toets_van(meter, _oordeel(t.norm, t.richting, t.deels_vanaf))
    )
    if len(_TOETSEN) >= _MAX_TOETSEN:
        _TOETSEN.clear()
    _TOETSEN[t[_TERMEN]] = toets
    return toets


def _toets_van(meter: Meter, oordeel: Oordeel) -> Toets:
    def toets(cijfers: Jaarcijfers) -> tuple[Fraction, str]:
        waarde = meter(cijfers)
        return waarde, oordeel(waarde)

    return toets


def _resultaat(
    t: ToezeggingSpec, waarde: Fraction | None, verdict: str, toelichting: str
) -> ToezeggingResultaat:
    """`ToezeggingResultaat(t, waarde, verdict, toelichting)`, made as the
    tuple it is, without the keyword handling of its constructor."""
    return _tuple_new(ToezeggingResultaat, (t, waarde, verdict, toelichting))


_tuple_new = tuple.__new__


# The verdicts as module constants: `toetsing_verdict` compares every
# toezegging's verdict with them (without the enum's class lookup).
_NAGEKOMEN = Verdict.NAGEKOMEN
_NIET_NAGEKOMEN = Verdict.NIET_NAGEKOMEN
_TE_BEOORDELEN = Verdict.TE_BEOORDELEN


def toetsing_verdict(resultaten: Sequence[ToezeggingResultaat]) -> str:
    """Verdict of a whole toetsing (domain §5)."""
    te_beoordelen = niet_zwaarwegend = False
    alle_nagekomen = True
    for toezegging, _waarde, verdict, _toelichting in resultaten:
        if verdict == _NAGEKOMEN:
            continue
        alle_nagekomen = False
        if verdict == _TE_BEOORDELEN:
            te_beoordelen = True
        elif verdict == _NIET_NAGEKOMEN and toezegging.zwaarwegend:
            niet_zwaarwegend = True
    if te_beoordelen:
        return Verdict.TE_BEOORDELEN
    if niet_zwaarwegend:
        return Verdict.NIET_NAGEKOMEN
    if alle_nagekomen:
        return Verdict.NAGEKOMEN
    return Verdict.DEELS


def evaluate(
    toezeggingen: Iterable[ToezeggingSpec],
    cijfers: Jaarcijfers,
    beoordelingen: dict[int, Beoordeling] | None = None,
) -> ToetsingResultaat:
    """Evaluate every toezegging of an afspraak for one year, and the whole."""
    gemeten: list[ToezeggingResultaat] = []
    for t in toezeggingen:
        # `evaluate_toezegging`, in the loop (thousands per corporatie-year).
        toets = _TOETSEN.get(t[_TERMEN], _GEEN)
        if toets is _GEEN:
            toets = _toets(t)
        if toets is None:
            beoordeling = beoordelingen.get(t.id) if beoordelingen else None
            gemeten.append(evaluate_toezegging(t, cijfers, beoordeling))
        else:
            waarde, verdict = toets(cijfers)
            gemeten.append(_tuple_new(ToezeggingResultaat, (t, waarde, verdict, "")))
    resultaten = tuple(gemeten)
    return ToetsingResultaat(cijfers.jaar, toetsing_verdict(resultaten), resultaten)


def loopt_in(ingangsjaar: int, eindjaar: int | None, jaar: int) -> bool:
    """Whether an afspraak (and so its toezeggingen) applies to the year."""
    return ingangsjaar <= jaar and (eindjaar is None or jaar <= eindjaar)


# Display ---------------------------------------------------------------------------


def to_decimal(waarde: Fraction | None, places: int = 4) -> Decimal | None:
    """A measured value as a Decimal with `places` decimals (for storage)."""
    if waarde is None:
        return None
    quantum = Decimal(1).scaleb(-places)
    return (Decimal(waarde.numerator) / Decimal(waarde.denominator)).quantize(
        quantum, rounding=ROUND_HALF_UP
    )

"""Every indicator a toezegging can have, declared once (domain §5).

One row per indicator: its stored code (contract), its Dutch label, its unit and
how a value in that unit reads, whether it builds up over the year, which
activities it counts, and how it is measured. Everything else reads this table:
the choices and the model's constraint (`afspraken.choices`, `afspraken.models`),
the arithmetic (`afspraken.evaluatie`), the early warning
(`afspraken.signalering`), the screens and the printed report. A new indicator is
a new row here (plus its migration, as the model's choices change);
`tests/afspraken/test_indicatoren.py` checks every row is complete.

The measure is a kind, not code: `Som` (a figure summed over the activities that
count), `Jaarcijfer` (a figure of the year) or `AandeelLeden` (a figure as a
percentage of the members on the peildatum). `afspraken.evaluatie` does the
arithmetic of each kind; an indicator without a measure is kwalitatief (the
beheerder assesses it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kern import formatting

Getal = Fraction | Decimal


# Units ---------------------------------------------------------------------------


def _getal(waarde: Getal) -> str:
    return formatting.getal(waarde, 1, compact=True, groeperen=True)


def _procent(waarde: Getal) -> str:
    return formatting.percentage(waarde, 1, compact=True)


def _procentpunten(waarde: Getal) -> str:
    return _("%(getal)s procentpunt") % {"getal": _getal(waarde)}


def _euro(waarde: Getal) -> str:
    return formatting.bedrag(waarde)


def _meet_aantal(waarde: Getal, taal: str | None) -> str:
    return formatting.aantal(waarde, taal=taal)


def _meet_getal(waarde: Getal, taal: str | None) -> str:
    return formatting.meetwaarde(waarde, 1, compact=True, taal=taal)


def _meet_procent(waarde: Getal, taal: str | None) -> str:
    return formatting.meetwaarde(waarde, 1, compact=True, na="%", taal=taal)


def _meet_euro(waarde: Getal, taal: str | None) -> str:
    return formatting.bedrag(waarde, taal=taal)


@dataclass(frozen=True)
class Eenheid:
    """A unit and how a value in it reads: on screen (`opmaak`: the number with
    its sign), as a shortfall (`verschil_opmaak`, default `opmaak`), and on the
    printed report (`meting`: a measured value in the unit's precision;
    `voor` and `na` around a norm, or money when `geld`).

    The precision of each unit lives here, the notation in `kern.formatting`:
    a count is whole and grouped ("1.234"), hours and percentages have one
    decimal, dropped when it is zero ("397,5", "12", "70,5%"), euros are money
    to the cent ("€ 4.570,06")."""

    naam: str
    opmaak: Callable[[Getal], str]
    meting: Callable[[Getal, str | None], str]
    voor: str = ""
    na: str = ""
    verschil_opmaak: Callable[[Getal], str] | None = None
    geld: bool = False

    def tekst(self, waarde: Getal | None) -> str:
        """A value or norm on screen: "12", "12,5%", "€ 1.250,00"; "–" for none."""
        if waarde is None:
            return "–"
        return self.opmaak(waarde)

    def verschil(self, waarde: Getal) -> str:
        """What is still missing to the norm: for a percentage in points."""
        return (self.verschil_opmaak or self.opmaak)(waarde)

    def meetwaarde(self, waarde: Getal | str | None, taal: str | None = None) -> str:
        """A measured value on the printed report, in the unit's precision and
        the notation of `taal` (default: the active language); "–" for none."""
        if waarde is None:
            return formatting.LEEG
        return self.meting(_exact(waarde), taal)

    def afdruk(self, norm: Decimal | str, taal: str | None = None) -> str:
        """A norm on the printed report: "20", "12,5", "70%", "€ 6.000,00"."""
        if self.geld:
            return formatting.bedrag(norm, taal=taal)
        return formatting.meetwaarde(
            norm, 1, compact=True, voor=self.voor, na=self.na, taal=taal
        )


def _exact(waarde: Getal | str) -> Getal:
    """A value as stored in a snapshot (a decimal string) or measured."""
    return Decimal(waarde) if isinstance(waarde, str) else waarde


AANTAL = Eenheid("aantal", _getal, _meet_aantal)
UREN = Eenheid("uren", _getal, _meet_getal)
EURO = Eenheid("euro", _euro, _meet_euro, voor="€ ", geld=True)
PROCENT = Eenheid(
    "procent", _procent, _meet_procent, na="%", verschil_opmaak=_procentpunten
)


# Which activities count ------------------------------------------------------------


@dataclass(frozen=True)
class Activiteitfilter:
    """The activities of the year an indicator counts. The toezegging's own
    filters (thema, alleen open voor de buurt) narrow them further."""

    thema: str = ""
    alleen_open_voor_buurt: bool = False


ALLE_ACTIVITEITEN = Activiteitfilter()


# Measure kinds ---------------------------------------------------------------------


@dataclass(frozen=True)
class Som:
    """A figure (an `ActiviteitGroep` field) summed over the activities that count."""

    veld: str


@dataclass(frozen=True)
class Jaarcijfer:
    """A figure of the year (a `Jaarcijfers` field or property)."""

    naam: str


@dataclass(frozen=True)
class AandeelLeden:
    """A figure of the year (a `Jaarcijfers` field) as a percentage of the members
    on the peildatum; 0 for an empty member list."""

    teller: str


Meting = Som | Jaarcijfer | AandeelLeden


# The table -------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorDefinitie:
    """One indicator.

    `cumulatief`: the value builds up over the year (the early warning expects a
    part of the norm by the elapsed part of the year), else it is a level on the
    peildatum. `activiteiten`: which activities count, None for an indicator not
    measured on activities (a toezegging on it takes no activity filters).
    `meting`: how it is measured, None for kwalitatief (assessed, not measured;
    then there is no unit either).
    """

    code: str
    label: Promise
    eenheid: Eenheid | None
    meting: Meting | None
    cumulatief: bool = False
    activiteiten: Activiteitfilter | None = None

    @property
    def kwalitatief(self) -> bool:
        return self.meting is None


INDICATOREN: tuple[IndicatorDefinitie, ...] = (
    IndicatorDefinitie(
        code="aantal_activiteiten",
        label=gettext_lazy("aantal activiteiten"),
        eenheid=AANTAL,
        meting=Som("aantal"),
        cumulatief=True,
        activiteiten=ALLE_ACTIVITEITEN,
    ),
    IndicatorDefinitie(
        code="vrijwilligersuren",
        label=gettext_lazy("vrijwilligersuren"),
        eenheid=UREN,
        meting=Som("vrijwilligersuren"),
        cumulatief=True,
        activiteiten=ALLE_ACTIVITEITEN,
    ),
    IndicatorDefinitie(
        code="deelnemers_buurt",
        label=gettext_lazy("deelnemers uit de buurt"),
        eenheid=AANTAL,
        meting=Som("deelnemers_buurt"),
        cumulatief=True,
        activiteiten=ALLE_ACTIVITEITEN,
    ),
    IndicatorDefinitie(
        code="besteding",
        label=gettext_lazy("besteding (euro)"),
        eenheid=EURO,
        meting=Jaarcijfer("besteding"),
        cumulatief=True,
    ),
    IndicatorDefinitie(
        code="aantal_leden",
        label=gettext_lazy("aantal leden op peildatum"),
        eenheid=AANTAL,
        meting=Jaarcijfer("aantal_leden"),
    ),
    IndicatorDefinitie(
        code="aandeel_actieve_leden",
        label=gettext_lazy("aandeel actieve leden (%)"),
        eenheid=PROCENT,
        meting=AandeelLeden("actieve_leden"),
        # The members who volunteered so far: it grows through the year.
        cumulatief=True,
    ),
    IndicatorDefinitie(
        code="aandeel_doelgroep",
        label=gettext_lazy("aandeel doelgroep (%)"),
        eenheid=PROCENT,
        meting=AandeelLeden("aantal_doelgroep"),
    ),
    IndicatorDefinitie(
        code="kwalitatief",
        label=gettext_lazy("kwalitatief (beoordeling)"),
        eenheid=None,
        meting=None,
    ),
)

_PER_CODE = {d.code: d for d in INDICATOREN}

ACTIVITEIT_INDICATOREN: tuple[str, ...] = tuple(
    d.code for d in INDICATOREN if d.activiteiten is not None
)
"""The indicators measured on activities: only these take activity filters."""


def definitie(code: str) -> IndicatorDefinitie:
    """The row of an indicator code; ValueError for an unknown code."""
    try:
        return _PER_CODE[code]
    except KeyError:
        raise ValueError(f"unknown indicator {code!r}") from None

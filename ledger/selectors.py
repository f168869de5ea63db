"""Reads across rows: the signed amount of a booking, the running balance and
the totals of a set of bookings; and the volunteers of a year as aggregates.

A booking's amount is always positive (domain §3); its effect on the balance
is signed here, once: budget received adds, money spent subtracts, and a storno
turns the sign of the booking it cancels.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    F,
    Q,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, ExtractYear

from . import woningwet
from .choices import BoekingSoort
from .querysets import ActiviteitQuerySet, BoekingQuerySet, VrijwilligerQuerySet

ZERO = Decimal("0.00")
_AMOUNT = DecimalField(max_digits=14, decimal_places=2)


def signed_amount() -> Case:
    """The booking's effect on the balance, as a database expression."""
    adds = Q(soort=BoekingSoort.BUDGET, corrigeert__isnull=True) | Q(
        soort=BoekingSoort.UITGAVE, corrigeert__isnull=False
    )
    return Case(
        When(adds, then=F("bedrag")),
        default=-F("bedrag"),
        output_field=_AMOUNT,
    )


def lopend_saldo(*, boekingen: BoekingQuerySet) -> dict[int, Decimal]:
    """The balance after each booking (by pk), per cooperatie, in the order of
    the money book (date, then entry), computed by the database with a window
    function over all of `boekingen` (for a year: `.voor_jaar(jaar)`, so a
    storno dated later counts in the year of the booking it cancels)."""
    rows = (
        boekingen.order_by()
        .annotate(
            saldo=Window(
                Sum(signed_amount()),
                partition_by=[F("cooperatie_id")],
                order_by=[F("datum").asc(), F("pk").asc()],
                output_field=_AMOUNT,
            )
        )
        .values_list("pk", "saldo")
    )
    return {pk: Decimal(saldo).quantize(ZERO) for pk, saldo in rows}


def totalen(*, boekingen: BoekingQuerySet) -> dict[str, Decimal | bool | int]:
    """Budget received, spent and the balance of `boekingen`; a storno counts
    against the booking it cancels."""

    def som(soort: str, storno: bool) -> Coalesce:
        return Coalesce(
            Sum("bedrag", filter=Q(soort=soort, corrigeert__isnull=not storno)),
            Value(ZERO),
            output_field=_AMOUNT,
        )

    rij = boekingen.order_by().aggregate(
        budget=som(BoekingSoort.BUDGET, False),
        budget_storno=som(BoekingSoort.BUDGET, True),
        uitgaven=som(BoekingSoort.UITGAVE, False),
        uitgaven_storno=som(BoekingSoort.UITGAVE, True),
    )
    budget = rij["budget"] - rij["budget_storno"]
    besteed = rij["uitgaven"] - rij["uitgaven_storno"]
    return {
        "budget": budget,
        "besteed": besteed,
        "saldo": budget - besteed,
        "saldo_negatief": budget - besteed < 0,
    }


def vrijwilligerstotalen(
    vrijwilligers: VrijwilligerQuerySet, *, cooperatie_id: int, jaar: int
) -> dict[str, int | Decimal]:
    """How many members volunteered in the cooperatie's year and how many hours
    were split per volunteer: aggregates only, the names stay with the board
    (`vrijwilligers`: the rows the reader may see)."""
    return (
        vrijwilligers.filter(activiteit__cooperatie_id=cooperatie_id)
        .in_jaar(jaar)
        .aggregate(
            vrijwilligers=Count("lid", distinct=True),
            uren_verdeeld=Coalesce(Sum("uren"), ZERO),
        )
    )


def bijdrage_per_jaar(
    activiteiten: ActiviteitQuerySet, *, cooperatie_id: int, jaren: range
) -> dict[int, dict[str, int | Decimal]]:
    """Per year of `jaren` the cooperatie's contribution, in one query: its
    activities, those open to the neighbourhood, the neighbourhood
    participants and the volunteer hours (`activiteiten`: the rows the reader
    may see). A year without activities is absent."""
    per_cooperatie = bijdrage_per_cooperatie_jaar(
        activiteiten, cooperatie_ids=[cooperatie_id], jaren=jaren
    )
    return per_cooperatie.get(cooperatie_id, {})


def bijdrage_per_cooperatie_jaar(
    activiteiten: ActiviteitQuerySet, *, cooperatie_ids: Iterable[int], jaren: range
) -> dict[int, dict[int, dict[str, int | Decimal]]]:
    """`bijdrage_per_jaar` of several cooperaties at once (cooperatie id →
    year → contribution), in one query."""
    rows = (
        activiteiten.filter(
            cooperatie_id__in=set(cooperatie_ids),
            datum__year__gte=jaren.start,
            datum__year__lt=jaren.stop,
        )
        .annotate(jaar=ExtractYear("datum"))
        .values("cooperatie_id", "jaar")
        .order_by("cooperatie_id", "jaar")
        .annotate(
            activiteiten=Count("pk"),
            open_voor_buurt=Count("pk", filter=Q(open_voor_buurt=True)),
            deelnemers_buurt=Coalesce(Sum("deelnemers_buurt"), 0),
            vrijwilligersuren=Coalesce(Sum("vrijwilligersuren"), ZERO),
        )
    )
    per_cooperatie: dict[int, dict[int, dict[str, int | Decimal]]] = {}
    for row in rows:
        cooperatie_id = row.pop("cooperatie_id")
        per_cooperatie.setdefault(cooperatie_id, {})[row.pop("jaar")] = row
    return per_cooperatie


def buurtcodes_op(
    periodes: Iterable[tuple[datetime.date, datetime.date | None, str]],
    datum: datetime.date,
) -> set[str]:
    """The buurtcodes of the periods (ingangsdatum, einddatum or None,
    buurtcode of an overeenkomst's gebouw) running on `datum`."""
    return {
        code
        for begin, eind, code in periodes
        if begin <= datum and (eind is None or eind >= datum)
    }


def woningwet_signalen_in(activiteiten: ActiviteitQuerySet) -> dict[int, list[str]]:
    """The Woningwet flags (ledger.woningwet) of each activity of the
    queryset, by pk, in one query however many: each activity joined with the
    overeenkomsten of its cooperatie and their gebouwen' buurtcodes (read for
    the flags only; no gebouw leaves this function)."""
    overeenkomst = "cooperatie__overeenkomsten__"
    rows = activiteiten.order_by().values_list(
        "pk",
        "datum",
        "open_voor_buurt",
        "partners",
        "buurtcode",
        f"{overeenkomst}ingangsdatum",
        f"{overeenkomst}einddatum",
        f"{overeenkomst}gebouw__buurtcode",
    )
    velden: dict[int, tuple] = {}
    periodes: dict[int, list] = {}
    for pk, datum, open_voor_buurt, partners, buurtcode, *periode in rows:
        velden[pk] = (datum, open_voor_buurt, partners, buurtcode)
        if periode[0] is not None:
            periodes.setdefault(pk, []).append(tuple(periode))
    return {
        pk: woningwet.signalen(
            open_voor_buurt=open_voor_buurt,
            partners=partners,
            buurtcode=buurtcode,
            gebouw_buurtcodes=buurtcodes_op(periodes.get(pk, ()), datum),
        )
        for pk, (datum, open_voor_buurt, partners, buurtcode) in velden.items()
    }

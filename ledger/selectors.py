"""Reads across rows: the signed amount of a booking, the running balance and
the totals of a set of bookings; and the volunteers of a year as aggregates.

A booking's amount is always positive (domain §3); its effect on the balance
is signed here, once: budget received adds, money spent subtracts, and a storno
turns the sign of the booking it cancels.
"""

from __future__ import annotations

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
    activiteiten: ActiviteitQuerySet,
    *,
    cooperatie_id: int | None = None,
    cooperatie_ids: Iterable[int] = (),
    jaren: range,
) -> dict[int, dict[str, int | Decimal]]:
    """Per year of `jaren` the contribution of the cooperatie (or of the
    cooperaties `cooperatie_ids` together), in one query: their activities,
    those open to the neighbourhood, the neighbourhood participants and the
    volunteer hours (`activiteiten`: the rows the reader may see). A year
    without activities is absent."""
    ids = {*cooperatie_ids, *([cooperatie_id] if cooperatie_id is not None else [])}
    rows = (
        activiteiten.filter(
            cooperatie_id__in=ids,
            datum__year__gte=jaren.start,
            datum__year__lt=jaren.stop,
        )
        .annotate(jaar=ExtractYear("datum"))
        .values("jaar")
        .order_by("jaar")
        .annotate(
            activiteiten=Count("pk"),
            open_voor_buurt=Count("pk", filter=Q(open_voor_buurt=True)),
            deelnemers_buurt=Coalesce(Sum("deelnemers_buurt"), 0),
            vrijwilligersuren=Coalesce(Sum("vrijwilligersuren"), ZERO),
        )
    )
    return {row.pop("jaar"): row for row in rows}

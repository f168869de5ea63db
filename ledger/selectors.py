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

from cooperatie.models import Overeenkomst

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
    per_cooperatie = bijdrage_per_cooperatie_jaar(
        activiteiten, cooperatie_ids=ids, jaren=jaren
    )
    return bijdrage_samen(per_cooperatie, ids)


def bijdrage_samen(
    per_cooperatie: dict[int, dict[int, dict[str, int | Decimal]]],
    cooperatie_ids: Iterable[int],
) -> dict[int, dict[str, int | Decimal]]:
    """The contribution per year of the cooperaties `cooperatie_ids` together,
    summed from `bijdrage_per_cooperatie_jaar`'s answer (no query)."""
    totaal: dict[int, dict[str, int | Decimal]] = {}
    for cooperatie_id in set(cooperatie_ids):
        for jaar, bijdrage in per_cooperatie.get(cooperatie_id, {}).items():
            som = totaal.setdefault(jaar, dict.fromkeys(bijdrage, 0))
            for naam, waarde in bijdrage.items():
                som[naam] += waarde
    return dict(sorted(totaal.items()))


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


def _buurtperiodes(cooperatie_ids: Iterable[int]) -> dict[int, list[tuple]]:
    """The (ingangsdatum, einddatum or None, buurtcode) of every overeenkomst
    of these cooperaties whose gebouw has a buurtcode, by cooperatie."""
    periodes: dict[int, list[tuple]] = {}
    for cooperatie_id, *periode in (
        Overeenkomst.objects.filter(cooperatie_id__in=list(cooperatie_ids))
        .exclude(gebouw__buurtcode="")
        .order_by()
        .values_list("cooperatie_id", "ingangsdatum", "einddatum", "gebouw__buurtcode")
    ):
        periodes.setdefault(cooperatie_id, []).append(tuple(periode))
    return periodes


def woningwet_signalen_van(rijen: dict[int, tuple]) -> dict[int, tuple[str, ...]]:
    """The Woningwet flags of activities already read, by pk, from their
    (cooperatie_id, datum, open_voor_buurt, partners, buurtcode) and at most
    one query of their cooperaties' overeenkomsten. Activities with the same
    inputs share one tuple of flags (a page of 500 has a handful of distinct
    answers: each is worked out once, and no list is made per activity)."""
    # Only an activity with a buurtcode of its own is compared with the
    # gebouwen's buurten: the overeenkomsten are read for the cooperaties of
    # those activities, and not at all when none has one.
    met_buurt = {rij[0] for rij in rijen.values() if rij[4]}
    periodes = _buurtperiodes(met_buurt) if met_buurt else {}
    gedeeld: dict[tuple, tuple[str, ...]] = {}
    uit: dict[int, tuple[str, ...]] = {}
    for pk, (
        cooperatie_id,
        datum,
        open_voor_buurt,
        partners,
        buurtcode,
    ) in rijen.items():
        codes = (
            frozenset(buurtcodes_op(periodes.get(cooperatie_id, ()), datum))
            if buurtcode
            else _GEEN_CODES
        )
        sleutel = (open_voor_buurt, partners, buurtcode, codes)
        try:
            uit[pk] = gedeeld[sleutel]
        except KeyError:
            uit[pk] = gedeeld[sleutel] = tuple(
                woningwet.signalen(
                    open_voor_buurt=open_voor_buurt,
                    partners=partners,
                    buurtcode=buurtcode,
                    gebouw_buurtcodes=codes,
                )
            )
    return uit


_GEEN_CODES: frozenset[str] = frozenset()


WONINGWET_KOLOMMEN = (
    "cooperatie_id",
    "datum",
    "open_voor_buurt",
    "partners",
    "buurtcode",
)


def woningwet_signalen_in(activiteiten: ActiviteitQuerySet) -> dict[int, list[str]]:
    """The Woningwet flags (ledger.woningwet) of each activity of the
    queryset, by pk, in at most two queries however many: the activities' own fields,
    and the overeenkomsten of their cooperaties with their gebouwen'
    buurtcodes (read for the flags only; no gebouw leaves this function)."""
    rows = activiteiten.order_by().values_list("pk", *WONINGWET_KOLOMMEN)
    flags = woningwet_signalen_van({pk: tuple(rest) for pk, *rest in rows})
    return {pk: list(codes) for pk, codes in flags.items()}

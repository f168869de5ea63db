"""The year's measurement inputs of cooperaties, read as aggregates computed by
the database.

`jaarcijfers` loads them for any number of cooperaties in a constant number of
queries (four, however many cooperaties); `jaarcijfers_van` does so for the
cooperaties of a `Bereik` (the afspraken a corporatie-year is read for), with
the activities summed in the groups its toezeggingen tell apart. Each query is
compiled once per year and cooperaties (`kern.inlezen.Gecompileerd`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from cooperatie.choices import Doelgroep
from cooperatie.jaarslot import peildatum
from cooperatie.models import Lid
from kern.inlezen import Gecompileerd, IdsIn
from kern.maker import Maker
from ledger.choices import BoekingSoort
from ledger.models import ActiviteitJaartotaal, Boeking, VrijwilligerJaartelling

from .evaluatie import ActiviteitGroep, Jaarcijfers, ToezeggingSpec
from .indicatoren import ALLE_ACTIVITEITEN, Som, definitie
from .models import Afspraak

ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=14, decimal_places=2))


def jaarcijfers(*, cooperatie_ids: Iterable[int], jaar: int) -> dict[int, Jaarcijfers]:
    """The measurement inputs of each cooperatie in the year, keyed by its id.

    Four queries: activity groups, bookings, members on peildatum, distinct
    volunteers, each an SQL aggregate. The activities are grouped per thema and
    openness (`ActiviteitGroep`).
    """
    ids = list(cooperatie_ids)
    return jaarcijfers_van(ids=ids, cooperaties=ids, jaar=jaar)


# A filter on the activities that count: (thema or "" for any, only open ones).
Filter = tuple[str, bool]


def activiteitfilters(specs: Iterable[ToezeggingSpec]) -> set[Filter]:
    """The activity filters the evaluation of these toezeggingen applies: those
    of each summed indicator and of each toezegging itself."""
    filters: set[Filter] = set()
    # Each distinct indicator and filter once: thousands of toezeggingen share
    # a handful.
    for code, thema, alleen_open in {
        (spec.indicator, spec.thema, spec.alleen_open_voor_buurt) for spec in specs
    }:
        indicator = definitie(code)
        if not isinstance(indicator.meting, Som):
            continue
        eigen = indicator.activiteiten or ALLE_ACTIVITEITEN
        filters.add((eigen.thema, eigen.alleen_open_voor_buurt))
        filters.add((thema, alleen_open))
    return filters


@dataclass(frozen=True)
class Bereik:
    """The afspraken a corporatie-year is read for: those running in `jaar`, of
    the corporaties `corporatie_ids` (None: all) and, with `afspraak_ids`, only
    those. Hashable, so a query built from it is compiled once
    (`kern.inlezen.Gecompileerd`)."""

    jaar: int
    corporatie_ids: tuple[int, ...] | None = None
    afspraak_ids: tuple[int, ...] | None = None

    def afspraken(self) -> QuerySet:
        afspraken_qs = Afspraak.objects.lopend_in(self.jaar)
        if self.corporatie_ids is not None:
            afspraken_qs = afspraken_qs.filter(corporatie_id__in=self.corporatie_ids)
        if self.afspraak_ids is not None:
            afspraken_qs = afspraken_qs.filter(pk__in=self.afspraak_ids)
        return afspraken_qs

    def afspraak_pks(self) -> QuerySet:
        return self.afspraken().values("pk")


# The cooperaties whose figures are read: their ids, or the afspraken of a
# `Bereik` (a subquery yielding their cooperaties).
Cooperaties = tuple[int, ...] | Bereik


def _van_cooperaties(cooperaties: Cooperaties) -> Q:
    """A filter on `cooperatie_id` for the cooperaties."""
    if isinstance(cooperaties, Bereik):
        return Q(cooperatie_id__in=cooperaties.afspraken().values("cooperatie_id"))
    return Q(cooperatie_id__in=cooperaties)


def _activiteiten_filter(cooperaties: Cooperaties):
    """The activity query's filter on the cooperaties: their ids as one array
    parameter (`IdsIn`), or a `Bereik`'s subquery."""
    if isinstance(cooperaties, Bereik):
        return _van_cooperaties(cooperaties)
    return IdsIn(F("cooperatie_id"), list(cooperaties))


_ACTIVITEIT_GROEPEN = Gecompileerd(
    lambda cooperaties, jaar: (
        ActiviteitJaartotaal.objects.filter(
            _activiteiten_filter(cooperaties), jaar=jaar
        )
        .order_by()
        .values_list(
            "cooperatie_id",
            "thema",
            "open_voor_buurt",
            "aantal",
            "vrijwilligersuren",
            "deelnemers_buurt",
        )
    )
)


def _activiteit_groepen(rows) -> dict[int, list[ActiviteitGroep]]:
    """The year's activities of the cooperaties per thema and openness (the
    rows of `_ACTIVITEIT_GROEPEN`): the totals the database keeps at that grain
    (`ledger.jaartotalen`)."""
    groepen: dict[int, list[ActiviteitGroep]] = defaultdict(list)
    for cooperatie_id, thema, open_, aantal, uren, buurt in rows:
        groepen[cooperatie_id].append(
            ActiviteitGroep(
                thema=thema,
                open_voor_buurt=open_,
                aantal=aantal,
                vrijwilligersuren=Decimal(uren),
                deelnemers_buurt=buurt,
            )
        )
    return groepen


def _vakken(filters: Iterable[Filter]) -> tuple[tuple[str, bool | None], ...]:
    """The groups the filters tell apart (`_activiteit_vakken`): a group per
    thema some filter names and one (thema "") for all other themes, each split
    in open and not open only when a filter counts only open activities."""
    filters = set(filters)
    themas = sorted({thema for thema, _ in filters if thema})
    openheden: tuple[bool | None, ...] = (
        (True, False) if any(alleen_open for _, alleen_open in filters) else (None,)
    )
    return tuple((thema, open_) for thema in (*themas, "") for open_ in openheden)


def _vakken_query(
    cooperaties: Cooperaties, jaar: int, vakken: tuple[tuple[str, bool | None], ...]
):
    themas = [thema for thema, _ in vakken if thema]
    aggregaten = {}
    for i, (thema, open_) in enumerate(vakken):
        voorwaarde = Q()
        if thema:
            voorwaarde &= Q(thema=thema)
        elif themas:
            voorwaarde &= ~Q(thema__in=themas)
        if open_ is not None:
            voorwaarde &= Q(open_voor_buurt=open_)
        filter_ = voorwaarde or None
        aggregaten[f"aantal_{i}"] = Coalesce(Sum("aantal", filter=filter_), 0)
        aggregaten[f"uren_{i}"] = Coalesce(
            Sum("vrijwilligersuren", filter=filter_), ZERO
        )
        aggregaten[f"buurt_{i}"] = Coalesce(Sum("deelnemers_buurt", filter=filter_), 0)
    return (
        ActiviteitJaartotaal.objects.filter(
            _activiteiten_filter(cooperaties), jaar=jaar
        )
        .values("cooperatie_id")
        .annotate(**aggregaten)
        .order_by()
        .values_list("cooperatie_id", *aggregaten)
    )


_ACTIVITEIT_VAKKEN = Gecompileerd(_vakken_query)


def _activiteit_vakken(
    rows, vakken: tuple[tuple[str, bool | None], ...]
) -> dict[int, list[ActiviteitGroep]]:
    """The year's activities of the cooperaties, summed in as few groups as the
    filters tell apart (`_vakken`; the rows of `_ACTIVITEIT_VAKKEN`), in one
    pass over the totals the database keeps per thema and openness
    (`ledger.jaartotalen`) grouped by cooperatie: `open_voor_buurt` is None in
    a group that holds both. Every filter counts exactly the activities it
    counts in the groups per thema and openness, so the evaluation measures
    the same values on these groups."""
    groepen: dict[int, list[ActiviteitGroep]] = {}
    maak_groep = Maker(ActiviteitGroep).maak
    for cooperatie_id, *sommen in rows:
        # Per vak: its count, hours and neighbourhood participants, in turn
        # (the fields of ActiviteitGroep after its thema and openness).
        groepen[cooperatie_id] = [
            maak_groep(
                thema,
                open_,
                sommen[3 * i],
                Decimal(sommen[3 * i + 1]),
                sommen[3 * i + 2],
            )
            for i, (thema, open_) in enumerate(vakken)
            if sommen[3 * i]
        ]
    return groepen


_GELD = Gecompileerd(
    lambda cooperaties, jaar: (
        Boeking.objects.filter(
            _van_cooperaties(cooperaties), soort=BoekingSoort.UITGAVE
        )
        .voor_jaar(jaar)
        .values("cooperatie_id")
        .annotate(
            uitgaven=Coalesce(Sum("bedrag", filter=Q(corrigeert__isnull=True)), ZERO),
            gestorneerd=Coalesce(
                Sum("bedrag", filter=Q(corrigeert__isnull=False)), ZERO
            ),
        )
        .order_by()
        .values_list("cooperatie_id", "uitgaven", "gestorneerd")
    )
)

_LEDEN = Gecompileerd(
    lambda cooperaties, jaar: (
        Lid.objects.filter(_van_cooperaties(cooperaties))
        .op_peildatum(peildatum(jaar))
        .values("cooperatie_id")
        .annotate(
            aantal=Count("id"),
            doelgroep=Count("id", filter=Q(doelgroep=Doelgroep.JA)),
        )
        .order_by()
        .values_list("cooperatie_id", "aantal", "doelgroep")
    )
)

# Volunteers who are members on the peildatum, so the share of active members
# (a part of the members on the peildatum) never exceeds 100%: a volunteer
# count row per member and cooperatie-year (`ledger.jaartotalen`).
_ACTIEF = Gecompileerd(
    lambda cooperaties, jaar: (
        VrijwilligerJaartelling.objects.filter(
            _van_cooperaties(cooperaties),
            jaar=jaar,
            lid__lid_sinds__lte=peildatum(jaar),
        )
        .filter(Q(lid__lid_tot__isnull=True) | Q(lid__lid_tot__gt=peildatum(jaar)))
        .values("cooperatie_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("cooperatie_id", "n")
    )
)


def jaarcijfers_van(
    *,
    ids: list[int],
    cooperaties: Iterable[int] | Bereik,
    jaar: int,
    filters: Iterable[Filter] | None = None,
) -> dict[int, Jaarcijfers]:
    """`jaarcijfers` of the cooperaties `ids`, read for `cooperaties` (those ids or
    the afspraken of a `Bereik`). With `filters`, the activities are summed in
    the groups those filters tell apart (`_activiteit_vakken`), else per thema
    and openness. Each query is compiled once per year and cooperaties
    (`Gecompileerd`)."""
    return send_jaarcijfers(cooperaties=cooperaties, jaar=jaar, filters=filters)(ids)


def send_jaarcijfers(
    *,
    cooperaties: Iterable[int] | Bereik,
    jaar: int,
    filters: Iterable[Filter] | None = None,
) -> Callable[[list[int]], dict[int, Jaarcijfers]]:
    """`jaarcijfers_van`'s four queries sent (`Gecompileerd.send`): the function
    returned reads their rows into the `Jaarcijfers` of the cooperatie ids it
    is given, so within `kern.inlezen.pipelined` a caller works on other rows
    (such as the afspraken that name those cooperaties) while the database
    answers them."""
    if not isinstance(cooperaties, Bereik):
        cooperaties = tuple(cooperaties)
    if filters is None:
        activiteiten = _ACTIVITEIT_GROEPEN.send(cooperaties, jaar)
    else:
        vakken = _vakken(filters)
        activiteiten = _ACTIVITEIT_VAKKEN.send(cooperaties, jaar, vakken)
    # Uitgaven dated in the year, and the storno's of exactly those uitgaven.
    geld_rows = _GELD.send(cooperaties, jaar)
    leden_rows = _LEDEN.send(cooperaties, jaar)
    actief_rows = _ACTIEF.send(cooperaties, jaar)

    def read(ids: list[int]) -> dict[int, Jaarcijfers]:
        groepen = (
            _activiteit_groepen(activiteiten)
            if filters is None
            else _activiteit_vakken(activiteiten, vakken)
        )
        geld = {
            cooperatie_id: (uitgaven, gestorneerd)
            for cooperatie_id, uitgaven, gestorneerd in geld_rows
        }
        leden = {
            cooperatie_id: (aantal, doelgroep)
            for cooperatie_id, aantal, doelgroep in leden_rows
        }
        actief = dict(actief_rows)
        return _jaarcijfers(ids, jaar, groepen, geld, leden, actief)

    return read


def _jaarcijfers(ids, jaar, groepen, geld, leden, actief) -> dict[int, Jaarcijfers]:
    result = {}
    maak_cijfers = Maker(Jaarcijfers).maak
    nul = Decimal(0)
    geen = (nul, nul)
    niemand = (0, 0)
    for cooperatie_id in ids:
        uitgaven, gestorneerd = geld.get(cooperatie_id, geen)
        aantal_leden, aantal_doelgroep = leden.get(cooperatie_id, niemand)
        eigen = groepen.get(cooperatie_id, ())
        # Jaarcijfers' fields in order: jaar, activiteiten, uitgaven,
        # uitgaven_gestorneerd, aantal_leden, aantal_doelgroep, actieve_leden.
        result[cooperatie_id] = maak_cijfers(
            jaar,
            tuple(
                sorted(eigen, key=lambda a: (a.thema, a.open_voor_buurt is not False))
                if len(eigen) > 1
                else eigen
            ),
            Decimal(uitgaven),
            Decimal(gestorneerd),
            aantal_leden,
            aantal_doelgroep,
            actief.get(cooperatie_id, 0),
        )
    return result

"""Reads across relations for the yearly assessment.

`jaarcijfers` loads the measurement inputs of any number of cooperaties for one
year as aggregates computed by the database, in a constant number of queries
(four, however many cooperaties).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.db.models import Count, DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce

from cooperatie.choices import Doelgroep
from cooperatie.jaarslot import peildatum
from cooperatie.models import Lid
from ledger.choices import BoekingSoort
from ledger.models import Activiteit, Boeking
from ledger.querysets import jaar_range

from .choices import LOCKED_STATUSES
from .evaluatie import (
    ActiviteitGroep,
    Beoordeling,
    Jaarcijfers,
    ToetsingResultaat,
    ToezeggingResultaat,
    ToezeggingSpec,
    evaluate,
)
from .models import Afspraak, Toetsing, Toezegging
from .models import Beoordeling as BeoordelingModel

# Toezegging fields that make up its ToezeggingSpec (besides the id).
SPEC_FIELDS = (
    "omschrijving",
    "indicator",
    "norm",
    "richting",
    "deels_vanaf",
    "zwaarwegend",
    "thema",
    "alleen_open_voor_buurt",
)


def spec_of(toezegging) -> ToezeggingSpec:
    """The measurable part of a Toezegging row, for the pure arithmetic."""
    return ToezeggingSpec(
        id=toezegging.pk, **{name: getattr(toezegging, name) for name in SPEC_FIELDS}
    )


ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=14, decimal_places=2))


def jaarcijfers(*, cooperatie_ids: Iterable[int], jaar: int) -> dict[int, Jaarcijfers]:
    """The measurement inputs of each cooperatie in the year, keyed by its id.

    Four queries: activity groups, bookings, members on peildatum, distinct
    volunteers, each an SQL aggregate.
    """
    ids = list(cooperatie_ids)
    op = peildatum(jaar)
    groepen: dict[int, list[ActiviteitGroep]] = defaultdict(list)
    for row in (
        Activiteit.objects.filter(cooperatie_id__in=ids)
        .in_jaar(jaar)
        .values("cooperatie_id", "thema", "open_voor_buurt")
        .annotate(
            aantal=Count("id"),
            uren=Coalesce(Sum("vrijwilligersuren"), ZERO),
            buurt=Coalesce(Sum("deelnemers_buurt"), 0),
        )
        .order_by()
    ):
        groepen[row["cooperatie_id"]].append(
            ActiviteitGroep(
                thema=row["thema"],
                open_voor_buurt=row["open_voor_buurt"],
                aantal=row["aantal"],
                vrijwilligersuren=Decimal(row["uren"]),
                deelnemers_buurt=row["buurt"],
            )
        )

    # Uitgaven dated in the year, and the storno's of exactly those uitgaven.
    geld = {
        row["cooperatie_id"]: row
        for row in Boeking.objects.filter(
            cooperatie_id__in=ids, soort=BoekingSoort.UITGAVE
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
    }

    leden = {
        row["cooperatie_id"]: row
        for row in Lid.objects.filter(cooperatie_id__in=ids)
        .op_peildatum(op)
        .values("cooperatie_id")
        .annotate(
            aantal=Count("id"),
            doelgroep=Count("id", filter=Q(doelgroep=Doelgroep.JA)),
        )
        .order_by()
    }

    # Volunteers who are members on the peildatum, so the share of active
    # members (a part of the members on the peildatum) never exceeds 100%.
    actief = dict(
        Activiteit.vrijwilligers.through.objects.filter(
            activiteit__cooperatie_id__in=ids,
            activiteit__datum__range=jaar_range(jaar),
            lid__lid_sinds__lte=op,
        )
        .filter(Q(lid__lid_tot__isnull=True) | Q(lid__lid_tot__gt=op))
        .values("activiteit__cooperatie_id")
        .annotate(n=Count("lid_id", distinct=True))
        .order_by()
        .values_list("activiteit__cooperatie_id", "n")
    )

    result = {}
    for cooperatie_id in ids:
        g = geld.get(cooperatie_id, {})
        leden_row = leden.get(cooperatie_id, {})
        result[cooperatie_id] = Jaarcijfers(
            jaar=jaar,
            activiteiten=tuple(
                sorted(
                    groepen.get(cooperatie_id, ()),
                    key=lambda a: (a.thema, a.open_voor_buurt),
                )
            ),
            uitgaven=Decimal(g.get("uitgaven", 0)),
            uitgaven_gestorneerd=Decimal(g.get("gestorneerd", 0)),
            aantal_leden=leden_row.get("aantal", 0),
            aantal_doelgroep=leden_row.get("doelgroep", 0),
            actieve_leden=actief.get(cooperatie_id, 0),
        )
    return result


def beoordelingen_of(toetsing: Toetsing) -> dict[int, Beoordeling]:
    """The assessments of a toetsing's kwalitatief clauses, by toezegging id."""
    return {
        b.toezegging_id: Beoordeling(b.oordeel, b.toelichting)
        for b in toetsing.beoordelingen.all()
    }


@dataclass(frozen=True)
class ToetsingRegel:
    """One afspraak in a corporatie-year: its toetsing (if opened) and the result,
    measured now for an open year or as frozen in the snapshot once submitted."""

    afspraak: Afspraak
    toetsing: Toetsing | None
    resultaat: ToetsingResultaat
    bevroren: bool
    cijfers: Jaarcijfers


def spec_from_row(row: dict) -> ToezeggingSpec:
    """The toezegging as a snapshot row recorded it (its terms when the year was
    submitted, whatever changed since)."""
    return ToezeggingSpec(
        id=row["id"],
        omschrijving=row["omschrijving"],
        indicator=row["indicator"],
        norm=Decimal(row["norm"]),
        richting=row["richting"],
        deels_vanaf=Decimal(row["deels_vanaf"]),
        zwaarwegend=row["zwaarwegend"],
        thema=row.get("thema", ""),
        alleen_open_voor_buurt=row.get("alleen_open_voor_buurt", False),
    )


def resultaat_from_snapshot(snapshot: dict) -> ToetsingResultaat:
    rows = []
    for row in snapshot["toezeggingen"]:
        waarde = Fraction(Decimal(row["waarde"])) if row["waarde"] is not None else None
        rows.append(
            ToezeggingResultaat(
                spec_from_row(row), waarde, row["verdict"], row.get("toelichting", "")
            )
        )
    return ToetsingResultaat(
        snapshot["toetsing"]["jaar"], snapshot["verdict"], tuple(rows)
    )


def resultaat_bevroren(toetsing: Toetsing | None) -> bool:
    """Whether a toetsing's result is frozen: once the year is submitted or
    approved, its snapshot holds the measured values (a returned year is
    measured again)."""
    return (
        toetsing is not None
        and toetsing.status in LOCKED_STATUSES
        and bool(toetsing.snapshot)
    )


def toetsing_resultaat(
    *,
    afspraak: Afspraak,
    jaar: int,
    toetsing: Toetsing | None,
    specs: Iterable[ToezeggingSpec] | None = None,
    cijfers: Jaarcijfers | None = None,
    beoordelingen: dict[int, Beoordeling] | None = None,
) -> tuple[ToetsingResultaat, bool]:
    """The result of an afspraak in a year and whether it is frozen: as the
    snapshot stored it once the year is submitted (`resultaat_bevroren`), else
    measured now from the year's figures.

    A caller that read many afspraken at once passes the toezeggingen (`specs`),
    `cijfers` and `beoordelingen` it loaded; what it leaves out is read here (up to
    six queries), and only for a live result.
    """
    if resultaat_bevroren(toetsing):
        return resultaat_from_snapshot(toetsing.snapshot), True
    if specs is None:
        specs = [spec_of(t) for t in afspraak.toezeggingen.all()]
    if cijfers is None:
        cooperatie_id = afspraak.cooperatie_id
        cijfers = jaarcijfers(cooperatie_ids=[cooperatie_id], jaar=jaar)[cooperatie_id]
    if beoordelingen is None:
        beoordelingen = beoordelingen_of(toetsing) if toetsing else {}
    return evaluate(specs, cijfers, beoordelingen), False


def corporatie_jaar(
    *,
    jaar: int,
    corporatie_ids: Iterable[int] | None = None,
    afspraak_ids: Iterable[int] | None = None,
) -> list[ToetsingRegel]:
    """Every afspraak running in the year (of the given corporaties, or all), with
    its result. Nine queries, however many afspraken: afspraken with their
    gebouwen, toezeggingen, toetsingen and beoordelingen, and `jaarcijfers`.

    Related rows are grouped here rather than through `prefetch_related`, whose
    per-object querysets cost more than the queries themselves at this scale.
    """
    afspraken_qs = Afspraak.objects.lopend_in(jaar)
    if corporatie_ids is not None:
        afspraken_qs = afspraken_qs.filter(corporatie_id__in=list(corporatie_ids))
    if afspraak_ids is not None:
        afspraken_qs = afspraken_qs.filter(pk__in=list(afspraak_ids))
    afspraken = list(
        afspraken_qs.select_related("corporatie", "cooperatie")
        .prefetch_related("gebouwen")
        .order_by("corporatie__naam", "cooperatie__naam", "pk")
    )
    in_scope = afspraken_qs.values("pk")
    specs: dict[int, list[ToezeggingSpec]] = defaultdict(list)
    for row in (
        Toezegging.objects.filter(afspraak_id__in=in_scope)
        .order_by("afspraak_id", "volgorde", "pk")
        .values("afspraak_id", "pk", *SPEC_FIELDS)
    ):
        specs[row.pop("afspraak_id")].append(ToezeggingSpec(id=row.pop("pk"), **row))
    toetsingen = {
        t.afspraak_id: t
        for t in Toetsing.objects.filter(afspraak_id__in=in_scope, jaar=jaar)
    }
    beoordelingen: dict[int, dict[int, Beoordeling]] = defaultdict(dict)
    for (
        toetsing_id,
        toezegging_id,
        oordeel,
        toelichting,
    ) in BeoordelingModel.objects.filter(
        toetsing__afspraak_id__in=in_scope, toetsing__jaar=jaar
    ).values_list("toetsing_id", "toezegging_id", "oordeel", "toelichting"):
        beoordelingen[toetsing_id][toezegging_id] = Beoordeling(oordeel, toelichting)
    cijfers = jaarcijfers(
        cooperatie_ids={a.cooperatie_id for a in afspraken}, jaar=jaar
    )
    regels = []
    for afspraak in afspraken:
        toetsing = toetsingen.get(afspraak.pk)
        resultaat, bevroren = toetsing_resultaat(
            afspraak=afspraak,
            jaar=jaar,
            toetsing=toetsing,
            specs=specs[afspraak.pk],
            cijfers=cijfers[afspraak.cooperatie_id],
            beoordelingen=beoordelingen.get(toetsing.pk, {}) if toetsing else {},
        )
        regels.append(
            ToetsingRegel(
                afspraak, toetsing, resultaat, bevroren, cijfers[afspraak.cooperatie_id]
            )
        )
    return regels

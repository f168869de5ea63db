"""Reads across relations for the yearly assessment.

`jaarcijfers` loads the measurement inputs of any number of cooperaties for one
year as aggregates computed by the database, in a constant number of queries
(four, however many cooperaties).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.db import connections
from django.db.models import (
    Count,
    DecimalField,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from cooperatie.choices import Doelgroep
from cooperatie.jaarslot import peildatum
from cooperatie.models import Cooperatie, Corporatie, Lid
from kern.geheugen import gc_paused
from kern.inlezen import IdsIn, Instanties, Maker, VoorafGeladen, rijen
from ledger.choices import BoekingSoort
from ledger.models import ActiviteitJaartotaal, Boeking, VrijwilligerJaartelling

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
from .indicatoren import ALLE_ACTIVITEITEN, Som, definitie
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


# The most cooperatie ids passed to the database as a list.
MAX_IDS = 5000

ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=14, decimal_places=2))


def jaarcijfers(*, cooperatie_ids: Iterable[int], jaar: int) -> dict[int, Jaarcijfers]:
    """The measurement inputs of each cooperatie in the year, keyed by its id.

    Four queries: activity groups, bookings, members on peildatum, distinct
    volunteers, each an SQL aggregate. The activities are grouped per thema and
    openness (`ActiviteitGroep`).
    """
    ids = list(cooperatie_ids)
    return _jaarcijfers(ids=ids, cooperaties=ids, jaar=jaar)


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


def _activiteiten_van(ids: list[int], cooperaties):
    """The cooperaties whose activities are summed, as the activity query filters
    them: PostgreSQL filters the ids themselves (while they are few enough to
    pass) cheaper than through a join, as one array; SQLite reads a subquery
    (`cooperaties`) as cheaply as the list, without a parameter per id."""
    postgres = connections[ActiviteitJaartotaal.objects.db].vendor == "postgresql"
    if isinstance(cooperaties, QuerySet) and not (postgres and len(ids) <= MAX_IDS):
        return Q(cooperatie_id__in=cooperaties)
    return IdsIn(F("cooperatie_id"), ids)


def _activiteit_groepen(cooperaties, jaar: int) -> dict[int, list[ActiviteitGroep]]:
    """The year's activities of the cooperaties per thema and openness: the
    totals the database keeps at that grain (`ledger.jaartotalen`)."""
    groepen: dict[int, list[ActiviteitGroep]] = defaultdict(list)
    for cooperatie_id, thema, open_, aantal, uren, buurt in (
        ActiviteitJaartotaal.objects.filter(cooperaties, jaar=jaar)
        .order_by()
        .values_list(
            "cooperatie_id",
            "thema",
            "open_voor_buurt",
            "aantal",
            "vrijwilligersuren",
            "deelnemers_buurt",
        )
    ):
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


def _activiteit_vakken(
    cooperaties, jaar: int, filters: Iterable[Filter]
) -> dict[int, list[ActiviteitGroep]]:
    """The year's activities of the cooperaties, summed in as few groups as the
    filters tell apart, in one pass over the totals the database keeps per
    thema and openness (`ledger.jaartotalen`) grouped by cooperatie: a group
    per thema some filter names, one (thema "") for all
    other themes, each split in open and not open only when a filter counts
    only open activities (else `open_voor_buurt` is None: both). Every filter
    counts exactly the activities it counts in the groups per thema and
    openness, so the evaluation measures the same values on these groups."""
    filters = set(filters)
    themas = sorted({thema for thema, _ in filters if thema})
    openheden: tuple[bool | None, ...] = (
        (True, False) if any(alleen_open for _, alleen_open in filters) else (None,)
    )
    vakken: list[tuple[str, bool | None]] = [
        (thema, open_) for thema in (*themas, "") for open_ in openheden
    ]
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
    groepen: dict[int, list[ActiviteitGroep]] = {}
    maak_groep = Maker(ActiviteitGroep)
    for cooperatie_id, *sommen in rijen(
        ActiviteitJaartotaal.objects.filter(cooperaties, jaar=jaar)
        .values("cooperatie_id")
        .annotate(**aggregaten)
        .order_by()
        .values_list("cooperatie_id", *aggregaten)
    ):
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


def _jaarcijfers(
    *, ids: list[int], cooperaties, jaar: int, filters: Iterable[Filter] | None = None
) -> dict[int, Jaarcijfers]:
    """`jaarcijfers` of the cooperaties `ids`, read for `cooperaties` (those ids or
    a subquery yielding them). With `filters`, the activities are summed in the
    groups those filters tell apart (`_activiteit_vakken`), else per thema and
    openness."""
    op = peildatum(jaar)
    activiteiten_van = _activiteiten_van(ids, cooperaties)
    groepen = (
        _activiteit_groepen(activiteiten_van, jaar)
        if filters is None
        else _activiteit_vakken(activiteiten_van, jaar, filters)
    )

    # Uitgaven dated in the year, and the storno's of exactly those uitgaven.
    geld = {
        cooperatie_id: (uitgaven, gestorneerd)
        for cooperatie_id, uitgaven, gestorneerd in rijen(
            Boeking.objects.filter(
                cooperatie_id__in=cooperaties, soort=BoekingSoort.UITGAVE
            )
            .voor_jaar(jaar)
            .values("cooperatie_id")
            .annotate(
                uitgaven=Coalesce(
                    Sum("bedrag", filter=Q(corrigeert__isnull=True)), ZERO
                ),
                gestorneerd=Coalesce(
                    Sum("bedrag", filter=Q(corrigeert__isnull=False)), ZERO
                ),
            )
            .order_by()
            .values_list("cooperatie_id", "uitgaven", "gestorneerd")
        )
    }

    leden = {
        cooperatie_id: (aantal, doelgroep)
        for cooperatie_id, aantal, doelgroep in rijen(
            Lid.objects.filter(cooperatie_id__in=cooperaties)
            .op_peildatum(op)
            .values("cooperatie_id")
            .annotate(
                aantal=Count("id"),
                doelgroep=Count("id", filter=Q(doelgroep=Doelgroep.JA)),
            )
            .order_by()
            .values_list("cooperatie_id", "aantal", "doelgroep")
        )
    }

    # Volunteers who are members on the peildatum, so the share of active
    # members (a part of the members on the peildatum) never exceeds 100%: a
    # volunteer count row per member and cooperatie-year (`ledger.jaartotalen`).
    actief = dict(
        VrijwilligerJaartelling.objects.filter(
            cooperatie_id__in=cooperaties, jaar=jaar, lid__lid_sinds__lte=op
        )
        .filter(Q(lid__lid_tot__isnull=True) | Q(lid__lid_tot__gt=op))
        .values("cooperatie_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("cooperatie_id", "n")
    )

    result = {}
    maak_cijfers = Maker(Jaarcijfers)
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


def _afspraken(afspraken_qs) -> Iterator[Afspraak]:
    """The afspraken of the queryset (in its order) with their corporatie and
    cooperatie, in one query (as `select_related` would, but one instance per
    corporatie)."""
    maak = {
        model: Instanties(model, afspraken_qs.db)
        for model in (Afspraak, Corporatie, Cooperatie)
    }
    n_afspraak = len(maak[Afspraak].attnames)
    n_corporatie = len(maak[Corporatie].attnames)
    corporatie_cache = Afspraak.corporatie.field.cache_name
    cooperatie_cache = Afspraak.cooperatie.field.cache_name
    corporaties: dict[int, Corporatie] = {}
    for row in afspraken_qs.values_list(
        *maak[Afspraak].attnames,
        *(f"corporatie__{name}" for name in maak[Corporatie].attnames),
        *(f"cooperatie__{name}" for name in maak[Cooperatie].attnames),
    ):
        afspraak = maak[Afspraak](row[:n_afspraak])
        corporatie = corporaties.get(afspraak.corporatie_id)
        if corporatie is None:
            corporatie = corporaties[afspraak.corporatie_id] = maak[Corporatie](
                row[n_afspraak : n_afspraak + n_corporatie]
            )
        cache = afspraak._state.fields_cache
        cache[corporatie_cache] = corporatie
        cache[cooperatie_cache] = maak[Cooperatie](row[n_afspraak + n_corporatie :])
        yield afspraak


@gc_paused()
def corporatie_jaar(
    *,
    jaar: int,
    corporatie_ids: Iterable[int] | None = None,
    afspraak_ids: Iterable[int] | None = None,
) -> list[ToetsingRegel]:
    """Every afspraak running in the year (of the given corporaties, or all), with
    its result. Nine queries, however many afspraken: afspraken with their
    corporatie and cooperatie, gebouwen, toezeggingen, toetsingen and
    beoordelingen, and `jaarcijfers` (the activities summed only in the groups the
    toezeggingen tell apart, `_activiteit_vakken`). With `afspraak_ids`, only those
    afspraken (within the other filters).

    Related rows are grouped here rather than through `prefetch_related`, whose
    per-object querysets cost more than the queries themselves at this scale.
    The cyclic garbage collector waits while the result is built (`gc_paused`):
    its tens of thousands of objects hold no cycles, and collecting while they
    are made weighed as much as reading the toezeggingen.
    """
    afspraken_qs = Afspraak.objects.lopend_in(jaar)
    if corporatie_ids is not None:
        afspraken_qs = afspraken_qs.filter(corporatie_id__in=list(corporatie_ids))
    if afspraak_ids is not None:
        afspraken_qs = afspraken_qs.filter(pk__in=list(afspraak_ids))
    afspraken = list(
        _afspraken(afspraken_qs.order_by("corporatie__naam", "cooperatie__naam", "pk"))
    )
    in_scope = afspraken_qs.values("pk")
    gebouwen: dict[int, list] = defaultdict(list)
    for koppeling in (
        Afspraak.gebouwen.through.objects.filter(afspraak_id__in=in_scope)
        .select_related("gebouw")
        .order_by("pk")
    ):
        gebouwen[koppeling.afspraak_id].append(koppeling.gebouw)
    for afspraak in afspraken:
        afspraak._prefetched_objects_cache = VoorafGeladen(
            afspraak, {"gebouwen": gebouwen.get(afspraak.id, [])}
        )
    specs: dict[int, list[ToezeggingSpec]] = defaultdict(list)
    maak_spec = Maker(ToezeggingSpec)  # its fields: id, then SPEC_FIELDS
    for afspraak_id, *spec in rijen(
        Toezegging.objects.filter(afspraak_id__in=in_scope)
        .order_by("afspraak_id", "volgorde", "pk")
        .values_list("afspraak_id", "pk", *SPEC_FIELDS)
    ):
        specs[afspraak_id].append(maak_spec(*spec))
    toetsing_van = Instanties(Toetsing, afspraken_qs.db)
    toetsingen = {
        t.afspraak_id: t
        for t in map(
            toetsing_van,
            Toetsing.objects.filter(afspraak_id__in=in_scope, jaar=jaar)
            .order_by()
            .values_list(*toetsing_van.attnames),
        )
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
    cijfers = _jaarcijfers(
        ids=list({a.cooperatie_id: None for a in afspraken}),
        cooperaties=afspraken_qs.values("cooperatie_id"),
        jaar=jaar,
        filters=activiteitfilters(s for rij in specs.values() for s in rij),
    )
    regels = []
    maak_regel = Maker(ToetsingRegel)
    for afspraak in afspraken:
        toetsing = toetsingen.get(afspraak.id)
        resultaat, bevroren = toetsing_resultaat(
            afspraak=afspraak,
            jaar=jaar,
            toetsing=toetsing,
            specs=specs[afspraak.id],
            cijfers=cijfers[afspraak.cooperatie_id],
            beoordelingen=beoordelingen.get(toetsing.id, {}) if toetsing else {},
        )
        regels.append(
            maak_regel(
                afspraak, toetsing, resultaat, bevroren, cijfers[afspraak.cooperatie_id]
            )
        )
    return regels


def prestatieafspraak_waarschuwingen(afspraak: Afspraak) -> list[str]:
    """What is worth a look, but not refused, about the prestatieafspraak an
    afspraak refers to (the refusals: `services.check_prestatieafspraak`): an
    afspraak without gebouwen, gebouwen in another gemeente, and years of the
    afspraak the prestatieafspraak does not cover."""
    p = afspraak.prestatieafspraak
    if p is None:
        return []
    waarschuwingen = []
    gebouwen = list(afspraak.gebouwen.all())
    if not gebouwen:
        waarschuwingen.append(
            _(
                "De afspraak noemt geen gebouwen: of de prestatieafspraak in hun "
                "gemeente geldt, is niet na te gaan."
            )
        )
    elders = sorted(
        f"{g.complexnummer} ({g.gemeentecode})"
        for g in gebouwen
        if g.gemeentecode != p.gemeentecode
    )
    if elders:
        waarschuwingen.append(
            _("Deze gebouwen liggen buiten %(gemeente)s: %(gebouwen)s.")
            % {"gemeente": p.gemeentecode, "gebouwen": ", ".join(elders)}
        )
    if afspraak.eindjaar is None:
        buiten: list = list(range(afspraak.ingangsjaar, p.ingangsjaar))
        if p.eindjaar is not None:
            buiten.append(_("na %(jaar)s") % {"jaar": p.eindjaar})
    else:
        buiten = [
            j
            for j in range(afspraak.ingangsjaar, afspraak.eindjaar + 1)
            if not p.loopt_in(j)
        ]
    if buiten:
        waarschuwingen.append(
            _(
                "De prestatieafspraak geldt niet in %(jaren)s, waarin de afspraak "
                "wel loopt."
            )
            % {"jaren": ", ".join(map(str, buiten))}
        )
    return waarschuwingen

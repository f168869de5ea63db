"""Reads across relations for the yearly assessment.

`corporatie_jaar` reads and measures every afspraak of a corporatie-year in a
constant number of queries, each compiled once per year and corporaties
(`kern.inlezen.Gecompileerd`); `toetsing_resultaat` gives one afspraak's
result. The measurement inputs themselves (`jaarcijfers`) are read in
`afspraken.cijfers`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext as _

from cooperatie.models import Cooperatie, Corporatie, Gebouw
from kern.geheugen import gc_paused
from kern.inlezen import Gecompileerd, Instanties, VoorafGeladen, pipelined
from kern.maker import Maker

from .choices import LOCKED_STATUSES
from .cijfers import Bereik, activiteitfilters, jaarcijfers, send_jaarcijfers
from .evaluatie import (
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


def _kolommen(model) -> tuple[str, ...]:
    return tuple(f.attname for f in model._meta.concrete_fields)


_AFSPRAKEN = Gecompileerd(
    lambda bereik: (
        bereik.afspraken()
        .order_by("corporatie__naam", "cooperatie__naam", "pk")
        .values_list(
            *_kolommen(Afspraak),
            *(f"corporatie__{name}" for name in _kolommen(Corporatie)),
            *(f"cooperatie__{name}" for name in _kolommen(Cooperatie)),
        )
    )
)

_GEBOUWEN = Gecompileerd(
    lambda bereik: (
        Afspraak.gebouwen.through.objects.filter(afspraak_id__in=bereik.afspraak_pks())
        .order_by("pk")
        .values_list("afspraak_id", *(f"gebouw__{name}" for name in _kolommen(Gebouw)))
    )
)

_TOEZEGGINGEN = Gecompileerd(
    lambda bereik: (
        Toezegging.objects.filter(afspraak_id__in=bereik.afspraak_pks())
        .order_by("afspraak_id", "volgorde", "pk")
        .values_list("afspraak_id", "pk", *SPEC_FIELDS)
    )
)

# A ToezeggingSpec from the values of its fields in order, as the toezeggingen
# query reads them after the afspraak id (a tuple made in one step; its
# fields are the id and SPEC_FIELDS, in this order: tests/afspraken).
_maak_spec = tuple.__new__

_TOETSINGEN = Gecompileerd(
    lambda bereik: (
        Toetsing.objects.filter(afspraak_id__in=bereik.afspraak_pks(), jaar=bereik.jaar)
        .order_by()
        .values_list(*_kolommen(Toetsing))
    )
)

_BEOORDELINGEN = Gecompileerd(
    lambda bereik: (
        BeoordelingModel.objects.filter(
            toetsing__afspraak_id__in=bereik.afspraak_pks(), toetsing__jaar=bereik.jaar
        )
        .order_by()
        .values_list("toetsing_id", "toezegging_id", "oordeel", "toelichting")
    )
)


def _afspraken(rows) -> Iterator[Afspraak]:
    """The afspraken (the rows of `_AFSPRAKEN`) with their corporatie and
    cooperatie, as `select_related` would make them, but one instance per
    corporatie."""
    db = Afspraak.objects.db
    maak = {
        model: Instanties(model, db) for model in (Afspraak, Corporatie, Cooperatie)
    }
    n_afspraak = len(maak[Afspraak].attnames)
    n_corporatie = len(maak[Corporatie].attnames)
    corporatie_cache = Afspraak.corporatie.field.cache_name
    cooperatie_cache = Afspraak.cooperatie.field.cache_name
    corporaties: dict[int, Corporatie] = {}
    for row in rows:
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
    Each query is compiled once per year and corporaties (`Gecompileerd`), and
    they are sent in three rounds (`pipelined`): the toezeggingen; then the
    afspraken and their other rows, which the database answers while the
    toezeggingen are made into specs; then, once those answers are in, the year's
    figures (which sum the activities as the toezeggingen need), which the
    database answers while the afspraken and their other rows are made.
    The cyclic garbage collector waits while the result is built (`gc_paused`):
    its tens of thousands of objects hold no cycles, and collecting while they
    are made weighed as much as reading the toezeggingen.
    """
    bereik = Bereik(
        jaar,
        None if corporatie_ids is None else tuple(corporatie_ids),
        None if afspraak_ids is None else tuple(afspraak_ids),
    )
    with pipelined(Afspraak.objects.db) as answers:
        # The toezeggingen alone first: the year's figures are summed as they
        # need, and the database answers the other rows while they are made
        # into specs.
        toezegging_rows = iter(_TOEZEGGINGEN.send(bereik))
        afspraak_rows = _AFSPRAKEN.send(bereik)
        gebouw_rows = _GEBOUWEN.send(bereik)
        toetsing_rows = _TOETSINGEN.send(bereik)
        beoordeling_rows = _BEOORDELINGEN.send(bereik)
        specs: dict[int, list[ToezeggingSpec]] = defaultdict(list)
        for row in toezegging_rows:  # afspraak_id, then the spec's fields
            specs[row[0]].append(_maak_spec(ToezeggingSpec, row[1:]))
        filters = activiteitfilters(s for rij in specs.values() for s in rij)
        # Taken in before the year's figures are sent, so reading the
        # afspraken does not wait for those.
        answers.wait()
        read_cijfers = send_jaarcijfers(cooperaties=bereik, jaar=jaar, filters=filters)
        afspraken = list(_afspraken(afspraak_rows))
        gebouwen: dict[int, list] = defaultdict(list)
        maak_gebouw = Instanties(Gebouw, Gebouw.objects.db)
        for afspraak_id, *gebouw in gebouw_rows:
            gebouwen[afspraak_id].append(maak_gebouw(gebouw))
        for afspraak in afspraken:
            afspraak._prefetched_objects_cache = VoorafGeladen(
                afspraak, {"gebouwen": gebouwen.get(afspraak.id, [])}
            )
        toetsing_van = Instanties(Toetsing, Toetsing.objects.db)
        toetsingen = {t.afspraak_id: t for t in map(toetsing_van, toetsing_rows)}
        beoordelingen: dict[int, dict[int, Beoordeling]] = defaultdict(dict)
        for toetsing_id, toezegging_id, oordeel, toelichting in beoordeling_rows:
            beoordelingen[toetsing_id][toezegging_id] = Beoordeling(
                oordeel, toelichting
            )
        cijfers = read_cijfers(list({a.cooperatie_id: None for a in afspraken}))
    regels = []
    maak_regel = Maker(ToetsingRegel).maak
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

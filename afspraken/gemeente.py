"""The roll-up of a gemeente: every afspraak in its territory across
corporaties, per corporatie and per buurt, as aggregates only (domain §1, the
`gemeente` role).

Everything is built on `selectors.corporatie_jaar`, the same per-afspraak
results (verdict, toetsing status, each coöperatie's `Jaarcijfers`) that the
corporaties' own overviews show, and the activity figures are measured by the
toezeggingen's own arithmetic (`evaluatie.measure`), so the numbers are the
same as a corporatie's by construction.

Territory. The gebouwen of an afspraak are its own gebouwen; an afspraak that
names none counts the gebouwen of its corporatie on which its coöperatie has
an overeenkomst running in the year. An afspraak is in gemeente G when one of
those gebouwen lies in G; it is in buurt B of G when one of its gebouwen in G
has buurtcode B.

Counting (`totalen`, the same for every group: a corporatie, a buurt, the
whole gemeente, and the beheerder's own overview):

- coöperaties: the distinct coöperaties with an afspraak in the group;
- woningen: `aantal_woningen` of the group's gebouwen (in G, in B), each
  gebouw once;
- vrijwilligersuren, deelnemers_buurt and besteding (uitgaven minus the
  storno's of those uitgaven): each coöperatie's year figures once per group,
  however many afspraken, corporaties or buurten it has there (a coöperatie's
  activities are not located in one gebouw, so they are never split);
- besteding per woning: the group's besteding divided by its woningen, half up
  to cents (none without woningen), as in the portefeuillerapport;
- toetsingen per status and per verdict: each afspraak-year once.

So the total of the gemeente counts a coöperatie with afspraken with two
corporaties, or gebouwen in two buurten, once; its rows per corporatie and per
buurt each count it in full, and then do not add up to the total. Nothing here
reaches a member or a single booking: only sums per coöperatie-year leave
`corporatie_jaar`.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils import timezone

from cooperatie.models import Gebouw, Overeenkomst
from kern.gemeenten import gemeente_naam
from ledger.models import Activiteit
from ledger.selectors import bijdrage_per_cooperatie_jaar, bijdrage_samen

from .evaluatie import ToezeggingSpec, measure
from .models import Afspraak
from .portefeuille import (
    NIET_GEOPEND,
    STATUS_ORDER,
    VERDICT_ORDER,
    besteding_per_woning,
)
from .selectors import ToetsingRegel, corporatie_jaar


def _gemeten(indicator: str, cijfers) -> Decimal:
    """A coöperatie's year figure, measured as a toezegging on the indicator
    without filters would measure it."""
    spec = ToezeggingSpec(id=0, omschrijving="", indicator=indicator, norm=Decimal(0))
    waarde = measure(spec, cijfers)
    return Decimal(waarde.numerator) / Decimal(waarde.denominator)


@dataclass(frozen=True)
class Totalen:
    """The aggregates of a group of afspraak-years (see the module)."""

    afspraken: int = 0
    cooperaties: int = 0
    woningen: int = 0
    vrijwilligersuren: Decimal = Decimal(0)
    deelnemers_buurt: int = 0
    besteding: Decimal = Decimal(0)
    statussen: dict[str, int] = field(default_factory=dict)
    verdicten: dict[str, int] = field(default_factory=dict)

    @property
    def besteding_per_woning(self) -> Decimal | None:
        return besteding_per_woning(self.besteding, self.woningen)

    def as_data(self) -> dict[str, Any]:
        """As plain JSON data (decimals as strings)."""
        per_woning = self.besteding_per_woning
        return {
            "afspraken": self.afspraken,
            "cooperaties": self.cooperaties,
            "woningen": self.woningen,
            "vrijwilligersuren": f"{self.vrijwilligersuren:f}",
            "deelnemers_buurt": self.deelnemers_buurt,
            "besteding": f"{self.besteding.quantize(Decimal('0.01')):f}",
            "besteding_per_woning": None if per_woning is None else f"{per_woning:f}",
            "statussen": dict(self.statussen),
            "verdicten": dict(self.verdicten),
        }


def status_van(regel: ToetsingRegel) -> str:
    """The toetsing status of an afspraak-year (`niet_geopend` without one)."""
    return regel.toetsing.status if regel.toetsing is not None else NIET_GEOPEND


def totalen(
    regels: Iterable[ToetsingRegel], gebouwen: Mapping[int, Iterable[Gebouw]]
) -> Totalen:
    """The aggregates of these afspraak-years, counting for each afspraak the
    gebouwen `gebouwen[afspraak id]` (see the module). No query."""
    regels = list(regels)
    cijfers = {r.afspraak.cooperatie_id: r.cijfers for r in regels}
    woningen = {
        g.pk: g.aantal_woningen for r in regels for g in gebouwen.get(r.afspraak.pk, ())
    }
    statussen = Counter(status_van(r) for r in regels)
    verdicten = Counter(r.resultaat.verdict for r in regels)
    return Totalen(
        afspraken=len(regels),
        cooperaties=len(cijfers),
        woningen=sum(woningen.values()),
        vrijwilligersuren=sum(
            (_gemeten("vrijwilligersuren", c) for c in cijfers.values()), Decimal(0)
        ),
        deelnemers_buurt=int(
            sum(_gemeten("deelnemers_buurt", c) for c in cijfers.values())
        ),
        besteding=sum((c.besteding for c in cijfers.values()), Decimal(0)),
        statussen={s: statussen[s] for s in STATUS_ORDER if statussen[s]},
        verdicten={v: verdicten[v] for v in VERDICT_ORDER if verdicten[v]},
    )


def gebouwen_van(regels: list[ToetsingRegel], *, jaar: int) -> dict[int, list]:
    """Per afspraak its gebouwen: its own, or, for one that names none, the
    gebouwen of its corporatie its coöperatie has an overeenkomst on running
    in the year. One query at most (for the afspraken without gebouwen)."""
    result = {r.afspraak.pk: list(r.afspraak.gebouwen.all()) for r in regels}
    zonder = [r.afspraak for r in regels if not result[r.afspraak.pk]]
    if not zonder:
        return result
    paren = Q(pk__in=[])
    for afspraak in zonder:
        paren |= Q(
            cooperatie_id=afspraak.cooperatie_id,
            gebouw__corporatie_id=afspraak.corporatie_id,
        )
    per_paar: dict[tuple[int, int], dict[int, Gebouw]] = defaultdict(dict)
    for overeenkomst in (
        Overeenkomst.objects.filter(paren)
        .filter(ingangsdatum__lte=datetime.date(jaar, 12, 31))
        .filter(Q(einddatum__isnull=True) | Q(einddatum__gte=datetime.date(jaar, 1, 1)))
        .select_related("gebouw")
        .order_by("gebouw__complexnummer", "pk")
    ):
        gebouw = overeenkomst.gebouw
        per_paar[overeenkomst.cooperatie_id, gebouw.corporatie_id][gebouw.pk] = gebouw
    for afspraak in zonder:
        paar = (afspraak.cooperatie_id, afspraak.corporatie_id)
        result[afspraak.pk] = list(per_paar[paar].values())
    return result


def _binnen(
    regels: list[ToetsingRegel], gebouwen: dict[int, list], gemeentecode: str
) -> tuple[list[ToetsingRegel], dict[int, list]]:
    """The afspraken with a gebouw in the gemeente, each with only those gebouwen."""
    in_gemeente = {
        pk: [g for g in lijst if g.gemeentecode == gemeentecode]
        for pk, lijst in gebouwen.items()
    }
    return [r for r in regels if in_gemeente[r.afspraak.pk]], in_gemeente


def jaartotalen(
    *, corporatie_id: int, jaar: int, gemeentecode: str | None = None
) -> Totalen:
    """A corporatie's aggregates of the year (what its beheerder's overview
    shows), over its whole portfolio or, with `gemeentecode`, over its
    afspraken in that gemeente: exactly its row in the gemeente's roll-up."""
    regels = corporatie_jaar(jaar=jaar, corporatie_ids=[corporatie_id])
    gebouwen = gebouwen_van(regels, jaar=jaar)
    if gemeentecode:
        regels, gebouwen = _binnen(regels, gebouwen, gemeentecode)
    return totalen(regels, gebouwen)


@dataclass(frozen=True)
class Groep:
    """One row of the roll-up: a corporatie or a buurt, with its aggregates."""

    sleutel: str
    naam: str
    totalen: Totalen
    cooperatie_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class GemeenteOverzicht:
    """The roll-up of a gemeente-year."""

    gemeentecode: str
    naam: str
    jaar: int
    totaal: Totalen
    per_corporatie: list[Groep]
    per_buurt: list[Groep]

    def as_data(self) -> dict[str, Any]:
        """As plain JSON data (the API's and the report's)."""

        def groep(g: Groep, sleutel: str) -> dict[str, Any]:
            return {sleutel: g.sleutel, "naam": g.naam, **g.totalen.as_data()}

        return {
            "gemeentecode": self.gemeentecode,
            "gemeente": self.naam,
            "jaar": self.jaar,
            "totaal": self.totaal.as_data(),
            "per_corporatie": [
                {"corporatie_id": int(g.sleutel), "naam": g.naam, **g.totalen.as_data()}
                for g in self.per_corporatie
            ],
            "per_buurt": [groep(g, "buurtcode") for g in self.per_buurt],
        }


def gemeente_overzicht(*, gemeentecode: str, jaar: int) -> GemeenteOverzicht:
    """The roll-up of every afspraak running in the year in the gemeente's
    territory, per corporatie and per buurt (see the module). The queries of
    `corporatie_jaar` plus two: the afspraken in the territory, and the
    overeenkomsten of afspraken without gebouwen."""
    regels = corporatie_jaar(
        jaar=jaar,
        afspraak_ids=Afspraak.objects.lopend_in(jaar)
        .in_gemeente(gemeentecode)
        .values_list("pk", flat=True),
    )
    regels, gebouwen = _binnen(regels, gebouwen_van(regels, jaar=jaar), gemeentecode)

    per_corporatie: dict[int, list[ToetsingRegel]] = defaultdict(list)
    namen: dict[int, str] = {}
    per_buurt: dict[str, list[ToetsingRegel]] = defaultdict(list)
    for regel in regels:
        afspraak = regel.afspraak
        per_corporatie[afspraak.corporatie_id].append(regel)
        namen[afspraak.corporatie_id] = afspraak.corporatie.naam
        for code in {g.buurtcode for g in gebouwen[afspraak.pk]}:
            per_buurt[code].append(regel)

    def groep(sleutel: str, naam: str, rij: list, eigen: dict) -> Groep:
        return Groep(
            sleutel=sleutel,
            naam=naam,
            totalen=totalen(rij, eigen),
            cooperatie_ids=tuple(sorted({r.afspraak.cooperatie_id for r in rij})),
        )

    corporaties = [
        groep(str(pk), namen[pk], per_corporatie[pk], gebouwen)
        for pk in sorted(per_corporatie, key=lambda pk: (namen[pk], pk))
    ]
    buurten = []
    for code in sorted(per_buurt, key=lambda c: (c == "", c)):
        in_buurt = {
            pk: [g for g in lijst if g.buurtcode == code]
            for pk, lijst in gebouwen.items()
        }
        buurten.append(groep(code, code, per_buurt[code], in_buurt))
    return GemeenteOverzicht(
        gemeentecode=gemeentecode,
        naam=gemeente_naam(gemeentecode),
        jaar=jaar,
        totaal=totalen(regels, gebouwen),
        per_corporatie=corporaties,
        per_buurt=buurten,
    )


def gemeente_jaren(gemeentecode: str, *, tot: int | None = None) -> list[int]:
    """The years in which an afspraak in the gemeente runs, newest first, up to
    the running year (or `tot`)."""
    tot = tot or timezone.localdate().year
    jaren: set[int] = set()
    for begin, eind in (
        Afspraak.objects.in_gemeente(gemeentecode)
        .order_by()
        .values_list("ingangsjaar", "eindjaar")
        .distinct()
    ):
        jaren.update(range(begin, min(eind or tot, tot) + 1))
    return sorted(jaren, reverse=True)


def buurtbijdragen(
    per_buurt: Iterable[Groep], *, jaren: range
) -> dict[str, dict[int, dict[str, int | Decimal]]]:
    """Per buurt of the roll-up (`per_buurt`, rows with a buurtcode) the
    contribution per year of its coöperaties together (`ledger.selectors.
    bijdrage_per_jaar`'s shape), in one query for every buurt. The coöperaties
    are the roll-up's own, so every activity of theirs counts; only sums leave
    this function."""
    groepen = [g for g in per_buurt if g.sleutel]
    per_cooperatie = bijdrage_per_cooperatie_jaar(
        Activiteit.objects.all(),
        cooperatie_ids={i for g in groepen for i in g.cooperatie_ids},
        jaren=jaren,
    )
    return {
        g.sleutel: bijdrage_samen(per_cooperatie, g.cooperatie_ids) for g in groepen
    }


def buurt_kaartjaren(gebouwen, *, gemeentecode: str, buurtcodes: Iterable[str]):
    """The CBS kaartjaar of each buurtcode, as the gebouwen in the gemeente
    (`gebouwen`: those the reader may see) record it."""
    return dict(
        gebouwen.in_gemeente(gemeentecode)
        .filter(buurtcode__in=list(buurtcodes))
        .order_by("buurtcode", "kaartjaar")
        .values_list("buurtcode", "kaartjaar")
    )

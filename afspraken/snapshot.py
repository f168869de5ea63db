"""The stored result of a toetsing (its snapshot): built when the year is
submitted, completed with the assessments when it is approved, and the only source
the sealed nalevingsrapport is rendered from.

The snapshot holds aggregates and activity descriptions only; never a member's
name or any other personal data.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db.models import Count

from cooperatie.jaarslot import peildatum
from ledger.choices import WoningwetSignaal
from ledger.models import Activiteit, Boeking
from ledger.selectors import woningwet_signalen_in

from . import evaluatie
from .choices import ToetsingStatus
from .cijfers import jaarcijfers
from .evaluatie import Beoordeling
from .indicatoren import definitie
from .models import Prestatieafspraak, Toetsing
from .selectors import beoordelingen_of, spec_from_row, spec_of

# 2: cijfers.woningwet_signalen counts the activities per Woningwet flag
#    (ledger.woningwet); a snapshot without it (version 1) prints no such rows.
# 3: the afspraak's prestatieafspraak is an object (or None), its free text
#    is prestatieafspraak_kenmerk; earlier versions hold the text under
#    prestatieafspraak.
VERSIE = 3


def historie_of(toetsing: Toetsing) -> dict[str, list[list]]:
    """Measured values of the same toezeggingen in earlier, approved years."""
    historie: dict[str, list[list]] = defaultdict(list)
    earlier = (
        Toetsing.objects.filter(
            afspraak_id=toetsing.afspraak_id,
            jaar__lt=toetsing.jaar,
            status=ToetsingStatus.VASTGESTELD,
        )
        .exclude(snapshot=None)
        .order_by("jaar")
        .values_list("jaar", "snapshot")
    )
    for jaar, snapshot in earlier:
        for row in snapshot.get("toezeggingen", []):
            if row.get("waarde") is not None:
                historie[str(row["id"])].append([jaar, row["waarde"]])
    return dict(historie)


def _dec(value: Fraction | Decimal | None, places: int = 4) -> str | None:
    """A number as a plain decimal string with a fixed number of places."""
    if value is None:
        return None
    if isinstance(value, Fraction):
        return f"{evaluatie.to_decimal(value, places):f}"
    return f"{Decimal(value).quantize(Decimal(1).scaleb(-places)):f}"


def toezegging_rij(r: evaluatie.ToezeggingResultaat) -> dict[str, Any]:
    """One toezegging of the snapshot: its terms and its result."""
    return {
        "id": r.toezegging.id,
        "omschrijving": r.toezegging.omschrijving,
        "indicator": r.toezegging.indicator,
        "norm": _dec(r.toezegging.norm, 2),
        "richting": r.toezegging.richting,
        "deels_vanaf": _dec(r.toezegging.deels_vanaf, 2),
        "zwaarwegend": r.toezegging.zwaarwegend,
        "thema": r.toezegging.thema,
        "alleen_open_voor_buurt": r.toezegging.alleen_open_voor_buurt,
        "waarde": _dec(r.waarde),
        "weergave": r.waarde_weergave,
        "verdict": r.verdict,
        "toelichting": r.toelichting,
    }


def prestatieafspraak_rij(
    prestatieafspraak: Prestatieafspraak | None,
) -> dict[str, Any] | None:
    """The prestatieafspraak an afspraak refers to, as the snapshot keeps it
    (None: it refers to none). Snapshots sealed before prestatieafspraken were
    objects hold the free-text reference under this key instead."""
    if prestatieafspraak is None:
        return None
    return {
        "id": prestatieafspraak.pk,
        "titel": prestatieafspraak.titel,
        "gemeentecode": prestatieafspraak.gemeentecode,
        "ingangsjaar": prestatieafspraak.ingangsjaar,
        "eindjaar": prestatieafspraak.eindjaar,
        "huurdersorganisatie": prestatieafspraak.huurdersorganisatie,
    }


def build(toetsing: Toetsing) -> dict[str, Any]:
    """Measure the toetsing's year now and return the full snapshot."""
    afspraak = toetsing.afspraak
    jaar = toetsing.jaar
    cooperatie = afspraak.cooperatie
    corporatie = afspraak.corporatie
    cijfers = jaarcijfers(cooperatie_ids=[cooperatie.pk], jaar=jaar)[cooperatie.pk]
    specs = [spec_of(t) for t in afspraak.toezeggingen.all()]
    resultaat = evaluatie.evaluate(specs, cijfers, beoordelingen_of(toetsing))

    activiteiten = (
        Activiteit.objects.filter(cooperatie=cooperatie)
        .in_jaar(jaar)
        .annotate(aantal_vrijwilligers=Count("vrijwilligers"))
        .order_by("datum", "pk")
    )
    # The bookings that count for the year: its own, and the storno's of them.
    boekingen = (
        Boeking.objects.filter(cooperatie=cooperatie)
        .voor_jaar(jaar)
        .order_by("datum", "pk")
    )
    groepen = cijfers.activiteiten
    signalen = woningwet_signalen_in(
        Activiteit.objects.filter(cooperatie=cooperatie).in_jaar(jaar)
    )

    return {
        "versie": VERSIE,
        "toetsing": {
            "id": toetsing.pk,
            "jaar": jaar,
            "peildatum": peildatum(jaar).isoformat(),
        },
        "corporatie": {
            "id": corporatie.pk,
            "naam": corporatie.naam,
            "kvk_nummer": corporatie.kvk_nummer,
            "plaats": corporatie.plaats,
        },
        "cooperatie": {
            "id": cooperatie.pk,
            "naam": cooperatie.naam,
            "soort": cooperatie.soort,
            "kvk_nummer": cooperatie.kvk_nummer,
        },
        "afspraak": {
            "id": afspraak.pk,
            "titel": afspraak.titel,
            "ingangsjaar": afspraak.ingangsjaar,
            "eindjaar": afspraak.eindjaar,
            "ondertekend_op": (
                afspraak.ondertekend_op.isoformat() if afspraak.ondertekend_op else None
            ),
            "prestatieafspraak": prestatieafspraak_rij(afspraak.prestatieafspraak),
            "prestatieafspraak_kenmerk": afspraak.prestatieafspraak_kenmerk,
        },
        "gebouwen": [
            {
                "complexnummer": g.complexnummer,
                "naam": g.naam,
                "adres": g.adres,
                "gemeentecode": g.gemeentecode,
                "buurtcode": g.buurtcode,
                "aantal_woningen": g.aantal_woningen,
            }
            for g in afspraak.gebouwen.order_by("complexnummer")
        ],
        "cijfers": {
            "aantal_leden": cijfers.aantal_leden,
            "aantal_doelgroep": cijfers.aantal_doelgroep,
            "aandeel_doelgroep": _dec(
                evaluatie.percentage(cijfers.aantal_doelgroep, cijfers.aantal_leden)
            ),
            "actieve_leden": cijfers.actieve_leden,
            "aantal_activiteiten": sum(g.aantal for g in groepen),
            "vrijwilligersuren": _dec(
                sum((g.vrijwilligersuren for g in groepen), Decimal(0)), 2
            ),
            "deelnemers_buurt": sum(g.deelnemers_buurt for g in groepen),
            "uitgaven": _dec(cijfers.uitgaven, 2),
            "uitgaven_gestorneerd": _dec(cijfers.uitgaven_gestorneerd, 2),
            "besteding": _dec(cijfers.besteding, 2),
            "woningwet_signalen": {
                code: sum(code in found for found in signalen.values())
                for code in WoningwetSignaal.values
            },
        },
        "toezeggingen": [toezegging_rij(r) for r in resultaat.toezeggingen],
        "verdict": resultaat.verdict,
        "activiteiten": [
            {
                "datum": a.datum.isoformat(),
                "titel": a.titel,
                "thema": a.thema,
                "omschrijving": a.omschrijving,
                "open_voor_buurt": a.open_voor_buurt,
                "deelnemers_leden": a.deelnemers_leden,
                "deelnemers_buurt": a.deelnemers_buurt,
                "vrijwilligersuren": _dec(a.vrijwilligersuren, 2),
                "aantal_vrijwilligers": a.aantal_vrijwilligers,
                "partners": a.partners,
            }
            for a in activiteiten
        ],
        "boekingen": [
            {
                "id": b.pk,
                "datum": b.datum.isoformat(),
                "soort": b.soort,
                "bedrag": _dec(b.bedrag, 2),
                "omschrijving": b.omschrijving,
                "storno_van": b.corrigeert_id,
            }
            for b in boekingen
        ],
        "historie": historie_of(toetsing),
    }


def with_beoordelingen(
    snapshot: dict[str, Any], beoordelingen: dict[int, Beoordeling]
) -> dict[str, Any]:
    """The snapshot with kwalitatief assessments applied and the whole re-judged.

    Measured values stay as frozen at submission; only assessments change.
    """
    rows = []
    resultaten = []
    for row in snapshot["toezeggingen"]:
        row = dict(row)
        if definitie(row["indicator"]).kwalitatief and row["id"] in beoordelingen:
            b = beoordelingen[row["id"]]
            row["verdict"], row["toelichting"] = b.oordeel, b.toelichting
        rows.append(row)
        resultaten.append(
            evaluatie.ToezeggingResultaat(
                spec_from_row(row),
                None,
                row["verdict"],
            )
        )
    return {
        **snapshot,
        "toezeggingen": rows,
        "verdict": evaluatie.toetsing_verdict(resultaten),
    }

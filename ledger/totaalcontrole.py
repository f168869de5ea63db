"""Checking and repairing the activity totals the database keeps
(ledger/jaartotalen.py): a recount from the activity rows compared with the
stored tables, and a rebuild that journals every coöperatie-year it changed
(`manage.py check_activiteittotalen [--herstel]`)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, Sum
from django.db.models.functions import ExtractYear

from .jaartotalen import ACTIVITEIT, TELLING, TOTAAL, VRIJWILLIGER, _vul_sql

Totalen = dict[tuple, tuple[int, Decimal, int]]
Tellingen = dict[tuple, int]


def _berekend() -> tuple[Totalen, Tellingen]:
    """Both tables as the activity rows make them."""
    from .models import Activiteit, Vrijwilliger

    totalen = {
        (r["cooperatie_id"], r["jaar"], r["thema"], r["open_voor_buurt"]): (
            r["aantal"],
            Decimal(r["uren"]),
            r["buurt"],
        )
        for r in Activiteit.objects.annotate(jaar=ExtractYear("datum"))
        .values("cooperatie_id", "jaar", "thema", "open_voor_buurt")
        .annotate(
            aantal=Count("id"),
            uren=Sum("vrijwilligersuren"),
            buurt=Sum("deelnemers_buurt"),
        )
        .order_by()
    }
    tellingen = {
        (r["activiteit__cooperatie_id"], r["jaar"], r["lid_id"]): r["aantal"]
        for r in Vrijwilliger.objects.annotate(jaar=ExtractYear("activiteit__datum"))
        .values("activiteit__cooperatie_id", "jaar", "lid_id")
        .annotate(aantal=Count("id"))
        .order_by()
    }
    return totalen, tellingen


def _opgeslagen() -> tuple[Totalen, Tellingen]:
    from .models import ActiviteitJaartotaal, VrijwilligerJaartelling

    totalen = {
        (cooperatie_id, jaar, thema, open_): (aantal, Decimal(uren), buurt)
        for cooperatie_id, jaar, thema, open_, aantal, uren, buurt in (
            ActiviteitJaartotaal.objects.order_by().values_list(
                "cooperatie_id",
                "jaar",
                "thema",
                "open_voor_buurt",
                "aantal",
                "vrijwilligersuren",
                "deelnemers_buurt",
            )
        )
    }
    tellingen = {
        (cooperatie_id, jaar, lid_id): aantal
        for cooperatie_id, jaar, lid_id, aantal in (
            VrijwilligerJaartelling.objects.order_by().values_list(
                "cooperatie_id", "jaar", "lid_id", "aantal"
            )
        )
    }
    return totalen, tellingen


@dataclass(frozen=True)
class Verschil:
    """A cooperatie-year whose stored totals differ from its activities."""

    cooperatie_id: int
    jaar: int
    totalen: int  # keys (thema, openness) that differ
    vrijwilligers: int  # members whose count differs


def _vergrendel() -> None:
    """Keep writers of activities and volunteers out until the transaction ends
    (SQLite's IMMEDIATE transactions already do)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {ACTIVITEIT}, {VRIJWILLIGER} IN SHARE MODE")


def _vergelijk() -> list[Verschil]:
    berekend, opgeslagen = _berekend(), _opgeslagen()
    per_jaar: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    for i in (0, 1):
        for sleutel in berekend[i].keys() | opgeslagen[i].keys():
            if berekend[i].get(sleutel) != opgeslagen[i].get(sleutel):
                per_jaar[sleutel[:2]][i] += 1
    return [
        Verschil(cooperatie_id, jaar, totalen, vrijwilligers)
        for (cooperatie_id, jaar), (totalen, vrijwilligers) in sorted(per_jaar.items())
    ]


def verschillen() -> list[Verschil]:
    """Every cooperatie-year whose stored totals or volunteer counts differ from
    a recomputation from the activity rows (none when the triggers did their
    work)."""
    with transaction.atomic():
        _vergrendel()
        return _vergelijk()


def herstel(*, actor=None) -> list[Verschil]:
    """Rebuild both tables from the activity rows, in one transaction that keeps
    writers out; journal each cooperatie-year that differed. Returns those."""
    from kern import journal

    with transaction.atomic():
        _vergrendel()
        gevonden = _vergelijk()
        if not gevonden:
            return gevonden
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TOTAAL}")
            cursor.execute(f"DELETE FROM {TELLING}")
            for statement in _vul_sql(connection.vendor):
                cursor.execute(statement)
        journal.record_many(
            actor=actor,
            action="activiteittotalen_herstel",
            writes=[
                {
                    "object_type": "ledger.activiteitjaartotaal",
                    "object_id": f"{v.cooperatie_id}-{v.jaar}",
                    "object_repr": f"{v.jaar}",
                    "cooperatie_id": v.cooperatie_id,
                    "after": {
                        "jaar": v.jaar,
                        "totalen": v.totalen,
                        "vrijwilligers": v.vrijwilligers,
                    },
                }
                for v in gevonden
            ],
        )
    return gevonden

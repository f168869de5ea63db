"""Benchmark: what the triggers that keep the activity totals cost a write.

Writes the same activities (each with two volunteers) with the triggers of
`ledger.jaartotalen` in place and with them dropped, in turn, each round into
fresh cooperaties:

- bulk: `bulk_create` of N activities and then of their volunteer rows, as an
  import or the demo does, in one committed transaction;
- one by one: `create` of each activity and `add` of its volunteers (the
  service path), in one committed transaction;
- delete: the ORM's delete of those activities (volunteer rows first).

Prints rows/s of each with and without the triggers and their ratio (best of
--runs), then puts the triggers back and checks the totals against the rows.
Not a test: run `python bench/jaartotalen.py` (options: --rows N, --runs R;
BENCH_DATABASE_URL for PostgreSQL).
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import random
import time
from decimal import Decimal

from _setup import setup_django

THEMAS = ["ontmoeting", "groen", "duurzaamheid", "taal_educatie", "overig"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    setup_django()
    from django.db import connection, transaction

    from cooperatie.models import Cooperatie, Lid
    from ledger import jaartotalen, totaalcontrole
    from ledger.models import Activiteit, Vrijwilliger

    rng = random.Random(42)
    volgnummer = itertools.count()

    def cooperatie_met_leden():
        k = next(volgnummer)
        cooperatie = Cooperatie.objects.create(
            naam=f"Coöperatie {k}", soort="woon", kvk_nummer=f"{30000000 + k}"
        )
        leden = Lid.objects.bulk_create(
            Lid(
                cooperatie=cooperatie,
                naam=f"Lid {i}",
                lid_sinds=datetime.date(2020, 1, 1),
            )
            for i in range(20)
        )
        return cooperatie, leden

    def activiteiten(cooperatie):
        return [
            Activiteit(
                cooperatie=cooperatie,
                datum=datetime.date(2024, 1 + k % 12, 1 + k % 28),
                titel=f"Activiteit {k}",
                thema=THEMAS[k % len(THEMAS)],
                open_voor_buurt=bool(k % 2),
                deelnemers_buurt=rng.randint(0, 8),
                vrijwilligersuren=Decimal(rng.randint(1, 8)) / 2,
            )
            for k in range(args.rows)
        ]

    def bulk() -> tuple[float, float]:
        cooperatie, leden = cooperatie_met_leden()
        rows = activiteiten(cooperatie)
        start = time.perf_counter()
        with transaction.atomic():
            Activiteit.objects.bulk_create(rows)
            Vrijwilliger.objects.bulk_create(
                Vrijwilliger(activiteit=a, lid=lid)
                for i, a in enumerate(rows)
                for lid in (leden[i % 20], leden[(i + 7) % 20])
            )
        seconds = time.perf_counter() - start
        start = time.perf_counter()
        with transaction.atomic():
            Activiteit.objects.filter(cooperatie=cooperatie).delete()
        return seconds, time.perf_counter() - start

    def een_voor_een() -> float:
        cooperatie, leden = cooperatie_met_leden()
        rows = activiteiten(cooperatie)
        start = time.perf_counter()
        with transaction.atomic():
            for i, a in enumerate(rows):
                a.save()
                a.vrijwilligers.add(leden[i % 20], leden[(i + 7) % 20])
        return time.perf_counter() - start

    def zonder_triggers():
        with connection.schema_editor() as editor:
            jaartotalen.verwijder(editor)

    def met_triggers():
        with connection.schema_editor() as editor:
            jaartotalen.verwijder(editor)  # if there, so created once
            jaartotalen.installeer_triggers(editor)

    best: dict[str, float] = {}

    def meet(naam, seconden):
        best[naam] = min(best.get(naam, float("inf")), seconden)

    for _ in range(args.runs):
        for triggers in (True, False):
            (met_triggers if triggers else zonder_triggers)()
            suffix = "met" if triggers else "zonder"
            insert_s, delete_s = bulk()
            meet(f"bulk {suffix}", insert_s)
            meet(f"delete {suffix}", delete_s)
            meet(f"single {suffix}", een_voor_een())
    met_triggers()
    # The rows written without the triggers are counted again.
    totaalcontrole.herstel()
    assert totaalcontrole.verschillen() == []

    print(f"database             {connection.vendor}")
    print(f"runs                 {args.runs} (best of)")
    print(f"rows                 {args.rows} activities, 2 volunteers each")
    for naam, label in (
        ("bulk", "bulk_create"),
        ("single", "one by one"),
        ("delete", "delete"),
    ):
        met, zonder = best[f"{naam} met"], best[f"{naam} zonder"]
        print(
            f"{label:<20} {args.rows / met:,.0f} rows/s with the triggers, "
            f"{args.rows / zonder:,.0f} without: ratio {met / zonder:.2f}"
        )


if __name__ == "__main__":
    main()

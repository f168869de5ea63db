"""Benchmark: evaluating a whole corporatie-year against a bare SQL GROUP BY.

Builds one corporatie with 1,000 cooperaties × 100 activities (and a member and a
booking each), then times, in the same run:

- `evaluate_year`'s work: `afspraken.selectors.corporatie_jaar` (the selectors'
  SQL aggregates plus the pure evaluation of every toezegging), and
- a raw SQL GROUP BY over the same activity rows (count, sum of hours, sum of
  neighbourhood participants per cooperatie): the floor any implementation pays.

Prints both timings (the two run in turn, the fastest run of each counted) and
their ratio, and where the evaluation's time goes: each of its queries (run
again alone and read to the last row), the pure evaluation, and the rest (the
ORM, building rows and results). On PostgreSQL the call sends its queries in
a pipeline, so the database answers some while Python reads others: their
times, each read alone, then add up to more than they cost the call, and the
rest is what is left of the call once they are taken off. On PostgreSQL the
scratch database is analysed after the bulk insert, as a live one is by
autovacuum. Not a test: run
`python bench/evaluate.py` (optionally `--cooperaties N --activiteiten M`).
"""

from __future__ import annotations

import argparse
import datetime
import random
from decimal import Decimal

from _setup import best_of, interleaved_best_of, setup_django, timer

JAAR = 2024


def build(n_coops: int, n_act: int) -> int:
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from afspraken.models import Afspraak, Toetsing, Toezegging
    from cooperatie.models import Cooperatie, Corporatie, Lid, Relatie
    from ledger.models import Activiteit, Boeking

    rng = random.Random(42)
    themas = ["ontmoeting", "groen", "duurzaamheid", "taal_educatie", "overig"]
    with transaction.atomic():
        get_user_model().objects.create(username="bench")
        corporatie = Corporatie.objects.create(
            naam="Woonstichting Benchmark", kvk_nummer="12345678", plaats="Utrecht"
        )
        coops = Cooperatie.objects.bulk_create(
            Cooperatie(
                naam=f"Coöperatie {i}", soort="woon", kvk_nummer=f"{20000000 + i}"
            )
            for i in range(n_coops)
        )
        afspraken = Afspraak.objects.bulk_create(
            Afspraak(
                corporatie=corporatie,
                cooperatie=c,
                titel=f"Afspraak {c.pk}",
                ingangsjaar=2023,
                eindjaar=2027,
            )
            for c in coops
        )
        # Bulk inserts pass no service: the ties the services would keep.
        Relatie.objects.bulk_create(
            Relatie(corporatie=corporatie, cooperatie=c) for c in coops
        )
        Toezegging.objects.bulk_create(
            Toezegging(afspraak=a, omschrijving=o, indicator=i, norm=Decimal(n))
            for a in afspraken
            for o, i, n in (
                ("Activiteiten", "aantal_activiteiten", 80),
                ("Uren", "vrijwilligersuren", 150),
                ("Buurt", "deelnemers_buurt", 300),
                ("Besteding", "besteding", 100),
                ("Leden", "aantal_leden", 1),
            )
        )
        Toetsing.objects.bulk_create(Toetsing(afspraak=a, jaar=JAAR) for a in afspraken)
        Lid.objects.bulk_create(
            Lid(cooperatie=c, naam="Lid", lid_sinds=datetime.date(2020, 1, 1))
            for c in coops
        )
        Boeking.objects.bulk_create(
            Boeking(
                cooperatie=c,
                datum=datetime.date(JAAR, 6, 1),
                soort="uitgave",
                bedrag=Decimal("125.50"),
                omschrijving="Uitgave",
            )
            for c in coops
        )
        for c in coops:
            Activiteit.objects.bulk_create(
                Activiteit(
                    cooperatie=c,
                    datum=datetime.date(JAAR, 1 + k % 12, 1 + k % 28),
                    titel=f"Activiteit {k}",
                    thema=themas[k % len(themas)],
                    open_voor_buurt=bool(k % 2),
                    deelnemers_buurt=rng.randint(0, 8),
                    vrijwilligersuren=Decimal(rng.randint(1, 8)) / 2,
                )
                for k in range(n_act)
            )
    return corporatie.pk


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cooperaties", type=int, default=1000)
    parser.add_argument("--activiteiten", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    setup_django()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from afspraken.evaluatie import evaluate
    from afspraken.selectors import corporatie_jaar

    results: dict[str, float] = {}
    with timer(results, "build"):
        corporatie_id = build(args.cooperaties, args.activiteiten)
    if connection.vendor == "postgresql":
        # A live database keeps its planner statistics (autovacuum); a freshly
        # bulk-loaded scratch database has none until analysed.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    regels = corporatie_jaar(jaar=JAAR, corporatie_ids=[corporatie_id])
    assert len(regels) == args.cooperaties

    def app() -> None:
        corporatie_jaar(jaar=JAAR, corporatie_ids=[corporatie_id])

    def raw() -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT cooperatie_id, COUNT(*), SUM(vrijwilligersuren), "
                "SUM(deelnemers_buurt) FROM ledger_activiteit "
                "WHERE datum BETWEEN %s AND %s GROUP BY cooperatie_id",
                [datetime.date(JAAR, 1, 1), datetime.date(JAAR, 12, 31)],
            )
            rows = cursor.fetchall()
        assert len(rows) == args.cooperaties

    # Interleaved, so a noisy neighbour slows both sides alike; the fastest run
    # of each is the least disturbed.
    app_s, raw_s = interleaved_best_of(args.runs, app, raw)

    # Where the time goes: the queries (each run again as the database got it,
    # read to the last row: the database's work and the driver's), the pure
    # evaluation of every toezegging on the loaded figures, and the rest (the
    # ORM, building rows and results).
    with CaptureQueriesContext(connection) as queries:
        regels = corporatie_jaar(jaar=JAAR, corporatie_ids=[corporatie_id])

    def rerun(sql: str):
        def run() -> None:
            with connection.cursor() as cursor:
                cursor.execute(sql)
                cursor.fetchall()

        return run

    query_s = interleaved_best_of(
        args.runs, *(rerun(q["sql"]) for q in queries.captured_queries)
    )
    kinds = [
        q["sql"].split(" FROM ", 1)[1].split()[0] for q in queries.captured_queries
    ]

    def pure() -> None:
        for regel in regels:
            specs = [r.toezegging for r in regel.resultaat.toezeggingen]
            evaluate(specs, regel.cijfers, {})

    pure_s = best_of(args.runs, pure)
    n_toezeggingen = sum(len(r.resultaat.toezeggingen) for r in regels)
    rows = args.cooperaties * args.activiteiten
    print(f"database             {connection.vendor}")
    shape = f"{args.cooperaties} cooperaties × {args.activiteiten}"
    print(f"activities           {rows:,} ({shape})")
    print(f"build (bulk insert)  {results['build']:.2f} s")
    print(f"evaluate_year        {app_s * 1000:.1f} ms  (best of {args.runs})")
    print(f"  queries            {len(queries)} ({sum(query_s) * 1000:.1f} ms read)")
    for kind, seconds in sorted(zip(kinds, query_s, strict=True), key=lambda q: -q[1]):
        print(f"    {seconds * 1000:6.1f} ms  {kind}")
    print(
        f"  pure evaluation    {pure_s * 1000:.1f} ms  "
        f"({n_toezeggingen:,} toezeggingen, best of {args.runs})"
    )
    rest_s = app_s - sum(query_s) - pure_s
    print(
        f"  the rest           {rest_s * 1000:.1f} ms  (ORM, rows, results; "
        "less what the pipelined queries overlap)"
    )
    print(f"raw SQL GROUP BY     {raw_s * 1000:.1f} ms  (best of {args.runs})")
    print(f"ratio app / raw      {app_s / raw_s:.2f}")


if __name__ == "__main__":
    main()

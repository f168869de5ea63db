"""Benchmark: importing 2,000 new members, and files of activities and bookings,
through the real import path, against a bare `bulk_create` of the same rows.

Per run, a fresh cooperatie with its bestuur gets, in the same process:

- members: a seeded CSV of N new members read and imported as
  `manage.py import_members` does (`parse_file`, then `import_members`: the
  plan, every row's checks, the writes and their journal entries, in one
  committed transaction);
- activities and bookings: seeded CSVs (volunteers named by the imported
  members' names, some bookings naming an activity) read and imported as
  `manage.py import_activiteiten` / `import_boekingen` do (`parse_file`, then
  `import_rows`);
- the baseline: `bulk_create` of the same Lid, Activiteit (with volunteer
  rows) and Boeking rows in a committed transaction, into a second fresh
  cooperatie: no checks, no journal.

Prints rows/s of each (by the clock, and by this process's CPU time, which
a busy machine disturbs less) and the ratio import / bare (best of --runs). Not a test:
run `python bench/import.py` (options: --members N, --rows N (activities and
bookings, at most a file's limit of 1,000), --runs R; BENCH_DATABASE_URL for
PostgreSQL).
"""

from __future__ import annotations

import argparse
import datetime
import io
import os
import random
from decimal import Decimal

from _setup import setup_django

VOORNAMEN = ["Anna", "Jan", "Fatima", "Mehmet", "Sanne", "Pieter", "Noor", "Ravi"]
ACHTERNAMEN = ["de Vries", "Bakker", "El Amrani", "Yilmaz", "Jansen", "Visser"]
STRATEN = ["Kastanjelaan", "Lindenhof", "Beukenstraat", "Eikenpad"]
THEMAS = ["ontmoeting", "groen", "duurzaamheid", "taal_educatie", "overig"]


def _csv(header: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    for line in [header, *rows]:
        out.write(";".join(line) + "\r\n")
    return out.getvalue().encode("utf-8")


def member_rows(n: int, seed: int) -> list[dict]:
    """n new members: unique names and e-mail addresses, seeded."""
    rng = random.Random(seed)
    rows = []
    for k in range(n):
        naam = f"{rng.choice(VOORNAMEN)} {rng.choice(ACHTERNAMEN)} {k}"
        rows.append(
            {
                "naam": naam,
                "email": f"lid{k}.{rng.randrange(10**6)}@example.nl",
                "telefoon": f"06-{rng.randrange(10**8):08d}",
                "adres": f"{rng.choice(STRATEN)} {rng.randint(1, 200)}-{k}",
                "lid_sinds": datetime.date(2015, 1, 1)
                + datetime.timedelta(days=rng.randrange(3000)),
                "bestuursfunctie": "",
                "doelgroep": rng.choice(["ja", "nee", "onbekend"]),
            }
        )
    return rows


def members_csv(rows: list[dict]) -> bytes:
    header = ["naam", "e-mail", "telefoon", "adres", "lid_sinds", "doelgroep"]
    fields = ["naam", "email", "telefoon", "adres", "lid_sinds", "doelgroep"]
    return _csv(header, [[str(row[f]) for f in fields] for row in rows])


def activity_rows(n: int, names: list[str], seed: int) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for k in range(n):
        helpers = rng.sample(names, 2) if k % 2 == 0 else []
        rows.append(
            {
                "datum": datetime.date(2020, 1, 1)
                + datetime.timedelta(days=rng.randrange(1500)),
                "titel": f"Activiteit {k}",
                "thema": THEMAS[k % len(THEMAS)],
                "omschrijving": "Samen de binnentuin onderhouden.",
                "open_voor_buurt": bool(k % 2),
                "deelnemers_leden": rng.randint(2, 20),
                "deelnemers_buurt": rng.randint(0, 8),
                "vrijwilligersuren": Decimal(rng.randint(1, 16)) / 2,
                "vrijwilligers": helpers,
                "partners": "Buurthuis De Linde" if k % 3 == 0 else "",
            }
        )
    return rows


def activities_csv(rows: list[dict]) -> bytes:
    header = [
        "datum",
        "titel",
        "thema",
        "omschrijving",
        "open_voor_buurt",
        "deelnemers_leden",
        "deelnemers_buurt",
        "vrijwilligersuren",
        "vrijwilligers",
        "partners",
    ]
    lines = [
        [
            row["datum"].isoformat(),
            row["titel"],
            row["thema"],
            row["omschrijving"],
            "ja" if row["open_voor_buurt"] else "nee",
            str(row["deelnemers_leden"]),
            str(row["deelnemers_buurt"]),
            str(row["vrijwilligersuren"]).replace(".", ","),
            ", ".join(row["vrijwilligers"]),
            row["partners"],
        ]
        for row in rows
    ]
    return _csv(header, lines)


def booking_rows(n: int, activiteiten: list[int], seed: int) -> list[dict]:
    rng = random.Random(seed)
    return [
        {
            "datum": datetime.date(2020, 1, 1)
            + datetime.timedelta(days=rng.randrange(1500)),
            "soort": "uitgave" if k % 4 else "budget",
            "bedrag": Decimal(rng.randint(100, 50000)) / 100,
            "omschrijving": f"Boodschappen {k}",
            "activiteit": activiteiten[k % len(activiteiten)] if k % 5 == 0 else None,
        }
        for k in range(n)
    ]


def bookings_csv(rows: list[dict]) -> bytes:
    header = ["datum", "soort", "bedrag", "omschrijving", "activiteit"]
    lines = [
        [
            row["datum"].isoformat(),
            row["soort"],
            str(row["bedrag"]).replace(".", ","),
            row["omschrijving"],
            str(row["activiteit"] or ""),
        ]
        for row in rows
    ]
    return _csv(header, lines)


def new_cooperatie(k: int):
    from django.contrib.auth import get_user_model

    from cooperatie.models import Cooperatie, Rol

    user = get_user_model().objects.create(username=f"bestuur_bench_{k}")
    cooperatie = Cooperatie.objects.create(
        naam=f"Wooncoöperatie Benchmark {k}", soort="woon", kvk_nummer=f"7200{k:04d}"
    )
    Rol.objects.create(user=user, soort="bestuur", cooperatie=cooperatie)
    return user, cooperatie


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_DEBUG", "false")
    os.environ.setdefault(
        "DJANGO_SECRET_KEY", "bench-" + "k" * 20 + "0123456789abcdefghij-xyz"
    )
    os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
    setup_django()
    import time

    from django.db import connection, transaction

    from cooperatie import importeren as leden_import
    from cooperatie.models import Lid
    from kern import journal
    from ledger import importeren
    from ledger.models import Activiteit, Boeking, Vrijwilliger

    times: dict[str, list[float]] = {}

    cpu: dict[str, list[float]] = {}

    def timed(name: str, func, *args):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = func(*args)
        times.setdefault(name, []).append(time.perf_counter() - start)
        cpu.setdefault(name, []).append(time.process_time() - start_cpu)
        return result

    def import_members(data: bytes, cooperatie, user):
        parsed = leden_import.parse_file(data, "leden.csv")
        return leden_import.import_members(
            cooperatie=cooperatie, parsed=parsed, actor=user
        )

    def import_file(soort: str, data: bytes, cooperatie, user):
        parsed = importeren.parse_file(soort, data, "bestand.csv")
        return importeren.import_rows(
            soort=soort, cooperatie=cooperatie, parsed=parsed, actor=user
        )

    def bare_members(leden: list[dict], cooperatie):
        with transaction.atomic():
            return Lid.objects.bulk_create(
                Lid(cooperatie=cooperatie, journaal_salt=Lid.new_salt(), **row)
                for row in leden
            )

    def bare_activities(rows: list[dict], cooperatie, by_name: dict[str, int]):
        with transaction.atomic():
            objs = Activiteit.objects.bulk_create(
                Activiteit(
                    cooperatie=cooperatie,
                    **{k: v for k, v in row.items() if k != "vrijwilligers"},
                )
                for row in rows
            )
            Vrijwilliger.objects.bulk_create(
                Vrijwilliger(activiteit_id=a.pk, lid_id=by_name[naam])
                for a, row in zip(objs, rows, strict=True)
                for naam in row["vrijwilligers"]
            )
            return objs

    def bare_bookings(rows: list[dict], cooperatie, ids: dict[int, int]):
        with transaction.atomic():
            return Boeking.objects.bulk_create(
                Boeking(
                    cooperatie=cooperatie,
                    **{**row, "activiteit": None},
                    activiteit_id=ids.get(row["activiteit"]),
                )
                for row in rows
            )

    for run in range(args.runs):
        seed = 1000 + run
        leden = member_rows(args.members, seed)
        user, cooperatie = new_cooperatie(2 * run)
        report = timed("members", import_members, members_csv(leden), cooperatie, user)
        assert len(report.created) == args.members, len(report.created)
        activiteiten = activity_rows(args.rows, [row["naam"] for row in leden], seed)
        created = timed(
            "activities",
            import_file,
            importeren.ACTIVITEITEN,
            activities_csv(activiteiten),
            cooperatie,
            user,
        )
        assert len(created) == args.rows
        boekingen = booking_rows(args.rows, [a.pk for a in created], seed)
        booked = timed(
            "bookings",
            import_file,
            importeren.BOEKINGEN,
            bookings_csv(boekingen),
            cooperatie,
            user,
        )
        assert len(booked) == args.rows

        # The bare baseline: the same rows, bulk_create only.
        _user, kaal = new_cooperatie(2 * run + 1)
        bare = timed("members bare", bare_members, leden, kaal)
        by_name = {lid.naam: lid.pk for lid in bare}
        kale = timed("activities bare", bare_activities, activiteiten, kaal, by_name)
        ids = {a.pk: b.pk for a, b in zip(created, kale, strict=True)}
        timed("bookings bare", bare_bookings, boekingen, kaal, ids)

    keten = journal.cooperatie_keten(cooperatie.pk)
    verified = journal.verify_chain([keten])
    assert verified.ok, verified.message

    print(f"database             {connection.vendor}")
    print(f"runs                 {args.runs} (best of)")
    for name, rows in (
        ("members", args.members),
        ("activities", args.rows),
        ("bookings", args.rows),
    ):
        imported, bare = min(times[name]), min(times[f"{name} bare"])
        print(
            f"{name:<11} import   {rows:,} rows in {imported:.2f} s  "
            f"({rows / imported:,.0f} rows/s; this process's CPU: "
            f"{rows / min(cpu[name]):,.0f} rows/s)"
        )
        print(
            f"{name:<11} bare     {rows:,} rows in {bare:.3f} s  "
            f"({rows / bare:,.0f} rows/s)   ratio import / bare {imported / bare:.1f}"
        )
    print(f"journal              {verified.message}")


if __name__ == "__main__":
    main()

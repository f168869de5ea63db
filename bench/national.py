"""Benchmark: the product at its intended national size, on PostgreSQL.

Builds the national world (at --scale 1.0): 300 corporaties of skewed size (the
largest holds about 3.5% of the coöperaties, the smallest a few), 10,000
coöperaties, each with a gebouw, an overeenkomst, a relatie and an afspraak with
five toezeggingen on the measured indicators and a toetsing of the measured year;
1,000,000 activities in that year (a volunteer on every other one), 200,000
bookings, 500,000 members, and ten years of journal: one chain per corporatie and
per coöperatie, 10,000,000 entries in all, hashed with kern.journal's own
functions, with matching chain heads, so `verify_ledger` passes.

Then measures, each against a floor measured in the same run where one makes
sense:

- `evaluate_year` for every corporatie (the command, and the selector it calls)
  against a bare SQL GROUP BY over the year's activities, bookings and members;
- the largest corporatie's beheerder pages (overview page 1, signalering,
  coöperaties list) through Django's test client, against a bare query of the
  rows each page reads;
- one API list page (500 activities of its largest coöperatie) against a bare
  `values()` query of the same rows serialised with json;
- rendering 100 concept nalevingsrapporten with 1 and with 2 `db_worker`
  processes (real subprocesses, DJANGO_TASKS_BACKEND=database) and the speed-up;
- `verify_ledger` over the whole journal (entries/s) against bare hashing of the
  same rows, and the incremental check from the marks it leaves
  (`journal.verify_incremental`) after new entries in the largest corporatie's
  chains, against a whole walk of those chains.

Needs BENCH_DATABASE_URL=postgres://…/bench_<name>; works in its test copy
(test_bench_<name>), which it keeps. `--hergebruik` measures an existing copy
again without rebuilding (the build is the slow part). Not a test:
`python bench/national.py --scale 0.1` (see docs/performance.md).
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import io
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from _setup import ROOT, best_of, setup_django_kept

# Production-like settings for in-process measurements: no query logging (DEBUG
# would weigh on the app side only), no HTTPS redirect on the test client.
BENCH_ENV = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "bench-" + "k" * 20 + "0123456789abcdefghij-xyz",
    "DJANGO_SECURE_SSL_REDIRECT": "false",
    "DJANGO_TASKS_BACKEND": "database",
}

# National counts at --scale 1.0.
CORPORATIES = 300
COOPERATIES = 10_000
ACTIVITEITEN = 1_000_000
LEDEN = 500_000
BOEKINGEN = 200_000
JOURNAAL = 10_000_000
JOURNAAL_JAREN = 10
# Share of all coöperaties held by the largest corporatie at national size.
GROOTSTE_AANDEEL = 0.035
RAPPORTEN = 100
PAGE_SIZE = 500
META_TABLE = "bench_national_meta"
COPY_BATCH = 200_000

THEMAS = ["ontmoeting", "groen", "duurzaamheid", "taal_educatie", "overig"]
GEMEENTEN = ["GM0344", "GM0599", "GM0193", "GM0080", "GM0363", "GM0518", "GM0014"]
TOEZEGGINGEN = (
    ("Activiteiten", "aantal_activiteiten", 80),
    ("Vrijwilligersuren", "vrijwilligersuren", 150),
    ("Deelnemers uit de buurt", "deelnemers_buurt", 300),
    ("Besteding", "besteding", 1000),
    ("Leden", "aantal_leden", 10),
)


def log(message: str) -> None:
    print(message, flush=True)


# Sizes -------------------------------------------------------------------------------


def zipf_exponent(n: int, share: float) -> float:
    """The exponent a for which rank weights r**-a over n ranks give the first
    rank `share` of the total (bisection)."""
    lo, hi = 0.0, 3.0
    for _ in range(60):
        a = (lo + hi) / 2
        total = sum(r**-a for r in range(1, n + 1))
        if 1 / total < share:
            lo = a
        else:
            hi = a
    return (lo + hi) / 2


def spread(total: int, weights: list[float], minimum: int = 0) -> list[int]:
    """`total` split over the weights (largest remainders), each at least
    `minimum`."""
    n = len(weights)
    rest = max(total - minimum * n, 0)
    s = sum(weights)
    exact = [rest * w / s for w in weights]
    counts = [int(x) for x in exact]
    left = rest - sum(counts)
    for i in sorted(range(n), key=lambda i: exact[i] - counts[i], reverse=True)[:left]:
        counts[i] += 1
    return [c + minimum for c in counts]


def sizes(scale: float) -> dict[str, int]:
    def scaled(n: int, least: int = 1) -> int:
        return max(least, round(n * scale))

    n_corp = scaled(CORPORATIES)
    return {
        "corporaties": n_corp,
        "cooperaties": scaled(COOPERATIES, n_corp),
        "activiteiten": scaled(ACTIVITEITEN),
        "leden": scaled(LEDEN),
        "boekingen": scaled(BOEKINGEN),
        "journaal": scaled(JOURNAAL),
    }


# Bulk writing ------------------------------------------------------------------------


def copy_rows(model, columns: list[str], rows, *, label: str = "") -> int:
    """COPY rows (tuples in `columns` order, attnames) into the model's table;
    every other column gets its field default, or its database default when it
    has one. One transaction per COPY_BATCH rows. Returns the number written."""
    from django.db import connection
    from django.db.models.expressions import DatabaseDefault
    from django.db.models.fields import NOT_PROVIDED

    extra_cols, extra_vals = [], []
    for field in model._meta.concrete_fields:
        if field.attname in columns or field.primary_key:
            continue
        if getattr(field, "db_default", NOT_PROVIDED) is not NOT_PROVIDED:
            continue
        value = field.get_default()
        if isinstance(value, DatabaseDefault):
            continue
        extra_cols.append(field.column)
        extra_vals.append(field.get_db_prep_save(value, connection))
    names = [model._meta.get_field(c).column if c != "id" else "id" for c in columns]
    sql = (
        f'COPY "{model._meta.db_table}" ('
        + ", ".join(f'"{c}"' for c in names + extra_cols)
        + ") FROM STDIN"
    )
    extra = tuple(extra_vals)
    written = 0
    it = iter(rows)
    done = False
    while not done:
        n = 0
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in it:
                copy.write_row(row + extra)
                n += 1
                if n >= COPY_BATCH:
                    break
            else:
                done = True
        written += n
        if label and n:
            log(f"    {label}: {written:,} rijen")
    return written


def next_id(model) -> int:
    from django.db.models import Max

    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


def sync_sequence(model) -> None:
    from django.db import connection

    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
            f'COALESCE((SELECT MAX(id) FROM "{table}"), 1))'
        )


# The build ---------------------------------------------------------------------------


def build(scale: float, jaar: int, timings: dict[str, float]) -> dict:
    """Build the national world; returns what the measurements need."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from afspraken.models import Afspraak, Toetsing, Toezegging
    from cooperatie.models import (
        Cooperatie,
        Corporatie,
        Gebouw,
        Lid,
        Overeenkomst,
        Relatie,
        Rol,
    )
    from ledger.models import Activiteit, Boeking, Vrijwilliger

    n = sizes(scale)
    rng = random.Random(20_26)
    log(
        "bouwen: "
        + ", ".join(f"{v:,} {k}" for k, v in n.items())
        + f" (schaal {scale}, jaar {jaar})"
    )

    def step(name: str):
        class _Step:
            def __enter__(self):
                self.start = time.perf_counter()
                log(f"  {name} …")

            def __exit__(self, *exc):
                if exc[0] is None:
                    timings[name] = time.perf_counter() - self.start
                    log(f"  {name}: {timings[name]:.1f} s")

        return _Step()

    # Corporatie sizes: rank weights fitted so that at national size the largest
    # holds GROOTSTE_AANDEEL; a smaller --scale keeps the same curve.
    a = zipf_exponent(CORPORATIES, GROOTSTE_AANDEEL)
    per_corp = spread(
        n["cooperaties"], [r**-a for r in range(1, n["corporaties"] + 1)], minimum=1
    )

    with (
        step("organisaties (corporaties, coöperaties, gebouwen, afspraken)"),
        transaction.atomic(),
    ):
        users = get_user_model()
        beheerder = users.objects.create_user(username="beheerder_grootste")
        bestuur = users.objects.create_user(username="bestuur_grootste")
        corporaties = Corporatie.objects.bulk_create(
            Corporatie(
                naam=f"Woonstichting {i:03d}",
                kvk_nummer=f"{10_000_000 + i}",
                plaats="Utrecht",
            )
            for i in range(n["corporaties"])
        )
        coops = Cooperatie.objects.bulk_create(
            (
                Cooperatie(
                    naam=f"Wooncoöperatie {i:05d}",
                    soort="woon" if i % 4 else "beheer",
                    kvk_nummer=f"{50_000_000 + i}",
                )
                for i in range(n["cooperaties"])
            ),
            batch_size=5000,
        )
        owner = []  # corporatie of each coöperatie, in coops order
        for corp, count in zip(corporaties, per_corp, strict=True):
            owner += [corp] * count
        gebouwen = Gebouw.objects.bulk_create(
            (
                Gebouw(
                    corporatie=corp,
                    complexnummer=f"C{i:05d}",
                    naam=f"Complex {i}",
                    straat="Voorbeeldstraat",
                    huisnummer=str(i % 300 + 1),
                    postcode=f"{3500 + i % 400} AB",
                    plaats="Utrecht",
                    gemeentecode=GEMEENTEN[i % len(GEMEENTEN)],
                    aantal_woningen=rng.randint(12, 80),
                )
                for i, corp in enumerate(owner)
            ),
            batch_size=5000,
        )
        Overeenkomst.objects.bulk_create(
            (
                Overeenkomst(
                    gebouw=g,
                    cooperatie=c,
                    soort="huur" if c.soort == "woon" else "beheer",
                    ingangsdatum=datetime.date(jaar - JOURNAAL_JAREN, 1, 1),
                    aantal_woningen=g.aantal_woningen,
                )
                for g, c in zip(gebouwen, coops, strict=True)
            ),
            batch_size=5000,
        )
        # Bulk inserts pass no service: the ties the services would keep.
        relaties = Relatie.objects.bulk_create(
            (
                Relatie(corporatie=corp, cooperatie=c)
                for corp, c in zip(owner, coops, strict=True)
            ),
            batch_size=5000,
        )
        Relatie.gebouwen.through.objects.bulk_create(
            (
                Relatie.gebouwen.through(relatie_id=r.pk, gebouw_id=g.pk)
                for r, g in zip(relaties, gebouwen, strict=True)
            ),
            batch_size=5000,
        )
        afspraken = Afspraak.objects.bulk_create(
            (
                Afspraak(
                    corporatie=corp,
                    cooperatie=c,
                    titel=f"Sociale inbreng {c.naam}",
                    ingangsjaar=jaar - 1,
                    eindjaar=jaar + 3,
                )
                for corp, c in zip(owner, coops, strict=True)
            ),
            batch_size=5000,
        )
        Afspraak.gebouwen.through.objects.bulk_create(
            (
                Afspraak.gebouwen.through(afspraak_id=a.pk, gebouw_id=g.pk)
                for a, g in zip(afspraken, gebouwen, strict=True)
            ),
            batch_size=5000,
        )
        Toezegging.objects.bulk_create(
            (
                Toezegging(
                    afspraak=af,
                    omschrijving=o,
                    indicator=ind,
                    norm=Decimal(norm),
                    volgorde=k,
                )
                for af in afspraken
                for k, (o, ind, norm) in enumerate(TOEZEGGINGEN)
            ),
            batch_size=5000,
        )
        Toetsing.objects.bulk_create(
            (Toetsing(afspraak=af, jaar=jaar) for af in afspraken), batch_size=5000
        )
        grootste = corporaties[0]
        grootste_coop = coops[0]  # the largest corporatie's first coöperatie
        Rol.objects.create(user=beheerder, soort="beheerder", corporatie=grootste)
        Rol.objects.create(user=bestuur, soort="bestuur", cooperatie=grootste_coop)

    # Per coöperatie an activity weight: a few are much busier than others.
    gewicht = [rng.lognormvariate(0, 0.6) for _ in coops]
    # The largest corporatie's first coöperatie is its busiest (the API page).
    gewicht[0] = max(gewicht) * 1.5
    per_coop_act = spread(n["activiteiten"], gewicht)
    per_coop_lid = spread(n["leden"], gewicht, minimum=min(3, n["leden"] // len(coops)))
    coop_ids = [c.pk for c in coops]

    with step("leden"):
        first_lid = next_id(Lid)
        leden_van: list[range] = []
        lid_id = first_lid
        for count in per_coop_lid:
            leden_van.append(range(lid_id, lid_id + count))
            lid_id += count

        def leden_rows():
            for cid, ids in zip(coop_ids, leden_van, strict=True):
                for k, pk in enumerate(ids):
                    yield (
                        pk,
                        cid,
                        f"Lid {pk}",
                        f"lid{pk}@example.nl",
                        datetime.date(jaar - 1 - k % 8, 1 + k % 12, 1 + k % 28),
                        ("ja", "nee", "onbekend")[k % 3],
                        f"{rng.getrandbits(128):032x}",
                    )

        copy_rows(
            Lid,
            [
                "id",
                "cooperatie_id",
                "naam",
                "email",
                "lid_sinds",
                "doelgroep",
                "journaal_salt",
            ],
            leden_rows(),
            label="leden",
        )
        sync_sequence(Lid)

    with step("activiteiten"):
        first_act = next_id(Activiteit)
        start = datetime.date(jaar, 1, 1)

        def act_rows():
            pk = first_act
            for cid, count in zip(coop_ids, per_coop_act, strict=True):
                for k in range(count):
                    yield (
                        pk,
                        cid,
                        start + datetime.timedelta(days=(k * 7 + cid) % 365),
                        f"Activiteit {k}",
                        THEMAS[k % len(THEMAS)],
                        "Samen de binnentuin onderhouden en koffie drinken.",
                        bool(k % 2),
                        rng.randint(2, 20),
                        rng.randint(0, 8),
                        Decimal(rng.randint(1, 8)) / 2,
                        "Buurthuis De Linde" if k % 3 == 0 else "",
                    )
                    pk += 1

        copy_rows(
            Activiteit,
            [
                "id",
                "cooperatie_id",
                "datum",
                "titel",
                "thema",
                "omschrijving",
                "open_voor_buurt",
                "deelnemers_leden",
                "deelnemers_buurt",
                "vrijwilligersuren",
                "partners",
            ],
            act_rows(),
            label="activiteiten",
        )
        sync_sequence(Activiteit)

    with step("vrijwilligers"):

        def vrijwilliger_rows():
            pk = first_act
            for ids, count in zip(leden_van, per_coop_act, strict=True):
                for k in range(count):
                    if k % 2 == 0 and len(ids):
                        yield (pk, ids[k % len(ids)])
                    pk += 1

        copy_rows(
            Vrijwilliger,
            ["activiteit_id", "lid_id"],
            vrijwilliger_rows(),
            label="vrijwilligers",
        )

    with step("boekingen"):
        per_coop_boek = spread(n["boekingen"], [1.0] * len(coops))

        def boeking_rows():
            for cid, count in zip(coop_ids, per_coop_boek, strict=True):
                for k in range(count):
                    budget = k == 0
                    yield (
                        cid,
                        datetime.date(jaar, 1 + k % 12, 1 + k % 28),
                        "budget" if budget else "uitgave",
                        Decimal(5000 if budget else rng.randint(20, 400)),
                        "Jaarbudget" if budget else f"Uitgave {k}",
                    )

        copy_rows(
            Boeking,
            ["cooperatie_id", "datum", "soort", "bedrag", "omschrijving"],
            boeking_rows(),
            label="boekingen",
        )

    with step("journaal (10 jaar, hashketens)"):
        build_journal(
            n["journaal"], jaar, corporaties, coops, owner, gewicht, beheerder, rng
        )

    with step("ANALYZE"), connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    return {
        "scale": scale,
        "jaar": jaar,
        "sizes": n,
        "grootste": grootste.pk,
        "grootste_coops": per_corp[0],
        "kleinste_coops": per_corp[-1],
        "grootste_coop": grootste_coop.pk,
        "beheerder": beheerder.pk,
        "bestuur": bestuur.pk,
    }


def build_journal(
    total: int, jaar: int, corporaties, coops, owner, gewicht, actor, rng
) -> None:
    """Ten years of journal: a chain per corporatie and per coöperatie, hashed with
    kern.journal's own functions (entry_payload, compute_hash, canonical_json),
    written by COPY, then the chain heads. 85% of the entries are the
    coöperaties' own (activities, bookings, members), the rest the corporaties'
    (afspraken, toetsingen, beoordelingen)."""
    from django.utils import timezone

    from kern import journal
    from kern.models import AuditChainHead, AuditEntry

    coop_share = spread(round(total * 0.85), gewicht) if coops else []
    per_corp_coops: dict[int, int] = {}
    for corp in owner:
        per_corp_coops[corp.pk] = per_corp_coops.get(corp.pk, 0) + 1
    corp_share = spread(
        total - sum(coop_share), [per_corp_coops.get(c.pk, 1) for c in corporaties]
    )
    einde = timezone.now().replace(microsecond=0)
    begin = einde - datetime.timedelta(days=365 * JOURNAAL_JAREN)
    span = (einde - begin).total_seconds()
    actor_name = actor.get_username()

    def templates_coop(cid: int, k: int):
        if k % 10 == 9:
            return (
                "boeking_create",
                "ledger.boeking",
                None,
                {
                    "cooperatie": cid,
                    "datum": f"{jaar - 1}-05-01",
                    "soort": "uitgave",
                    "bedrag": f"{20 + k % 300}.00",
                    "omschrijving": f"Uitgave {k}",
                },
            )
        if k % 10 == 8:
            return (
                "lid_create",
                "cooperatie.lid",
                None,
                {
                    "cooperatie": cid,
                    "naam": f"hmac-sha256:{k:032x}",
                    "email": f"hmac-sha256:{k + 1:032x}",
                    "lid_sinds": "2020-01-01",
                    "doelgroep": "onbekend",
                },
            )
        if k % 5 == 3:
            return (
                "activiteit_update",
                "ledger.activiteit",
                {"deelnemers_buurt": k % 9, "vrijwilligersuren": "2.00"},
                {"deelnemers_buurt": k % 9 + 1, "vrijwilligersuren": "2.50"},
            )
        return (
            "activiteit_create",
            "ledger.activiteit",
            None,
            {
                "cooperatie": cid,
                "datum": f"{jaar - 1}-03-{1 + k % 28:02d}",
                "titel": f"Activiteit {k}",
                "thema": THEMAS[k % len(THEMAS)],
                "omschrijving": "Samen de binnentuin onderhouden en koffie drinken.",
                "open_voor_buurt": bool(k % 2),
                "deelnemers_leden": 2 + k % 18,
                "deelnemers_buurt": k % 9,
                "vrijwilligersuren": "2.00",
                "vrijwilligers": [k, k + 1],
                "partners": "",
            },
        )

    def templates_corp(cid: int, k: int):
        coop = k % 97
        if k % 4 == 0:
            return (
                "afspraak_update",
                "afspraken.afspraak",
                coop,
                {"titel": "Sociale inbreng", "eindjaar": jaar + 2},
                {"titel": "Sociale inbreng", "eindjaar": jaar + 3},
            )
        if k % 4 == 1:
            return (
                "toetsing_status",
                "afspraken.toetsing",
                coop,
                {"status": "open"},
                {"status": "ingediend"},
            )
        return (
            "beoordeling_create",
            "afspraken.beoordeling",
            coop,
            None,
            {"oordeel": "voldaan", "toelichting": f"Beoordeling {k}"},
        )

    chains = [("cooperatie", c.pk, n) for c, n in zip(coops, coop_share, strict=True)]
    chains += [
        ("corporatie", c.pk, n) for c, n in zip(corporaties, corp_share, strict=True)
    ]
    heads: list[AuditChainHead] = []
    # Where each kind of entry goes must be where the app would put it.
    assert journal.keten_of("ledger.activiteit", None, 7) == "cooperatie:7"
    assert journal.keten_of("afspraken.toetsing", 3, 7) == "corporatie:3"

    def rows():
        for soort, pk, count in chains:
            keten = f"{soort}:{pk}"
            prev = journal.GENESIS_HASH
            for k in range(count):
                ts = begin + datetime.timedelta(seconds=span * (k + 0.5) / count)
                if soort == "cooperatie":
                    action, otype, before, after = templates_coop(pk, k)
                    corp_id, coop_id = None, pk
                else:
                    action, otype, coop_id, before, after = templates_corp(pk, k)
                    corp_id = pk
                entry = AuditEntry(
                    keten=keten,
                    seq=k + 1,
                    timestamp=ts,
                    actor_id=actor.pk,
                    actor_name=actor_name,
                    action=action,
                    object_type=otype,
                    object_id=str(k + 1),
                    object_repr=f"{otype} {k + 1}",
                    corporatie_id=corp_id,
                    cooperatie_id=coop_id,
                    before=before,
                    after=after,
                    request_id=f"{rng.getrandbits(64):016x}",
                    prev_hash=prev,
                )
                entry.hash = journal.compute_hash(prev, journal.entry_payload(entry))
                prev = entry.hash
                yield (
                    keten,
                    entry.seq,
                    entry.timestamp,
                    entry.actor_id,
                    entry.actor_name,
                    entry.action,
                    entry.object_type,
                    entry.object_id,
                    entry.object_repr,
                    entry.corporatie_id,
                    entry.cooperatie_id,
                    None if before is None else journal.canonical_json(before),
                    None if after is None else journal.canonical_json(after),
                    entry.request_id,
                    entry.prev_hash,
                    entry.hash,
                )
            if count:
                heads.append(AuditChainHead(keten=keten, seq=count, hash=prev))

    copy_rows(
        AuditEntry,
        [
            "keten",
            "seq",
            "timestamp",
            "actor_id",
            "actor_name",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "corporatie_id",
            "cooperatie_id",
            "before",
            "after",
            "request_id",
            "prev_hash",
            "hash",
        ],
        rows(),
        label="journaalregels",
    )
    AuditChainHead.objects.bulk_create(heads, batch_size=5000)


# Bench database bookkeeping -----------------------------------------------------------


def save_meta(meta: dict) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {META_TABLE} (meta jsonb)")
        cursor.execute(f"DELETE FROM {META_TABLE}")
        cursor.execute(f"INSERT INTO {META_TABLE} VALUES (%s)", [json.dumps(meta)])


def load_meta() -> dict | None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [META_TABLE])
        if cursor.fetchone()[0] is None:
            return None
        cursor.execute(f"SELECT meta FROM {META_TABLE}")
        row = cursor.fetchone()
    if row is None:
        return None
    return row[0] if isinstance(row[0], dict) else json.loads(row[0])


# Measurements -------------------------------------------------------------------------


class Report:
    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str]] = []

    def add(self, what: str, figure: str, ratio: str = "") -> None:
        self.rows.append((what, figure, ratio))
        log(f"  {what:<58} {figure:>16}  {ratio}")

    def print(self) -> None:
        log("")
        log(f"{'meting':<60} {'waarde':>16}  verhouding tot de vloer")
        for what, figure, ratio in self.rows:
            log(f"{what:<60} {figure:>16}  {ratio}")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms"


def measure_evaluate(meta: dict, runs: int, report: Report) -> None:
    from django.core.management import call_command
    from django.db import connection

    from afspraken.selectors import corporatie_jaar
    from cooperatie.models import Corporatie

    jaar = meta["jaar"]
    ids = list(Corporatie.objects.values_list("pk", flat=True))
    regels = corporatie_jaar(jaar=jaar, corporatie_ids=ids)
    assert len(regels) == meta["sizes"]["cooperaties"], len(regels)

    def command():
        call_command("evaluate_year", jaar=jaar, stdout=io.StringIO())

    def selector():
        corporatie_jaar(jaar=jaar, corporatie_ids=ids)

    def floor():
        van, tot = datetime.date(jaar, 1, 1), datetime.date(jaar, 12, 31)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT cooperatie_id, COUNT(*), SUM(vrijwilligersuren), "
                "SUM(deelnemers_buurt) FROM ledger_activiteit "
                "WHERE datum BETWEEN %s AND %s GROUP BY cooperatie_id",
                [van, tot],
            )
            cursor.fetchall()
            cursor.execute(
                "SELECT cooperatie_id, SUM(bedrag) FROM ledger_boeking "
                "WHERE datum BETWEEN %s AND %s AND soort = 'uitgave' "
                "GROUP BY cooperatie_id",
                [van, tot],
            )
            cursor.fetchall()
            cursor.execute(
                "SELECT cooperatie_id, COUNT(*) FROM cooperatie_lid "
                "WHERE lid_sinds <= %s GROUP BY cooperatie_id",
                [tot],
            )
            cursor.fetchall()

    floor_s = best_of(runs, floor)
    cmd_s = best_of(runs, command)
    sel_s = best_of(runs, selector)
    n = meta["sizes"]["cooperaties"]
    report.add(
        f"evaluate_year, {meta['sizes']['corporaties']} corporaties ({n:,} afspr.)",
        f"{cmd_s:,.2f} s",
        f"{cmd_s / floor_s:.1f}× (doel < 60 s op schaal 1)",
    )
    report.add("  waarvan selector corporatie_jaar", f"{sel_s:,.2f} s", "")
    report.add("  vloer: kale SQL GROUP BY (activiteit, boeking, lid)", ms(floor_s))


def measure_pages(meta: dict, runs: int, report: Report) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from cooperatie.models import Cooperatie

    jaar = meta["jaar"]
    corp = meta["grootste"]
    user = get_user_model().objects.get(pk=meta["beheerder"])
    client = Client(SERVER_NAME="localhost")
    client.force_login(user)
    coop_ids = list(
        Cooperatie.objects.filter(relaties__corporatie_id=corp).values_list(
            "pk", flat=True
        )
    )

    def page(url: str):
        def get():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return get

    def floor_figures():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT a.cooperatie_id, COUNT(*), SUM(a.vrijwilligersuren), "
                "SUM(a.deelnemers_buurt) FROM ledger_activiteit a "
                "WHERE a.cooperatie_id = ANY(%s) AND a.datum BETWEEN %s AND %s "
                "GROUP BY a.cooperatie_id",
                [coop_ids, datetime.date(jaar, 1, 1), datetime.date(jaar, 12, 31)],
            )
            cursor.fetchall()

    def floor_list():
        list(
            Cooperatie.objects.filter(pk__in=coop_ids)
            .order_by("naam")
            .values("pk", "naam", "soort", "kvk_nummer")
        )

    fig_s = best_of(runs, floor_figures)
    list_s = best_of(runs, floor_list)
    n = len(coop_ids)
    for label, url, floor_s in (
        ("beheer: overzicht (pagina 1)", f"/beheer/{corp}/", fig_s),
        ("beheer: signalering", f"/beheer/{corp}/signalering/", fig_s),
        ("beheer: coöperaties", f"/beheer/{corp}/cooperaties/", list_s),
    ):
        page(url)()  # warm up (templates, session)
        s = best_of(runs, page(url))
        report.add(
            f"{label}, grootste corporatie ({n} coöp.)",
            ms(s),
            f"{s / floor_s:.0f}× (doel < 300 ms)",
        )
    report.add("  vloer: kale GROUP BY over haar coöperaties", ms(fig_s))
    report.add("  vloer: kale lijst van haar coöperaties", ms(list_s))


def measure_api(meta: dict, runs: int, report: Report) -> None:
    from django.contrib.auth import get_user_model

    from rest_framework.test import APIClient

    from ledger.models import Activiteit

    coop = meta["grootste_coop"]
    fields = (
        "id",
        "cooperatie_id",
        "datum",
        "titel",
        "thema",
        "omschrijving",
        "open_voor_buurt",
        "deelnemers_leden",
        "deelnemers_buurt",
        "vrijwilligersuren",
        "partners",
    )
    rows = Activiteit.objects.filter(cooperatie_id=coop).count()
    api = APIClient(SERVER_NAME="localhost")
    url = f"/api/v1/activiteiten/?cooperatie={coop}&page_size={PAGE_SIZE}"
    results = {}
    for rol in ("beheerder", "bestuur"):
        api.force_authenticate(get_user_model().objects.get(pk=meta[rol]))

        def get(rol=rol):
            response = api.get(url)
            assert response.status_code == 200, response.content[:300]
            results[rol] = len(response.json()["results"])

        get()
        results[rol + "_s"] = best_of(runs, get)

    def floor():
        qs = Activiteit.objects.filter(cooperatie_id=coop).order_by("datum", "pk")
        json.dumps(list(qs.values(*fields)[:PAGE_SIZE]), default=str)

    floor_s = best_of(runs, floor)
    for rol in ("beheerder", "bestuur"):
        s = results[rol + "_s"]
        report.add(
            f"API activiteiten, 1 pagina van {results[rol]} ({rows:,} in coöp.), {rol}",
            ms(s),
            f"{s / floor_s:.1f}×",
        )
    report.add("  vloer: kale values()-query van 500 rijen + json", ms(floor_s))


def measure_reports(meta: dict, db_url: str, report: Report) -> None:
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from afspraken.models import Toetsing
    from afspraken.tasks import NALEVINGSRAPPORT, render_rapport_task

    jaar = meta["jaar"]
    toetsingen = list(
        Toetsing.objects.filter(jaar=jaar, afspraak__corporatie_id=meta["grootste"])
        .exclude(status="vastgesteld")
        .order_by("pk")
        .values_list("pk", flat=True)[:RAPPORTEN]
    )
    if len(toetsingen) < RAPPORTEN:
        # A small --scale: fill up from the other corporaties.
        toetsingen += list(
            Toetsing.objects.filter(jaar=jaar)
            .exclude(status="vastgesteld")
            .exclude(pk__in=toetsingen)
            .order_by("pk")
            .values_list("pk", flat=True)[: RAPPORTEN - len(toetsingen)]
        )
    env = {**os.environ, **BENCH_ENV, "DATABASE_URL": db_url}
    env.pop("DATABASE_OWNER_URL", None)
    moment = datetime.datetime(jaar, 12, 31, 12, tzinfo=datetime.UTC).isoformat()
    DBTaskResult.objects.all().delete()
    timings = {}
    for workers in (1, 2):
        with tempfile.TemporaryDirectory(prefix="bench-rapporten-") as uit:
            results = [
                render_rapport_task.enqueue(NALEVINGSRAPPORT, pk, jaar, uit, moment)
                for pk in toetsingen
            ]
            start = time.perf_counter()
            procs = [
                subprocess.Popen(
                    [
                        sys.executable,
                        str(ROOT / "manage.py"),
                        "db_worker",
                        "--batch",
                        "--no-startup-delay",
                        "--no-reload",
                        "--interval",
                        "0.1",
                        "--worker-id",
                        f"bench-{workers}-{i}",
                    ],
                    cwd=ROOT,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                )
                for i in range(workers)
            ]
            errors = [p.communicate()[1] for p in procs]
            elapsed = time.perf_counter() - start
            for p, err in zip(procs, errors, strict=True):
                if p.returncode:
                    raise SystemExit(
                        f"db_worker stopte met {p.returncode}:\n{err.decode()[-2000:]}"
                    )
            for r in results:
                r.refresh()
            failed = [r for r in results if r.status != TaskResultStatus.SUCCESSFUL]
            if failed:
                r = failed[0]
                raise SystemExit(
                    f"{len(failed)} rapporten niet gerenderd ({r.status}): "
                    + (r.errors[-1].traceback[-1500:] if r.errors else "")
                )
            timings[workers] = elapsed
            pdfs = list(Path(uit).glob("*.pdf"))
            assert len(pdfs) == len(toetsingen), len(pdfs)
        DBTaskResult.objects.all().delete()
    n = len(toetsingen)
    report.add(
        f"{n} nalevingsrapporten (concept), 1 db_worker",
        f"{timings[1]:,.1f} s",
        f"{n / timings[1]:.2f} rapporten/s",
    )
    report.add(
        f"{n} nalevingsrapporten (concept), 2 db_workers",
        f"{timings[2]:,.1f} s",
        f"{timings[1] / timings[2]:.2f}× sneller (doel ≥ 1,7×)",
    )


def measure_journal(meta: dict, report: Report) -> None:
    from django.core.management import call_command
    from django.db import transaction

    from cooperatie.models import Cooperatie
    from kern import journal
    from kern.models import AuditEntry

    n = AuditEntry.objects.count()
    start = time.perf_counter()
    call_command("verify_ledger", stdout=io.StringIO())
    full_s = time.perf_counter() - start

    # Floor: reading the same rows in chain order (a server-side cursor, as the
    # verifier's iterator) and one SHA-256 over each row's text, nothing else.
    def floor():
        from django.db import connection

        with journal.consistent_snapshot():
            cursor = connection.connection.cursor(name="bench_journaal_vloer")
            cursor.itersize = 2000
            cursor.execute(
                "SELECT prev_hash, keten, seq, timestamp::text, actor_id, "
                "actor_name, action, object_type, object_id, object_repr, "
                "corporatie_id, cooperatie_id, before::text, after::text, "
                f"request_id FROM {AuditEntry._meta.db_table} ORDER BY keten, seq"
            )
            for row in cursor:
                hashlib.sha256("|".join(map(str, row)).encode()).hexdigest()
            cursor.close()

    start = time.perf_counter()
    floor()
    floor_s = time.perf_counter() - start
    report.add(
        f"verify_ledger, heel journaal ({n:,} regels)",
        f"{full_s:,.1f} s",
        f"{n / full_s:,.0f} regels/s; {full_s / floor_s:.1f}× vloer",
    )
    report.add(
        "  vloer: rijen in ketenvolgorde lezen + één SHA-256 per rij",
        f"{floor_s:,.1f} s",
        f"{n / floor_s:,.0f} regels/s",
    )

    # Incremental: new entries in the largest corporatie's chains, checked from
    # the marks verify_ledger left (journal.mark_verified).
    corp = meta["grootste"]
    coop_ids = list(
        Cooperatie.objects.filter(relaties__corporatie_id=corp).values_list(
            "pk", flat=True
        )
    )
    ketens = [journal.corporatie_keten(corp)] + [
        journal.cooperatie_keten(c) for c in coop_ids
    ]
    nieuw = 0
    with transaction.atomic():
        for c in coop_ids:
            for k in range(5):
                journal.record(
                    actor=None,
                    action="activiteit_update",
                    object_type="ledger.activiteit",
                    object_id=k + 1,
                    object_repr=f"bench {k}",
                    before={"deelnemers_buurt": k},
                    after={"deelnemers_buurt": k + 1},
                    cooperatie_id=c,
                )
                nieuw += 1
    start = time.perf_counter()
    results = journal.verify_incremental(ketens)
    inc_s = time.perf_counter() - start
    assert all(r.ok for r in results.values()), [
        r.message for r in results.values() if not r.ok
    ][:1]
    start = time.perf_counter()
    whole = journal.verify_chain(ketens)
    whole_s = time.perf_counter() - start
    assert whole.ok, whole.message
    report.add(
        f"verify_incremental, grootste corporatie ({len(ketens)} ketens, "
        f"{nieuw} nieuw)",
        ms(inc_s),
        f"{whole_s / inc_s:.0f}× sneller dan heel lopen",
    )
    report.add(
        f"  vergelijk: verify_chain van die ketens ({whole.count:,} regels)",
        ms(whole_s),
        "",
    )


# Main -----------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scale", type=float, default=1.0, help="factor op alle aantallen (1.0)"
    )
    parser.add_argument(
        "--hergebruik",
        action="store_true",
        help="meet een eerder gebouwde benchdatabase opnieuw, zonder te bouwen",
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--alleen",
        nargs="*",
        choices=["evaluate", "pages", "api", "reports", "journal"],
        help="alleen deze metingen (standaard alle)",
    )
    args = parser.parse_args()
    if not 0 < args.scale <= 5:
        parser.error("--scale moet tussen 0 en 5 liggen")
    if args.runs < 1 or args.runs > 20:
        parser.error("--runs moet tussen 1 en 20 liggen")

    t0 = time.perf_counter()
    for key, value in BENCH_ENV.items():
        os.environ.setdefault(key, value)
    db_url = setup_django_kept(reuse=args.hergebruik)
    from django.conf import settings
    from django.db import connection
    from django.test import override_settings

    meta = load_meta() if args.hergebruik else None
    timings: dict[str, float] = {}
    if meta is None:
        if args.hergebruik:
            log("--hergebruik: geen gebouwde benchdatabase gevonden; nu bouwen.")
            connection.close()
            db_url = setup_django_kept(reuse=False)
        from django.utils import timezone

        jaar = timezone.localdate().year
        start = time.perf_counter()
        meta = build(args.scale, jaar, timings)
        meta["bouwtijd_s"] = round(time.perf_counter() - start, 1)
        meta["bouwtijden_s"] = {k: round(v, 1) for k, v in timings.items()}
        save_meta(meta)
        log(f"gebouwd in {meta['bouwtijd_s']:.0f} s")
    else:
        if meta["scale"] != args.scale:
            log(
                f"let op: de hergebruikte database is op schaal {meta['scale']} "
                f"gebouwd, niet {args.scale}; gemeten wordt schaal {meta['scale']}."
            )
        log(f"hergebruikt: {connection.settings_dict['NAME']} (schaal {meta['scale']})")

    log(
        f"database: {connection.settings_dict['NAME']} (PostgreSQL "
        f"{connection.pg_version // 10000}); schaal {meta['scale']}; "
        f"jaar {meta['jaar']}"
    )
    log(
        f"grootste corporatie: {meta['grootste_coops']} coöperaties; kleinste: "
        f"{meta['kleinste_coops']}"
    )
    report = Report()
    wanted = set(args.alleen or ["evaluate", "pages", "api", "reports", "journal"])
    measures = [
        ("evaluate", lambda: measure_evaluate(meta, args.runs, report)),
        ("pages", lambda: measure_pages(meta, args.runs, report)),
        ("api", lambda: measure_api(meta, args.runs, report)),
        ("reports", lambda: measure_reports(meta, db_url, report)),
        ("journal", lambda: measure_journal(meta, report)),
    ]
    # The pages look their static files up in collectstatic's manifest when DEBUG
    # is off; the bench has none, so plain static URLs (a dict lookup less).
    plain_static = override_settings(
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {
                "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
            },
        }
    )
    for name, run in measures:
        if name in wanted:
            log(f"meten: {name} …")
            start = time.perf_counter()
            with plain_static:
                run()
            log(f"  ({name}: {time.perf_counter() - start:.0f} s)")

    log("")
    log(
        f"schaal {meta['scale']}: "
        + ", ".join(f"{v:,} {k}" for k, v in meta["sizes"].items())
    )
    if "bouwtijden_s" in meta:
        log(f"bouwtijd {meta['bouwtijd_s']:.0f} s; per tabel:")
        for k, v in meta["bouwtijden_s"].items():
            log(f"  {k:<58} {v:>8.1f} s")
    report.print()
    log("")
    log(f"totale looptijd: {time.perf_counter() - t0:,.0f} s")


if __name__ == "__main__":
    main()

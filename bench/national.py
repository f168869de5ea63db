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
  rows each page reads, and its other pages (lists, a form, a dossier, a
  toetsing; the auditor's start page and journal) against the 300 ms goal;
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
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _national_basis import load_meta, log, other_pages, save_meta, signed_in
from _national_bouw import build
from _setup import ROOT, best_of, setup_django_kept

# Production-like settings for in-process measurements: no query logging (DEBUG
# would weigh on the app side only), no HTTPS redirect on the test client.
BENCH_ENV = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "bench-" + "k" * 20 + "0123456789abcdefghij-xyz",
    "DJANGO_SECURE_SSL_REDIRECT": "false",
    "DJANGO_TASKS_BACKEND": "database",
}

# Concept reports rendered; activities on one API page.
RAPPORTEN = 100
PAGE_SIZE = 500


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

    from cooperatie.models import Cooperatie

    jaar = meta["jaar"]
    corp = meta["grootste"]
    user = get_user_model().objects.get(pk=meta["beheerder"])
    client = signed_in(user)
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
    for label, who, url in other_pages(meta, user):
        client = signed_in(who)

        def get(client=client, url=url):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        get()  # warm up
        s = best_of(runs, get)
        report.add(f"{label}, grootste corporatie", ms(s), "(doel < 300 ms)")


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

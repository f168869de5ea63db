"""Shared set-up of the benchmarks: a throw-away database, migrated.

Benchmarks run against a fresh SQLite file in a temporary folder unless
BENCH_DATABASE_URL names another database (e.g. a PostgreSQL scratch database,
which is dropped and recreated by Django's test-database machinery).
"""

from __future__ import annotations

import gc
import os
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django() -> None:
    """Configure Django on a scratch database and migrate it."""
    scratch = Path(tempfile.mkdtemp(prefix="coopsturing-bench-"))
    os.environ["DATABASE_URL"] = os.environ.get(
        "BENCH_DATABASE_URL", f"sqlite:///{scratch / 'bench.sqlite3'}"
    )
    os.environ["DJANGO_MEDIA_ROOT"] = str(scratch / "media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_databases

    if "BENCH_DATABASE_URL" in os.environ:
        # Never touch a real database: work in Django's test copy of it.
        setup_databases(verbosity=0, interactive=False)
    else:
        call_command("migrate", verbosity=0)


@contextmanager
def timer(results: dict, name: str):
    start = time.perf_counter()
    yield
    results[name] = time.perf_counter() - start


def best_of(n: int, func) -> float:
    """The fastest of n runs, in seconds (the least disturbed by a noisy
    machine). Each run starts from a collected heap (`_timed`)."""
    return min(_timed(func) for _ in range(n))


def interleaved_best_of(n: int, *funcs) -> list[float]:
    """The fastest of n runs of each function, in seconds, the functions run in
    turn (one warm-up round first, not counted): a noisy neighbour slows both
    sides of a ratio alike, and the fastest run of each is the least
    disturbed. Each run starts from a collected heap (`_timed`)."""
    best = [float("inf")] * len(funcs)
    for round_ in range(n + 1):
        for i, func in enumerate(funcs):
            seconds = _timed(func)
            if round_:
                best[i] = min(best[i], seconds)
    return best


def _timed(func) -> float:
    """One run of `func`, in seconds, after a full garbage collection outside
    the timing: the collector still runs during the run, as it does in a
    server, but never for the garbage an earlier run (of either side of a
    ratio) left behind, which would land on whichever side happens to
    allocate when the collector's threshold is passed."""
    gc.collect()
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def setup_django_kept(*, reuse: bool) -> str:
    """Configure Django on a PostgreSQL bench database that outlives the run.

    Like `setup_django` with BENCH_DATABASE_URL, the work happens in Django's test
    copy (test_<name>), never in the named database itself; but the copy is kept
    after the run, and with `reuse` an existing copy is used as it is (migrated
    forward if needed) instead of being dropped and recreated. Nothing is
    serialised (a kept copy can hold millions of rows). Returns the URL of the
    copy, for subprocesses that must work in it (e.g. `db_worker`).
    """
    from urllib.parse import urlsplit, urlunsplit

    url = os.environ.get("BENCH_DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit(
            "BENCH_DATABASE_URL moet een PostgreSQL-database noemen "
            "(postgres://gebruiker@host:5432/naam); dit benchmark bouwt miljoenen "
            f"rijen en meet PostgreSQL, niet SQLite (nu: {url or 'niet gezet'})."
        )
    scratch = Path(tempfile.mkdtemp(prefix="coopsturing-bench-"))
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_MEDIA_ROOT"] = str(scratch / "media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_databases

    setup_databases(
        verbosity=0, interactive=False, keepdb=reuse, serialized_aliases=set()
    )
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"]))

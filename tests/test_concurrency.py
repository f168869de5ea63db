"""Concurrent writers: on SQLite none of them meets "database is locked"; of N
conflicting API updates with the same ETag exactly one wins; on PostgreSQL writers
in several processes still leave one linear journal chain."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
import threading
import time
from decimal import Decimal

from django.db import OperationalError, connection, connections, transaction

import pytest
from rest_framework.test import APIClient

from cooperatie import services as cooperatie_services
from cooperatie.models import Gebouw
from kern import journal
from kern.journal import verify_chain
from kern.models import AuditEntry
from ledger import services as ledger_services
from ledger.models import Boeking
from tests.helpers import fresh, journal_mark

WRITERS = 20
CONFLICTING = 10
PROCESSES = 4
WRITES_PER_PROCESS = 10


def run_threads(count: int, work) -> list:
    """Run `work(i)` in `count` threads that start together; each thread has its
    own database connection and closes it at the end. Returns the results (or the
    exceptions) in thread order."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def runner(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = work(i)
        except Exception as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_writers_never_meet_a_locked_database(world):
    tenant = world.a
    before_seq = journal_mark()
    before = Boeking.objects.filter(cooperatie=tenant.cooperatie).count()

    def write(i: int):
        return ledger_services.boeking_create(
            cooperatie=tenant.cooperatie,
            datum=datetime.date(2024, 6, 1),
            soort=tenant.boeking.soort,
            bedrag=Decimal("10.00") + i,
            omschrijving=f"Gelijktijdige boeking {i}",
            actor=fresh(tenant.bestuur),
        )

    results = run_threads(WRITERS, write)

    errors = [r for r in results if isinstance(r, Exception)]
    locked = [
        r
        for r in errors
        if isinstance(r, OperationalError) and "database is locked" in str(r)
    ]
    print(
        f"\n{connection.vendor}: {WRITERS} concurrent writers, "
        f"{len(locked)} 'database is locked', {len(errors)} errors"
    )
    assert locked == []
    assert errors == []
    assert Boeking.objects.filter(cooperatie=tenant.cooperatie).count() == (
        before + WRITERS
    )
    created = AuditEntry.objects.filter(pk__gt=before_seq, action="boeking_create")
    assert created.count() == WRITERS
    assert verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_of_conflicting_updates_with_one_etag_exactly_one_wins(world):
    gebouw = world.a.gebouw
    url = f"/api/v1/gebouwen/{gebouw.pk}/"
    reader = APIClient()
    reader.force_authenticate(fresh(world.a.beheerder))
    etag = reader.get(url)["ETag"]
    before_seq = journal_mark()

    def patch(i: int):
        client = APIClient()
        client.force_authenticate(fresh(world.a.beheerder))
        return client.patch(url, {"naam": f"Winnaar {i}"}, HTTP_IF_MATCH=etag)

    results = run_threads(CONFLICTING, patch)

    errors = [r for r in results if isinstance(r, Exception)]
    assert errors == []
    codes = sorted(r.status_code for r in results)
    print(
        f"\n{connection.vendor}: {CONFLICTING} conflicting PATCHes: "
        f"{codes.count(200)} x 200, {codes.count(412)} x 412, "
        f"{codes.count(409)} x 409"
    )
    assert codes.count(200) == 1
    assert all(code in (200, 409, 412) for code in codes)
    winner = next(r for r in results if r.status_code == 200)
    assert Gebouw.objects.get(pk=gebouw.pk).naam == winner.json()["naam"]
    entries = AuditEntry.objects.filter(pk__gt=before_seq)
    assert [e.action for e in entries] == ["gebouw_update"]
    assert verify_chain().ok


# One writer process: Django set up against the test database; it says it is
# ready, waits for the signal, then makes journaled bookings through the service.
WRITER = """
import datetime, os, sys, time
from decimal import Decimal
import django
django.setup()
from django.contrib.auth import get_user_model
from django.db import connections
from cooperatie.models import Cooperatie
from ledger import services

db_name, cooperatie_id, user_id, soort, index, writes, folder = sys.argv[1:]
connections["default"].settings_dict["NAME"] = db_name
cooperatie = Cooperatie.objects.get(pk=cooperatie_id)
actor = get_user_model().objects.get(pk=user_id)
open(os.path.join(folder, f"klaar-{index}"), "w").close()
while not os.path.exists(os.path.join(folder, "start")):
    time.sleep(0.01)
for n in range(int(writes)):
    services.boeking_create(
        cooperatie=cooperatie,
        datum=datetime.date(2024, 6, 1),
        soort=soort,
        bedrag=Decimal("1.00") + n,
        omschrijving=f"Proces {index} boeking {n}",
        actor=actor,
    )
connections.close_all()
"""


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_writers_in_several_processes_leave_one_linear_chain(world, tmp_path, settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    tenant = world.a
    keten = f"cooperatie:{tenant.cooperatie.pk}"
    before_seq = journal.head_of(keten).seq
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                WRITER,
                connection.settings_dict["NAME"],
                str(tenant.cooperatie.pk),
                str(tenant.bestuur.pk),
                tenant.boeking.soort,
                str(index),
                str(WRITES_PER_PROCESS),
                str(tmp_path),
            ],
            env=env,
            cwd=settings.BASE_DIR,
        )
        for index in range(PROCESSES)
    ]
    deadline = time.monotonic() + 60
    while len(list(tmp_path.glob("klaar-*"))) < PROCESSES:
        assert time.monotonic() < deadline, "writer processes did not start"
        assert all(p.poll() is None for p in processes), "a writer process failed"
        time.sleep(0.05)
    (tmp_path / "start").touch()
    assert [p.wait(timeout=60) for p in processes] == [0] * PROCESSES

    seqs = list(
        AuditEntry.objects.filter(keten=keten, seq__gt=before_seq)
        .order_by("seq")
        .values_list("seq", flat=True)
    )
    total = PROCESSES * WRITES_PER_PROCESS
    print(f"\npostgresql: {PROCESSES} processes x {WRITES_PER_PROCESS} writes")
    assert seqs == list(range(before_seq + 1, before_seq + total + 1))
    result = verify_chain()
    assert result.ok, result.message


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_a_held_corporatie_chain_lock_never_blocks_another_tenants_booking(world):
    """While one connection holds corporatie A's chain lock (as a seal does while
    it writes), a booking for tenant B's cooperatie commits under a short
    lock_timeout; a write to A's own chain under the same timeout cannot."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    keten_a = journal.keten_of("cooperatie.corporatie", world.a.corporatie.pk, None)
    locked, release = threading.Event(), threading.Event()

    def hold(_i: int):
        with transaction.atomic():
            journal.lock_head(keten_a)
            locked.set()
            assert release.wait(timeout=60)
        return "released"

    holder = threading.Thread(target=lambda: run_threads(1, hold))
    holder.start()
    try:
        assert locked.wait(timeout=30)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '3s'")
            boeking = ledger_services.boeking_create(
                cooperatie=world.b.cooperatie,
                datum=datetime.date(2024, 6, 1),
                soort=world.b.boeking.soort,
                bedrag=Decimal("12.50"),
                omschrijving="Boeking naast een vastgehouden keten",
                actor=fresh(world.b.bestuur),
            )
        assert Boeking.objects.filter(pk=boeking.pk).exists()
        assert not release.is_set()

        def write_own_chain():
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '200ms'")
                cooperatie_services.gebouw_update(
                    gebouw=world.a.gebouw,
                    naam="Wacht op de keten",
                    actor=world.a.beheerder,
                )

        with pytest.raises(OperationalError, match="lock"):
            write_own_chain()
    finally:
        release.set()
        holder.join(timeout=60)
    assert verify_chain().ok

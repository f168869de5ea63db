"""Benchmark: verifying the journal's hash chains, per entry, against a floor.

Builds a valid journal of N entries (default 200,000) spread over a dozen
chains (cooperaties and corporaties), each entry shaped like the ones the
services write (a new booking with all its fields, or an edit with a few
changed fields before and after). Hashes are computed with the journal's own
functions (`journal.entry_payload`, `journal.compute_hash`); the rows go in
with `bulk_create`, and each chain's head row points at its last entry.

Then, in the same run, it times (best of --runs):

- `journal.verify_chain()`: every chain walked from its first entry (what
  `manage.py verify_ledger` does), in µs per entry;
- `journal.verify_incremental(all chains)` after a mark 10 % of each chain
  before its head (what the auditor's journal page does), in µs per entry
  after the mark; the marks are reset before every run (that reset is timed
  on its own and taken off);
- the floor: the same rows fetched the same way (the same columns as tuples,
  keyset chunks of 5,000 in (keten, seq) order, so the database and the
  driver do the same work, JSON decoding of `before`/`after` included) and
  one SHA-256 per row over the text of its values. No verification can do
  less: it has to read every row and hash about as many bytes. What the
  floor leaves out is exactly the verification's own work: building the
  canonical JSON (sorted keys, the journal's value rules) and comparing
  links and hashes.

Prints each timing, µs per entry, and the ratio to the floor. Not a test: run
`python bench/verify.py` (options: --entries N, --runs R; BENCH_DATABASE_URL
for PostgreSQL).
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import random
import tempfile
from pathlib import Path

from _setup import best_of, setup_django

CHAINS = [f"cooperatie:{i}" for i in range(1, 11)] + ["corporatie:1", "corporatie:2"]
# The columns a verification reads (the payload, the links, the id for messages).
COLUMNS = (
    "id",
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
)


def _booking(rng: random.Random, k: int, coop: int) -> dict:
    return {
        "cooperatie": coop,
        "datum": f"2024-{1 + k % 12:02d}-{1 + k % 28:02d}",
        "soort": 1 + k % 7,
        "bedrag": f"{rng.randint(1, 250000) / 100:.2f}",
        "omschrijving": f"Boeking {k}: bijdrage aan de buurtactiviteit",
        "corrigeert": None,
        "activiteit": k // 3 if k % 2 else None,
        "bon": "",
        "created_by": 1 + k % 5,
        "created_at": f"2024-03-01T10:{k % 60:02d}:{k % 60:02d}.123456+00:00",
    }


def build(n_entries: int) -> list:
    """n entries over CHAINS, valid chains and head rows; returns the heads."""
    from django.db import transaction

    from kern import journal
    from kern.models import AuditChainHead, AuditEntry

    rng = random.Random(7)
    base = datetime.datetime(2024, 1, 1, 8, 0, tzinfo=datetime.UTC)
    state = dict.fromkeys(CHAINS, (0, journal.GENESIS_HASH))
    batch: list = []
    with transaction.atomic():
        for k in range(n_entries):
            keten = CHAINS[k % len(CHAINS)]
            soort, _, pk = keten.partition(":")
            seq, prev = state[keten]
            coop = int(pk) if soort == "cooperatie" else None
            if k % 4 == 3:
                before = {"omschrijving": f"Oud {k}", "bedrag": "10.00"}
                after = {"omschrijving": f"Nieuw {k} — gecorrigeerd", "bedrag": "12.50"}
                action = "boeking_update"
            else:
                before, after = None, _booking(rng, k, coop or 1)
                action = "boeking_create"
            entry = AuditEntry(
                keten=keten,
                seq=seq + 1,
                timestamp=base + datetime.timedelta(seconds=k, microseconds=k % 997),
                actor_id=1 + k % 5,
                actor_name=f"bestuur{k % 5}",
                action=action,
                object_type="ledger.boeking",
                object_id=str(k),
                object_repr=f"Boeking {k} van coöperatie {coop}",
                corporatie_id=None if coop else int(pk),
                cooperatie_id=coop,
                before=before,
                after=after,
                request_id=f"{k:032x}",
                prev_hash=prev,
            )
            entry.hash = journal.compute_hash(prev, journal.entry_payload(entry))
            state[keten] = (seq + 1, entry.hash)
            batch.append(entry)
            if len(batch) >= 5000:
                AuditEntry.objects.bulk_create(batch, batch_size=1000)
                batch = []
        if batch:
            AuditEntry.objects.bulk_create(batch, batch_size=1000)
        AuditChainHead.objects.bulk_create(
            AuditChainHead(keten=k, seq=s, hash=h) for k, (s, h) in state.items()
        )
    return [journal.Kop(k, s, h) for k, (s, h) in state.items()]


def floor(chunk_size: int = 5000) -> int:
    """Read every row as a tuple by keyset on the (keten, seq) index (within a
    chain after its last row read, then the chains after it), one SHA-256 per
    row over the text of its values."""
    from kern.models import AuditEntry

    qs = AuditEntry.objects.order_by("keten", "seq").values_list(*COLUMNS)
    rows, page, keten, in_chain = 0, qs, None, False
    while True:
        chunk = list(page[:chunk_size])
        for row in chunk:
            hashlib.sha256("\x1f".join(map(str, row)).encode("utf-8")).hexdigest()
        rows += len(chunk)
        if len(chunk) == chunk_size:
            keten, seq = chunk[-1][1], chunk[-1][2]
            page, in_chain = qs.filter(keten=keten, seq__gt=seq), True
        elif in_chain:
            page, in_chain = qs.filter(keten__gt=keten), False
        else:
            return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    setup_django()

    from django.conf import settings
    from django.db import connection

    from kern import checkpoints, journal
    from kern.models import AuditEntry

    key = Path(tempfile.mkdtemp(prefix="coopsturing-bench-key-")) / "journaal.pem"
    checkpoints.generate_key(key)
    settings.JOURNAAL_SLEUTEL = str(key)
    settings.JOURNAAL_PUBLIEKE_SLEUTEL = ""

    koppen = build(args.entries)
    # Statistics as autovacuum would leave them on a live table: without them
    # PostgreSQL plans a keyset chunk on a freshly filled table as a sort of
    # the whole rest of the chain.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    n = AuditEntry.objects.count()
    marks = [journal.Kop(k.keten, k.seq - k.seq // 10, "") for k in koppen]
    marks = [
        journal.Kop(
            m.keten,
            m.seq,
            AuditEntry.objects.get(keten=m.keten, seq=m.seq).hash,
        )
        for m in marks
    ]
    new = sum(k.seq - m.seq for k, m in zip(koppen, marks, strict=True))

    def whole():
        result = journal.verify_chain()
        assert result.ok, result.message
        assert result.count == n, result.count

    def incremental():
        results = journal.verify_incremental(CHAINS)
        assert all(r.ok for r in results.values()), results
        assert sum(r.count for r in results.values()) == new, results

    def reset_then(func):
        def run():
            journal.mark_verified(marks)
            func()

        return run

    t_floor = best_of(args.runs, lambda: floor())
    t_whole = best_of(args.runs, whole)
    # The mark reset is timed too; time it alone and take it off.
    t_reset = best_of(args.runs, lambda: journal.mark_verified(marks))
    t_incr = best_of(args.runs, reset_then(incremental)) - t_reset
    us = 1e6
    print(
        f"{connection.vendor}: {n} entries in {len(CHAINS)} chains, best of {args.runs}"
    )
    print(f"  floor (tuples + sha256)   {t_floor * us / n:7.1f} µs/entry")
    print(
        f"  verify_chain              {t_whole * us / n:7.1f} µs/entry  "
        f"({t_whole:.2f} s, {t_whole / t_floor:.2f}x floor)"
    )
    print(
        f"  verify_incremental        {t_incr * us / new:7.1f} µs/entry  "
        f"({new} entries after the marks, {t_incr:.2f} s, "
        f"{(t_incr / new) / (t_floor / n):.2f}x floor)"
    )


if __name__ == "__main__":
    main()

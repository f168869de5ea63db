"""Verifying the journal's hash chains (see kern.journal and docs/journal.md).

`verify_chain` walks whole chains from their first entry (`manage.py
verify_ledger`); `verify_incremental` checks chains from their last trusted
start point — a mark signed with the journal key, else a signed checkpoint,
else the first entry — for the auditor's journal page. Both read rows as
tuples in keyset chunks and hash them with the journal's own payload and hash
functions, so the writer and the verifier can never disagree. Re-exported by
kern.journal.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import operator
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Q
from django.db.models.functions import Cast
from django.utils import timezone

from . import journal
from .journal import (
    GENESIS_HASH,
    PAYLOAD_FIELDS,
    Kop,
    _dumps,
    _to_json,
    payload_of,
)
from .models import AuditChainHead, AuditChainVerification, AuditEntry

# Where an incremental verification started (Verification.vertrek).
VERTREK_ONDERTEKEND = "ondertekend"  # a mark signed with the journal key
VERTREK_CHECKPOINT = "checkpoint"  # the newest signed checkpoint holding the chain
VERTREK_BEGIN = "begin"  # the chain's first entry: the whole chain
VERTREK_ONONDERTEKEND = "onondertekend"  # a mark taken on trust: no key configured


@dataclass(frozen=True)
class Verification:
    ok: bool
    count: int
    message: str
    failed_seq: int | None = None
    keten: str = ""
    ketens: int = 0
    # The heads that verified (only on success of a whole-chain walk).
    koppen: tuple = ()
    # Incremental only: where the check started (a VERTREK_ value) and after
    # which entry; and whether a mark was there whose signature did not verify.
    vertrek: str = ""
    vertrek_seq: int = 0
    markering_afgewezen: bool = False


def _fail(keten: str, count: int, seq: int | None, message: str) -> Verification:
    return Verification(False, count, f"keten {keten}: {message}", seq, keten)


# A fetched entry: these columns as a tuple (the JSON columns as their text,
# decoded by _plain_json; see _row_hash).
_ROW_COLUMNS = ("id", "prev_hash", "hash", *PAYLOAD_FIELDS)
_ID, _PREV, _HASH, _KETEN, _SEQ = 0, 1, 2, 3, 4
_JSON_COLUMNS = frozenset({"before", "after"})


def _float_text(number: str) -> str:
    # What _to_json makes of the float json.loads would have made.
    return _to_json(float(number))


def _plain_json(text: str | None) -> Any:
    """A JSON column's text decoded straight into _to_json's form: what
    `JSONField.from_db_value` returns, passed through _to_json (floats, NaN
    and the infinities become the same strings; text that is no JSON stays
    text, as there). Everything else JSON decodes to (dicts with string keys,
    lists, strings, ints, booleans, None) _to_json leaves as it is."""
    if text is None:
        return None
    try:
        return json.loads(text, parse_float=_float_text, parse_constant=_float_text)
    except json.JSONDecodeError:
        return text


def _row_hash(row: tuple) -> str:
    """compute_hash(prev_hash, entry_payload(entry)) of a fetched row, without
    a model instance: the payload is built by payload_of, as for an entry, and
    every value in it is already in _to_json's form (strings and integers
    from the database, the timestamp by _to_json, the JSON columns by
    _plain_json), so canonical_json's _to_json pass would change nothing."""
    values = dict(zip(PAYLOAD_FIELDS, row[_KETEN:], strict=True))
    values["before"] = _plain_json(values["before"])
    values["after"] = _plain_json(values["after"])
    return journal._chain_hash(row[_PREV], _dumps(payload_of(values)))


def _row_values(entries: models.QuerySet) -> models.QuerySet:
    """`entries` as tuples of _ROW_COLUMNS, ordered by (keten, seq)."""
    columns = [
        Cast(name, output_field=models.TextField()) if name in _JSON_COLUMNS else name
        for name in _ROW_COLUMNS
    ]
    return entries.order_by("keten", "seq").values_list(*columns)


def _rows(entries: models.QuerySet, chunk_size: int) -> Iterator[tuple]:
    """The rows of `entries` in (keten, seq) order, fetched `chunk_size` at a
    time by keyset: each query continues after the last row the previous one
    returned (in its chain, then in the chains after it), on the (keten, seq)
    index, so a chunk costs the same at the end of a long journal as at its
    start and nothing is held open between chunks. Rows sharing a number in
    their chain (possible only with the unique constraint dropped) are all
    returned, so the walk reports them."""
    chunk_size = max(1, chunk_size)
    query = _row_values(entries)
    page, in_chain, keten, seq, ids = query, False, None, None, set()
    while True:
        rows = list(page[:chunk_size])
        yield from rows
        if len(rows) == chunk_size:
            last = rows[-1]
            if (last[_KETEN], last[_SEQ]) != (keten, seq):
                keten, seq, ids = last[_KETEN], last[_SEQ], set()
            ids.update(r[_ID] for r in rows if r[_KETEN] == keten and r[_SEQ] == seq)
            page = query.filter(keten=keten, seq__gte=seq).exclude(seq=seq, id__in=ids)
            in_chain = True
        elif in_chain:
            # The rest of this chain is read: on to the chains after it.
            page, in_chain = query.filter(keten__gt=keten), False
        else:
            return


def _rows_after(
    after: list[tuple[str, int, int | None]], chunk_size: int
) -> Iterator[tuple]:
    """The rows after each chain's start point, in (keten, seq) order.

    `after` holds (keten, start seq, expected new rows), ordered by keten; the
    expected number comes from the chain's head (None without one). Chains are
    read in groups whose expected rows fit in a chunk, a group in one query of
    index ranges without ORDER BY or a tight LIMIT: ordered and limited, the
    planner may walk the whole (keten, seq) index in order and filter every
    entry of the journal, which took 29 s for 342 chains in 10 million
    entries. A group that holds more rows than its heads account for (rows
    past a head: a rewritten journal), and a chain with many new rows or
    without a head, is read by keyset, chain by chain, as a whole walk is."""
    group: list[tuple[str, int]] = []
    expected_total = 0

    def read_group() -> Iterator[tuple]:
        ranges = Q(pk__in=[])
        for keten, seq in group:
            ranges |= Q(keten=keten, seq__gt=seq)
        rows = list(
            _row_values(AuditEntry.objects.filter(ranges)).order_by()[
                : expected_total + 1
            ]
        )
        if len(rows) <= expected_total:
            rows.sort(key=operator.itemgetter(_KETEN, _SEQ, _ID))
            yield from rows
            return
        for keten, seq in group:
            entries = AuditEntry.objects.filter(keten=keten, seq__gt=seq)
            yield from _rows(entries, chunk_size)

    for keten, seq, expected in after:
        if expected is None or expected <= 0 or expected > chunk_size:
            if group:
                yield from read_group()
                group, expected_total = [], 0
            entries = AuditEntry.objects.filter(keten=keten, seq__gt=seq)
            yield from _rows(entries, chunk_size)
            continue
        if expected_total + expected > chunk_size:
            yield from read_group()
            group, expected_total = [], 0
        group.append((keten, seq))
        expected_total += expected
    if group:
        yield from read_group()


def _walk(
    keten: str,
    rows: Iterable[tuple],
    *,
    start_seq: int = 0,
    start_hash: str = GENESIS_HASH,
) -> tuple[Verification | None, int, str, int]:
    """Check the links and hashes of one chain's rows (see _rows) after
    (start_seq, start_hash). Returns (failure or None, last seq, last hash,
    entries checked)."""
    prev_hash, expected_seq, count = start_hash, start_seq + 1, 0
    for row in rows:
        seq = row[_SEQ]
        if seq != expected_seq:
            message = (
                f"volgnummer #{expected_seq} verwacht; een regel ontbreekt of is "
                "ingevoegd"
            )
        elif row[_PREV] != prev_hash:
            message = (
                "prev_hash sluit niet aan op de vorige regel; regels zijn "
                "verwijderd, ingevoegd of van plaats gewisseld"
            )
        elif _row_hash(row) != row[_HASH]:
            message = "inhoud klopt niet met de hash; de regel is gewijzigd"
        else:
            prev_hash = row[_HASH]
            expected_seq += 1
            count += 1
            continue
        return (
            _fail(
                keten, count, seq, f"journaalregel #{seq} (id {row[_ID]}): {message}"
            ),
            expected_seq - 1,
            prev_hash,
            count,
        )
    return None, expected_seq - 1, prev_hash, count


def _check_head(keten: str, head: AuditChainHead | None, seq: int, hash_: str, count):
    head_state = (head.seq, head.hash) if head else (0, GENESIS_HASH)
    if head_state != (seq, hash_):
        return _fail(
            keten,
            count,
            seq + 1,
            f"journaalkop wijst naar #{head_state[0]} ({head_state[1][:12]}…), maar "
            f"de laatste regel is #{seq} ({hash_[:12]}…); regels aan het eind "
            "ontbreken of zijn toegevoegd",
        )
    return None


@contextlib.contextmanager
def consistent_snapshot():
    """One view of the journal for a whole verification, so entries committed
    while it runs are neither missed by the head rows nor taken for entries
    appended behind them. On PostgreSQL a REPEATABLE READ, READ ONLY
    transaction; on SQLite a deferred (read) transaction, which in WAL mode
    reads one snapshot while writers go on committing beside it (Django's
    atomic() would BEGIN IMMEDIATE and hold every writer up). Inside an open
    transaction the current view is used. Nothing may write inside it."""
    if connection.in_atomic_block or getattr(connection, "_journaal_snapshot", False):
        yield
        return
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
        connection._journaal_snapshot = True
        try:
            yield
        finally:
            connection._journaal_snapshot = False
            with connection.cursor() as cursor:
                cursor.execute("COMMIT")
        return
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def verify_chain(
    ketens: Iterable[str] | None = None, *, chunk_size: int = 5000
) -> Verification:
    """Walk whole chains (all of them when `ketens` is None) from their first
    entry and check every link and hash, and that each head row points at its
    chain's last entry. Rows are read as tuples in keyset chunks (see _rows)
    and hashed without model instances (see _row_hash)."""
    with consistent_snapshot():
        return _verify_chain(ketens, chunk_size)


def _verify_chain(ketens: Iterable[str] | None, chunk_size: int) -> Verification:
    entries = AuditEntry.objects.all()
    head_rows = AuditChainHead.objects.all()
    if ketens is not None:
        ketens = sorted(set(ketens))
        entries = entries.filter(keten__in=ketens)
        head_rows = head_rows.filter(keten__in=ketens)
    heads_by_keten = {h.keten: h for h in head_rows}
    names = set(heads_by_keten)
    total = 0
    seen: set[str] = set()
    state: dict[str, tuple[int, str]] = {}
    for keten, rows in itertools.groupby(
        _rows(entries, chunk_size), key=operator.itemgetter(_KETEN)
    ):
        seen.add(keten)
        seq, hash_ = state.get(keten, (0, GENESIS_HASH))
        failure, seq, hash_, count = _walk(keten, rows, start_seq=seq, start_hash=hash_)
        total += count
        if failure is not None:
            return Verification(
                False, total, failure.message, failure.failed_seq, keten, len(seen)
            )
        state[keten] = (seq, hash_)
    for keten in sorted(names | seen):
        seq, hash_ = state.get(keten, (0, GENESIS_HASH))
        failure = _check_head(keten, heads_by_keten.get(keten), seq, hash_, total)
        if failure is not None:
            return Verification(
                False, total, failure.message, failure.failed_seq, keten, len(seen)
            )
    n = len(names | seen)
    koppen = tuple(
        Kop(keten, *state.get(keten, (0, GENESIS_HASH)))
        for keten in sorted(names | seen)
    )
    return Verification(
        True,
        total,
        f"{total} journaalregels geverifieerd, in {n} "
        + ("keten" if n == 1 else "ketens"),
        ketens=n,
        koppen=koppen,
    )


def _starts(ketens: list[str], marks: dict, public) -> tuple[dict, set[str]]:
    """Where each chain's incremental check starts: {keten: (seq, hash,
    vertrek)}, and the chains whose mark was refused. With a trusted public
    key a mark counts only if its signature verifies; a chain without one
    starts at its head in the newest signed checkpoint that holds it, else
    (absent from the result) at its first entry. Without a key every mark is
    taken on trust, as marked (VERTREK_ONONDERTEKEND)."""
    from . import checkpoints  # checkpoints imports this module

    starts: dict[str, tuple[int, str, str]] = {}
    refused: set[str] = set()
    for keten in ketens:
        mark = marks.get(keten)
        if mark is None:
            continue
        if public is None:
            starts[keten] = (mark.seq, mark.hash, VERTREK_ONONDERTEKEND)
        elif checkpoints.mark_signature_ok(mark, public):
            starts[keten] = (mark.seq, mark.hash, VERTREK_ONDERTEKEND)
        elif mark.handtekening:
            refused.add(keten)
    missing = [k for k in ketens if k not in starts]
    if public is not None and missing:
        for keten, (seq, hash_) in checkpoints.checkpointed_heads(
            missing, public
        ).items():
            starts[keten] = (seq, hash_, VERTREK_CHECKPOINT)
    return starts, refused


def verify_incremental(
    ketens: Iterable[str], *, chunk_size: int = 5000
) -> dict[str, Verification]:
    """Verify these chains from their last trusted verified point, so the cost
    grows with the entries after it only, not with the journal. That point is
    the chain's mark (AuditChainVerification) if its Ed25519 signature by the
    journal key verifies, else the chain's head in the newest signed
    checkpoint that holds it, else its first entry; without a configured key
    the mark is taken on trust, and the result says so (`vertrek`). The entry
    at that point is checked again (still there, same hash, content matching
    it), so the newer part is known to hang on it. A chain that verifies gets
    a new mark, signed when the private key is at hand. One result per chain;
    a fixed number of queries for all of them, plus one per `chunk_size` new
    entries."""
    from . import checkpoints  # checkpoints imports this module

    ketens = sorted(set(ketens))
    public = checkpoints.trusted_key_or_none()
    results: dict[str, Verification] = {}
    walked: dict[str, tuple[Verification | None, int, str, int]] = {}
    with consistent_snapshot():
        marks = {
            m.keten: m for m in AuditChainVerification.objects.filter(keten__in=ketens)
        }
        head_rows = {
            h.keten: h for h in AuditChainHead.objects.filter(keten__in=ketens)
        }
        starts, refused = _starts(ketens, marks, public)
        begin = (0, GENESIS_HASH, VERTREK_BEGIN)
        anchor_q = Q(pk__in=[])
        for keten, (seq, _hash, _vertrek) in starts.items():
            if seq:
                anchor_q |= Q(keten=keten, seq=seq)
        # Each start point's entry: still there, same hash, content matching it.
        anchors_hold = {
            row[_KETEN]: row[_HASH] == starts[row[_KETEN]][1]
            and _row_hash(row) == row[_HASH]
            for row in _row_values(AuditEntry.objects.filter(anchor_q))
        }
        # Only chains whose head is not at the start point need their newer rows.
        after: list[tuple[str, int, int | None]] = []
        for keten in ketens:
            seq, hash_, _vertrek = starts.get(keten, begin)
            head = head_rows.get(keten)
            if head is None or (head.seq, head.hash) != (seq, hash_):
                expected = head.seq - seq if head is not None else None
                after.append((keten, seq, expected))
        for keten, rows in itertools.groupby(
            _rows_after(after, chunk_size), key=operator.itemgetter(_KETEN)
        ):
            seq, hash_, _vertrek = starts.get(keten, begin)
            if seq and not anchors_hold.get(keten, False):
                continue  # reported below; its newer rows are not needed
            walked[keten] = _walk(keten, rows, start_seq=seq, start_hash=hash_)

    to_mark: list[Kop] = []
    for keten in ketens:
        start_seq, start_hash, vertrek = starts.get(keten, begin)
        failure = None
        if start_seq and not anchors_hold.get(keten, False):
            failure = _fail(
                keten,
                0,
                start_seq,
                f"journaalregel #{start_seq} is sinds de vorige controle "
                "gewijzigd of verwijderd"
                if vertrek in (VERTREK_ONDERTEKEND, VERTREK_ONONDERTEKEND)
                else f"journaalregel #{start_seq} heeft niet meer de hash uit het "
                "ondertekende checkpoint; de keten is herschreven",
            )
        seq, hash_, count = start_seq, start_hash, 0
        if failure is None:
            failure, seq, hash_, count = walked.get(
                keten, (None, start_seq, start_hash, 0)
            )
        if failure is None:
            failure = _check_head(keten, head_rows.get(keten), seq, hash_, count)
        extra = {
            "vertrek": vertrek,
            "vertrek_seq": start_seq,
            "markering_afgewezen": keten in refused,
        }
        if failure is not None:
            results[keten] = Verification(
                False, count, failure.message, failure.failed_seq, keten, 1, **extra
            )
            continue
        mark = marks.get(keten)
        if seq and (
            mark is None
            or (mark.seq, mark.hash) != (seq, hash_)
            or vertrek not in (VERTREK_ONDERTEKEND, VERTREK_ONONDERTEKEND)
        ):
            to_mark.append(Kop(keten, seq, hash_))
        results[keten] = Verification(
            True,
            count,
            f"{count} nieuwe journaalregels geverifieerd",
            keten=keten,
            ketens=1,
            koppen=(Kop(keten, seq, hash_),),
            **extra,
        )
    mark_verified(to_mark)
    return results


def mark_verified(koppen: Iterable[Kop]) -> None:
    """Record that these heads were verified (after a whole-chain walk or an
    incremental check), each mark signed with the journal key when it is at
    hand (see checkpoints.sign_mark); without it the marks are unsigned."""
    from . import checkpoints  # checkpoints imports this module

    koppen = [kop for kop in koppen if kop.seq]
    if not koppen:
        return
    key = checkpoints.signing_key_or_none()
    now = timezone.now()
    marks = [
        AuditChainVerification(
            keten=kop.keten,
            seq=kop.seq,
            hash=kop.hash,
            verified_at=now,
            handtekening=checkpoints.sign_mark(kop, now, key) if key else "",
        )
        for kop in koppen
    ]
    # One upsert per batch, not a read and a write per chain (a whole walk
    # marks every chain of the journal).
    AuditChainVerification.objects.bulk_create(
        marks,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["keten"],
        update_fields=["seq", "hash", "verified_at", "handtekening"],
    )


def entry_at(keten: str, seq: int) -> AuditEntry | None:
    return AuditEntry.objects.filter(keten=keten, seq=seq).first()

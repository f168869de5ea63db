"""The journal: an append-only, hash-chained audit trail of every change.

The journal is one chain per organisation whose data an entry changes (a
corporatie, a cooperatie, or the small platform chain). Each entry's `hash` is
SHA-256 over the previous entry's hash in its chain and the canonical JSON of the
entry's own fields, its chain name included. Writers lock their chain's
`AuditChainHead` row only, so on PostgreSQL concurrent commits still form linear
chains while writers of different organisations never wait for each other (on
SQLite the IMMEDIATE transaction mode serialises all writers anyway).
"""

from __future__ import annotations

import contextlib
import datetime
import decimal
import hashlib
import hmac
import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Q
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from kern.scoping import COOPERATIE, tenancy_of

from .middleware import current_request_id
from .models import AuditChainHead, AuditChainVerification, AuditEntry

GENESIS_HASH = "0" * 64

# Fields that never enter the journal: secrets and the salts of digests.
JOURNAL_EXCLUDED = frozenset({"journaal_salt", "key_hash", "wachtwoord_kenmerk"})


_JSON_SCALARS = frozenset({str, int, bool, type(None)})


def _to_json(value: Any) -> Any:
    """Plain JSON value of a field value, the same on every database."""
    kind = type(value)
    if kind in _JSON_SCALARS:
        return value
    if kind is dict:
        return {str(k): _to_json(v) for k, v in value.items()}
    if isinstance(value, Mapping):
        return {str(k): _to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_to_json(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted(_to_json(v) for v in value)
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = value.astimezone(datetime.UTC)
        return value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, models.Model):
        return value.pk
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return str(decimal.Decimal(repr(value)))
    return str(value)


def canonical_json(value: Any) -> str:
    return json.dumps(
        _to_json(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )


def personal_digest(salt: str, field: str, value: Any) -> str:
    """A salted digest standing in for a personal value in the journal.

    The salt lives on the member's row; erasing the member wipes it, after which
    the digest can no longer be linked to anyone, while the chain still verifies.
    """
    if value in (None, ""):
        return ""
    message = f"{field}:{_to_json(value)}".encode()
    digest = hmac.new(salt.encode(), message, hashlib.sha256).hexdigest()
    return f"hmac-sha256:{digest[:32]}"


def stored(field: models.Field, value: Any) -> Any:
    """A value as the database will hold it: "75" typed in a field of two
    decimals is stored as "75.00"."""
    if isinstance(field, models.DecimalField) and isinstance(value, decimal.Decimal):
        return value.quantize(decimal.Decimal(1).scaleb(-field.decimal_places))
    return value


def snapshot(
    obj: models.Model,
    fields: Iterable[str] | None = None,
    *,
    m2m: Mapping[str, Iterable[Any]] | None = None,
) -> dict[str, Any]:
    """The journal's view of an object: concrete fields as JSON values, foreign keys
    as ids, many-to-many as sorted id lists; personal fields as salted digests.
    `m2m`: the related ids of many-to-many fields the caller has just written
    (read from the database otherwise)."""
    personal = set(getattr(obj, "PERSONAL_FIELDS", ()))
    salt = getattr(obj, "journaal_salt", "")
    wanted = set(fields) if fields is not None else None
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.primary_key or field.name in JOURNAL_EXCLUDED:
            continue
        if wanted is not None and field.name not in wanted:
            continue
        value = stored(field, getattr(obj, field.attname))
        if field.name in personal:
            value = personal_digest(salt, field.name, value)
        data[field.name] = _to_json(value)
    if obj.pk is not None:
        for field in obj._meta.many_to_many:
            if wanted is not None and field.name not in wanted:
                continue
            if m2m is not None and field.name in m2m:
                data[field.name] = sorted(set(m2m[field.name]))
            else:
                data[field.name] = sorted(
                    getattr(obj, field.name).values_list("pk", flat=True)
                )
    return data


def diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict, dict]:
    """Only the keys whose values differ, as (before, after)."""
    changed = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in changed}, {k: after[k] for k in changed}


def scope_tags(obj: models.Model) -> tuple[int | None, int | None]:
    """The corporatie and cooperatie an object concerns (its model's tenancy
    declaration), so the journal is scoped like the objects themselves (see
    AuditEntryQuerySet)."""
    return tenancy_of(obj).tags(obj)


def entry_payload(entry: AuditEntry) -> dict[str, Any]:
    """The fields that the hash covers."""
    return {
        "keten": entry.keten,
        "seq": entry.seq,
        "timestamp": _to_json(entry.timestamp),
        "actor_id": entry.actor_id,
        "actor_name": entry.actor_name,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "corporatie_id": entry.corporatie_id,
        "cooperatie_id": entry.cooperatie_id,
        "before": entry.before,
        "after": entry.after,
        "request_id": entry.request_id,
    }


def compute_hash(prev_hash: str, payload: dict[str, Any]) -> str:
    return hashlib.sha256(
        (prev_hash + canonical_json(payload)).encode("utf-8")
    ).hexdigest()


# Whose chain an entry joins: the organisation whose data it changes. A
# cooperatie's own data (its members, activities, evidence, bookings, its own
# record: the models whose tenancy reaches only a cooperatie) goes to the
# cooperatie's chain; what a corporatie agrees and decides (gebouwen, contracts,
# afspraken, toetsingen, sealed reports) to the corporatie's chain; roles to the
# chain of the organisation they grant a role in; everything else (tokens,
# reference figures) to the small platform chain.
PLATFORM_KETEN = "platform"


def corporatie_keten(corporatie_id: int) -> str:
    """The name of a corporatie's chain."""
    return f"corporatie:{corporatie_id}"


def cooperatie_keten(cooperatie_id: int) -> str:
    """The name of a cooperatie's chain."""
    return f"cooperatie:{cooperatie_id}"


def keten_eigenaar(keten: str) -> tuple[str, int] | None:
    """("corporatie" | "cooperatie", id) of an organisation's chain name; None
    for the platform chain or a name that is no chain's."""
    soort, _, pk = keten.partition(":")
    if soort in ("corporatie", "cooperatie") and pk.isdigit():
        return soort, int(pk)
    return None


def keten_of(
    object_type: str, corporatie_id: int | None, cooperatie_id: int | None
) -> str:
    """The chain an entry on `object_type` with these scope tags belongs to."""
    if cooperatie_id is not None and (
        tenancy_of(object_type).keten == COOPERATIE or corporatie_id is None
    ):
        return cooperatie_keten(cooperatie_id)
    if corporatie_id is not None:
        return corporatie_keten(corporatie_id)
    return PLATFORM_KETEN


def lock_head(keten: str) -> AuditChainHead:
    """The chain's head row, locked until the transaction ends (the writers' turn
    on that chain only; other chains' writers go on)."""
    head = AuditChainHead.objects.select_for_update().filter(keten=keten).first()
    if head is None:
        # Two first writers of a new chain: the unique index lets one insert
        # win; the other's insert is ignored and both then lock the same row.
        AuditChainHead.objects.bulk_create(
            [AuditChainHead(keten=keten)], ignore_conflicts=True
        )
        head = AuditChainHead.objects.select_for_update().get(keten=keten)
    return head


def new_entry(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    object_repr: str = "",
    before: dict | None = None,
    after: dict | None = None,
    corporatie_id: int | None = None,
    cooperatie_id: int | None = None,
) -> AuditEntry:
    """An entry for one write, not yet in a chain: everything but its chain,
    number and hashes, which `append` gives it under the chain's lock."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
        object_repr = object_repr or str(obj)
        tag_corporatie, tag_cooperatie = scope_tags(obj)
        corporatie_id = corporatie_id if corporatie_id is not None else tag_corporatie
        cooperatie_id = cooperatie_id if cooperatie_id is not None else tag_cooperatie
    return AuditEntry(
        keten=keten_of(object_type, corporatie_id, cooperatie_id),
        timestamp=timezone.now(),
        actor=actor if actor is not None and actor.pk else None,
        actor_name=(actor.get_username() if actor is not None else "systeem")[:150],
        action=action,
        object_type=object_type,
        object_id=str(object_id or ""),
        object_repr=str(object_repr)[:200],
        corporatie_id=corporatie_id,
        cooperatie_id=cooperatie_id,
        before=_to_json(before) if before is not None else None,
        after=_to_json(after) if after is not None else None,
        request_id=current_request_id(),
    )


def append(entries: Iterable[AuditEntry]) -> list[AuditEntry]:
    """Append entries made by `new_entry` to their chains, in the order given:
    each chain's head is locked once (chains in name order, so two writers
    never wait for each other in a circle), each entry is numbered and hashed
    on the one before it, all are inserted at once, and each head moves once.
    Call inside the write's transaction."""
    if not connection.in_atomic_block:
        raise RuntimeError("the journal must be written inside the write's transaction")
    entries = list(entries)
    if not entries:
        return entries
    heads = {keten: lock_head(keten) for keten in sorted({e.keten for e in entries})}
    for entry in entries:
        head = heads[entry.keten]
        entry.seq, entry.prev_hash = head.seq + 1, head.hash
        entry.hash = compute_hash(entry.prev_hash, entry_payload(entry))
        head.seq, head.hash = entry.seq, entry.hash
    if len(entries) == 1:
        entries[0].save()
    else:
        AuditEntry.objects.bulk_create(entries)
    for head in heads.values():
        head.save(update_fields=["seq", "hash"])
    return entries


def record(*, actor, action: str, **write) -> AuditEntry:
    """Append one entry to its organisation's chain (the arguments of
    `new_entry`). Call inside the service's transaction."""
    if not connection.in_atomic_block:
        raise RuntimeError("journal.record() must run inside the write's transaction")
    return append([new_entry(actor=actor, action=action, **write)])[0]


def record_many(*, actor, action: str, writes: Iterable[Mapping[str, Any]]):
    """Journal many writes at once, one entry each, exactly as `record` would
    one after the other (the same fields, numbers and hashes; only the
    timestamps differ): each item holds the other arguments of `new_entry`
    (`obj`, `after`, …). Call inside the writes' transaction."""
    if not connection.in_atomic_block:
        raise RuntimeError(
            "journal.record_many() must run inside the writes' transaction"
        )
    return append([new_entry(actor=actor, action=action, **write) for write in writes])


@dataclass(frozen=True)
class Kop:
    """A chain's head: its newest entry's number and hash."""

    keten: str
    seq: int
    hash: str


def head_of(keten: str) -> Kop:
    """The committed head of a chain, without a lock (genesis for a new chain)."""
    head = AuditChainHead.objects.filter(keten=keten).first()
    if head is None:
        return Kop(keten, 0, GENESIS_HASH)
    return Kop(keten, head.seq, head.hash)


def heads(ketens: Iterable[str] | None = None) -> list[Kop]:
    """The committed heads of these chains (all chains when None), by name."""
    rows = AuditChainHead.objects.order_by("keten")
    if ketens is not None:
        wanted = sorted(set(ketens))
        found = {h.keten: h for h in rows.filter(keten__in=wanted)}
        return [
            Kop(k, found[k].seq, found[k].hash)
            if k in found
            else Kop(k, 0, GENESIS_HASH)
            for k in wanted
        ]
    return [Kop(h.keten, h.seq, h.hash) for h in rows]


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


def _fail(keten: str, count: int, seq: int | None, message: str) -> Verification:
    return Verification(False, count, f"keten {keten}: {message}", seq, keten)


def _walk(
    keten: str,
    entries: Iterable[AuditEntry],
    *,
    start_seq: int = 0,
    start_hash: str = GENESIS_HASH,
) -> tuple[Verification | None, int, str, int]:
    """Check the links and hashes of one chain's entries after (start_seq,
    start_hash). Returns (failure or None, last seq, last hash, entries checked)."""
    prev_hash, expected_seq, count = start_hash, start_seq + 1, 0
    for entry in entries:
        if entry.seq != expected_seq:
            return (
                _fail(
                    keten,
                    count,
                    entry.seq,
                    f"journaalregel #{entry.seq} (id {entry.pk}): volgnummer "
                    f"#{expected_seq} verwacht; een regel ontbreekt of is ingevoegd",
                ),
                expected_seq - 1,
                prev_hash,
                count,
            )
        if entry.prev_hash != prev_hash:
            return (
                _fail(
                    keten,
                    count,
                    entry.seq,
                    f"journaalregel #{entry.seq} (id {entry.pk}): prev_hash sluit "
                    "niet aan op de vorige regel; regels zijn verwijderd, ingevoegd "
                    "of van plaats gewisseld",
                ),
                expected_seq - 1,
                prev_hash,
                count,
            )
        if compute_hash(entry.prev_hash, entry_payload(entry)) != entry.hash:
            return (
                _fail(
                    keten,
                    count,
                    entry.seq,
                    f"journaalregel #{entry.seq} (id {entry.pk}): inhoud klopt niet "
                    "met de hash; de regel is gewijzigd",
                ),
                expected_seq - 1,
                prev_hash,
                count,
            )
        prev_hash = entry.hash
        expected_seq += 1
        count += 1
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
    ketens: Iterable[str] | None = None, *, chunk_size: int = 2000
) -> Verification:
    """Walk whole chains (all of them when `ketens` is None) from their first
    entry and check every link and hash, and that each head row points at its
    chain's last entry."""
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

    def chains():
        current, batch = None, []
        for entry in entries.order_by("keten", "seq").iterator(chunk_size=chunk_size):
            if entry.keten != current:
                if current is not None:
                    yield current, batch
                current, batch = entry.keten, []
            batch.append(entry)
            if len(batch) >= chunk_size:
                yield current, batch
                batch = []
        if current is not None:
            yield current, batch

    state: dict[str, tuple[int, str]] = {}
    for keten, batch in chains():
        seen.add(keten)
        seq, hash_ = state.get(keten, (0, GENESIS_HASH))
        failure, seq, hash_, count = _walk(
            keten, batch, start_seq=seq, start_hash=hash_
        )
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


def verify_incremental(ketens: Iterable[str]) -> dict[str, Verification]:
    """Verify these chains from where each was last verified (see
    AuditChainVerification), so the cost grows with the new entries only, not
    with the journal. The last verified entry is checked again (still there,
    same content), so the new part is known to hang on the verified one. A
    chain's mark moves forward when it verifies. One result per chain."""
    ketens = sorted(set(ketens))
    with consistent_snapshot():
        marks = {
            m.keten: m for m in AuditChainVerification.objects.filter(keten__in=ketens)
        }
        head_rows = {
            h.keten: h for h in AuditChainHead.objects.filter(keten__in=ketens)
        }
        anchor_q = Q(pk__in=[])
        for mark in marks.values():
            anchor_q |= Q(keten=mark.keten, seq=mark.seq)
        anchors = {e.keten: e for e in AuditEntry.objects.filter(anchor_q)}
        # Only chains whose head moved (or looks wrong) need their new entries.
        new_q = Q(pk__in=[])
        for keten in ketens:
            mark, head = marks.get(keten), head_rows.get(keten)
            if (
                mark is None
                or head is None
                or (head.seq, head.hash)
                != (
                    mark.seq,
                    mark.hash,
                )
            ):
                new_q |= Q(keten=keten, seq__gt=mark.seq if mark else 0)
        new_entries: dict[str, list[AuditEntry]] = {}
        for entry in AuditEntry.objects.filter(new_q).order_by("keten", "seq"):
            new_entries.setdefault(entry.keten, []).append(entry)

    results: dict[str, Verification] = {}
    for keten in ketens:
        mark = marks.get(keten)
        start_seq, start_hash = (mark.seq, mark.hash) if mark else (0, GENESIS_HASH)
        failure = None
        if start_seq:
            anchor = anchors.get(keten)
            if (
                anchor is None
                or anchor.hash != start_hash
                or compute_hash(anchor.prev_hash, entry_payload(anchor)) != anchor.hash
            ):
                failure = _fail(
                    keten,
                    0,
                    start_seq,
                    f"journaalregel #{start_seq} is sinds de vorige controle "
                    "gewijzigd of verwijderd",
                )
        seq, hash_, count = start_seq, start_hash, 0
        if failure is None:
            failure, seq, hash_, count = _walk(
                keten,
                new_entries.get(keten, []),
                start_seq=start_seq,
                start_hash=start_hash,
            )
        if failure is None:
            failure = _check_head(keten, head_rows.get(keten), seq, hash_, count)
        if failure is not None:
            results[keten] = Verification(
                False, count, failure.message, failure.failed_seq, keten, 1
            )
            continue
        if seq and (mark is None or seq > mark.seq):
            AuditChainVerification.objects.update_or_create(
                keten=keten,
                defaults={"seq": seq, "hash": hash_, "verified_at": timezone.now()},
            )
        results[keten] = Verification(
            True,
            count,
            f"{count} nieuwe journaalregels geverifieerd",
            keten=keten,
            ketens=1,
            koppen=(Kop(keten, seq, hash_),),
        )
    return results


def mark_verified(koppen: Iterable[Kop]) -> None:
    """Record that these heads were verified (after a whole-chain walk)."""
    now = timezone.now()
    for kop in koppen:
        if kop.seq:
            AuditChainVerification.objects.update_or_create(
                keten=kop.keten,
                defaults={"seq": kop.seq, "hash": kop.hash, "verified_at": now},
            )


def entry_at(keten: str, seq: int) -> AuditEntry | None:
    return AuditEntry.objects.filter(keten=keten, seq=seq).first()


# Checks that higher layers add (the sealed reports against their chains): each
# is a callable taking the chain names to check (None: all) and returning a
# list of failure messages. Registered in AppConfig.ready().
_extra_checks: list = []


def register_check(check) -> None:
    if check not in _extra_checks:
        _extra_checks.append(check)


def extra_checks() -> list:
    return list(_extra_checks)

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

import datetime
import decimal
import hashlib
import hmac
import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import connection, models
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from kern.scoping import COOPERATIE, tenancy_of

from .middleware import current_request_id
from .models import AuditChainHead, AuditEntry

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


def _dumps(plain: Any) -> str:
    """Canonical JSON text of a value already in _to_json's form."""
    return json.dumps(plain, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_json(value: Any) -> str:
    return _dumps(_to_json(value))


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


# The fields of an entry that its hash covers.
PAYLOAD_FIELDS = (
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
)


def payload_of(values: Mapping[str, Any]) -> dict[str, Any]:
    """The payload the hash covers, from the values of PAYLOAD_FIELDS (an
    entry's attributes, or a row the verification fetched as a tuple)."""
    payload = {name: values[name] for name in PAYLOAD_FIELDS}
    payload["timestamp"] = _to_json(payload["timestamp"])
    return payload


def entry_payload(entry: AuditEntry) -> dict[str, Any]:
    """The fields that the hash covers."""
    return payload_of({name: getattr(entry, name) for name in PAYLOAD_FIELDS})


def _chain_hash(prev_hash: str, text: str) -> str:
    """The one SHA-256 of the chain: the previous hash and an entry's canonical
    JSON. Every hash the journal computes or checks goes through here."""
    return hashlib.sha256((prev_hash + text).encode("utf-8")).hexdigest()


def compute_hash(prev_hash: str, payload: dict[str, Any]) -> str:
    return _chain_hash(prev_hash, canonical_json(payload))


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


# Checks that higher layers add (the sealed reports against their chains): each
# is a callable taking the chain names to check (None: all) and returning a
# list of failure messages. Registered in AppConfig.ready().
_extra_checks: list = []


def register_check(check) -> None:
    if check not in _extra_checks:
        _extra_checks.append(check)


def extra_checks() -> list:
    return list(_extra_checks)


# The verification lives in kern.ketencontrole; its API is the journal's.
from .ketencontrole import (  # noqa: E402, F401
    VERTREK_BEGIN,
    VERTREK_CHECKPOINT,
    VERTREK_ONDERTEKEND,
    VERTREK_ONONDERTEKEND,
    Verification,
    consistent_snapshot,
    entry_at,
    mark_verified,
    verify_chain,
    verify_incremental,
)

"""The journal: an append-only, hash-chained audit trail of every change.

Each entry's `hash` is SHA-256 over the previous entry's hash and the canonical JSON
of the entry's own fields. Writers take a lock on the single `AuditChainHead` row,
so on PostgreSQL concurrent commits still form one linear chain (on SQLite the
IMMEDIATE transaction mode already serialises writers).
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

from .middleware import current_request_id
from .models import AuditChainHead, AuditEntry

GENESIS_HASH = "0" * 64

# Fields that never enter the journal: secrets and the salts of digests.
JOURNAL_EXCLUDED = frozenset({"journaal_salt", "key_hash"})

# How to find the corporatie and cooperatie an object concerns, so the journal can
# be scoped like the objects themselves (see AuditEntryQuerySet).
_SCOPE_PATHS: dict[str, tuple[str | None, str | None]] = {
    "cooperatie.corporatie": ("pk", None),
    "cooperatie.gebouw": ("corporatie_id", None),
    "cooperatie.cooperatie": (None, "pk"),
    "cooperatie.overeenkomst": ("gebouw.corporatie_id", "cooperatie_id"),
    "cooperatie.lid": (None, "cooperatie_id"),
    "cooperatie.rol": ("corporatie_id", "cooperatie_id"),
    "cooperatie.apitoken": (None, None),
    "afspraken.afspraak": ("corporatie_id", "cooperatie_id"),
    "afspraken.toezegging": ("afspraak.corporatie_id", "afspraak.cooperatie_id"),
    "afspraken.toetsing": ("afspraak.corporatie_id", "afspraak.cooperatie_id"),
    "afspraken.beoordeling": (
        "toetsing.afspraak.corporatie_id",
        "toetsing.afspraak.cooperatie_id",
    ),
    "afspraken.rapport": (
        "toetsing.afspraak.corporatie_id",
        "toetsing.afspraak.cooperatie_id",
    ),
    "afspraken.jaarparameter": (None, None),
    "ledger.activiteit": (None, "cooperatie_id"),
    "ledger.bijlage": (None, "activiteit.cooperatie_id"),
    "ledger.boeking": (None, "cooperatie_id"),
}


def _to_json(value: Any) -> Any:
    """Plain JSON value of a field value, the same on every database."""
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


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The journal's view of an object: concrete fields as JSON values, foreign keys
    as ids, many-to-many as sorted id lists; personal fields as salted digests."""
    personal = set(getattr(obj, "PERSONAL_FIELDS", ()))
    salt = getattr(obj, "journaal_salt", "")
    wanted = set(fields) if fields is not None else None
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.primary_key or field.name in JOURNAL_EXCLUDED:
            continue
        if wanted is not None and field.name not in wanted:
            continue
        value = getattr(obj, field.attname)
        if isinstance(field, models.DecimalField) and isinstance(
            value, decimal.Decimal
        ):
            # As the database will hold it: "75" typed in is stored as "75.00".
            value = value.quantize(decimal.Decimal(1).scaleb(-field.decimal_places))
        if field.name in personal:
            value = personal_digest(salt, field.name, value)
        data[field.name] = _to_json(value)
    if obj.pk is not None:
        for field in obj._meta.many_to_many:
            if wanted is not None and field.name not in wanted:
                continue
            data[field.name] = sorted(
                getattr(obj, field.name).values_list("pk", flat=True)
            )
    return data


def diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict, dict]:
    """Only the keys whose values differ, as (before, after)."""
    changed = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in changed}, {k: after[k] for k in changed}


def _resolve(obj: models.Model, path: str | None) -> int | None:
    if path is None:
        return None
    value: Any = obj
    for part in path.split("."):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value


def scope_tags(obj: models.Model) -> tuple[int | None, int | None]:
    corporatie_path, cooperatie_path = _SCOPE_PATHS.get(
        obj._meta.label_lower, (None, None)
    )
    return _resolve(obj, corporatie_path), _resolve(obj, cooperatie_path)


def entry_payload(entry: AuditEntry) -> dict[str, Any]:
    """The fields that the hash covers."""
    return {
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


def lock_head() -> AuditChainHead:
    """The head row, locked until the transaction ends (the writers' turn)."""
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        head, _ = AuditChainHead.objects.get_or_create(pk=1)
        head = AuditChainHead.objects.select_for_update().get(pk=1)
    return head


def record(
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
    """Append one entry to the journal. Call inside the service's transaction."""
    if not connection.in_atomic_block:
        raise RuntimeError("journal.record() must run inside the write's transaction")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
        object_repr = object_repr or str(obj)
        tag_corporatie, tag_cooperatie = scope_tags(obj)
        corporatie_id = corporatie_id if corporatie_id is not None else tag_corporatie
        cooperatie_id = cooperatie_id if cooperatie_id is not None else tag_cooperatie
    head = lock_head()
    entry = AuditEntry(
        seq=head.seq + 1,
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
        prev_hash=head.hash,
    )
    entry.hash = compute_hash(entry.prev_hash, entry_payload(entry))
    entry.save()
    head.seq, head.hash = entry.seq, entry.hash
    head.save(update_fields=["seq", "hash"])
    return entry


def head_hash() -> str:
    """The hash of the newest entry (the genesis hash for an empty journal)."""
    head = AuditChainHead.objects.filter(pk=1).first()
    return head.hash if head else GENESIS_HASH


@dataclass(frozen=True)
class Verification:
    ok: bool
    count: int
    message: str
    failed_seq: int | None = None


def verify_chain(chunk_size: int = 2000) -> Verification:
    """Walk the chain from the first entry and check every link and hash."""
    prev_hash = GENESIS_HASH
    expected_seq = 1
    count = 0
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=chunk_size):
        if entry.seq != expected_seq:
            return Verification(
                False,
                count,
                f"journaalregel #{entry.seq} (id {entry.pk}): volgnummer "
                f"#{expected_seq} verwacht; een regel ontbreekt of is ingevoegd",
                entry.seq,
            )
        if entry.prev_hash != prev_hash:
            return Verification(
                False,
                count,
                f"journaalregel #{entry.seq} (id {entry.pk}): prev_hash sluit niet "
                "aan op de vorige regel; regels zijn verwijderd, ingevoegd of "
                "van plaats gewisseld",
                entry.seq,
            )
        if compute_hash(entry.prev_hash, entry_payload(entry)) != entry.hash:
            return Verification(
                False,
                count,
                f"journaalregel #{entry.seq} (id {entry.pk}): inhoud klopt niet "
                "met de hash; de regel is gewijzigd",
                entry.seq,
            )
        prev_hash = entry.hash
        expected_seq += 1
        count += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    head_state = (head.seq, head.hash) if head else (0, GENESIS_HASH)
    if head_state != (count, prev_hash):
        return Verification(
            False,
            count,
            f"journaalkop wijst naar #{head_state[0]} ({head_state[1][:12]}…), maar de "
            f"laatste regel is #{count} ({prev_hash[:12]}…); regels aan het eind "
            "ontbreken of zijn toegevoegd",
            count + 1,
        )
    return Verification(True, count, f"{count} journaalregels geverifieerd")

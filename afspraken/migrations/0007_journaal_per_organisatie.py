"""Move the single journal chain into one chain per organisation.

No installation held real data when chains per organisation came in, only the
demo: its entries are re-chained in their original order, each into the chain of
the organisation whose data it changes, renumbered and rehashed (the hash now
covers the chain name). Each sealed report's recorded journal head is mapped to
the newest entry of its corporatie's chain (and of its cooperatie's chain) that
came before the seal. The bytes of PDFs sealed before this migration still print
the hash of the former single chain (docs/journal.md).
"""

import hashlib

from django.db import migrations

from kern.journal import GENESIS_HASH, canonical_json, keten_of

TABLES = ("ledger_auditentry", "afspraken_rapport")


def _hash(prev_hash: str, entry) -> str:
    payload = {
        "keten": entry.keten,
        "seq": entry.seq,
        "timestamp": entry.timestamp,
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
    return hashlib.sha256((prev_hash + canonical_json(payload)).encode()).hexdigest()


def _last_before(history, old_seq):
    """(seq, hash) of the newest re-chained entry whose old number <= old_seq."""
    found = (0, GENESIS_HASH)
    for old, new_seq, new_hash in history:
        if old > old_seq:
            break
        found = (new_seq, new_hash)
    return found


def forwards(apps, schema_editor):
    AuditEntry = apps.get_model("ledger", "AuditEntry")
    AuditChainHead = apps.get_model("ledger", "AuditChainHead")
    Rapport = apps.get_model("afspraken", "Rapport")
    entries = list(AuditEntry.objects.order_by("seq"))
    if not entries:
        AuditChainHead.objects.all().delete()
        return
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        for table in TABLES:
            schema_editor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")

    old_seq_of_hash = {e.hash: e.seq for e in entries}
    rapporten = {
        r.toetsing_id: r for r in Rapport.objects.select_related("toetsing__afspraak")
    }
    # Park every entry outside the (keten, seq) space first.
    AuditEntry.objects.update(keten="herketenen")
    state: dict[str, tuple[int, str]] = {}
    history: dict[str, list] = {}
    for entry in entries:
        old_seq = entry.seq
        keten = keten_of(entry.object_type, entry.corporatie_id, entry.cooperatie_id)
        if (
            entry.action == "toetsing_vaststellen"
            and entry.object_type == "afspraken.toetsing"
            and entry.object_id.isdigit()
            and int(entry.object_id) in rapporten
        ):
            rapport = rapporten[int(entry.object_id)]
            afspraak = rapport.toetsing.afspraak
            corp = f"corporatie:{afspraak.corporatie_id}"
            coop = f"cooperatie:{afspraak.cooperatie_id}"
            anchor = old_seq_of_hash.get(rapport.journaal_hash, 0)
            seq_a, hash_a = _last_before(history.get(corp, []), anchor)
            seq_c, hash_c = _last_before(history.get(coop, []), anchor)
            Rapport.objects.filter(pk=rapport.pk).update(
                journaal_keten=corp,
                journaal_seq=seq_a,
                journaal_hash=hash_a,
                cooperatie_journaal_seq=seq_c,
                cooperatie_journaal_hash=hash_c,
            )
            entry.after = {**(entry.after or {}), "journaal_hash": hash_a}
        seq, prev_hash = state.get(keten, (0, GENESIS_HASH))
        entry.keten, entry.seq, entry.prev_hash = keten, seq + 1, prev_hash
        entry.hash = _hash(prev_hash, entry)
        AuditEntry.objects.filter(pk=entry.pk).update(
            keten=entry.keten,
            seq=entry.seq,
            prev_hash=entry.prev_hash,
            hash=entry.hash,
            after=entry.after,
        )
        state[keten] = (entry.seq, entry.hash)
        history.setdefault(keten, []).append((old_seq, entry.seq, entry.hash))

    AuditChainHead.objects.all().delete()
    AuditChainHead.objects.bulk_create(
        AuditChainHead(keten=keten, seq=seq, hash=hash_)
        for keten, (seq, hash_) in sorted(state.items())
    )
    if postgres:
        for table in TABLES:
            schema_editor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")


class Migration(migrations.Migration):
    dependencies = [
        ("afspraken", "0006_rapport_journaalketens"),
        ("ledger", "0003_journaal_ketens"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

"""The migration that moves a journal of the former single chain into one chain
per organisation (afspraken/0007): the re-chained journal verifies."""

from __future__ import annotations

import datetime
import hashlib

from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

import pytest

from kern import journal

OLD = [("ledger", "0002_append_only"), ("afspraken", "0005_toetsing_seal_trigger")]
NEW = [
    ("ledger", "0003_journaal_ketens"),
    ("afspraken", "0007_journaal_per_organisatie"),
]


def _old_hash(prev_hash: str, row: dict) -> str:
    """The former single chain's hash: the same fields, without a chain name."""
    return hashlib.sha256(
        (prev_hash + journal.canonical_json(row)).encode("utf-8")
    ).hexdigest()


@pytest.mark.django_db(transaction=True)
def test_a_single_chain_journal_is_rechained_per_organisation():
    # `migrate` runs as the owner role where there is one, and grants the
    # runtime role its privileges on the tables it makes again.
    call_command("migrate", "afspraken", OLD[1][1], verbosity=0)
    call_command("migrate", "ledger", OLD[0][1], verbosity=0)
    old_apps = MigrationExecutor(connection).loader.project_state(OLD).apps
    AuditEntry = old_apps.get_model("ledger", "AuditEntry")
    AuditChainHead = old_apps.get_model("ledger", "AuditChainHead")
    moment = datetime.datetime(2024, 5, 1, 12, 0, tzinfo=datetime.UTC)
    tags = [
        ("ledger.boeking", None, 11),
        ("cooperatie.gebouw", 3, None),
        ("ledger.boeking", None, 12),
        ("ledger.boeking", None, 11),
        ("cooperatie.apitoken", None, None),
        ("afspraken.toetsing", 3, 11),
    ]
    prev = journal.GENESIS_HASH
    for seq, (object_type, corporatie_id, cooperatie_id) in enumerate(tags, start=1):
        row = {
            "seq": seq,
            "timestamp": moment,
            "actor_id": None,
            "actor_name": "systeem",
            "action": "test",
            "object_type": object_type,
            "object_id": str(seq),
            "object_repr": f"object {seq}",
            "corporatie_id": corporatie_id,
            "cooperatie_id": cooperatie_id,
            "before": None,
            "after": {"n": seq},
            "request_id": "",
        }
        digest = _old_hash(prev, row)
        AuditEntry.objects.create(**row, prev_hash=prev, hash=digest)
        prev = digest
    AuditChainHead.objects.update_or_create(
        pk=1, defaults={"seq": len(tags), "hash": prev}
    )

    call_command("migrate", verbosity=0)

    from kern.models import AuditChainHead as Head
    from kern.models import AuditEntry as Entry

    chains = {
        keten: list(
            Entry.objects.filter(keten=keten)
            .order_by("seq")
            .values_list("object_id", flat=True)
        )
        for keten in Entry.objects.values_list("keten", flat=True).distinct()
    }
    assert chains == {
        "cooperatie:11": ["1", "4"],
        "cooperatie:12": ["3"],
        "corporatie:3": ["2", "6"],
        "platform": ["5"],
    }
    assert {h.keten: h.seq for h in Head.objects.all()} == {
        "cooperatie:11": 2,
        "cooperatie:12": 1,
        "corporatie:3": 2,
        "platform": 1,
    }
    result = journal.verify_chain()
    assert result.ok, result.message
    assert result.count == len(tags)

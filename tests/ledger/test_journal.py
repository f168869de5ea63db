"""The journal's hash chain and `verify_ledger`."""

import datetime
import itertools
import threading

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

import pytest

from cooperatie import services as cooperatie_services
from cooperatie.models import Lid
from kern import journal
from kern.models import AuditChainHead, AuditEntry
from tests.cooperatie.factories import CooperatieFactory, RolFactory, UserFactory
from tests.ledger.factories import AuditEntryFactory
from tests.ledger.tamper import raw


@pytest.fixture
def chain(db):
    """Five chained journal entries."""
    actor = UserFactory()
    return [AuditEntryFactory(actor=actor, object_id=str(i)) for i in range(1, 6)]


def _verify_fails() -> str:
    with pytest.raises(CommandError) as excinfo:
        call_command("verify_ledger")
    assert excinfo.value.returncode == 1
    return str(excinfo.value)


def test_entries_link_each_hash_to_the_previous_one(chain):
    assert chain[0].prev_hash == journal.GENESIS_HASH
    for previous, entry in itertools.pairwise(chain):
        assert entry.prev_hash == previous.hash
        assert entry.seq == previous.seq + 1
    head = AuditChainHead.objects.get()
    assert (head.seq, head.hash) == (chain[-1].seq, chain[-1].hash)


def test_hash_covers_the_stored_entry(chain):
    stored = AuditEntry.objects.get(pk=chain[2].pk)
    assert journal.compute_hash(stored.prev_hash, journal.entry_payload(stored)) == (
        stored.hash
    )


def test_verify_ledger_passes_and_counts_entries(chain, capsys):
    call_command("verify_ledger")
    out = capsys.readouterr().out
    assert "5 journaalregels geverifieerd" in out


def test_verify_ledger_on_an_empty_journal_passes(db, capsys):
    call_command("verify_ledger")
    assert "0 journaalregels geverifieerd" in capsys.readouterr().out


def test_verify_ledger_catches_an_edited_row(chain):
    raw(
        "UPDATE ledger_auditentry SET object_repr = %s WHERE seq = %s",
        ["vervalst", 3],
    )
    message = _verify_fails()
    assert "#3" in message
    assert "gewijzigd" in message


def test_verify_ledger_catches_an_edited_json_payload(chain):
    raw(
        "UPDATE ledger_auditentry SET after = %s WHERE seq = %s",
        ['{"veld": "andere waarde"}', 2],
    )
    message = _verify_fails()
    assert "#2" in message


def test_verify_ledger_catches_a_deleted_row(chain):
    raw("DELETE FROM ledger_auditentry WHERE seq = %s", [3])
    message = _verify_fails()
    assert "#4" in message
    assert "#3 verwacht" in message


def test_verify_ledger_catches_a_deleted_last_row(chain):
    raw("DELETE FROM ledger_auditentry WHERE seq = %s", [5])
    message = _verify_fails()
    assert "journaalkop" in message


def _forge_after(entry: AuditEntry, seq: int) -> AuditEntry:
    """A well-formed entry that claims to follow `entry`, with a correct hash."""
    forged = AuditEntry(
        keten=entry.keten,
        seq=seq,
        timestamp=entry.timestamp,
        actor_id=entry.actor_id,
        actor_name=entry.actor_name,
        action="vervalst",
        object_type="test.object",
        object_id="999",
        object_repr="ingevoegd",
        before=None,
        after={"veld": "ingevoegd"},
        request_id="",
        prev_hash=entry.hash,
    )
    forged.hash = journal.compute_hash(forged.prev_hash, journal.entry_payload(forged))
    return forged


def _insert_raw(forged: AuditEntry) -> None:
    raw(
        "INSERT INTO ledger_auditentry (keten, seq, timestamp, actor_id, actor_name,"
        " action, object_type, object_id, object_repr, corporatie_id, cooperatie_id,"
        " before, after, request_id, prev_hash, hash) VALUES"
        " (%s, %s, %s, %s, %s, %s, %s, %s, %s, NULL, NULL, NULL, %s, %s, %s, %s)",
        [
            forged.keten,
            forged.seq,
            forged.timestamp,
            forged.actor_id,
            forged.actor_name,
            forged.action,
            forged.object_type,
            forged.object_id,
            forged.object_repr,
            '{"veld": "ingevoegd"}',
            forged.request_id,
            forged.prev_hash,
            forged.hash,
        ],
    )


def test_verify_ledger_catches_a_row_inserted_in_the_middle(chain):
    # Make room after entry #2, then insert a forged entry with a valid hash.
    for seq in (5, 4, 3):
        raw("UPDATE ledger_auditentry SET seq = %s WHERE seq = %s", [seq + 1, seq])
    _insert_raw(_forge_after(chain[1], 3))
    message = _verify_fails()
    # The forged row itself hashes correctly; the row after it no longer links.
    assert "#4" in message
    assert "prev_hash" in message


def test_verify_ledger_catches_a_row_appended_behind_the_head(chain):
    _insert_raw(_forge_after(chain[-1], 6))
    message = _verify_fails()
    assert "journaalkop" in message


def test_verify_ledger_catches_reordered_rows(chain):
    # Swap the positions of entries #2 and #3.
    raw("UPDATE ledger_auditentry SET seq = 999 WHERE seq = 2")
    raw("UPDATE ledger_auditentry SET seq = 2 WHERE seq = 3")
    raw("UPDATE ledger_auditentry SET seq = 3 WHERE seq = 999")
    message = _verify_fails()
    assert "#2" in message


def test_journal_never_holds_member_names_in_clear(db):
    cooperatie = CooperatieFactory()
    bestuur = RolFactory(bestuur=True, cooperatie=cooperatie).user
    lid = cooperatie_services.lid_create(
        cooperatie=cooperatie,
        actor=bestuur,
        naam="Fatima el Amrani",
        email="fatima@example.nl",
        telefoon="0612345678",
        adres="Kastanjelaan 12-3",
        lid_sinds=datetime.date(2024, 2, 1),
        doelgroep="ja",
    )
    entry = AuditEntry.objects.get(action="lid_create")
    text = journal.canonical_json(journal.entry_payload(entry))
    for value in ("Fatima", "fatima@example.nl", "0612345678", "Kastanjelaan"):
        assert value not in text
    assert entry.after["naam"].startswith("hmac-sha256:")
    assert entry.after["naam"] == journal.personal_digest(
        Lid.objects.get(pk=lid.pk).journaal_salt, "naam", "Fatima el Amrani"
    )


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_linear_chain():
    """Eight threads, each with its own connection, write through the services at
    once; the chain stays linear and verifies, with no 'database is locked'."""
    cooperatie = CooperatieFactory()
    bestuur = RolFactory(bestuur=True, cooperatie=cooperatie).user
    errors: list[BaseException] = []
    per_thread = 6
    threads_n = 8
    barrier = threading.Barrier(threads_n)

    def work(n: int) -> None:
        try:
            barrier.wait()
            for i in range(per_thread):
                cooperatie_services.lid_create(
                    cooperatie=cooperatie,
                    actor=bestuur,
                    naam=f"Lid {n}-{i}",
                    lid_sinds=datetime.date(2024, 1, 1),
                )
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(threads_n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    result = journal.verify_chain()
    assert result.ok, result.message
    assert result.count == AuditEntry.objects.count() == threads_n * per_thread
    seqs = list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, threads_n * per_thread + 1))
    with transaction.atomic():
        assert Lid.objects.filter(cooperatie=cooperatie).count() == 48

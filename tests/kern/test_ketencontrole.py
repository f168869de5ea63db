"""The journal's verification: the whole-chain walk over tuples in keyset
chunks (the same hashes and results as over model instances), and the
auditor's incremental check, which starts only from a point signed with the
journal key (a signed mark, else a signed checkpoint, else the first entry)
and whose cost does not grow with the journal."""

from __future__ import annotations

import datetime
import json

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import pytest

from kern import checkpoints, journal, ketencontrole
from kern.models import AuditChainHead, AuditChainVerification, AuditEntry
from tests.ledger.tamper import raw


def _keten(tenant) -> str:
    return journal.cooperatie_keten(tenant.cooperatie.pk)


def _schrijf(tenant, n: int, *, after=None) -> None:
    """n entries in the tenant's cooperatie chain, as the services write them."""
    with transaction.atomic():
        for i in range(n):
            journal.record(
                actor=None,
                action="test_regel",
                object_type="ledger.boeking",
                object_id=i,
                object_repr=f"Regel {i}",
                after=after if after is not None else {"nummer": i},
                cooperatie_id=tenant.cooperatie.pk,
            )


def _bewerk(keten: str, seq: int, tekst: str = "vervalst") -> None:
    raw(
        "UPDATE ledger_auditentry SET object_repr = %s WHERE keten = %s AND seq = %s",
        [tekst, keten, seq],
    )


def _herbereken_vanaf(keten: str, seq: int) -> str:
    """What an attacker with database access does after an edit: recompute
    every hash from `seq` on and move the head along. Returns the new head."""
    prev = (
        AuditEntry.objects.get(keten=keten, seq=seq - 1).hash
        if seq > 1
        else journal.GENESIS_HASH
    )
    for entry in AuditEntry.objects.filter(keten=keten, seq__gte=seq).order_by("seq"):
        entry.prev_hash = prev
        entry.hash = journal.compute_hash(prev, journal.entry_payload(entry))
        raw(
            "UPDATE ledger_auditentry SET prev_hash = %s, hash = %s WHERE id = %s",
            [entry.prev_hash, entry.hash, entry.pk],
        )
        prev = entry.hash
    raw("UPDATE ledger_auditchainhead SET hash = %s WHERE keten = %s", [prev, keten])
    return prev


def _verplaats_markering(keten: str, handtekening: str | None = None) -> None:
    """Move the chain's mark to its current (forged) head, leaving its
    signature as it was unless another is given."""
    head = AuditChainHead.objects.get(keten=keten)
    if handtekening is None:
        raw(
            "UPDATE ledger_auditchainverification SET seq = %s, hash = %s "
            "WHERE keten = %s",
            [head.seq, head.hash, keten],
        )
    else:
        raw(
            "UPDATE ledger_auditchainverification SET seq = %s, hash = %s, "
            "handtekening = %s WHERE keten = %s",
            [head.seq, head.hash, handtekening, keten],
        )


@pytest.fixture
def hashes(monkeypatch):
    """Counts every chain hash the journal computes (one function does them all)."""
    calls = {"n": 0}
    original = journal._chain_hash

    def counting(prev_hash: str, text: str) -> str:
        calls["n"] += 1
        return original(prev_hash, text)

    monkeypatch.setattr(journal, "_chain_hash", counting)
    return calls


@pytest.fixture
def zonder_sleutel(settings, tmp_path):
    settings.JOURNAAL_SLEUTEL = str(tmp_path / "geen-sleutel.pem")
    settings.JOURNAAL_PUBLIEKE_SLEUTEL = ""


# The same hash from a tuple as from a model instance ------------------------------

AWKWARD = [
    {"bedrag": "12.50", "naam": "Zoë d'Ancona — “citaat”", "leeg": ""},
    {"getal": 1.10, "klein": 1e-7, "groot": 1.5e300, "negatief": -0.0},
    {"geneste": {"b": [1, 2.5, {"c": None}], "a": True}, "int": 2**62},
    {"z": 1, "a": 2, "ü": "ß", "emoji": "🏠", "tab": "a\tb\n"},
    [1, "twee", 3.0, [], {}],
    "alleen tekst",
    7,
]


@pytest.mark.parametrize("waarde", AWKWARD)
def test_a_row_hashes_as_its_model_instance(world, waarde):
    """verify_chain hashes tuples (see journal._row_hash); the result must be
    compute_hash(prev_hash, entry_payload(entry)) for any stored content,
    floats included (json.loads makes floats that _to_json turns to text)."""
    tenant = world.a
    _schrijf(tenant, 1)
    keten = _keten(tenant)
    head = AuditChainHead.objects.get(keten=keten)
    entry = AuditEntry(
        keten=keten,
        seq=head.seq + 1,
        timestamp=datetime.datetime(
            2024, 2, 29, 23, 59, 59, 999999, tzinfo=datetime.UTC
        ),
        actor_name="systeem",
        action="test_vreemd",
        object_type="ledger.boeking",
        object_repr="Vreemde inhoud",
        cooperatie_id=tenant.cooperatie.pk,
        before=waarde,
        after={"terug": waarde},
        prev_hash=head.hash,
        hash="0" * 64,
    )
    AuditEntry.objects.bulk_create([entry])
    stored = AuditEntry.objects.get(keten=keten, seq=entry.seq)
    expected = journal.compute_hash(stored.prev_hash, journal.entry_payload(stored))
    row = ketencontrole._row_values(AuditEntry.objects.filter(pk=stored.pk)).get()
    assert ketencontrole._row_hash(row) == expected
    # And the walk agrees: stored with that hash, the chain verifies.
    raw("UPDATE ledger_auditentry SET hash = %s WHERE id = %s", [expected, stored.pk])
    raw(
        "UPDATE ledger_auditchainhead SET seq = %s, hash = %s WHERE keten = %s",
        [entry.seq, expected, keten],
    )
    assert journal.verify_chain([keten]).ok


# The whole-chain walk in keyset chunks --------------------------------------------


def _tamper(kind: str, keten: str) -> None:
    if kind == "bewerkt":
        _bewerk(keten, 4)
    elif kind == "verwijderd":
        raw("DELETE FROM ledger_auditentry WHERE keten = %s AND seq = 5", [keten])
    elif kind == "gewisseld":
        raw(
            "UPDATE ledger_auditentry SET seq = 1000 WHERE keten = %s AND seq = 3",
            [keten],
        )
        raw(
            "UPDATE ledger_auditentry SET seq = 3 WHERE keten = %s AND seq = 4",
            [keten],
        )
        raw(
            "UPDATE ledger_auditentry SET seq = 4 WHERE keten = %s AND seq = 1000",
            [keten],
        )
    elif kind == "ingekort":
        head = AuditChainHead.objects.get(keten=keten).seq
        raw(
            "DELETE FROM ledger_auditentry WHERE keten = %s AND seq = %s",
            [keten, head],
        )
    elif kind == "herberekend":
        _bewerk(keten, 6)
        _herbereken_vanaf(keten, 6)


@pytest.mark.parametrize(
    "kind", ["intact", "bewerkt", "verwijderd", "gewisseld", "ingekort", "herberekend"]
)
def test_the_walk_gives_one_result_whatever_the_chunk_size(world, kind):
    """Keyset chunks of 1, 2, 3 and 7 rows read the journal as one chunk
    does: the same verdict, count, message, entry and number of chains."""
    _schrijf(world.a, 9)
    _schrijf(world.b, 4)
    _tamper(kind, _keten(world.a))
    results = {
        size: journal.verify_chain(chunk_size=size) for size in (1, 2, 3, 7, 100_000)
    }
    assert len(set(results.values())) == 1, results
    result = results[1]
    assert result.ok == (kind in ("intact", "herberekend"))
    if not result.ok:
        assert result.keten == _keten(world.a)


def test_the_walk_reads_by_keyset_not_by_offset(world):
    _schrijf(world.a, 12)
    with CaptureQueriesContext(connection) as ctx:
        result = journal.verify_chain(chunk_size=5)
    assert result.ok
    selects = [
        q["sql"] for q in ctx.captured_queries if "ledger_auditentry" in q["sql"]
    ]
    assert len(selects) >= result.count // 5
    assert not any("OFFSET" in sql.upper() for sql in selects)


# The auditor's check: signed start points ------------------------------------------


def test_a_verified_chain_gets_a_signed_mark_and_continues_from_it(world, hashes):
    keten = _keten(world.a)
    _schrijf(world.a, 4)
    first = journal.verify_incremental([keten])[keten]
    assert first.ok
    assert first.vertrek == journal.VERTREK_BEGIN
    mark = AuditChainVerification.objects.get(keten=keten)
    assert checkpoints.mark_signature_ok(mark, checkpoints.load_public_key())
    _schrijf(world.a, 3)
    hashes["n"] = 0
    later = journal.verify_incremental([keten])[keten]
    assert later.ok
    assert later.vertrek == journal.VERTREK_ONDERTEKEND
    assert later.vertrek_seq == mark.seq
    assert later.count == 3
    # The anchor entry once, then the three new ones.
    assert hashes["n"] == 4


def test_the_new_rows_of_many_chains_are_one_query(world):
    """The incremental check reads the new rows of all chains in one query
    (its heads say how many there are), whatever the number of chains."""
    ketens = [_keten(world.a), _keten(world.b)]
    _schrijf(world.a, 4)
    _schrijf(world.b, 4)
    assert all(r.ok for r in journal.verify_incremental(ketens).values())
    _schrijf(world.a, 3)
    _schrijf(world.b, 2)
    with CaptureQueriesContext(connection) as captured:
        results = journal.verify_incremental(ketens)
    assert [results[k].count for k in ketens] == [3, 2]
    newer = [
        q["sql"]
        for q in captured.captured_queries
        if "ledger_auditentry" in q["sql"] and '"seq" >' in q["sql"]
    ]
    assert len(newer) == 1
    assert "ORDER BY" not in newer[0]


def test_a_row_slipped_in_past_the_head_is_caught(world):
    """Rows past a chain's head (written around the services, the head left
    as it was) are more than the head accounts for: they are read one chain at
    a time and reported, not dropped."""
    keten = _keten(world.a)
    _schrijf(world.a, 4)
    assert journal.verify_incremental([keten])[keten].ok
    _schrijf(world.a, 2)
    head = AuditChainHead.objects.get(keten=keten)
    raw(
        "UPDATE ledger_auditchainhead SET seq = %s, hash = %s WHERE keten = %s",
        [
            head.seq - 1,
            AuditEntry.objects.get(keten=keten, seq=head.seq - 1).hash,
            keten,
        ],
    )
    result = journal.verify_incremental([keten])[keten]
    assert not result.ok
    assert result.count >= 1


def test_a_moved_mark_over_an_edited_entry_is_caught(world):
    """Someone with database access edits an entry, then moves the mark past
    it so that the check would start after the edit: the mark's signature no
    longer verifies, the check starts from the first entry and finds it."""
    keten = _keten(world.a)
    _schrijf(world.a, 5)
    assert journal.verify_incremental([keten])[keten].ok
    mark_seq = AuditChainVerification.objects.get(keten=keten).seq
    _schrijf(world.a, 3)
    _bewerk(keten, mark_seq + 1)
    _verplaats_markering(keten)
    result = journal.verify_incremental([keten])[keten]
    assert not result.ok
    assert result.failed_seq == mark_seq + 1
    assert result.vertrek == journal.VERTREK_BEGIN
    assert result.markering_afgewezen


def test_a_rehashed_chain_with_its_mark_moved_is_caught_by_a_checkpoint(world):
    """The attacker rewrites an entry, recomputes every hash after it, moves
    the head and the mark to the forged head: the mark is refused and the
    newest signed checkpoint holding the chain no longer matches."""
    keten = _keten(world.a)
    _schrijf(world.a, 4)
    checkpoints.sign_heads(journal.heads([keten]), aanleiding="test")
    checkpointed = journal.head_of(keten).seq
    _schrijf(world.a, 4)
    assert journal.verify_incremental([keten])[keten].ok
    _bewerk(keten, 2)
    _herbereken_vanaf(keten, 2)
    _verplaats_markering(keten)
    result = journal.verify_incremental([keten])[keten]
    assert not result.ok
    assert result.vertrek == journal.VERTREK_CHECKPOINT
    assert result.vertrek_seq == checkpointed
    assert result.failed_seq == checkpointed
    assert "checkpoint" in result.message


@pytest.mark.parametrize("vervalsing", ["omgedraaid", "eigen_sleutel", "leeg"])
def test_a_tampered_mark_signature_makes_the_check_fall_back(world, vervalsing):
    """A mark whose signature is altered, made with another key or removed
    is not trusted: the check falls back to the signed checkpoint and
    catches the rewritten chain."""
    keten = _keten(world.a)
    _schrijf(world.a, 3)
    checkpoints.sign_heads(journal.heads([keten]), aanleiding="test")
    _schrijf(world.a, 3)
    assert journal.verify_incremental([keten])[keten].ok
    _bewerk(keten, 3)
    new_head = _herbereken_vanaf(keten, 3)
    mark = AuditChainVerification.objects.get(keten=keten)
    head = AuditChainHead.objects.get(keten=keten)
    if vervalsing == "omgedraaid":
        signature = mark.handtekening
        signature = ("1" if signature[0] == "0" else "0") + signature[1:]
    elif vervalsing == "eigen_sleutel":
        from cryptography.hazmat.primitives.asymmetric.ed25519 import (
            Ed25519PrivateKey,
        )

        signature = checkpoints.sign_mark(
            journal.Kop(keten, head.seq, new_head),
            mark.verified_at,
            Ed25519PrivateKey.generate(),
        )
    else:
        signature = ""
    _verplaats_markering(keten, signature)
    result = journal.verify_incremental([keten])[keten]
    assert not result.ok
    assert result.vertrek == journal.VERTREK_CHECKPOINT
    assert result.markering_afgewezen == (vervalsing != "leeg")


def test_a_forged_checkpoint_row_is_not_a_start_point(world):
    """Checkpoint rows the runtime role could insert count only if their
    signature verifies with the trusted key."""
    keten = _keten(world.a)
    _schrijf(world.a, 4)
    real = checkpoints.sign_heads(journal.heads([keten]), aanleiding="echt")
    _bewerk(keten, 2)
    forged_head = _herbereken_vanaf(keten, 2)
    payload = json.loads(real.inhoud)
    payload["ketens"][keten]["hash"] = forged_head
    forged = checkpoints.sign_heads(journal.heads([keten]), aanleiding="vals")
    raw(
        "UPDATE ledger_journaalcheckpoint SET inhoud = %s WHERE id = %s",
        [journal.canonical_json(payload), forged.pk],
    )
    result = journal.verify_incremental([keten])[keten]
    assert not result.ok
    assert result.vertrek == journal.VERTREK_CHECKPOINT
    assert result.failed_seq == payload["ketens"][keten]["seq"]


def test_without_a_key_the_mark_is_taken_on_trust_and_the_result_says_so(
    world, zonder_sleutel
):
    keten = _keten(world.a)
    _schrijf(world.a, 3)
    assert journal.verify_incremental([keten])[keten].ok
    assert AuditChainVerification.objects.get(keten=keten).handtekening == ""
    _schrijf(world.a, 2)
    result = journal.verify_incremental([keten])[keten]
    assert result.ok
    assert result.vertrek == journal.VERTREK_ONONDERTEKEND
    assert result.count == 2


def test_an_unsigned_mark_is_not_trusted_once_a_key_is_configured(world, settings):
    keten = _keten(world.a)
    key = settings.JOURNAAL_SLEUTEL
    _schrijf(world.a, 3)
    settings.JOURNAAL_SLEUTEL = ""
    assert journal.verify_incremental([keten])[keten].vertrek == (journal.VERTREK_BEGIN)
    _bewerk(keten, 2)
    settings.JOURNAAL_SLEUTEL = key
    result = journal.verify_incremental([keten])[keten]
    assert not result.ok
    assert result.vertrek == journal.VERTREK_BEGIN
    assert result.failed_seq == 2


def test_verify_ledger_signs_the_marks_it_leaves(world):
    from django.core.management import call_command

    _schrijf(world.a, 2)
    call_command("verify_ledger")
    public = checkpoints.load_public_key()
    marks = list(AuditChainVerification.objects.all())
    assert marks
    assert all(checkpoints.mark_signature_ok(m, public) for m in marks)


# The auditor's page: cost independent of the journal's length ---------------------


def _page_visit(client, tenant, hashes) -> tuple[int, int, list]:
    hashes["n"] = 0
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("audit-journaal", args=[tenant.corporatie.pk]))
    assert response.status_code == 200
    rijen = response.context["ketens"]["rijen"]
    return len(ctx.captured_queries), hashes["n"], rijen


@pytest.mark.parametrize("start", ["markering", "checkpoint"])
def test_the_auditor_page_costs_the_same_after_50_or_500_earlier_entries(
    client, world, hashes, start
):
    """The same number of queries and of hashes whether 50 or 500 entries lie
    before the start point: only the anchor entry and the new ones are read."""
    tenant = world.a
    client.force_login(tenant.auditor)
    keten = _keten(tenant)
    measured = []
    for earlier in (50, 450):
        _schrijf(tenant, earlier)
        _page_visit(client, tenant, hashes)  # the chains get their marks
        if start == "checkpoint":
            checkpoints.sign_heads(journal.heads(), aanleiding="test")
            AuditChainVerification.objects.all().delete()
        _schrijf(tenant, 5)
        queries, hashed, rijen = _page_visit(client, tenant, hashes)
        rij = next(r for r in rijen if r["keten"] == keten)
        assert rij["verificatie"].ok
        assert rij["verificatie"].count == 5
        measured.append((queries, hashed, [r["verificatie"].count for r in rijen]))
    assert AuditEntry.objects.filter(keten=keten).count() > 500
    assert measured[0] == measured[1]
    # The cooperatie's anchor and its 5 new entries, one anchor per other chain.
    assert measured[0][1] == 5 + len(measured[0][2])


def test_the_auditor_page_shows_the_start_point_and_an_unsigned_one(
    client, world, settings
):
    tenant = world.a
    client.force_login(tenant.auditor)
    url = reverse("audit-journaal", args=[tenant.corporatie.pk])
    client.get(url)
    html = client.get(url).content.decode()
    assert "vanaf de ondertekende controle tot #" in html
    assert "niet ondertekend" not in html
    settings.JOURNAAL_SLEUTEL = ""
    html = client.get(url).content.decode()
    assert "vanaf de niet-ondertekende controle tot #" in html
    assert "Het vertrekpunt van de controle is niet ondertekend" in html

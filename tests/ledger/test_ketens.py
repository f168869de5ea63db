"""One journal chain per organisation, anchored outside the database: sealed
reports cross-checked against their chain, signed checkpoints, and the tampering
that `verify_ledger` must catch (edits, deletions, insertions, reordering, a
truncated tail past a seal, a rehash after an edit, a changed sealed PDF)."""

from __future__ import annotations

import datetime
import io
import json
import zipfile
from decimal import Decimal

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

import pypdf
import pytest

from afspraken import rapporten, services
from afspraken.models import Rapport
from cooperatie import services as cooperatie_services
from kern import checkpoints, journal
from kern.models import AuditChainHead, AuditCheckpoint, AuditEntry
from ledger import services as ledger_services
from tests.afspraken.factories import RapportFactory, ToetsingFactory
from tests.helpers import fresh
from tests.ledger.tamper import raw


def _boek(tenant, n: int = 1) -> None:
    for i in range(n):
        ledger_services.boeking_create(
            cooperatie=tenant.cooperatie,
            datum=datetime.date(2024, 3, 1),
            soort=tenant.boeking.soort,
            bedrag=Decimal("5.00") + i,
            omschrijving=f"Boeking {i}",
            actor=fresh(tenant.bestuur),
        )


def _verify_fails(*args) -> str:
    with pytest.raises(CommandError) as excinfo:
        call_command("verify_ledger", *args)
    assert excinfo.value.returncode == 1
    return str(excinfo.value)


def _verify_passes(*args, capsys=None) -> None:
    call_command("verify_ledger", *args)


def _keten(tenant, soort: str) -> str:
    if soort == "corporatie":
        return journal.keten_of("cooperatie.corporatie", tenant.corporatie.pk, None)
    return journal.keten_of("cooperatie.cooperatie", None, tenant.cooperatie.pk)


def _rehash_from(keten: str, seq: int) -> None:
    """What an attacker with database access does after editing entry `seq`:
    recompute every hash from there on and move the head along."""
    prev = (
        AuditEntry.objects.get(keten=keten, seq=seq - 1).hash
        if seq > 1
        else (journal.GENESIS_HASH)
    )
    for entry in AuditEntry.objects.filter(keten=keten, seq__gte=seq).order_by("seq"):
        entry.prev_hash = prev
        entry.hash = journal.compute_hash(prev, journal.entry_payload(entry))
        raw(
            "UPDATE ledger_auditentry SET prev_hash = %s, hash = %s WHERE id = %s",
            [entry.prev_hash, entry.hash, entry.pk],
        )
        prev = entry.hash
    raw(
        "UPDATE ledger_auditchainhead SET hash = %s WHERE keten = %s",
        [prev, keten],
    )


@pytest.fixture
def sealed(world):
    """Tenant A's 2024 year submitted and approved (sealed), with bookings of
    both tenants before and after."""
    a = world.a
    _boek(a, 2)
    _boek(world.b, 2)
    toetsing = services.toetsing_indienen(toetsing=a.toetsing, actor=fresh(a.bestuur))
    toetsing = services.toetsing_vaststellen(toetsing=toetsing, actor=a.beheerder)
    cooperatie_services.gebouw_update(
        gebouw=a.gebouw, naam="Na de verzegeling", actor=a.beheerder
    )
    return Rapport.objects.get(toetsing=toetsing)


# Chains ---------------------------------------------------------------------------


def test_each_organisation_writes_its_own_chain(world):
    coop_a, coop_b = _keten(world.a, "cooperatie"), _keten(world.b, "cooperatie")
    corp_a = _keten(world.a, "corporatie")
    base = {k: journal.head_of(k).seq for k in (coop_a, coop_b, corp_a)}
    _boek(world.a, 3)
    _boek(world.b, 2)
    cooperatie_services.gebouw_update(
        gebouw=world.a.gebouw, naam="Nieuw", actor=world.a.beheerder
    )
    for keten, n in ((coop_a, 3), (coop_b, 2), (corp_a, 1)):
        seqs = list(
            AuditEntry.objects.filter(keten=keten)
            .order_by("seq")
            .values_list("seq", flat=True)
        )
        assert seqs == list(range(1, base[keten] + n + 1)), keten
        assert AuditChainHead.objects.get(keten=keten).seq == base[keten] + n
    assert set(
        AuditEntry.objects.filter(action="boeking_create", keten=coop_a).values_list(
            "cooperatie_id", flat=True
        )
    ) == {world.a.cooperatie.pk}
    assert AuditEntry.objects.get(action="gebouw_update").keten == corp_a
    assert journal.verify_chain().ok


@pytest.mark.parametrize(
    ("object_type", "corporatie_id", "cooperatie_id", "keten"),
    [
        ("ledger.boeking", None, 7, "cooperatie:7"),
        ("cooperatie.lid", None, 7, "cooperatie:7"),
        ("cooperatie.cooperatie", None, 7, "cooperatie:7"),
        ("afspraken.toetsing", 3, 7, "corporatie:3"),
        ("cooperatie.overeenkomst", 3, 7, "corporatie:3"),
        ("cooperatie.gebouw", 3, None, "corporatie:3"),
        ("cooperatie.rol", None, 7, "cooperatie:7"),
        ("cooperatie.rol", 3, None, "corporatie:3"),
        ("cooperatie.apitoken", None, None, "platform"),
        ("afspraken.jaarparameter", None, None, "platform"),
    ],
)
def test_an_entry_joins_the_chain_of_the_organisation_whose_data_it_changes(
    object_type, corporatie_id, cooperatie_id, keten
):
    assert journal.keten_of(object_type, corporatie_id, cooperatie_id) == keten


def test_the_chain_name_is_covered_by_the_hash(world):
    """Moving an entry to another organisation's chain breaks its hash."""
    _boek(world.a)
    entry = AuditEntry.objects.get(action="boeking_create")
    raw(
        "UPDATE ledger_auditentry SET keten = %s WHERE id = %s",
        [_keten(world.b, "cooperatie"), entry.pk],
    )
    message = _verify_fails()
    assert f"keten {_keten(world.b, 'cooperatie')}" in message


# verify_ledger: the kinds of tampering ----------------------------------------------


def test_verify_ledger_passes_on_an_untouched_sealed_world(sealed, capsys):
    call_command("verify_ledger")
    out = capsys.readouterr().out
    assert "Journaal in orde" in out
    assert "ketens" in out


def test_verify_ledger_names_the_chain_of_an_edited_entry(sealed, world):
    keten = _keten(world.b, "cooperatie")
    raw(
        "UPDATE ledger_auditentry SET object_repr = 'vervalst' "
        "WHERE keten = %s AND seq = 2",
        [keten],
    )
    message = _verify_fails()
    assert f"keten {keten}" in message
    assert "#2" in message


def test_verify_ledger_catches_a_deleted_entry_in_one_chain(sealed, world):
    keten = _keten(world.a, "cooperatie")
    raw("DELETE FROM ledger_auditentry WHERE keten = %s AND seq = 1", [keten])
    message = _verify_fails()
    assert f"keten {keten}" in message


def test_verify_ledger_catches_a_tail_truncated_past_a_seal(sealed, world):
    """Deleting the newest entries of the corporatie's chain, the seal included,
    and moving the head back leaves a chain that verifies on its own; the sealed
    report no longer finds its seal in it."""
    keten = _keten(world.a, "corporatie")
    seal = AuditEntry.objects.get(
        keten=keten,
        action="toetsing_vaststellen",
        object_id=str(sealed.toetsing_id),
    )
    raw(
        "DELETE FROM ledger_auditentry WHERE keten = %s AND seq >= %s",
        [keten, seal.seq],
    )
    before = AuditEntry.objects.get(keten=keten, seq=seal.seq - 1)
    raw(
        "UPDATE ledger_auditchainhead SET seq = %s, hash = %s WHERE keten = %s",
        [before.seq, before.hash, keten],
    )
    assert journal.verify_chain().ok  # the chain alone cannot tell
    message = _verify_fails()
    assert f"keten {keten}" in message
    assert f"rapport {sealed.pk}" in message
    assert "verwijderd" in message


def test_verify_ledger_catches_a_rehash_after_an_edit_against_a_checkpoint(
    sealed, world, tmp_path
):
    bestand = tmp_path / "checkpoint.json"
    call_command("export_checkpoint", str(bestand))
    keten = _keten(world.b, "cooperatie")
    head = journal.head_of(keten)
    raw(
        "UPDATE ledger_auditentry SET object_repr = 'herschreven' "
        "WHERE keten = %s AND seq = 1",
        [keten],
    )
    _rehash_from(keten, 1)
    # The rewritten chain is consistent with itself and no report names it...
    call_command("verify_ledger")
    # ...but the head that left the machine is no longer in it.
    message = _verify_fails("--checkpoint", str(bestand))
    assert f"keten {keten}" in message
    assert f"#{head.seq} " in message
    assert "herschreven" in message


def test_verify_ledger_catches_a_rehash_of_the_chain_a_report_printed(sealed, world):
    """Without any checkpoint file: the sealed report's printed head anchors the
    corporatie's chain."""
    keten = _keten(world.a, "corporatie")
    assert sealed.journaal_keten == keten
    first = AuditEntry.objects.filter(keten=keten).order_by("seq").first()
    raw(
        "UPDATE ledger_auditentry SET object_repr = 'herschreven' WHERE id = %s",
        [first.pk],
    )
    _rehash_from(keten, first.seq)
    message = _verify_fails()
    assert f"keten {keten}" in message
    assert f"rapport {sealed.pk}" in message


def test_verify_ledger_catches_a_truncation_against_a_checkpoint(world, tmp_path):
    keten = _keten(world.a, "cooperatie")
    base = journal.head_of(keten).seq
    _boek(world.a, 4)
    bestand = tmp_path / "checkpoint.json"
    call_command("export_checkpoint", str(bestand))
    raw(
        "DELETE FROM ledger_auditentry WHERE keten = %s AND seq > %s",
        [keten, base + 2],
    )
    kept = AuditEntry.objects.get(keten=keten, seq=base + 2)
    raw(
        "UPDATE ledger_auditchainhead SET seq = %s, hash = %s WHERE keten = %s",
        [kept.seq, kept.hash, keten],
    )
    call_command("verify_ledger")
    message = _verify_fails("--checkpoint", str(bestand))
    assert f"keten {keten}" in message
    assert f"#{base + 4} " in message
    assert "ingekort" in message


def test_verify_ledger_catches_a_changed_sealed_pdf(sealed, settings):
    path = sealed.pdf.path
    with open(path, "r+b") as fh:
        fh.seek(200)
        byte = fh.read(1)
        fh.seek(200)
        fh.write(bytes([byte[0] ^ 1]))
    message = _verify_fails()
    assert f"rapport {sealed.pk}" in message
    assert "gewijzigd" in message


def test_a_checkpoint_with_a_changed_head_or_another_key_is_refused(world, tmp_path):
    _boek(world.a, 2)
    bestand = tmp_path / "checkpoint.json"
    call_command("export_checkpoint", str(bestand))
    doc = json.loads(bestand.read_text())
    payload = json.loads(doc["inhoud"])
    keten = _keten(world.a, "cooperatie")
    payload["ketens"][keten]["seq"] = 1
    doc["inhoud"] = journal.canonical_json(payload)
    vervalst = tmp_path / "vervalst.json"
    vervalst.write_text(json.dumps(doc))
    assert "handtekening" in _verify_fails("--checkpoint", str(vervalst))

    ander = tmp_path / "ander.pem"
    checkpoints.generate_key(ander)
    assert "vertrouwde sleutel" in _verify_fails(
        "--checkpoint", str(bestand), "--sleutel", f"{ander}.pub"
    )
    assert "JSON" in _verify_fails("--checkpoint", __file__)


def test_a_checkpoint_verifies_with_only_the_public_key(world, tmp_path, settings):
    _boek(world.a, 2)
    bestand = tmp_path / "checkpoint.json"
    call_command("export_checkpoint", str(bestand))
    settings.JOURNAAL_PUBLIEKE_SLEUTEL = f"{settings.JOURNAAL_SLEUTEL}.pub"
    settings.JOURNAAL_SLEUTEL = str(tmp_path / "niet-hier.pem")
    call_command("verify_ledger", "--checkpoint", str(bestand))


def test_export_checkpoint_without_a_key_says_how_to_make_one(
    world, tmp_path, settings
):
    settings.JOURNAAL_SLEUTEL = str(tmp_path / "ontbreekt.pem")
    with pytest.raises(CommandError, match="journaal_sleutel"):
        call_command("export_checkpoint", str(tmp_path / "c.json"))


def test_journaal_sleutel_never_overwrites_and_keeps_the_key_private(tmp_path):
    path = tmp_path / "sleutel.pem"
    call_command("journaal_sleutel", str(path))
    assert path.stat().st_mode & 0o777 == 0o600
    original = path.read_bytes()
    with pytest.raises(CommandError, match="nooit overschreven"):
        call_command("journaal_sleutel", str(path))
    call_command("journaal_sleutel", str(path), "--als-ontbrekend")
    assert path.read_bytes() == original


# Sealing --------------------------------------------------------------------------


def test_a_seal_records_both_chain_heads_and_signs_a_checkpoint(sealed, world):
    corp, coop = _keten(world.a, "corporatie"), _keten(world.a, "cooperatie")
    assert sealed.journaal_keten == corp
    anchor = AuditEntry.objects.get(keten=corp, seq=sealed.journaal_seq)
    assert anchor.hash == sealed.journaal_hash
    assert (
        AuditEntry.objects.get(keten=coop, seq=sealed.cooperatie_journaal_seq).hash
        == sealed.cooperatie_journaal_hash
    )
    seal = AuditEntry.objects.get(
        keten=corp, action="toetsing_vaststellen", object_id=str(sealed.toetsing_id)
    )
    assert seal.seq > sealed.journaal_seq
    assert seal.after["rapport_sha256"] == sealed.sha256

    text = "".join(
        page.extract_text()
        for page in pypdf.PdfReader(io.BytesIO(sealed.pdf.read())).pages
    )
    assert corp in text
    assert coop in text

    checkpoint = AuditCheckpoint.objects.get(
        aanleiding=f"afspraken.rapport:{sealed.pk}"
    )
    payload = checkpoints.read_document(
        checkpoints.document(checkpoint), checkpoints.load_public_key()
    )
    assert payload["ketens"][corp] == {"seq": seal.seq, "hash": seal.hash}
    assert checkpoints.check_against_journal(payload).ok


def test_the_auditor_bundle_carries_the_checkpoint_of_its_sealing(sealed, world):
    data = rapporten.auditor_bundle(
        rapporten=[sealed], corporatie_naam=world.a.corporatie.naam, jaar=2024
    )
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = zf.namelist()
        stem = f"2024-toetsing-{sealed.toetsing_id}"
        assert f"{stem}/journaalcheckpoint.json" in names
        assert "journaal-publieke-sleutel.pem" in names
        sums = zf.read("SHA256SUMS").decode()
        assert f"{stem}/journaalcheckpoint.json" in sums
        doc = zf.read(f"{stem}/journaalcheckpoint.json")
    payload = checkpoints.read_document(doc, checkpoints.load_public_key())
    assert _keten(world.a, "corporatie") in payload["ketens"]


# The auditor's page: incremental, own chains only --------------------------------


def test_incremental_verification_reads_only_new_entries(world):
    keten = _keten(world.a, "cooperatie")
    base = journal.head_of(keten).seq
    _boek(world.a, 5)
    first = journal.verify_incremental([keten])[keten]
    assert first.ok
    assert first.count == base + 5
    again = journal.verify_incremental([keten])[keten]
    assert again.ok
    assert again.count == 0
    _boek(world.a, 2)
    later = journal.verify_incremental([keten])[keten]
    assert later.ok
    assert later.count == 2


def test_incremental_verification_catches_a_change_to_the_verified_head(world):
    _boek(world.a, 3)
    keten = _keten(world.a, "cooperatie")
    assert journal.verify_incremental([keten])[keten].ok
    head = journal.head_of(keten).seq
    raw(
        "UPDATE ledger_auditentry SET object_repr = 'vervalst' "
        "WHERE keten = %s AND seq = %s",
        [keten, head],
    )
    result = journal.verify_incremental([keten])[keten]
    assert not result.ok
    assert result.failed_seq == head


def test_incremental_verification_catches_entries_behind_the_head(world):
    _boek(world.a, 3)
    keten = _keten(world.a, "cooperatie")
    assert journal.verify_incremental([keten])[keten].ok
    raw("UPDATE ledger_auditchainhead SET seq = seq - 1 WHERE keten = %s", [keten])
    assert not journal.verify_incremental([keten])[keten].ok


def test_the_report_check_reads_the_journal_per_batch_not_per_report(world):
    """The auditor page checks a corporatie's reports on every visit: the number
    of queries must not grow with the number of reports."""
    keten = _keten(world.a, "corporatie")

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert rapporten.verify_sealed_reports([keten], check_files=False) == []
        return len(ctx.captured_queries)

    few = queries()
    for jaar in (2019, 2020, 2021, 2022):
        RapportFactory(
            toetsing=ToetsingFactory(
                afspraak=world.a.afspraak, jaar=jaar, status="vastgesteld"
            )
        )
    assert (
        Rapport.objects.filter(
            toetsing__afspraak__corporatie=world.a.corporatie
        ).count()
        >= 5
    )
    assert queries() == few

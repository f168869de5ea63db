"""The per-organisation journal tried as an attacker would: tampering that
`verify_ledger` must catch, checkpoint files that must be refused with a clear
message, writers that must not make a verification report tampering, and the
auditor page's bounds.
"""

from __future__ import annotations

import datetime
import io
import json
import threading
import zipfile
from decimal import Decimal
from pathlib import Path

from django.core.management import call_command
from django.db import connection, connections, transaction
from django.db.models.signals import post_init
from django.utils import timezone

import pypdf
import pytest

from afspraken import rapporten, services
from afspraken.models import Rapport
from cooperatie import services as cooperatie_services
from kern import checkpoints, journal
from kern.models import AuditChainHead, AuditCheckpoint, AuditEntry
from ledger import services as ledger_services
from portalen.audit.views.journaal import _ketencontrole
from tests.afspraken.factories import RapportFactory, ToetsingFactory
from tests.cooperatie.factories import CooperatieFactory
from tests.helpers import fresh
from tests.ledger.tamper import raw
from tests.ledger.test_ketens import _boek, _keten, _rehash_from, _verify_fails
from tests.test_concurrency import run_threads


def _seal(tenant) -> Rapport:
    toetsing = services.toetsing_indienen(
        toetsing=tenant.toetsing, actor=fresh(tenant.bestuur)
    )
    toetsing = services.toetsing_vaststellen(toetsing=toetsing, actor=tenant.beheerder)
    return Rapport.objects.get(toetsing=toetsing)


@pytest.fixture
def sealed(world):
    """Tenant A's 2024 year sealed, with writes of both tenants before and a
    write to A's corporatie chain after."""
    _boek(world.a, 2)
    _boek(world.b, 2)
    rapport = _seal(world.a)
    cooperatie_services.gebouw_update(
        gebouw=world.a.gebouw, naam="Na de verzegeling", actor=world.a.beheerder
    )
    return rapport


def _set_json(column: str, value, entry_id: int) -> None:
    cast = "::jsonb" if connection.vendor == "postgresql" else ""
    raw(
        f"UPDATE ledger_auditentry SET {column} = %s{cast} WHERE id = %s",
        [json.dumps(value), entry_id],
    )


def _pdf_text(rapport: Rapport) -> str:
    with rapport.pdf.open("rb") as fh:
        reader = pypdf.PdfReader(io.BytesIO(fh.read()))
    return "".join(page.extract_text() for page in reader.pages)


# Sealed reports: the reverse direction and the recorded heads -------------------


def test_deleting_a_sealed_report_and_its_pdf_is_caught(sealed):
    """The seal entry in the corporatie's chain names the report's SHA-256: a
    chain that says a report was sealed while no report has that SHA-256 is
    evidence of a deleted report."""
    pdf = Path(sealed.pdf.path)
    raw("DELETE FROM afspraken_rapport WHERE id = %s", [sealed.pk])
    pdf.unlink()
    message = _verify_fails()
    assert f"toetsing {sealed.toetsing_id}" in message
    assert sealed.sha256[:12] in message


@pytest.mark.parametrize("recorded", ["rewritten", "blanked"])
def test_a_rehash_is_caught_even_when_the_reports_recorded_head_is_rewritten(
    sealed, world, recorded
):
    """Whoever can rehash a chain (triggers off) can update the Rapport row the
    same way. The PDF on disk, whose SHA-256 still matches, prints the original
    head: that print is the anchor, not the row."""
    keten = _keten(world.a, "corporatie")
    printed = sealed.journaal_hash
    assert printed[:16] in _pdf_text(sealed).replace("\n", "")
    first = AuditEntry.objects.filter(keten=keten).order_by("seq").first()
    raw(
        "UPDATE ledger_auditentry SET object_repr = 'herschreven' WHERE id = %s",
        [first.pk],
    )
    _rehash_from(keten, first.seq)
    new_head = AuditEntry.objects.get(keten=keten, seq=sealed.journaal_seq).hash
    values = (
        (new_head, keten, sealed.journaal_seq)
        if recorded == "rewritten"
        else (
            "",
            "",
            None,
        )
    )
    seal = AuditEntry.objects.get(
        keten=keten, action="toetsing_vaststellen", object_id=str(sealed.toetsing_id)
    )
    _set_json("after", {**seal.after, "journaal_hash": values[0]}, seal.pk)
    _rehash_from(keten, seal.seq)
    raw(
        "UPDATE afspraken_rapport SET journaal_hash = %s, journaal_keten = %s, "
        "journaal_seq = %s WHERE id = %s",
        [*values, sealed.pk],
    )
    message = _verify_fails()
    assert f"rapport {sealed.pk}" in message


def test_deleting_a_whole_chain_passes_without_a_checkpoint_and_fails_with_one(
    world, tmp_path
):
    """A chain of a cooperatie without sealed reports, entries and head row
    removed: nothing in the database remembers it (documented: a chain proves
    itself consistent, not complete). A checkpoint that left the machine does."""
    keten = _keten(world.b, "cooperatie")
    _boek(world.b, 2)
    bestand = tmp_path / "checkpoint.json"
    call_command("export_checkpoint", str(bestand))
    raw("DELETE FROM ledger_auditentry WHERE keten = %s", [keten])
    raw("DELETE FROM ledger_auditchainhead WHERE keten = %s", [keten])
    call_command("verify_ledger")
    message = _verify_fails("--checkpoint", str(bestand))
    assert f"keten {keten}" in message
    assert "ingekort" in message


# Checkpoint files: refused with a message, never a traceback ----------------------


def _trusted_hex() -> str:
    return checkpoints.public_hex(checkpoints.load_public_key())


@pytest.mark.parametrize(
    "inhoud",
    [
        pytest.param("\ud800", id="lone-surrogate"),
        pytest.param("\udfff{}", id="lone-surrogate-prefix"),
    ],
)
def test_a_checkpoint_file_with_an_unencodable_content_is_a_clear_error(
    world, tmp_path, inhoud
):
    """Anyone can write such a file (the trusted key's hex is public): a JSON
    string escape of a lone surrogate cannot be encoded to UTF-8 for the
    signature check."""
    bestand = tmp_path / "checkpoint.json"
    bestand.write_text(
        json.dumps({"inhoud": inhoud, "sleutel": _trusted_hex(), "handtekening": "00"})
    )
    message = _verify_fails("--checkpoint", str(bestand))
    assert "checkpoint" in message


@pytest.mark.parametrize(
    "inhoud",
    [
        "[]",
        "1",
        "{niet json",
        json.dumps({"soort": checkpoints.SOORT, "versie": checkpoints.VERSIE}),
        json.dumps(
            {
                "soort": checkpoints.SOORT,
                "versie": checkpoints.VERSIE,
                "tijdstip": "2026-01-01T00:00:00+00:00",
                "ketens": {"platform": {"seq": "x", "hash": 1}},
            }
        ),
    ],
)
def test_a_signed_checkpoint_of_the_wrong_shape_is_a_clear_error(
    world, tmp_path, inhoud
):
    """Signed with the trusted key but not a checkpoint (another tool's signed
    text, or a future version gone wrong): a message, not a traceback."""
    key = checkpoints.load_private_key()
    bestand = tmp_path / "checkpoint.json"
    bestand.write_text(
        json.dumps(
            {
                "inhoud": inhoud,
                "sleutel": _trusted_hex(),
                "handtekening": key.sign(inhoud.encode()).hex(),
            }
        )
    )
    message = _verify_fails("--checkpoint", str(bestand))
    assert "checkpoint" in message


def test_a_foreign_key_in_a_checkpoint_file_is_not_echoed_raw(world, tmp_path):
    """The refused file's `sleutel` is quoted, so control characters (terminal
    escapes) in it never reach the operator's terminal as they are."""
    bestand = tmp_path / "checkpoint.json"
    bestand.write_text(
        json.dumps({"inhoud": "{}", "sleutel": "\x1b]0;pwned\x07", "handtekening": ""})
    )
    message = _verify_fails("--checkpoint", str(bestand))
    assert "\x1b" not in message
    assert "\x07" not in message


# The auditor's bundle ----------------------------------------------------------


def test_the_bundle_carries_a_checkpoint_that_covers_the_seal(world, tmp_path):
    """The runtime role may INSERT checkpoint rows (append-only does not stop
    inserts): a copy of an older, validly signed checkpoint with the report's
    `aanleiding` and a later time must not replace the one made at sealing."""
    bestand = tmp_path / "oud.json"
    call_command("export_checkpoint", str(bestand))
    oud = AuditCheckpoint.objects.get(aanleiding="export_checkpoint")
    rapport = _seal(world.a)
    AuditCheckpoint.objects.create(
        created_at=timezone.now() + datetime.timedelta(seconds=5),
        inhoud=oud.inhoud,
        sleutel=oud.sleutel,
        handtekening=oud.handtekening,
        aanleiding=f"afspraken.rapport:{rapport.pk}",
    )
    data = rapporten.auditor_bundle(
        rapporten=[rapport], corporatie_naam=world.a.corporatie.naam, jaar=2024
    )
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        doc = zf.read(f"2024-toetsing-{rapport.toetsing_id}/journaalcheckpoint.json")
    payload = checkpoints.read_document(doc, checkpoints.load_public_key())
    keten = _keten(world.a, "corporatie")
    seal = AuditEntry.objects.get(
        keten=keten, action="toetsing_vaststellen", object_id=str(rapport.toetsing_id)
    )
    assert payload["ketens"][keten]["seq"] >= seal.seq


# Writers beside a verification: no false alarms --------------------------------


def _write_in_another_connection(tenant) -> None:
    def work(_i: int):
        return ledger_services.boeking_create(
            cooperatie=tenant.cooperatie,
            datum=datetime.date(2024, 6, 1),
            soort=tenant.boeking.soort,
            bedrag=Decimal("7.00"),
            omschrijving="Boeking tijdens de controle",
            actor=fresh(tenant.bestuur),
        )

    (result,) = run_threads(1, work)
    assert not isinstance(result, Exception), result


def _commit_after_first(table: str, tenant):
    """An execute wrapper: right after the first query on `table` has run, a
    booking commits in another connection (deterministically, no sleeping)."""
    fired: list[bool] = []

    def wrapper(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if not fired and table in sql and "UPDATE" not in sql:
            fired.append(True)
            thread = threading.Thread(
                target=lambda: _write_in_another_connection(tenant)
            )
            thread.start()
            thread.join(timeout=60)
        return result

    return wrapper, fired


@pytest.mark.django_db(transaction=True)
def test_verify_chain_reports_no_tampering_when_a_write_commits_meanwhile(world):
    wrapper, fired = _commit_after_first("ledger_auditchainhead", world.a)
    with connection.execute_wrapper(wrapper):
        result = journal.verify_chain()
    assert fired
    assert result.ok, result.message


@pytest.mark.django_db(transaction=True)
def test_incremental_verification_reports_no_tampering_when_a_write_commits(world):
    keten = _keten(world.a, "cooperatie")
    assert journal.verify_incremental([keten])[keten].ok
    _boek(world.a)
    wrapper, fired = _commit_after_first("ledger_auditchainhead", world.a)
    with connection.execute_wrapper(wrapper):
        result = journal.verify_incremental([keten])[keten]
    assert fired
    assert result.ok, result.message


# First writers of a new chain ---------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_first_writers_of_a_new_chain_all_commit_in_one_line(world):
    """A cooperatie without any entry yet: its head row does not exist, and
    several writers create it at once. One insert wins, the others lock it."""
    tenant = world.a
    nieuw = CooperatieFactory(naam="Nieuwe coöperatie")
    keten = journal.keten_of("cooperatie.cooperatie", None, nieuw.pk)
    assert not AuditEntry.objects.filter(keten=keten).exists()
    assert not AuditChainHead.objects.filter(keten=keten).exists()

    def write(i: int):
        with transaction.atomic():
            return journal.record(
                actor=fresh(tenant.bestuur),
                action="test_eerste",
                object_type="ledger.boeking",
                object_id=i,
                cooperatie_id=nieuw.pk,
            )

    results = run_threads(6, write)
    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors
    assert sorted(e.seq for e in results) == [1, 2, 3, 4, 5, 6]
    assert journal.verify_chain([keten]).ok
    connections.close_all()


# The auditor's page -------------------------------------------------------------


def test_the_auditor_pages_report_check_reads_no_other_corporaties_reports(world):
    """Its cost must not grow with the platform: the sealed reports of other
    corporaties are not even loaded."""
    for jaar in (2019, 2020, 2021):
        RapportFactory(
            toetsing=ToetsingFactory(
                afspraak=world.b.afspraak, jaar=jaar, status="vastgesteld"
            ),
            created_by=world.b.beheerder,
        )
    loaded: list[int] = []

    def seen(sender, instance, **kwargs):
        loaded.append(instance.pk)

    b_reports = set(
        Rapport.objects.filter(
            toetsing__afspraak__corporatie=world.b.corporatie
        ).values_list("pk", flat=True)
    )
    post_init.connect(seen, sender=Rapport)
    try:
        _ketencontrole(world.a.corporatie)
    finally:
        post_init.disconnect(seen, sender=Rapport)
    assert not b_reports & set(loaded)

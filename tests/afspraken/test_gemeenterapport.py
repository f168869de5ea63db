"""The sealed gemeente report, read back: its text, its attached data, its
seal in the platform journal, and verification."""

from __future__ import annotations

import io
import json

import pypdf

from afspraken import gemeenterapport
from afspraken.gemeente import gemeente_overzicht
from kern import journal
from kern.ketencontrole import verify_chain
from kern.models import AuditEntry

G = "GM0363"


def _text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(p.extract_text() for p in reader.pages).split())


def test_the_report_holds_the_roll_up_and_its_data_and_is_sealed(gemeente):
    pdf = gemeenterapport.seal(gemeentecode=G, jaar=2024, actor=gemeente.superuser)

    assert pdf.startswith(b"%PDF")
    text = _text(pdf)
    assert "Gemeenterapport 2024" in text
    assert "Amsterdam" in text
    assert gemeente.a.corporatie.naam in text
    assert gemeente.b.corporatie.naam in text
    assert gemeente.c.corporatie.naam not in text
    assert "€ 50,00" in text  # the total besteding of A's and B's coöperaties

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    data = json.loads(reader.attachments[gemeenterapport.BIJLAGE][0])
    expected = gemeente_overzicht(gemeentecode=G, jaar=2024).as_data()
    assert {k: v for k, v in data.items() if k != "journaal"} == expected
    xmp = reader.xmp_metadata.stream.get_data().decode()
    assert 'pdfaid:part="3"' in xmp
    assert 'pdfaid:conformance="B"' in xmp

    entry = gemeenterapport.verify(pdf=pdf)
    assert entry is not None
    assert entry.keten == journal.PLATFORM_KETEN
    assert entry.after["sha256"] == gemeenterapport.sha256_of(pdf)
    # The journal head at sealing is printed in the report.
    assert data["journaal"]["hash"][:16] in text.replace(" ", "")
    assert gemeenterapport.verify(sha256=entry.after["sha256"].upper()) == entry
    assert verify_chain([journal.PLATFORM_KETEN]).ok


def test_sealing_the_same_data_again_gives_the_same_sealed_bytes(gemeente):
    first = gemeenterapport.seal(gemeentecode=G, jaar=2024, actor=gemeente.superuser)
    second = gemeenterapport.seal(gemeentecode=G, jaar=2024, actor=gemeente.superuser)
    assert first == second
    assert AuditEntry.objects.filter(action=gemeenterapport.ACTIE).count() == 1


def test_a_changed_pdf_or_another_sum_is_no_sealed_report(gemeente):
    pdf = gemeenterapport.seal(gemeentecode=G, jaar=2024, actor=gemeente.superuser)
    assert gemeenterapport.verify(pdf=pdf + b"\n") is None
    assert gemeenterapport.verify(sha256="0" * 64) is None
    assert gemeenterapport.verify(sha256="nonsense") is None


def test_the_report_can_be_written_in_english(gemeente):
    pdf = gemeenterapport.seal(
        gemeentecode=G, jaar=2024, actor=gemeente.superuser, taal="en"
    )
    text = _text(pdf)
    assert "Volunteer hours" in text
    assert "Vrijwilligersuren" not in text

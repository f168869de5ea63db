"""The API's sealed reports: the PDF download, verification and the auditor bundle."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest

from afspraken import services as afspraken_services
from afspraken.models import Rapport
from tests.api.problems import invalid_params, problem_of
from tests.api.rules_helpers import client_for
from tests.helpers import entries_since, fresh, journal_mark

# Sealed reports -------------------------------------------------------------------


@pytest.fixture
def sealed(world):
    """A's 2024 toetsing submitted, approved and sealed for real."""
    toetsing = afspraken_services.toetsing_indienen(
        toetsing=world.a.toetsing, actor=fresh(world.a.bestuur)
    )
    toetsing = afspraken_services.toetsing_vaststellen(
        toetsing=toetsing, actor=fresh(world.a.beheerder)
    )
    rapport = Rapport.objects.get(toetsing=toetsing)
    with rapport.pdf.open("rb") as fh:
        data = fh.read()
    return rapport, data


def test_a_missing_stored_report_is_a_409_that_names_no_server_path(world, sealed):
    rapport, _data = sealed
    path = Path(rapport.pdf.path)
    path.unlink()
    client = client_for(world.a.auditor)

    for response in (
        client.get(f"/api/v1/rapporten/{rapport.pk}/pdf/"),
        client.get(
            "/api/v1/rapporten/bundel/",
            {"corporatie": world.a.corporatie.pk, "jaar": 2024},
        ),
    ):
        assert response.status_code == 409
        detail = problem_of(response)["detail"]
        assert "ontbreekt" in detail
        assert str(path.parent) not in response.content.decode()
        assert "Errno" not in detail


def test_rapport_pdf_downloads_the_sealed_bytes(world, sealed):
    rapport, data = sealed
    seq = journal_mark()

    response = client_for(world.a.auditor).get(f"/api/v1/rapporten/{rapport.pk}/pdf/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    expected_name = f"nalevingsrapport-2024-toetsing-{rapport.toetsing_id}.pdf"
    assert f'filename="{expected_name}"' in disposition
    body = response.content
    assert body == data
    assert body.startswith(b"%PDF-")
    assert hashlib.sha256(body).hexdigest() == rapport.sha256
    assert entries_since(seq) == []


def test_a_bundle_of_a_year_without_sealed_reports_is_not_found(world):
    response = client_for(world.a.auditor).get(
        "/api/v1/rapporten/bundel/", {"corporatie": world.a.corporatie.pk, "jaar": 2019}
    )
    assert response.status_code == 404


def test_a_stored_report_changed_after_sealing_is_not_handed_out(world, sealed):
    rapport, _data = sealed
    Path(rapport.pdf.path).write_bytes(b"%PDF-1.7 changed after sealing")
    client = client_for(world.a.auditor)

    response = client.get(f"/api/v1/rapporten/{rapport.pk}/pdf/")
    assert response.status_code == 409
    assert "SHA-256" in problem_of(response)["detail"]
    response = client.get(
        "/api/v1/rapporten/bundel/",
        {"corporatie": world.a.corporatie.pk, "jaar": 2024},
    )
    assert response.status_code == 409


def test_verifieer_recognises_the_sealed_pdf_and_its_sha256(world, sealed):
    rapport, data = sealed
    client = client_for(world.a.auditor)
    seq = journal_mark()

    uploaded = client.post(
        "/api/v1/rapporten/verifieer/",
        {"pdf": io.BytesIO(data)},
        format="multipart",
    )
    by_hash = client.post(
        "/api/v1/rapporten/verifieer/",
        {"sha256": rapport.sha256.upper()},
        format="json",
    )

    for response in (uploaded, by_hash):
        assert response.status_code == 200
        body = response.json()
        assert body["verzegeld"] is True
        assert body["sha256"] == rapport.sha256
        assert body["rapport"]["id"] == rapport.pk
        assert body["rapport"]["jaar"] == 2024
        assert body["rapport"]["toetsing"] == rapport.toetsing_id
    assert entries_since(seq) == []


def test_verifieer_rejects_a_pdf_with_one_flipped_byte(world, sealed):
    _rapport, data = sealed
    tampered = bytearray(data)
    tampered[len(tampered) // 2] ^= 0x01

    response = client_for(world.a.auditor).post(
        "/api/v1/rapporten/verifieer/",
        {"pdf": io.BytesIO(bytes(tampered))},
        format="multipart",
    )

    assert response.status_code == 200
    assert response.json() == {
        "verzegeld": False,
        "sha256": hashlib.sha256(bytes(tampered)).hexdigest(),
        "rapport": None,
    }


def test_another_tenants_auditor_is_told_a_sealed_report_is_not_sealed(world, sealed):
    rapport, data = sealed
    client = client_for(world.b.auditor)

    uploaded = client.post(
        "/api/v1/rapporten/verifieer/", {"pdf": io.BytesIO(data)}, format="multipart"
    )
    by_hash = client.post(
        "/api/v1/rapporten/verifieer/", {"sha256": rapport.sha256}, format="json"
    )

    for response in (uploaded, by_hash):
        assert response.status_code == 200
        assert response.json() == {
            "verzegeld": False,
            "sha256": rapport.sha256,
            "rapport": None,
        }


def test_verifieer_without_pdf_or_sha256_is_a_field_error(world):
    response = client_for(world.a.auditor).post(
        "/api/v1/rapporten/verifieer/", {}, format="json"
    )
    assert response.status_code == 400
    assert "pdf" in invalid_params(response)


def test_the_auditor_bundle_holds_the_sealed_pdf_and_its_sums(world, sealed):
    rapport, data = sealed
    url = f"/api/v1/rapporten/bundel/?corporatie={world.a.corporatie.pk}&jaar=2024"

    response = client_for(world.a.auditor).get(url)
    outsider = client_for(world.b.auditor).get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert world.a.corporatie.kvk_nummer in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    stem = f"2024-toetsing-{rapport.toetsing_id}"
    assert archive.read(f"{stem}/nalevingsrapport.pdf") == data
    assert (
        f"{rapport.sha256}  {stem}/nalevingsrapport.pdf"
        in archive.read("SHA256SUMS").decode()
    )
    assert outsider.status_code == 404

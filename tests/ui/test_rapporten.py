"""Report pages: the auditor's start page, sealed PDF downloads in every portal,
the auditor bundle, the portefeuillerapport and the verification page."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

from django.conf import settings as django_settings
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import NoReverseMatch, reverse

import pypdf
import pytest

from afspraken import services
from afspraken.models import Rapport
from kern.models import AuditEntry
from tests.cooperatie.factories import CorporatieFactory, RolFactory, UserFactory
from tests.helpers import fresh


def seal(tenant) -> tuple[Rapport, bytes]:
    """The tenant's 2024 toetsing submitted and approved through the services:
    a real sealed report, and its bytes."""
    toetsing = services.toetsing_indienen(
        toetsing=tenant.toetsing, actor=fresh(tenant.bestuur)
    )
    toetsing = services.toetsing_vaststellen(toetsing=toetsing, actor=tenant.beheerder)
    rapport = Rapport.objects.get(toetsing=toetsing)
    with rapport.pdf.open("rb") as fh:
        return rapport, fh.read()


@pytest.fixture
def sealed_a(world):
    return seal(world.a)


@pytest.fixture
def sealed_b(world):
    return seal(world.b)


def portal_url(portal: str, name: str, tenant, *args) -> str:
    org = tenant.cooperatie if portal == "bestuur" else tenant.corporatie
    return reverse(f"{portal}-{name}", args=[org.pk, *args])


def role_of(portal: str) -> str:
    return {"beheer": "beheerder", "bestuur": "bestuur", "audit": "auditor"}[portal]


def flash(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def body(response) -> bytes:
    return b"".join(response.streaming_content)


# The auditor's start page -----------------------------------------------------


def test_auditor_start_lists_own_sealed_reports_by_year_and_never_tenant_b(
    client, world, sealed_a, sealed_b
):
    rapport_a, _ = sealed_a
    rapport_b, _ = sealed_b
    client.force_login(world.a.auditor)

    response = client.get(portal_url("audit", "start", world.a))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Wooncoöperatie A" in html
    assert world.a.afspraak.titel in html
    assert portal_url("audit", "rapport-pdf", world.a, rapport_a.pk) in html
    assert portal_url("audit", "rapport-pdf", world.a, world.a.rapport.pk) in html
    assert portal_url("audit", "bundel", world.a, 2024) in html
    assert portal_url("audit", "bundel", world.a, 2023) in html
    assert portal_url("audit", "portefeuille", world.a, 2024) in html
    assert rapport_a.sha256 in html  # the full sum, behind the shortened one
    assert rapport_a.sha256[:12] + "…" in html
    # Newest year first.
    assert html.index('id="jaar-2024"') < html.index('id="jaar-2023"')
    # Nothing of tenant B.
    assert "Wooncoöperatie B" not in html
    assert rapport_b.sha256 not in html
    assert f"/rapporten/{rapport_b.pk}/" not in html


def test_auditor_start_year_filter_shows_only_that_year(client, world, sealed_a):
    rapport_a, _ = sealed_a
    client.force_login(world.a.auditor)

    response = client.get(portal_url("audit", "start", world.a), {"jaar": "2023"})

    html = response.content.decode()
    assert 'id="jaar-2023"' in html
    assert 'id="jaar-2024"' not in html
    assert rapport_a.sha256 not in html
    assert world.a.rapport.sha256 in html


def test_auditor_start_without_sealed_reports_explains_when_one_appears(client, db):
    auditor = UserFactory(username="nieuwe_auditor")
    corporatie = CorporatieFactory(naam="Woonstichting Leeg")
    RolFactory(user=auditor, corporatie=corporatie, auditor=True)
    client.force_login(auditor)

    response = client.get(reverse("audit-start", args=[corporatie.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="empty"' in html
    assert "nog geen verzegelde rapporten" in html
    assert "vaststelt" in html


def test_auditor_start_is_not_for_the_bestuur(client, world):
    client.force_login(world.a.bestuur)
    assert client.get(portal_url("audit", "start", world.a)).status_code == 403


# Sealed PDF downloads ---------------------------------------------------------


@pytest.mark.parametrize("portal", ["audit", "beheer", "bestuur"])
def test_sealed_pdf_downloads_byte_for_byte_in_every_portal(
    client, world, sealed_a, portal
):
    rapport, data = sealed_a
    client.force_login(getattr(world.a, role_of(portal)))

    response = client.get(portal_url(portal, "rapport-pdf", world.a, rapport.pk))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    toetsing_pk = rapport.toetsing_id
    assert (
        f'filename="nalevingsrapport-2024-wooncooperatie-a-toetsing-{toetsing_pk}.pdf"'
        in disposition
    )
    content = body(response)
    assert content == data
    assert hashlib.sha256(content).hexdigest() == rapport.sha256


@pytest.mark.parametrize("portal", ["audit", "beheer", "bestuur"])
def test_another_tenants_sealed_pdf_is_not_found(client, world, sealed_b, portal):
    rapport_b, _ = sealed_b
    client.force_login(getattr(world.a, role_of(portal)))

    response = client.get(portal_url(portal, "rapport-pdf", world.a, rapport_b.pk))

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("portal", "role"),
    [("audit", "bestuur"), ("audit", "beheerder"), ("beheer", "auditor")],
)
def test_sealed_pdf_outside_the_role_is_forbidden(
    client, world, sealed_a, portal, role
):
    rapport, _ = sealed_a
    client.force_login(getattr(world.a, role))

    response = client.get(portal_url(portal, "rapport-pdf", world.a, rapport.pk))

    assert response.status_code == 403


def test_sealed_pdf_sends_anonymous_to_the_login_page(client, world, sealed_a):
    rapport, _ = sealed_a
    response = client.get(portal_url("audit", "rapport-pdf", world.a, rapport.pk))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_a_stored_pdf_that_no_longer_matches_its_seal_is_refused(
    client, world, sealed_a
):
    rapport, data = sealed_a
    with open(rapport.pdf.path, "wb") as fh:  # someone with disk access
        fh.write(data[:-10] + b"tampered!\n")
    client.force_login(world.a.auditor)

    response = client.get(portal_url("audit", "rapport-pdf", world.a, rapport.pk))

    assert response.status_code == 302
    assert response["Location"] == portal_url("audit", "start", world.a)
    assert "Content-Disposition" not in response
    [message] = flash(response)
    assert "komt niet meer overeen met de SHA-256" in message
    assert "Wooncoöperatie A" in message
    page = client.get(response["Location"])
    assert "komt niet meer overeen met de SHA-256" in page.content.decode()


def test_a_download_is_read_only(client, world, sealed_a):
    rapport, _ = sealed_a
    client.force_login(world.a.auditor)
    before = AuditEntry.objects.count()

    response = client.post(portal_url("audit", "rapport-pdf", world.a, rapport.pk))

    assert response.status_code == 405
    assert AuditEntry.objects.count() == before


# The auditor bundle -----------------------------------------------------------


@pytest.mark.parametrize("portal", ["audit", "beheer"])
def test_bundle_holds_the_sealed_pdfs_their_data_and_checking_sums(
    client, world, sealed_a, sealed_b, portal
):
    rapport, data = sealed_a
    client.force_login(getattr(world.a, role_of(portal)))

    response = client.get(portal_url(portal, "bundel", world.a, 2024))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    kvk = world.a.corporatie.kvk_nummer
    assert f'filename="auditorbundel-{kvk}-2024.zip"' in response["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(body(response))) as zf:
        stem = f"2024-toetsing-{rapport.toetsing_id}"
        assert set(zf.namelist()) == {
            f"{stem}/nalevingsrapport.pdf",
            f"{stem}/snapshot.json",
            f"{stem}/activiteiten.csv",
            f"{stem}/journaal.json",
            f"{stem}/journaalcheckpoint.json",
            "journaal-publieke-sleutel.pem",
            "SHA256SUMS",
            "LEESMIJ.txt",
        }
        assert zf.read(f"{stem}/nalevingsrapport.pdf") == data
        sums = zf.read("SHA256SUMS").decode().splitlines()
        assert len(sums) == 6
        for line in sums:
            digest, name = line.split("  ")
            assert hashlib.sha256(zf.read(name)).hexdigest() == digest
        assert "Woonstichting A" in zf.read("LEESMIJ.txt").decode()


def test_bundle_of_a_year_without_sealed_reports_is_not_found(client, world, sealed_b):
    client.force_login(world.a.auditor)
    # Tenant B sealed 2024, tenant A did not.
    assert client.get(portal_url("audit", "bundel", world.a, 2024)).status_code == 404
    assert client.get(portal_url("audit", "bundel", world.a, 2022)).status_code == 404


def test_bundle_is_refused_when_a_stored_report_does_not_match_its_seal(client, world):
    # The stored 2023 report is changed on disk after sealing.
    Path(world.a.rapport.pdf.path).write_bytes(b"%PDF-1.7 changed afterwards")
    client.force_login(world.a.auditor)

    response = client.get(portal_url("audit", "bundel", world.a, 2023))

    assert response.status_code == 302
    assert response["Location"] == portal_url("audit", "start", world.a)
    [message] = flash(response)
    assert "auditorbundel 2023 is niet gemaakt" in message


@pytest.mark.parametrize(
    ("portal", "role"), [("audit", "bestuur"), ("beheer", "auditor")]
)
def test_bundle_outside_the_role_is_forbidden(client, world, sealed_a, portal, role):
    client.force_login(getattr(world.a, role))
    assert client.get(portal_url(portal, "bundel", world.a, 2024)).status_code == 403


def test_the_bestuur_portal_has_no_bundle():
    with pytest.raises(NoReverseMatch):
        reverse("bestuur-bundel", args=[1, 2024])


# The portefeuillerapport ------------------------------------------------------


@pytest.mark.parametrize("portal", ["audit", "beheer"])
def test_portefeuillerapport_is_rendered_for_the_corporatie_year(client, world, portal):
    client.force_login(getattr(world.a, role_of(portal)))

    response = client.get(portal_url(portal, "portefeuille", world.a, 2024))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    kvk = world.a.corporatie.kvk_nummer
    assert f'filename="portefeuille-{kvk}-2024.pdf"' in response["Content-Disposition"]
    reader = pypdf.PdfReader(io.BytesIO(body(response)))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Woonstichting A" in text
    assert "Wooncoöperatie A" in text
    assert "Wooncoöperatie B" not in text
    assert "portefeuille.json" in reader.attachments


@pytest.mark.parametrize(
    ("taal", "titel", "niet"),
    [
        ("nl", "Portefeuillerapport", "Portfolio report"),
        ("en", "Portfolio report", "Portefeuillerapport"),
    ],
)
def test_portefeuillerapport_is_written_in_the_language_of_the_page(
    client, world, taal, titel, niet
):
    client.force_login(world.a.beheerder)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = taal

    response = client.get(portal_url("beheer", "portefeuille", world.a, 2024))

    reader = pypdf.PdfReader(io.BytesIO(body(response)))
    text = reader.pages[0].extract_text()
    assert titel in text
    assert niet not in text


def test_portefeuillerapport_of_a_year_without_afspraken_is_not_found(client, world):
    client.force_login(world.a.auditor)
    # The world's afspraken run 2023–2027.
    for jaar in (2022, 2030, 1900):
        response = client.get(portal_url("audit", "portefeuille", world.a, jaar))
        assert response.status_code == 404, jaar


def test_portefeuillerapport_is_not_for_the_bestuur(client, world):
    client.force_login(world.a.bestuur)
    response = client.get(portal_url("audit", "portefeuille", world.a, 2024))
    assert response.status_code == 403


def test_portefeuillerapport_of_another_corporatie_is_not_found(client, world):
    client.force_login(world.a.auditor)
    response = client.get(
        reverse("audit-portefeuille", args=[world.b.corporatie.pk, 2024])
    )
    assert response.status_code == 404


# Verification -----------------------------------------------------------------


def verify(client, tenant, portal="audit", **data):
    return client.post(portal_url(portal, "verifieren", tenant), data)


def upload(data: bytes, name="rapport.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def test_verify_page_offers_an_upload_form(client, world):
    client.force_login(world.a.auditor)

    response = client.get(portal_url("audit", "verifieren", world.a))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert 'type="file"' in html
    assert 'name="sha256"' in html


@pytest.mark.parametrize("portal", ["audit", "beheer"])
def test_verify_recognises_a_real_sealed_pdf_and_says_which(
    client, world, sealed_a, portal
):
    rapport, data = sealed_a
    client.force_login(getattr(world.a, role_of(portal)))
    before = AuditEntry.objects.count()

    response = verify(client, world.a, portal, pdf=upload(data))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Dit is een verzegeld nalevingsrapport" in html
    assert "geen verzegeld rapport" not in html
    assert "Woonstichting A" in html
    assert "Wooncoöperatie A" in html
    assert "<dd>2024</dd>" in html
    assert rapport.sha256 in html
    assert portal_url(portal, "rapport-pdf", world.a, rapport.pk) in html
    toetsing_url = portal_url(portal, "toetsing", world.a, rapport.toetsing_id)
    assert f'href="{toetsing_url}"' in html
    assert AuditEntry.objects.count() == before  # verifying writes nothing


def test_verify_rejects_a_modified_copy(client, world, sealed_a):
    _, data = sealed_a
    client.force_login(world.a.auditor)
    modified = data[:-10] + b"tampered!\n"

    response = verify(client, world.a, pdf=upload(modified))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Dit bestand is geen verzegeld rapport (of is gewijzigd)" in html
    assert "Dit is een verzegeld nalevingsrapport" not in html
    assert hashlib.sha256(modified).hexdigest() in html


def test_verify_treats_another_tenants_sealed_pdf_as_unknown(
    client, world, sealed_a, sealed_b
):
    _, data_b = sealed_b
    client.force_login(world.a.auditor)

    response = verify(client, world.a, pdf=upload(data_b))

    html = response.content.decode()
    assert "Dit bestand is geen verzegeld rapport (of is gewijzigd)" in html
    assert "Wooncoöperatie B" not in html
    assert "Woonstichting B" not in html


def test_verify_accepts_a_pasted_sha256_in_any_case_with_spaces(
    client, world, sealed_a
):
    rapport, _ = sealed_a
    client.force_login(world.a.auditor)
    pasted = " " + rapport.sha256.upper()[:32] + " " + rapport.sha256.upper()[32:]

    response = verify(client, world.a, sha256=pasted)

    html = response.content.decode()
    assert "Dit is een verzegeld nalevingsrapport" in html
    assert rapport.sha256 in html


def test_verify_names_the_field_of_a_malformed_sha256(client, world):
    client.force_login(world.a.auditor)

    response = verify(client, world.a, sha256="abc123")

    assert response.status_code == 200
    form = response.context["form"]
    assert "precies 64 tekens" in " ".join(form.errors["sha256"])
    assert "Uitkomst" not in response.content.decode()


def test_verify_without_file_or_sum_asks_for_one(client, world):
    client.force_login(world.a.auditor)

    response = verify(client, world.a)

    form = response.context["form"]
    assert "Kies een PDF-bestand of vul een SHA-256 in." in form.errors["pdf"]


def test_verify_refuses_a_file_and_a_sum_together(client, world, sealed_a):
    rapport, data = sealed_a
    client.force_login(world.a.auditor)

    response = verify(client, world.a, pdf=upload(data), sha256=rapport.sha256)

    assert "niet allebei" in " ".join(response.context["form"].errors["sha256"])


def test_verify_refuses_a_file_over_the_size_limit_with_a_clear_message(client, world):
    client.force_login(world.a.auditor)

    limit = django_settings.VERIFIEER_MAX_BYTES
    response = verify(client, world.a, pdf=upload(b"%" * (limit + 1)))

    errors = " ".join(response.context["form"].errors["pdf"]).replace("\xa0", " ")
    assert "te groot" in errors
    assert "hoogstens 20,0 MB" in errors
    assert "Uitkomst" not in response.content.decode()


def test_verify_is_not_for_the_bestuur(client, world, sealed_a):
    _, data = sealed_a
    client.force_login(world.a.bestuur)
    assert verify(client, world.a, pdf=upload(data)).status_code == 403

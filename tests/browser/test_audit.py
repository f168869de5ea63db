"""The auditor downloads a sealed report and checks it on the verify page."""

from __future__ import annotations

import datetime
import hashlib
from pathlib import Path

from playwright.sync_api import Page, expect

from afspraken import services
from afspraken.models import Rapport
from tests.ledger.factories import ActiviteitFactory

from .helpers import login, menu


def _sealed_report(tenant, jaar: int) -> Rapport:
    """A year walked to vastgesteld through the services: a real sealed PDF."""
    toetsing = services.toetsing_open(
        afspraak=tenant.afspraak, jaar=jaar, actor=tenant.bestuur
    )
    ActiviteitFactory(cooperatie=tenant.cooperatie, datum=datetime.date(jaar, 5, 10))
    services.toetsing_beoordelen(
        toetsing=toetsing,
        toezegging=tenant.beoordeling.toezegging,
        oordeel="nagekomen",
        toelichting="De moestuin was elke zaterdag open.",
        actor=tenant.beheerder,
    )
    services.toetsing_indienen(toetsing=toetsing, actor=tenant.bestuur)
    services.toetsing_vaststellen(toetsing=toetsing, actor=tenant.beheerder)
    return Rapport.objects.get(toetsing=toetsing)


def _verify(page: Page, name: str, data: bytes) -> None:
    menu(page, "Verifiëren")
    expect(page.get_by_role("heading", level=1)).to_have_text("Rapport verifiëren")
    page.get_by_label("PDF-bestand").set_input_files(
        {"name": name, "mimeType": "application/pdf", "buffer": data}
    )
    page.get_by_role("button", name="Verifiëren").click()


def test_auditor_downloads_a_sealed_report_and_verifies_it(page: Page, world):
    rapport = _sealed_report(world.a, 2025)
    _sealed_report(world.b, 2025)  # another tenant's report stays out of sight

    login(page, world.a.auditor)
    jaar = page.locator("section", has=page.get_by_role("heading", name="2025"))
    expect(jaar).to_contain_text("Wooncoöperatie A")
    expect(page.locator("main")).not_to_contain_text("Wooncoöperatie B")

    with page.expect_download() as info:
        jaar.get_by_role("link", name="PDF downloaden").click()
    download = info.value
    data = Path(download.path()).read_bytes()
    assert data.startswith(b"%PDF-")
    assert hashlib.sha256(data).hexdigest() == rapport.sha256
    assert download.suggested_filename.endswith(".pdf")

    _verify(page, download.suggested_filename, data)
    uitkomst = page.get_by_role("status").filter(has_text="Uitkomst")
    expect(uitkomst).to_contain_text("Dit is een verzegeld nalevingsrapport")
    facts = uitkomst.locator("dl.facts")
    expect(facts).to_contain_text("Woonstichting A")
    expect(facts).to_contain_text("Wooncoöperatie A")
    expect(facts).to_contain_text("2025")
    expect(facts).to_contain_text(rapport.sha256)
    page.get_by_role("link", name="Naar de toetsing").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Toetsing 2025 van Wooncoöperatie A"
    )

    # One byte more and it is no longer the sealed report.
    _verify(page, "gewijzigd.pdf", data + b"\n")
    expect(page.get_by_role("alert")).to_contain_text(
        "Dit bestand is geen verzegeld rapport (of is gewijzigd)."
    )
    expect(page.locator("main")).not_to_contain_text(
        "Dit is een verzegeld nalevingsrapport"
    )

"""A receipt from the board's money book to the beheerder's dossier: the board
books an amount typed the Dutch way, attaches a photo of the receipt to the
booking, and the beheerder sees that receipt, under its own name and as a
thumbnail, in the coöperatie's dossier."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from playwright.sync_api import Page, expect

from ledger.models import Boeking, Bon

from .helpers import flash, login, logout, menu, png_photo


def test_a_receipt_on_a_booking_shows_in_the_beheerders_dossier(page: Page, world):
    tenant = world.a
    vandaag = timezone.localdate()
    foto = png_photo()

    # The board books a payment, the amount typed as people write it.
    login(page, tenant.bestuur)
    menu(page, "Boekingen")
    page.get_by_role("link", name="Nieuwe boeking vastleggen").first.click()
    page.get_by_label("Datum", exact=True).fill(vandaag.isoformat())
    page.get_by_label("uitgave", exact=True).check()
    page.get_by_label("Bedrag").fill("1.234,50")
    page.get_by_label("Omschrijving").fill("Nieuwe tuinbanken")
    page.get_by_role("button", name="Boeking vastleggen").click()
    expect(flash(page)).to_contain_text("€ 1.234,50")
    boeking = Boeking.objects.get(omschrijving="Nieuwe tuinbanken")
    assert boeking.bedrag == Decimal("1234.50")

    # From the list to the booking, and a photo of the receipt attached.
    page.get_by_role("link", name="Nieuwe tuinbanken", exact=True).click()
    expect(
        page.get_by_text("Bij deze boeking is nog geen bon vastgelegd.")
    ).to_be_visible()
    page.get_by_label("Bon", exact=True).set_input_files(
        files=[{"name": "bon tuinbanken.png", "mimeType": "image/png", "buffer": foto}]
    )
    page.get_by_role("button", name="Bon toevoegen").click()
    expect(flash(page)).to_contain_text("Bon “bon tuinbanken.png” is toegevoegd.")
    bon = Bon.objects.get(boeking=boeking)
    assert bon.bestand.read() == foto
    expect(page.get_by_role("img", name="Foto: bon tuinbanken.png")).to_be_visible()
    logout(page)

    # The beheerder finds it in the dossier of that year, under its own name.
    login(page, tenant.beheerder)
    page.goto(
        reverse(
            "beheer-cooperatie-dossier",
            args=[tenant.corporatie.pk, tenant.cooperatie.pk],
        )
        + f"?jaar={vandaag.year}"
    )
    rij = page.get_by_role("row").filter(has_text="Nieuwe tuinbanken")
    expect(
        rij.get_by_role("link", name="bon tuinbanken.png", exact=True)
    ).to_be_visible()
    miniatuur = rij.get_by_role("img", name="Foto: bon tuinbanken.png")
    expect(miniatuur).to_be_visible()
    # Loaded lazily: scrolled to, then decoded (the thumbnail passes the CSP).
    miniatuur.scroll_into_view_if_needed()
    assert miniatuur.evaluate("img => img.decode().then(() => img.naturalWidth)") > 0
    # The file itself, fetched with the beheerder's session (not opened: a
    # browser's own image viewer styles itself inline, which the file's strict
    # CSP refuses by design).
    link = rij.get_by_role("link", name="bon tuinbanken.png", exact=True)
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "image/png"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.body() == foto

"""A whole year through the browser: the board books an activity with a photo on a
phone and submits the year; the beheerder returns it with a reason; the board
books the missing expense and submits again; the beheerder assesses the
qualitative clause and approves the year, which seals the report."""

from __future__ import annotations

import datetime
import hashlib
import re
from decimal import Decimal

from playwright.sync_api import Page, expect

from afspraken.choices import Indicator, ToetsingStatus, Verdict
from afspraken.models import Rapport, Toetsing
from kern.models import AuditEntry
from ledger.models import Activiteit, Boeking
from tests.afspraken.factories import ToezeggingFactory

from .helpers import DESKTOP, PHONE, flash, login, logout, menu, png_photo, screenshot

JAAR = 2025
REDEN = "De uitgaven voor de burendag ontbreken; boek ze en dien het jaar opnieuw in."


def _fits_the_screen(page: Page) -> bool:
    """No sideways scrolling: the page is no wider than the viewport."""
    return page.evaluate(
        "() => document.documentElement.scrollWidth <= window.innerWidth"
    )


def _book_activity_on_a_phone(page: Page, vrijwilliger, foto: bytes) -> None:
    page.set_viewport_size(PHONE)
    page.get_by_role("link", name="Activiteit vastleggen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nieuwe activiteit")
    assert _fits_the_screen(page)
    screenshot(page, "bestuur-activiteit-telefoon")

    page.get_by_label("Datum").fill(f"{JAAR}-06-14")
    page.get_by_label("Titel").fill("Burendag in de moestuin")
    page.get_by_label("Thema").select_option(label="groen")
    page.get_by_label("Omschrijving").fill("Samen de moestuin winterklaar gemaakt.")
    page.get_by_label("Open voor de buurt").check()
    page.get_by_label("Deelnemers (leden)").fill("9")
    page.get_by_label("Deelnemers uit de buurt").fill("5")
    page.get_by_label("Vrijwilligersuren").fill("6,5")
    page.get_by_label(vrijwilliger.naam, exact=True).check()
    page.get_by_label("Bewijsstukken toevoegen").set_input_files(
        {"name": "burendag.png", "mimeType": "image/png", "buffer": foto}
    )
    page.get_by_role("button", name="Activiteit vastleggen").click()
    expect(flash(page)).to_contain_text(
        "Activiteit “Burendag in de moestuin” is vastgelegd. 1 bewijsstuk toegevoegd."
    )
    assert _fits_the_screen(page)
    page.set_viewport_size(DESKTOP)


def _submit(page: Page, *, activiteiten: str, boekingen: str, leden: str) -> None:
    """On the confirmation page: check what will be locked, then submit."""
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Jaar {JAAR} indienen")
    locked = page.locator("h2:text-is('Wat er vast komt te liggen') + ul")
    expect(locked).to_contain_text(f"{activiteiten} met een datum in {JAAR}")
    expect(locked).to_contain_text(f"{boekingen} met een datum in {JAAR}")
    expect(locked).to_contain_text(f"{leden} op de peildatum 31 december {JAAR}")
    page.get_by_role("button", name=f"Jaar {JAAR} definitief indienen").click()
    expect(flash(page)).to_contain_text(f"Het jaar {JAAR} is ingediend bij")


def _open_toetsing_as_beheerder(page: Page, tenant) -> None:
    login(page, tenant.beheerder)
    # The row of the year itself (a later deadline may name the year too).
    row = page.locator("tbody tr").filter(
        has=page.locator("td.num", has_text=re.compile(rf"^{JAAR}$"))
    )
    expect(row.locator(".status-ingediend")).to_have_text("ingediend")
    row.get_by_role("link", name=f"Toetsing {JAAR}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Toetsing {JAAR} van {tenant.cooperatie}"
    )


def test_a_year_from_booking_to_sealed_report(page: Page, world):
    tenant = world.a
    besteding = ToezeggingFactory(
        afspraak=tenant.afspraak,
        omschrijving="Minstens € 40 besteed aan activiteiten",
        indicator=Indicator.BESTEDING,
        norm=Decimal("40"),
    )
    kwalitatief = tenant.beoordeling.toezegging
    foto = png_photo()

    # The board books an activity with a photo, on a phone.
    login(page, tenant.bestuur)
    _book_activity_on_a_phone(page, tenant.lid, foto)
    activiteit = Activiteit.objects.get(
        cooperatie=tenant.cooperatie, titel="Burendag in de moestuin"
    )
    assert activiteit.datum == datetime.date(JAAR, 6, 14)
    assert activiteit.vrijwilligersuren == Decimal("6.5")
    assert activiteit.open_voor_buurt
    assert list(activiteit.vrijwilligers.all()) == [tenant.lid]
    bijlage = activiteit.bijlagen.get()
    assert bijlage.content_type == "image/png"
    assert bijlage.bestand.read() == foto

    # Last year has no toetsing yet: the board opens it and submits it.
    menu(page, "Jaaroverzicht")
    page.get_by_role("link", name=f"Jaar {JAAR} indienen").click()
    page.get_by_role("button", name=f"Toetsing {JAAR} openen om in te dienen").click()
    expect(flash(page)).to_contain_text(f"De toetsing {JAAR} van")
    _submit(page, activiteiten="1 activiteit", boekingen="0 boekingen", leden="2 leden")
    toetsing = Toetsing.objects.get(afspraak=tenant.afspraak, jaar=JAAR)
    assert toetsing.status == ToetsingStatus.INGEDIEND
    logout(page)

    # The beheerder returns the year with a reason.
    _open_toetsing_as_beheerder(page, tenant)
    page.get_by_label("Reden van terugsturen").fill(REDEN)
    page.get_by_role("button", name="Terugsturen met deze reden").click()
    expect(flash(page)).to_contain_text(
        f"De toetsing {JAAR} van {tenant.cooperatie} is teruggestuurd naar het bestuur."
    )
    toetsing.refresh_from_db()
    assert toetsing.status == ToetsingStatus.TERUGGESTUURD
    assert toetsing.teruggestuurd_reden == REDEN
    logout(page)

    # The board reads the reason, books the expense and submits again.
    login(page, tenant.bestuur)
    teruggestuurd = page.get_by_role("alert").filter(has_text="teruggestuurd")
    expect(teruggestuurd).to_contain_text(REDEN)
    page.get_by_role("link", name="Boeking vastleggen").click()
    page.get_by_label("Datum").fill(f"{JAAR}-06-14")
    page.get_by_label("uitgave", exact=True).check()
    page.get_by_label("Bedrag").fill("42,50")
    page.get_by_label("Omschrijving").fill("Zaaigoed en koffie voor de burendag")
    page.get_by_label("Activiteit").select_option(
        label=f"14-06-{JAAR} Burendag in de moestuin"
    )
    page.get_by_role("button", name="Boeking vastleggen").click()
    expect(flash(page)).to_contain_text("Boeking van € 42,50 (uitgave) is vastgelegd.")
    boeking = Boeking.objects.get(cooperatie=tenant.cooperatie, datum__year=JAAR)
    assert (boeking.soort, boeking.bedrag, boeking.activiteit) == (
        "uitgave",
        Decimal("42.50"),
        activiteit,
    )
    menu(page, "Jaaroverzicht")
    page.get_by_role("link", name=f"Jaar {JAAR} opnieuw indienen").click()
    _submit(page, activiteiten="1 activiteit", boekingen="1 boeking", leden="2 leden")
    toetsing.refresh_from_db()
    assert toetsing.status == ToetsingStatus.INGEDIEND
    gemeten = {row["id"]: row for row in toetsing.snapshot["toezeggingen"]}
    assert Decimal(gemeten[besteding.pk]["waarde"]) == Decimal("42.50")
    assert gemeten[besteding.pk]["verdict"] == Verdict.NAGEKOMEN
    logout(page)

    # The beheerder assesses the qualitative clause and approves the year.
    _open_toetsing_as_beheerder(page, tenant)
    beoordeling = page.locator("form").filter(has_text=kwalitatief.omschrijving)
    beoordeling.get_by_label("nagekomen", exact=True).check()
    beoordeling.get_by_label("Toelichting").fill("Op de burendag open voor de buurt.")
    beoordeling.get_by_role("button", name="Beoordeling opslaan").click()
    expect(flash(page)).to_contain_text("is beoordeeld als nagekomen")
    page.get_by_role("button", name="Jaar vaststellen").click()
    expect(flash(page)).to_contain_text(
        f"De toetsing {JAAR} van {tenant.cooperatie} is vastgesteld; "
        "het nalevingsrapport is verzegeld."
    )
    assert page.dialogs == [
        "Dit jaar definitief vaststellen en het rapport verzegelen?"
    ]
    facts = page.locator("dl.facts")
    expect(facts.locator(".status")).to_have_text("vastgesteld")
    expect(
        facts.get_by_role("link", name="Verzegeld rapport (PDF) downloaden")
    ).to_be_visible()
    expect(page.locator("main")).to_contain_text(REDEN)  # in the history

    toetsing.refresh_from_db()
    assert toetsing.status == ToetsingStatus.VASTGESTELD
    rapport = Rapport.objects.get(toetsing=toetsing)
    with rapport.pdf.open("rb") as pdf:
        assert hashlib.sha256(pdf.read()).hexdigest() == rapport.sha256
    stappen = AuditEntry.objects.filter(
        object_type="afspraken.toetsing", object_id=str(toetsing.pk)
    ).order_by("seq")
    assert list(stappen.values_list("action", "actor_name")) == [
        ("toetsing_open", tenant.bestuur.username),
        ("toetsing_indienen", tenant.bestuur.username),
        ("toetsing_terugsturen", tenant.beheerder.username),
        ("toetsing_indienen", tenant.bestuur.username),
        ("toetsing_vaststellen", tenant.beheerder.username),
    ]

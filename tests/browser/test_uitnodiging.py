"""A new board member from invitation to sealed report, through the browser and
the mail: the beheerder invites them; they follow the link from the mail, make an
account and book an activity with a photo; they submit last year and the
beheerder, told by mail, reads the dossier and returns the year with a reason;
the board, told the reason by mail, submits again; the beheerder approves and the
auditor receives the link to the sealed report."""

from __future__ import annotations

import hashlib
import re

from django.contrib.auth import get_user_model
from django.urls import reverse

from playwright.sync_api import Page, expect

from afspraken.choices import ToetsingStatus
from afspraken.models import Rapport, Toetsing
from cooperatie.choices import RolSoort
from cooperatie.models import Rol

from .helpers import flash, login, logout, menu, png_photo

JAAR = 2025
EMAIL = "noor.bakker@example.nl"
GEBRUIKERSNAAM = "noor.bakker"
WACHTWOORD = "Moestuin-aan-de-Kanaalstraat-7"
REDEN = "De foto van de burendag is te donker; voeg een betere toe en dien opnieuw in."


def _mail_to(outbox, adres: str, onderwerp: str):
    """The one mail to `adres` whose subject contains `onderwerp`."""
    (message,) = [
        m for m in outbox if m.to == [adres] and onderwerp.lower() in m.subject.lower()
    ]
    return message


def _links(message) -> list[str]:
    return re.findall(r"https?://\S+", message.body)


def _invite(page: Page, tenant) -> None:
    login(page, tenant.beheerder)
    menu(page, "Gebruikers")
    expect(page.get_by_role("heading", level=1)).to_have_text("Gebruikers")
    page.get_by_label("E-mailadres").fill(EMAIL)
    page.get_by_label("Rol").select_option(label=f"bestuur van {tenant.cooperatie}")
    page.get_by_role("button", name="Uitnodiging versturen").click()
    expect(flash(page)).to_contain_text(f"De uitnodiging is verstuurd naar {EMAIL}")
    open_uitnodigingen = page.locator("table").filter(has_text=EMAIL)
    expect(open_uitnodigingen).to_contain_text("Opnieuw versturen")
    logout(page)


def _accept(page: Page, link: str, tenant) -> None:
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Uitnodiging")
    expect(page.locator("main")).to_contain_text(
        f"U bent uitgenodigd als bestuur van {tenant.cooperatie}."
    )
    page.get_by_label("Gebruikersnaam").fill(GEBRUIKERSNAAM)
    page.get_by_label("Wachtwoord", exact=True).fill(WACHTWOORD)
    page.get_by_label("Wachtwoord (nogmaals)").fill(WACHTWOORD)
    page.get_by_role("button", name="Account maken en uitnodiging aannemen").click()
    expect(page).to_have_url(re.compile(rf"/bestuur/{tenant.cooperatie.pk}/"))
    expect(page.get_by_role("navigation", name="Menu")).to_contain_text("Jaaroverzicht")


def _book_activity(page: Page, foto: bytes) -> None:
    page.get_by_role("link", name="Activiteit vastleggen").click()
    page.get_by_label("Datum").fill(f"{JAAR}-06-14")
    page.get_by_label("Titel").fill("Burendag in de moestuin")
    page.get_by_label("Thema").select_option(label="groen")
    page.get_by_label("Open voor de buurt").check()
    page.get_by_label("Deelnemers (leden)").fill("9")
    page.get_by_label("Deelnemers uit de buurt").fill("5")
    page.get_by_label("Vrijwilligersuren").fill("6,5")
    page.get_by_label("Bewijsstukken toevoegen").set_input_files(
        {"name": "burendag.png", "mimeType": "image/png", "buffer": foto}
    )
    page.get_by_role("button", name="Activiteit vastleggen").click()
    expect(flash(page)).to_contain_text(
        "Activiteit “Burendag in de moestuin” is vastgelegd. 1 bewijsstuk toegevoegd."
    )


def _submit(page: Page, link: str) -> None:
    menu(page, "Jaaroverzicht")
    page.get_by_role("link", name=link).click()
    opening = page.get_by_role("button", name=f"Toetsing {JAAR} openen om in te dienen")
    if opening.count():
        opening.click()
    page.get_by_role("button", name=f"Jaar {JAAR} definitief indienen").click()
    expect(flash(page)).to_contain_text(f"Het jaar {JAAR} is ingediend bij")


def _login_as_invitee(page: Page) -> None:
    page.goto(reverse("login"))
    page.get_by_label("Gebruikersnaam").fill(GEBRUIKERSNAAM)
    page.get_by_label("Wachtwoord", exact=True).fill(WACHTWOORD)
    page.get_by_role("button", name="Aanmelden").click()
    expect(page.get_by_role("status")).to_contain_text(f"Welkom, {GEBRUIKERSNAAM}.")


def test_an_invited_board_member_takes_a_year_to_its_sealed_report(
    page: Page, world, live_server, settings, mailoutbox
):
    settings.SITE_URL = live_server.url
    tenant = world.a
    for user in (tenant.beheerder, tenant.auditor):
        user.email = f"{user.username}@example.nl"
        user.save(update_fields=["email"])
    kwalitatief = tenant.beoordeling.toezegging
    foto = png_photo()

    # The beheerder invites a new board member; the mail carries the link.
    _invite(page, tenant)
    uitnodiging_mail = _mail_to(mailoutbox, EMAIL, "uitnodiging")
    (link,) = [u for u in _links(uitnodiging_mail) if "/uitnodiging/" in u]
    assert link.startswith(live_server.url)

    # The invitee makes an account and lands on the bestuur portal.
    _accept(page, link, tenant)
    nieuw = get_user_model().objects.get(username=GEBRUIKERSNAAM)
    assert nieuw.email == EMAIL
    assert Rol.objects.filter(
        user=nieuw, soort=RolSoort.BESTUUR, cooperatie=tenant.cooperatie
    ).exists()

    # They book an activity with a photo and submit last year.
    _book_activity(page, foto)
    _submit(page, f"Jaar {JAAR} indienen")
    toetsing = Toetsing.objects.get(afspraak=tenant.afspraak, jaar=JAAR)
    assert toetsing.status == ToetsingStatus.INGEDIEND
    logout(page)

    # The beheerder is told by mail, reads the dossier and sees the photo.
    ingediend = _mail_to(mailoutbox, tenant.beheerder.email, "ingediend")
    assert str(tenant.cooperatie) in ingediend.body
    assert any(f"/toetsingen/{toetsing.pk}/" in u for u in _links(ingediend))
    login(page, tenant.beheerder)
    page.get_by_role(
        "link", name=f"Dossier bekijken ({tenant.cooperatie}, {JAAR})"
    ).click()
    activiteit = page.locator("tr, li").filter(has_text="Burendag in de moestuin")
    expect(activiteit.first).to_be_visible()
    miniatuur = page.get_by_role("img", name=re.compile("^Foto: "))
    expect(miniatuur).to_have_count(1)
    # The thumbnail loads lazily: bring it into view and wait until it is drawn.
    miniatuur.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=miniatuur.element_handle()
    )

    # From the dossier to the toetsing: returned with a reason.
    page.get_by_role("link", name=f"Toetsing {JAAR} bekijken").click()
    page.get_by_label("Reden van terugsturen").fill(REDEN)
    page.get_by_role("button", name="Terugsturen met deze reden").click()
    expect(flash(page)).to_contain_text("is teruggestuurd naar het bestuur")
    logout(page)

    # The board reads the reason in its mail and submits again.
    teruggestuurd = _mail_to(mailoutbox, EMAIL, "teruggestuurd")
    assert REDEN in teruggestuurd.body
    _login_as_invitee(page)
    expect(page.get_by_role("alert").filter(has_text="teruggestuurd")).to_contain_text(
        REDEN
    )
    _submit(page, f"Jaar {JAAR} opnieuw indienen")
    logout(page)

    # The beheerder assesses the qualitative clause and approves the year.
    login(page, tenant.beheerder)
    page.goto(reverse("beheer-toetsing", args=[tenant.corporatie.pk, toetsing.pk]))
    beoordeling = page.locator("form").filter(has_text=kwalitatief.omschrijving)
    beoordeling.get_by_label("nagekomen", exact=True).check()
    beoordeling.get_by_label("Toelichting").fill("Op de burendag open voor de buurt.")
    beoordeling.get_by_role("button", name="Beoordeling opslaan").click()
    expect(flash(page)).to_contain_text("is beoordeeld als nagekomen")
    page.get_by_role("button", name="Jaar vaststellen").click()
    expect(flash(page)).to_contain_text("het nalevingsrapport is verzegeld")
    logout(page)
    toetsing.refresh_from_db()
    assert toetsing.status == ToetsingStatus.VASTGESTELD
    rapport = Rapport.objects.get(toetsing=toetsing)

    # The auditor's mail links to the sealed report, which downloads as sealed.
    vastgesteld = _mail_to(mailoutbox, tenant.auditor.email, "vastgesteld")
    (rapport_link,) = [u for u in _links(vastgesteld) if "pdf" in u.lower()]
    login(page, tenant.auditor)
    response = page.request.get(rapport_link)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert hashlib.sha256(response.body()).hexdigest() == rapport.sha256
    # The board hears of it too, and no mail carries a member's personal data.
    assert _mail_to(mailoutbox, EMAIL, "vastgesteld")
    for message in mailoutbox:
        assert tenant.lid.naam not in message.body

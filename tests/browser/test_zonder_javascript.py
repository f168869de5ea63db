"""The core forms work with JavaScript switched off: signing in, booking and
cancelling (storno) a booking, adding a member, and the language switch."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

import pytest
from playwright.sync_api import expect

from cooperatie.models import Lid
from kern.models import AuditEntry
from ledger.models import Boeking

from .helpers import flash, login


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        java_script_enabled=False,
        locale="nl-NL",
        timezone_id="Europe/Amsterdam",
    )
    tab = context.new_page()
    yield tab
    context.close()


def test_a_booking_and_its_storno_without_javascript(page, world):
    cooperatie = world.a.cooperatie
    login(page, world.a.bestuur)

    page.goto(reverse("bestuur-boeking-nieuw", args=[cooperatie.pk]))
    page.get_by_label("Datum", exact=True).fill(timezone.localdate().isoformat())
    page.get_by_label("uitgave", exact=True).check()
    page.get_by_label("Bedrag").fill("12,50")
    page.get_by_label("Omschrijving").fill("Koffie en thee voor de taalles")
    page.get_by_role("button", name="Boeking vastleggen").click()

    expect(flash(page)).to_contain_text("is vastgelegd")
    boeking = Boeking.objects.get(omschrijving="Koffie en thee voor de taalles")
    assert boeking.bedrag == Decimal("12.50")
    assert boeking.soort == "uitgave"

    page.goto(reverse("bestuur-boeking-storno", args=[cooperatie.pk, boeking.pk]))
    page.get_by_label("Reden").fill("Dubbel geboekt")
    page.get_by_role("button", name="Boeking storneren").click()

    expect(flash(page)).to_contain_text("is gestorneerd")
    storno = Boeking.objects.get(corrigeert=boeking)
    assert storno.bedrag == boeking.bedrag
    assert AuditEntry.objects.filter(
        action="boeking_storno", object_id=storno.pk
    ).exists()


def test_a_member_added_without_javascript(page, world):
    cooperatie = world.a.cooperatie
    login(page, world.a.bestuur)

    page.goto(reverse("bestuur-lid-nieuw", args=[cooperatie.pk]))
    page.get_by_label("Naam").fill("Fatima el Amrani")
    page.get_by_label("Lid sinds").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Lid toevoegen").click()

    expect(flash(page)).to_contain_text("Fatima el Amrani")
    assert Lid.objects.filter(cooperatie=cooperatie, naam="Fatima el Amrani").exists()


def test_the_language_switch_without_javascript(page, world):
    login(page, world.a.auditor)
    page.get_by_label("Taal").select_option("en")
    page.get_by_role("button", name="Wijzig taal").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

"""The volunteer picker of the activity form: filtering as one types (with
JavaScript), the "Zoeken" button (without), and hours per volunteer saved."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

import pytest
from playwright.sync_api import expect

from ledger.models import Activiteit
from tests.cooperatie.factories import LidFactory

from .helpers import flash, login


def _leden(world):
    a = world.a
    return (
        LidFactory(cooperatie=a.cooperatie, naam="Zwaantje Zonnebloem"),
        LidFactory(cooperatie=a.cooperatie, naam="Piet Paardenbloem"),
    )


def _fill_activity(page) -> None:
    page.get_by_label("Datum", exact=True).fill(timezone.localdate().isoformat())
    page.get_by_label("Titel").fill("Snoeidag")
    page.get_by_label("Thema").select_option("groen")
    page.get_by_label("Deelnemers (leden)").fill("5")
    page.get_by_label("Vrijwilligersuren").fill("4,5")


def test_the_picker_filters_as_one_types_and_saves_hours(page, world):
    a = world.a
    zwaantje, piet = _leden(world)
    login(page, a.bestuur)
    page.goto(reverse("bestuur-activiteit-nieuw", args=[a.cooperatie.pk]))
    _fill_activity(page)

    piet_rij = page.locator(f"[data-naam] input[value='{piet.pk}']")
    # Filtering is live, so no server "Zoeken" button.
    expect(page.get_by_role("button", name="Zoeken")).to_have_count(0)
    page.get_by_label("Piet Paardenbloem", exact=True).check()
    page.get_by_label("Lid zoeken").fill("zonne")

    expect(page.get_by_label("Zwaantje Zonnebloem", exact=True)).to_be_visible()
    # Chosen volunteers stay in view whatever the filter.
    expect(piet_rij).to_be_visible()
    expect(page.get_by_label(str(a.lid.naam), exact=True)).to_be_hidden()

    page.get_by_label("Zwaantje Zonnebloem", exact=True).check()
    page.get_by_label("Uren van Zwaantje Zonnebloem").fill("3")
    page.get_by_label("Uren van Piet Paardenbloem").fill("1,5")
    page.get_by_label("Lid zoeken").fill("")
    expect(page.get_by_label(str(a.lid.naam), exact=True)).to_be_visible()
    page.get_by_role("button", name="Activiteit vastleggen").click()

    expect(flash(page)).to_contain_text("is vastgelegd")
    activiteit = Activiteit.objects.get(titel="Snoeidag")
    assert dict(activiteit.vrijwilligerschappen.values_list("lid_id", "uren")) == {
        zwaantje.pk: Decimal("3.00"),
        piet.pk: Decimal("1.50"),
    }


@pytest.fixture
def no_js_page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        java_script_enabled=False,
        locale="nl-NL",
        timezone_id="Europe/Amsterdam",
    )
    tab = context.new_page()
    yield tab
    context.close()


def test_the_picker_filters_without_javascript(no_js_page, world):
    page = no_js_page
    a = world.a
    _leden(world)
    login(page, a.bestuur)
    page.goto(reverse("bestuur-activiteit-nieuw", args=[a.cooperatie.pk]))
    _fill_activity(page)

    page.get_by_label("Lid zoeken").fill("zonne")
    page.get_by_role("button", name="Zoeken").click()

    expect(page.get_by_label("Zwaantje Zonnebloem", exact=True)).to_be_visible()
    expect(page.get_by_label("Piet Paardenbloem", exact=True)).to_have_count(0)
    expect(page.get_by_label("Titel")).to_have_value("Snoeidag")
    page.get_by_label("Zwaantje Zonnebloem", exact=True).check()
    page.get_by_label("Uren van Zwaantje Zonnebloem").fill("4,5")
    page.get_by_role("button", name="Activiteit vastleggen").click()

    expect(flash(page)).to_contain_text("is vastgelegd")
    activiteit = Activiteit.objects.get(titel="Snoeidag")
    assert list(activiteit.vrijwilligerschappen.values_list("uren", flat=True)) == [
        Decimal("4.50")
    ]

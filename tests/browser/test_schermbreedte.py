"""The pages fit the screen: on a laptop (1366 px) and on a phone (390 px) the
member list, the activities list, the board's year overview and the beheerder's
overview show long names and titles without sideways scrolling of the page.

A table either fits its container or sits in a scroll wrapper that shows it can
be scrolled (a shadow at the edge); dates in table cells stay on one line; on a
phone the header takes at most two lines and the year overview shows each
toezegging with its verdict in view. Screenshots of every page and width land in
test-artifacts/schermen/ (git-ignored) to be looked at.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

from django.urls import reverse
from django.utils import timezone

import pytest
from playwright.sync_api import Page, expect

from afspraken.choices import Indicator
from ledger.choices import Thema
from tests.afspraken.factories import ToezeggingFactory
from tests.cooperatie.factories import GebouwFactory, LidFactory
from tests.ledger.factories import ActiviteitFactory

from .helpers import PHONE, login, logout

SCHERMEN = Path(__file__).resolve().parents[2] / "test-artifacts" / "schermen"
LAPTOP = {"width": 1366, "height": 768}
BREEDTES = (LAPTOP, PHONE)

# The header (brand, account, portal menu) on a phone: two lines at most.
MAX_KOP_TELEFOON = 120

LANGE_NAMEN = (
    "Maria Margaretha Johanna van den Heuvel-Oudshoorn",
    "Abdelkarim Benali-Oosterwijk van Rijckevorsel",
    "Christiaan Frederik Willem Schimmelpenninck van der Oye",
    "Fatima Zahra el Amrani-Bouzerda",
)
LANGE_TITELS = (
    "Wekelijkse koffieochtend met buurtbewoners in de gemeenschappelijke ruimte "
    "van het complex, inclusief taalmaatjes en huiswerkbegeleiding",
    "Burendag: samen de moestuin en de geveltuinen winterklaar maken, met soep "
    "en een rondleiding voor nieuwe bewoners uit de wijk",
    "Repair-café-en-fietsenwerkplaats-met-buurtkinderen",
    "Informatieavond over energiebesparing en de nieuwe zonnepanelen op het dak",
)


@pytest.fixture
def lange_wereld(world):
    """World's tenant A with long names, addresses and titles, and a year overview
    with toezeggingen of every kind in the running year."""
    a = world.a
    jaar = timezone.localdate().year
    a.cooperatie.naam = "Woon- en beheercoöperatie De Lange Adem in de Tuinstadbuurt"
    a.cooperatie.save()
    a.afspraak.titel = (
        "Afspraken over de sociale inbreng van de coöperatie in de wijk en de buurt"
    )
    a.afspraak.save()
    a.gebouw.naam = "Wooncomplex De Zonnewijzer aan de Burgemeester de Withstraat"
    a.gebouw.save()
    GebouwFactory(
        corporatie=a.corporatie, naam="Seniorenflat Het Hooge Huys aan de Singel"
    )
    for n, naam in enumerate(LANGE_NAMEN * 3):
        LidFactory(
            cooperatie=a.cooperatie,
            naam=f"{naam} {n}",
            email=f"{naam.split()[0].lower()}.bewonerscommissie.{n}@tuinstadbuurt-coop.example.nl",
            adres=f"Burgemeester van Walsum de Jonghplantsoen {n + 100} bis",
            lid_sinds=datetime.date(2019, 11, 28),
            lid_tot=datetime.date(jaar, 12, 31) if n % 5 == 0 else None,
        )
    for n, titel in enumerate(LANGE_TITELS * 3):
        ActiviteitFactory(
            cooperatie=a.cooperatie,
            datum=datetime.date(jaar, 1 + n % 9, 28),
            titel=titel,
            thema=Thema.VOEDSEL_ARMOEDE if n % 2 else Thema.ZORG_VOOR_ELKAAR,
            omschrijving=titel + ". " + titel,
            vrijwilligersuren=Decimal("1234.50"),
        )
    for indicator, norm, tekst in (
        (Indicator.AANTAL_ACTIVITEITEN, 40, "Minstens veertig activiteiten per jaar"),
        (Indicator.VRIJWILLIGERSUREN, 300, "Minstens 300 vrijwilligersuren per jaar"),
        (Indicator.BESTEDING, 12500, "Het budget voor sociale inbreng is besteed"),
        (
            Indicator.AANDEEL_DOELGROEP,
            30,
            "Minstens dertig procent leden uit de doelgroep",
        ),
        (Indicator.KWALITATIEF, 1, "De coöperatie werkt samen met het buurthuis"),
    ):
        ToezeggingFactory(
            afspraak=a.afspraak,
            indicator=indicator,
            norm=Decimal(norm),
            omschrijving=tekst,
        )
    return world


PAGINAS = {
    "leden": ("bestuur", "bestuur-leden", "cooperatie"),
    "activiteiten": ("bestuur", "bestuur-activiteiten", "cooperatie"),
    "jaaroverzicht": ("bestuur", "bestuur-start", "cooperatie"),
    "dashboard": ("beheerder", "beheer-start", "corporatie"),
}

METEN = """() => {
  const vw = document.documentElement.clientWidth;
  const tables = [...document.querySelectorAll("main table")].map((table) => {
    const wrap = table.closest(".table-wrap");
    const box = table.parentElement;
    const style = wrap ? getComputedStyle(wrap) : null;
    return {
      caption: table.caption ? table.caption.textContent.trim() : "",
      fits: table.getBoundingClientRect().width <= box.clientWidth + 1,
      scroller: !!wrap && ["auto", "scroll"].includes(style.overflowX),
      hint: !!wrap && style.backgroundImage.includes("gradient"),
      wrapInView: !wrap || wrap.getBoundingClientRect().right <= vw + 1,
    };
  });
  const dates = [...document.querySelectorAll("main td.datum")]
    .filter((td) => td.textContent.trim())
    .map((td) => {
      const range = document.createRange();
      range.selectNodeContents(td);
      const tops = new Set([...range.getClientRects()]
        .filter((r) => r.width > 0).map((r) => Math.round(r.top)));
      return {text: td.textContent.trim(), lines: tops.size};
    });
  const main = document.querySelector("main");
  return {
    scrollWidth: document.documentElement.scrollWidth,
    viewport: window.innerWidth,
    tables,
    dates,
    headerHeight: main.getBoundingClientRect().top + window.scrollY,
  };
}"""


def _open(page: Page, world, naam: str) -> None:
    _rol, route, organisatie = PAGINAS[naam]
    pk = getattr(world.a, organisatie).pk
    page.goto(reverse(route, args=[pk]))
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def _screenshot(page: Page, naam: str, breedte: int) -> None:
    SCHERMEN.mkdir(parents=True, exist_ok=True)
    path = SCHERMEN / f"{naam}-{breedte}.png"
    page.screenshot(path=str(path), full_page=True)
    print(path)


def _check(page: Page, naam: str, breedte: int) -> dict:
    _screenshot(page, naam, breedte)
    meting = page.evaluate(METEN)
    assert meting["scrollWidth"] <= meting["viewport"], (naam, breedte, meting)
    assert meting["tables"], (naam, breedte)
    for table in meting["tables"]:
        assert table["wrapInView"], (naam, breedte, table)
        if breedte == LAPTOP["width"]:
            assert table["fits"], (naam, breedte, table)
        else:
            assert table["fits"] or (table["scroller"] and table["hint"]), (
                naam,
                breedte,
                table,
            )
    for datum in meting["dates"]:
        assert datum["lines"] == 1, (naam, breedte, datum)
    if breedte == PHONE["width"]:
        assert meting["headerHeight"] <= MAX_KOP_TELEFOON, (naam, meting)
    return meting


KOLOMMEN = """() => [...document.querySelectorAll("main table tbody tr")].map((tr) => {
  const box = (selector) => tr.querySelector(selector).getBoundingClientRect();
  const cells = [...tr.cells].map((td) => td.getBoundingClientRect());
  return {
    toezegging: box("td.toezegging"),
    oordeel: box("td.oordeel"),
    rest: cells.filter((_, i) => i > 0 && !tr.cells[i].matches(".oordeel")),
    viewport: document.documentElement.clientWidth,
  };
})"""


def _key_columns_first(page: Page) -> None:
    """On a phone each toezegging of the year overview is a card: its title, then
    its verdict (koers or oordeel), then the figures, all within the screen."""
    rijen = page.evaluate(KOLOMMEN)
    assert len(rijen) >= 6, rijen
    for rij in rijen:
        assert rij["oordeel"]["right"] <= rij["viewport"], rij
        assert rij["toezegging"]["bottom"] <= rij["oordeel"]["top"] + 1, rij
        for cel in rij["rest"]:
            assert rij["oordeel"]["bottom"] <= cel["top"] + 1, rij
            assert cel["right"] <= rij["viewport"], rij


def _afmelden(page: Page) -> None:
    """Log out; on a phone through the folded account menu."""
    afmelden = page.get_by_role("button", name="Afmelden")
    if not afmelden.is_visible():
        page.locator(".account-menu > summary").click()
    logout(page)


@pytest.mark.parametrize("viewport", BREEDTES, ids=lambda v: str(v["width"]))
def test_the_board_pages_fit_the_screen(page, lange_wereld, viewport):
    page.set_viewport_size(viewport)
    login(page, lange_wereld.a.bestuur)
    for naam in ("leden", "activiteiten", "jaaroverzicht"):
        _open(page, lange_wereld, naam)
        meting = _check(page, naam, viewport["width"])
        if naam in ("leden", "activiteiten"):
            assert len(meting["dates"]) >= 12, (naam, meting["dates"])
        if naam == "jaaroverzicht" and viewport == PHONE:
            _key_columns_first(page)
    _afmelden(page)


@pytest.mark.parametrize("viewport", BREEDTES, ids=lambda v: str(v["width"]))
def test_the_beheerder_overview_fits_the_screen(page, lange_wereld, viewport):
    page.set_viewport_size(viewport)
    login(page, lange_wereld.a.beheerder)
    _open(page, lange_wereld, "dashboard")
    _check(page, "dashboard", viewport["width"])
    _afmelden(page)


@pytest.fixture
def page_zonder_js(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        viewport=PHONE,
        java_script_enabled=False,
        locale="nl-NL",
        timezone_id="Europe/Amsterdam",
    )
    tab = context.new_page()
    yield tab
    context.close()


def test_the_folded_menus_on_a_phone_work_without_javascript(page_zonder_js, world):
    page = page_zonder_js
    login(page, world.a.bestuur)
    page.goto(reverse("bestuur-start", args=[world.a.cooperatie.pk]))
    nav = page.get_by_role("navigation", name="Menu")
    leden = nav.get_by_role("link", name="Leden", exact=True)
    afmelden = page.get_by_role("button", name="Afmelden")
    # Folded: the header is one line, the menu another
    expect(leden).to_be_hidden()
    expect(afmelden).to_be_hidden()
    hoogte = page.evaluate("() => document.querySelector('main').offsetTop")
    assert hoogte <= MAX_KOP_TELEFOON

    nav.get_by_text("Menu").click()
    page.locator(".account-menu > summary").click()
    expect(afmelden).to_be_visible()
    _screenshot(page, "menu-open", PHONE["width"])
    leden.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Leden van")
    expect(page.get_by_role("navigation", name="Menu")).to_contain_text("Menu · Leden")

    page.locator("summary", has_text=world.a.bestuur.username).click()
    logout(page)


def _menu_urls(page: Page) -> list[str]:
    return page.eval_on_selector_all(
        "nav.portal-nav a[href]", "(links) => links.map((a) => a.pathname)"
    )


@pytest.mark.parametrize("viewport", BREEDTES, ids=lambda v: str(v["width"]))
@pytest.mark.parametrize("rol", ["beheerder", "bestuur", "auditor"])
def test_every_menu_page_fits_the_screen(page, lange_wereld, viewport, rol):
    """Every page of a portal's menu, and the beheerder's dossier of the
    cooperatie: no sideways scrolling of the page, every table fits or scrolls
    in its wrapper with the shadow."""
    a = lange_wereld.a
    page.set_viewport_size(viewport)
    login(page, getattr(a, rol))
    urls = _menu_urls(page)
    if rol == "beheerder":
        urls.append(
            reverse(
                "beheer-cooperatie-dossier", args=[a.corporatie.pk, a.cooperatie.pk]
            )
        )
    assert len(urls) >= 3, urls
    for url in urls:
        page.goto(url)
        meting = page.evaluate(METEN)
        assert meting["scrollWidth"] <= meting["viewport"], (url, meting)
        for table in meting["tables"]:
            assert table["wrapInView"], (url, table)
            assert table["fits"] or (table["scroller"] and table["hint"]), (url, table)
        for datum in meting["dates"]:
            assert datum["lines"] == 1, (url, datum)
        if viewport == PHONE:
            assert meting["headerHeight"] <= MAX_KOP_TELEFOON, (url, meting)

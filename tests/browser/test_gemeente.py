"""Acceptance (issue 16): a gemeente user signs in and sees the roll-up of the
two corporaties with gebouwen in its gemeente, and nothing of the third
corporatie, whose gebouw lies in another gemeente (404 on its objects, pages
and API). The numbers equal the sum of what each corporatie's beheerder sees
on their own overview, read through the product, not written down here."""

from __future__ import annotations

import io
import json
import re
from decimal import Decimal

from django.urls import reverse

import pypdf
import pytest
from playwright.sync_api import Page, expect

from afspraken import gemeenterapport
from tests.ledger.factories import ActiviteitFactory, BoekingFactory

from .helpers import login, logout, screenshot

G = "GM0363"
JAAR = 2024
VELDEN = ("cooperaties", "woningen", "vrijwilligersuren", "deelnemers_buurt")


@pytest.fixture
def meer_bij_b(gemeente):
    """B's coöperatie did a little more in the year than A's."""
    ActiviteitFactory(
        cooperatie=gemeente.b.cooperatie,
        vrijwilligersuren=Decimal("6.5"),
        deelnemers_buurt=7,
    )
    BoekingFactory(cooperatie=gemeente.b.cooperatie, bedrag=Decimal("40.00"))
    return gemeente


def _getal(tekst: str) -> Decimal:
    """A figure as the Dutch page writes it."""
    return Decimal(tekst.strip().replace(".", "").replace(",", "."))


def _cijfers(page: Page, blok: str) -> dict[str, Decimal]:
    kerncijfers = page.locator(f"#{blok}")
    return {
        veld: _getal(kerncijfers.locator(f'[data-veld="{veld}"]').inner_text())
        for veld in VELDEN
    }


def test_a_gemeente_sees_the_sum_of_its_two_corporaties_and_not_the_third(
    page: Page, meer_bij_b, live_server
):
    gemeente = meer_bij_b
    # What each beheerder sees on their own overview, for the year and gemeente.
    eigen = {}
    for tenant in (gemeente.a, gemeente.b):
        login(page, tenant.beheerder)
        start = reverse("beheer-start", args=[tenant.corporatie.pk])
        page.goto(f"{start}?jaar={JAAR}&gemeente={G}")
        eigen[tenant.corporatie.naam] = _cijfers(page, "jaartotalen")
        logout(page)

    login(page, gemeente.ambtenaar)
    start = reverse("gemeente-start", args=[G])
    expect(page).to_have_url(re.compile(rf"{re.escape(start)}(\?.*)?$"))
    expect(page.locator("nav.portal-nav")).to_contain_text("Gemeente · Amsterdam")
    page.get_by_role("navigation", name="Jaar").get_by_role(
        "link", name=str(JAAR), exact=True
    ).click()
    expect(page).to_have_url(re.compile(rf"\?jaar={JAAR}$"))

    totaal = _cijfers(page, "totaal")
    for veld in VELDEN:
        assert totaal[veld] == sum(c[veld] for c in eigen.values()), veld
    assert totaal["vrijwilligersuren"] == Decimal("13.5")  # 3.5 + 3.5 + 6.5

    per_corporatie = page.locator("#per-corporatie tbody tr")
    expect(per_corporatie).to_have_count(2)
    for naam, cijfers in eigen.items():
        rij = per_corporatie.filter(has_text=naam)
        for veld in VELDEN:
            tekst = rij.locator(f'[data-veld="{veld}"]').inner_text()
            assert _getal(tekst) == cijfers[veld], (naam, veld)

    main = page.locator("main")
    expect(main).not_to_contain_text(gemeente.c.corporatie.naam)
    expect(main).not_to_contain_text(gemeente.a.lid.naam)
    expect(page.locator("#gebouwenkaart")).to_be_visible()
    screenshot(page, "gemeente-start")

    # The third corporatie's objects do not exist for the gemeente: pages and API.
    api = page.request
    for pad in (
        f"/api/v1/gebouwen/{gemeente.c.gebouw.pk}/",
        f"/api/v1/corporaties/{gemeente.c.corporatie.pk}/",
        f"/api/v1/afspraken/{gemeente.a.afspraak.pk}/",
        "/api/v1/gemeente-overzichten/GM0599/",
        reverse("gemeente-start", args=["GM0599"]),
        reverse("beheer-start", args=[gemeente.c.corporatie.pk]),
    ):
        assert api.get(f"{live_server.url}{pad}").status == 404, pad
    # Its own gebouwen and the roll-up it reads through the API as well.
    assert api.get(f"{live_server.url}/api/v1/gebouwen/{gemeente.a.gebouw.pk}/").ok
    overzicht = api.get(
        f"{live_server.url}/api/v1/gemeente-overzichten/{G}/?jaar={JAAR}"
    ).json()
    assert overzicht["totaal"]["cooperaties"] == int(totaal["cooperaties"])
    assert {c["naam"] for c in overzicht["per_corporatie"]} == set(eigen)

    # The sealed gemeente report of the year, and its seal.
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(f"Gemeenterapport {JAAR}")).click()
    pdf = open(download.value.path(), "rb").read()  # noqa: SIM115
    data = json.loads(
        pypdf.PdfReader(io.BytesIO(pdf)).attachments[gemeenterapport.BIJLAGE][0]
    )
    assert data["totaal"]["cooperaties"] == int(totaal["cooperaties"])
    assert gemeenterapport.verify(pdf=pdf) is not None

"""The beheerder's dossier of a coöperatie, and the links that lead there."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from afspraken.choices import Indicator
from ledger.choices import BoekingSoort
from tests.afspraken.factories import ToezeggingFactory
from tests.cooperatie.factories import (
    CooperatieFactory,
    GebouwFactory,
    LidFactory,
    OvereenkomstFactory,
)
from tests.helpers import page_text
from tests.ledger.factories import ActiviteitFactory, BijlageFactory, BoekingFactory
from tests.ui.cyclus_helpers import JAAR, beheer_url, html, indienen, lopend, url


def dossier_url(tenant, cooperatie=None) -> str:
    return url(
        "beheer-cooperatie-dossier",
        tenant.corporatie,
        (cooperatie or tenant.cooperatie).pk,
    )


def main(page: str) -> str:
    """The page's own content, without the site's header and menu."""
    return page.split("<main", 1)[1].split("</main>", 1)[0]


@pytest.fixture
def beheerder(client, world):
    client.force_login(world.a.beheerder)
    return client


# The page -------------------------------------------------------------------------


def test_dossier_shows_agreements_years_reports_and_the_chart(beheerder, world):
    a = world.a

    response = beheerder.get(dossier_url(a))

    assert response.status_code == 200
    page = page_text(response)
    assert f"Dossier van {a.cooperatie.naam}" in page
    # Overeenkomst (gebouw, soort, period) and afspraak with its edit page.
    assert a.gebouw.naam in page
    assert a.overeenkomst.get_soort_display() in page
    assert url("beheer-overeenkomst-bewerken", a.corporatie, a.overeenkomst.pk) in page
    assert a.afspraak.titel in page
    assert url("beheer-afspraak-bewerken", a.corporatie, a.afspraak.pk) in page
    assert "2023–2027" in page
    # Every year from the ingangsjaar to the running year, with a status; a
    # year without a toetsing is "nog niet geopend".
    jaren = [r["jaar"] for r in response.context["jaarrijen"]]
    assert jaren == list(range(min(lopend(), 2027), 2022, -1))
    statussen = {r["jaar"]: r["status"] for r in response.context["jaarrijen"]}
    assert statussen[2023] == "vastgesteld"
    assert statussen[JAAR] == "open"
    if lopend() > JAAR:
        assert statussen[JAAR + 1] == "niet_geopend"
        assert "nog niet geopend" in page
    # The toetsing pages and the sealed report.
    assert beheer_url(a) in page
    assert url("beheer-toetsing", a.corporatie, a.rapport.toetsing.pk) in page
    assert url("beheer-rapport-pdf", a.corporatie, a.rapport.pk) in page
    # A trend chart of the measured toezegging, inline SVG without scripts.
    assert "<svg" in main(page)
    assert "<script" not in main(page)
    assert a.toezegging.omschrijving in page
    assert 'style="' not in html(response)  # the CSP forbids inline styles


def test_dossier_shows_the_years_activities_evidence_bookings_and_totals(
    beheerder, world
):
    a = world.a
    pdf = BijlageFactory(
        activiteit=a.activiteit,
        bestand=_file(b"%PDF-1.4 bon", "bon.pdf"),
        content_type="application/pdf",
        grootte=12,
        omschrijving="Bon van de koffie",
    )
    storno = BoekingFactory(
        cooperatie=a.cooperatie,
        datum=datetime.date(JAAR, 4, 1),
        omschrijving="Terugdraaien koffie",
        corrigeert=a.boeking,
    )
    BoekingFactory(
        cooperatie=a.cooperatie,
        datum=datetime.date(JAAR, 1, 10),
        soort=BoekingSoort.BUDGET,
        bedrag=Decimal("500.00"),
        omschrijving="Budget van de corporatie",
    )

    response = beheerder.get(dossier_url(a), {"jaar": JAAR})

    assert response.status_code == 200
    assert response.context["jaar"] == JAAR
    page = page_text(response)
    # The activity with its evidence: a thumbnail of the photo, a link for the PDF.
    assert a.activiteit.titel in page
    assert a.activiteit.get_thema_display() in page
    assert url("beheer-bijlage-miniatuur", a.corporatie, a.bijlage.pk) in page
    assert url("beheer-bijlage", a.corporatie, a.bijlage.pk) in page
    assert url("beheer-bijlage", a.corporatie, pdf.pk) in page
    assert url("beheer-bijlage-miniatuur", a.corporatie, pdf.pk) not in page
    assert "Bon van de koffie" in page
    # Bookings with storno marks and the receipts of their activity.
    assert a.boeking.omschrijving in page
    assert "Terugdraaien koffie" in page
    assert "storno van de boeking van" in page
    assert "gecorrigeerd door storno van" in page
    boekingen = response.context["boekingen"]
    assert {b.pk for b in boekingen} >= {a.boeking.pk, storno.pk}
    [koffie] = [b for b in boekingen if b.pk == a.boeking.pk]
    # The booking's own receipt first, then its activity's evidence.
    assert [x["bijlage"] for x in koffie.bewijs] == [a.bon, a.bijlage, pdf]
    # Budget 500, spent 25 minus its storno 25: nothing spent.
    totalen = response.context["boeking_totalen"]
    assert totalen["budget"] == Decimal("500.00")
    assert totalen["besteed"] == Decimal("0.00")
    assert totalen["saldo"] == Decimal("500.00")
    # Members as aggregates: two members, one of the doelgroep.
    leden = response.context["leden"]
    assert (leden["aantal"], leden["doelgroep"]) == (2, 1)
    assert "50,0%" in page


def test_dossier_shows_only_aggregates_and_the_boards_names(beheerder, world):
    a = world.a
    LidFactory(cooperatie=a.cooperatie, naam="Geheime Gerda")

    response = beheerder.get(dossier_url(a), {"jaar": JAAR})

    page = page_text(response)
    assert a.bestuurslid.naam in page  # a board member's name and function
    assert "voorzitter" in page
    # Never another member's name (not even a volunteer of an activity), nor
    # anyone's e-mail or telephone.
    assert a.lid.naam not in page
    assert "Geheime Gerda" not in page
    for lid in (a.lid, a.bestuurslid):
        assert lid.email not in page
        assert lid.telefoon not in page
    assert "@" not in main(page)


def test_dossier_of_another_corporaties_cooperatie_is_not_found(beheerder, world):
    a, b = world.a, world.b
    assert beheerder.get(dossier_url(a, b.cooperatie)).status_code == 404
    # A coöperatie without any tie to the corporatie is out of reach too.
    los = CooperatieFactory(naam="Losse coöperatie")
    assert beheerder.get(dossier_url(a, los)).status_code == 404


def test_bestuur_and_auditor_may_not_open_the_dossier(client, world):
    a = world.a
    for user in (a.bestuur, a.auditor):
        client.force_login(user)
        assert client.get(dossier_url(a)).status_code == 403
    client.force_login(world.b.beheerder)
    assert client.get(dossier_url(a)).status_code == 404


def test_dossier_of_a_cooperatie_with_only_an_overeenkomst(beheerder, world):
    a = world.a
    huurder = CooperatieFactory(naam="Alleen huurder")
    OvereenkomstFactory(
        gebouw=GebouwFactory(corporatie=a.corporatie), cooperatie=huurder
    )

    response = beheerder.get(dossier_url(a, huurder), {"jaar": "2024"})

    assert response.status_code == 200
    assert response.context["jaar"] == lopend()
    assert response.context["jaarrijen"] == []
    page = page_text(response)
    assert "Nog geen afspraken met deze coöperatie." in page
    assert f"Geen activiteiten in {lopend()}." in page


# The chosen year ----------------------------------------------------------------


def test_default_year_is_the_latest_submitted_else_the_running_year(beheerder, world):
    a = world.a
    # Nothing submitted: the running year (the afspraak runs until 2027).
    response = beheerder.get(dossier_url(a))
    assert response.context["jaar"] == min(lopend(), 2027)

    indienen(a)
    response = beheerder.get(dossier_url(a))
    assert response.context["jaar"] == JAAR
    assert "Zoals vastgelegd bij het indienen." in page_text(response)


@pytest.mark.parametrize("jaar", ["abc", "1999", "2099", "99999999999999999999", "-1"])
def test_a_year_outside_the_afspraken_falls_back_with_a_message(beheerder, world, jaar):
    response = beheerder.get(dossier_url(world.a), {"jaar": jaar})

    assert response.status_code == 200
    assert response.context["ongeldig_jaar"]
    assert response.context["jaar"] == min(lopend(), 2027)
    assert "Het gevraagde jaar moet een jaar van een afspraak" in page_text(response)


def test_the_activity_list_is_paginated_and_keeps_the_year(beheerder, world):
    a = world.a
    ActiviteitFactory.create_batch(30, cooperatie=a.cooperatie)

    response = beheerder.get(dossier_url(a), {"jaar": JAAR, "pagina": 2})

    page = response.context["page"]
    assert page.number == 2
    assert page.paginator.count == 31
    assert len(page.object_list) == 6
    assert "jaar=2024&amp;pagina=1" in html(response)


def _page_queries(client, tenant) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(dossier_url(tenant), {"jaar": JAAR})
    assert response.status_code == 200
    return len(queries)


def _activities_with_evidence(cooperatie, n: int) -> None:
    for activiteit in ActiviteitFactory.create_batch(n, cooperatie=cooperatie):
        BijlageFactory(activiteit=activiteit)
        BoekingFactory(cooperatie=cooperatie, activiteit=activiteit)


def test_queries_do_not_grow_with_activities_evidence_or_bookings(beheerder, world):
    a = world.a
    _activities_with_evidence(a.cooperatie, 2)  # three activities
    drie = _page_queries(beheerder, a)
    _activities_with_evidence(a.cooperatie, 27)  # thirty
    dertig = _page_queries(beheerder, a)
    assert drie == dertig


# Links to the dossier, and the order of the toetsing page ------------------------


def test_every_overview_row_links_the_dossier(beheerder, world):
    a = world.a
    dossier = dossier_url(a)
    dashboard = html(beheerder.get(url("beheer-start", a.corporatie)))
    assert f"{dossier}?jaar={JAAR}" in dashboard
    assert dossier_url(a, world.b.cooperatie) not in dashboard
    assert dossier in html(beheerder.get(url("beheer-cooperaties", a.corporatie)))
    bewerken = url("beheer-cooperatie-bewerken", a.corporatie, a.cooperatie.pk)
    assert dossier in html(beheerder.get(bewerken))
    assert f"{dossier}?jaar={JAAR}" in html(beheerder.get(beheer_url(a)))


def test_the_bestuur_toetsing_page_has_no_dossier_link(client, world):
    a = world.a
    client.force_login(a.bestuur)
    page = html(client.get(url("bestuur-toetsing", a.cooperatie, a.toetsing.pk)))
    assert "/dossier/" not in page


def test_vaststellen_and_terugsturen_come_after_the_assessment(beheerder, world):
    a = world.a
    clause = ToezeggingFactory(
        afspraak=a.afspraak,
        omschrijving="Jaargesprek met de wijkbeheerder",
        indicator=Indicator.KWALITATIEF,
        norm=Decimal("0"),
    )
    indienen(a)

    page = html(beheerder.get(beheer_url(a)))

    beoordelen = page.index(
        beheer_url(a, "beheer-toetsing-beoordelen", a.toetsing.pk, clause.pk)
    )
    vaststellen = page.index(
        beheer_url(a, "beheer-toetsing-vaststellen", a.toetsing.pk)
    )
    terugsturen = page.index(
        beheer_url(a, "beheer-toetsing-terugsturen", a.toetsing.pk)
    )
    assert page.index("Kwalitatieve toezeggingen beoordelen") < beoordelen
    assert beoordelen < vaststellen < terugsturen
    assert page.index("Toezeggingen</h2>") < vaststellen


# The report downloads on the dashboard -------------------------------------------


def test_dashboard_offers_the_portfolio_report_and_the_bundle(beheerder, world):
    a = world.a
    start = url("beheer-start", a.corporatie)

    page = html(beheerder.get(start, {"jaar": 2023}))
    assert url("beheer-portefeuille", a.corporatie, 2023) in page
    assert url("beheer-bundel", a.corporatie, 2023) in page

    page = html(beheerder.get(start, {"jaar": JAAR}))
    assert url("beheer-portefeuille", a.corporatie, JAAR) in page
    assert url("beheer-bundel", a.corporatie, JAAR) not in page  # nothing sealed

    # Without a year: the running year's report and the latest sealed year's.
    page = html(beheerder.get(start))
    assert url("beheer-bundel", a.corporatie, 2023) in page
    assert url("beheer-portefeuille", a.corporatie, 2023) in page
    if lopend() <= 2027:
        assert url("beheer-portefeuille", a.corporatie, lopend()) in page
    assert url("beheer-bundel", world.b.corporatie, 2023) not in page


def _file(content: bytes, name: str):
    from django.core.files.base import ContentFile

    return ContentFile(content, name=name)

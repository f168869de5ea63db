"""The beheerder's overview costs what its page shows, not what the corporatie
holds: its rows, order, filters and counters come from cheap queries, and only
the afspraken on the page are measured (`corporatie_jaar`, spied on here only to
count what it measures; its results are passed on untouched). The early warning
measures the running year once, however many afspraken."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import pytest

from afspraken.choices import ToetsingStatus
from cooperatie.choices import RolSoort
from portalen.beheer.views import dashboard
from tests.afspraken.factories import (
    AfspraakFactory,
    ToetsingFactory,
    ToezeggingFactory,
)
from tests.cooperatie.factories import (
    CooperatieFactory,
    CorporatieFactory,
    GebouwFactory,
    OvereenkomstFactory,
    RolFactory,
    UserFactory,
)
from tests.ledger.factories import ActiviteitFactory

PER_PAGINA = 25


@pytest.fixture
def gemeten(monkeypatch):
    """The (year, afspraken measured) of every `corporatie_jaar` call of the
    overview's module."""
    calls: list[tuple[int, int]] = []
    echt = dashboard.corporatie_jaar

    def spy(**kwargs):
        regels = echt(**kwargs)
        calls.append((kwargs["jaar"], len(regels)))
        return regels

    monkeypatch.setattr(dashboard, "corporatie_jaar", spy)
    return calls


@pytest.fixture
def corporatie(db):
    return CorporatieFactory()


@pytest.fixture
def beheerder(client, corporatie):
    user = UserFactory()
    RolFactory(user=user, soort=RolSoort.BEHEERDER, corporatie=corporatie)
    client.force_login(user)
    return client


def _lopend() -> int:
    return timezone.localdate().year


def _afspraak(corporatie, i: int, ingangsjaar: int, eindjaar: int | None):
    """One afspraak with a clause, activities in each of its years, and the
    statuses the overview counts: the oldest year submitted, the next returned,
    the running year not opened."""
    gebouw = GebouwFactory(
        corporatie=corporatie, gemeentecode=("GM0344", "GM0599")[i % 2]
    )
    cooperatie = CooperatieFactory(naam=f"Coöperatie {i:03d}")
    OvereenkomstFactory(gebouw=gebouw, cooperatie=cooperatie)
    afspraak = AfspraakFactory(
        corporatie=corporatie,
        cooperatie=cooperatie,
        gebouwen=[gebouw],
        ingangsjaar=ingangsjaar,
        eindjaar=eindjaar,
    )
    ToezeggingFactory(afspraak=afspraak)
    lopend = _lopend()
    statussen = [ToetsingStatus.INGEDIEND, ToetsingStatus.TERUGGESTUURD]
    for jaar in range(ingangsjaar, min(eindjaar or lopend, lopend) + 1):
        ActiviteitFactory(cooperatie=cooperatie, datum=datetime.date(jaar, 1, 1))
        if jaar < lopend and statussen:
            ToetsingFactory(afspraak=afspraak, jaar=jaar, status=statussen.pop(0))
    return afspraak


def _queries(client, corporatie, query: str = "") -> int:
    url = reverse("beheer-start", kwargs={"corporatie_id": corporatie.pk})
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"{url}{query}")
    assert response.status_code == 200
    return len(ctx)


def test_queries_the_same_for_3_and_30_afspraken_over_three_years(
    beheerder, corporatie
):
    # Each afspraak runs one of the last three years: 3 afspraken give one row a
    # year, 30 give ten a year; either way the first page holds all three years
    # (25 of 30 rows), so the same three years are measured.
    lopend = _lopend()

    def maak(van: int, tot: int) -> None:
        for i in range(van, tot):
            jaar = lopend - i % 3
            _afspraak(corporatie, i, jaar, jaar)

    maak(0, 3)
    drie = _queries(beheerder, corporatie)
    maak(3, 30)
    dertig = _queries(beheerder, corporatie)
    assert drie == dertig


def test_queries_the_same_for_3_and_30_afspraken_in_a_chosen_year(
    beheerder, corporatie
):
    lopend = _lopend()
    jaar = f"?jaar={lopend - 1}"
    for i in range(3):
        _afspraak(corporatie, i, lopend - 2, None)
    drie = _queries(beheerder, corporatie, jaar)
    drie_alle = _queries(beheerder, corporatie)
    for i in range(3, 30):
        _afspraak(corporatie, i, lopend - 2, None)
    assert _queries(beheerder, corporatie, jaar) == drie
    # Unfiltered, the first page of 30 afspraken holds only the running year
    # (three years for 3 afspraken): never more than for 3.
    assert _queries(beheerder, corporatie) <= drie_alle


@pytest.mark.parametrize(
    "query",
    ["", "?pagina=2", "?pagina=4", "?status=te_laat", "?status=niet_geopend"],
)
def test_measures_only_the_afspraken_on_the_page(beheerder, corporatie, gemeten, query):
    lopend = _lopend()
    for i in range(30):
        _afspraak(corporatie, i, lopend - 2, None)  # 90 afspraak-years
    url = reverse("beheer-start", kwargs={"corporatie_id": corporatie.pk})
    response = beheerder.get(f"{url}{query}")
    assert response.status_code == 200
    page = response.context["page"]

    assert 0 < sum(n for _jaar, n in gemeten) == len(page.object_list) <= PER_PAGINA
    # One measurement per year on the page, no more.
    assert sorted(j for j, _n in gemeten) == sorted({r["jaar"] for r in page})


def test_the_page_shows_what_measuring_everything_shows(beheerder, corporatie):
    lopend = _lopend()
    for i in range(30):
        _afspraak(corporatie, i, lopend - 2, None)
    url = reverse("beheer-start", kwargs={"corporatie_id": corporatie.pk})
    response = beheerder.get(f"{url}?pagina=2")
    request = response.wsgi_request
    overzicht = dashboard._overzicht(request)
    alles = dashboard._meet(request, overzicht["rijen"], lopend, alle=True)

    def kern(rij):
        return (
            rij["jaar"],
            rij["afspraak"].pk,
            rij["cooperatie"].naam,
            [g.pk for g in rij["gebouwen"]],
            rij["status"],
            rij["te_laat"],
            rij["verdict"],
            rij["koers"],
            rij["url"],
        )

    assert [kern(r) for r in response.context["page"]] == [
        kern(r) for r in alles[PER_PAGINA : 2 * PER_PAGINA]
    ]
    # The counters count every row, not the page.
    assert len(alles) == 90
    tellers = {t["status"]: t["tekst"] for t in response.context["tellers"]}
    assert tellers["niet_geopend"].startswith("30 ")


def test_export_still_measures_every_row(beheerder, corporatie, gemeten):
    lopend = _lopend()
    for i in range(30):
        _afspraak(corporatie, i, lopend - 2, None)
    url = reverse("beheer-start-export", kwargs={"corporatie_id": corporatie.pk})
    response = beheerder.get(f"{url}?formaat=csv")
    assert response.status_code == 200
    assert sum(n for _jaar, n in gemeten) == 90
    body = (
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    assert body.decode("utf-8-sig").count("Coöperatie 0") == 90


# Signalering ----------------------------------------------------------------------


def _signalering_queries(client, corporatie) -> int:
    url = reverse("beheer-signalering", kwargs={"corporatie_id": corporatie.pk})
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


def test_signalering_measures_the_running_year_once(beheerder, corporatie, gemeten):
    lopend = _lopend()
    for i in range(3):
        _afspraak(corporatie, i, lopend - 2, None)
    drie = _signalering_queries(beheerder, corporatie)
    for i in range(3, 30):
        _afspraak(corporatie, i, lopend - 2, None)
    gemeten.clear()
    assert _signalering_queries(beheerder, corporatie) == drie
    assert gemeten == [(lopend, 30)]


def test_signalering_writes_out_only_the_rows_on_the_page(
    beheerder, corporatie, monkeypatch
):
    lopend = _lopend()
    for i in range(30):
        _afspraak(corporatie, i, lopend - 2, None)  # 30 minimums this year
    geschreven = []
    echt = dashboard.koers

    def spy(signaal):
        geschreven.append(signaal)
        return echt(signaal)

    monkeypatch.setattr(dashboard, "koers", spy)
    url = reverse("beheer-signalering", kwargs={"corporatie_id": corporatie.pk})
    response = beheerder.get(url)
    assert response.status_code == 200
    assert response.context["aantal"] == 30
    assert len(geschreven) == len(response.context["page"].object_list) == PER_PAGINA

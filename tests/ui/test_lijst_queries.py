"""Every list page of the portals costs the same number of queries for 3 rows as
for 30: what a row shows is read for the whole page at once, never per row.

Each test makes 3 rows of tenant A, counts the queries of the page, makes 27
more and counts again (30 rows: a full first page of 25 and a second page).
"""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from afspraken.choices import ToetsingStatus
from tests.afspraken.factories import (
    AfspraakFactory,
    RapportFactory,
    ToetsingFactory,
    ToezeggingFactory,
)
from tests.cooperatie.factories import (
    CooperatieFactory,
    GebouwFactory,
    LidFactory,
    OvereenkomstFactory,
)
from tests.ledger.factories import (
    ActiviteitFactory,
    AuditEntryFactory,
    BijlageFactory,
    BoekingFactory,
    BonFactory,
)


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(ctx)


def same_for_3_and_30(client, url: str, make, *, warm: bool = False) -> None:
    """`warm`: request the page once before counting (a page that also does
    incremental work, such as verifying what is new in the journal)."""
    make(3)
    if warm:
        queries(client, url)
    drie = queries(client, url)
    make(27)
    if warm:
        queries(client, url)
    dertig = queries(client, url)
    assert drie == dertig


def beheer(name: str, tenant) -> str:
    return reverse(name, kwargs={"corporatie_id": tenant.corporatie.pk})


def bestuur(name: str, tenant) -> str:
    return reverse(name, kwargs={"cooperatie_id": tenant.cooperatie.pk})


# The beheerder's lists ---------------------------------------------------------


def test_cooperaties_list(client, world):
    a = world.a
    client.force_login(a.beheerder)

    def make(n):
        for _ in range(n):
            cooperatie = CooperatieFactory(aangemeld_door=a.corporatie)
            LidFactory(cooperatie=cooperatie, bestuursfunctie="voorzitter")
            LidFactory(cooperatie=cooperatie, bestuursfunctie="secretaris")
            LidFactory(cooperatie=cooperatie)

    same_for_3_and_30(client, beheer("beheer-cooperaties", a), make)


def test_cooperaties_list_shows_the_board_of_the_page_only_to_whom_may_see_it(
    client, world
):
    a = world.a
    cooperatie = CooperatieFactory(aangemeld_door=a.corporatie, naam="Aaa Eerste")
    LidFactory(
        cooperatie=cooperatie, naam="Bea Voorzitter", bestuursfunctie="voorzitter"
    )
    LidFactory(cooperatie=cooperatie, naam="Gewoon Lid")
    client.force_login(a.beheerder)
    page = client.get(beheer("beheer-cooperaties", a)).content.decode()
    assert "Bea Voorzitter" in page
    assert "Gewoon Lid" not in page
    # The platform operator sees every board.
    client.force_login(world.superuser)
    page = client.get(beheer("beheer-cooperaties", a)).content.decode()
    assert "Bea Voorzitter" in page


def test_gebouwen_list(client, world):
    a = world.a
    client.force_login(a.beheerder)

    def make(n):
        for _ in range(n):
            OvereenkomstFactory(gebouw=GebouwFactory(corporatie=a.corporatie))

    same_for_3_and_30(client, beheer("beheer-gebouwen", a), make)


def test_overeenkomsten_list(client, world):
    a = world.a
    client.force_login(a.beheerder)

    def make(n):
        for _ in range(n):
            OvereenkomstFactory(gebouw=GebouwFactory(corporatie=a.corporatie))

    same_for_3_and_30(client, beheer("beheer-overeenkomsten", a), make)


def test_afspraken_list(client, world):
    a = world.a
    client.force_login(a.beheerder)

    def make(n):
        for _ in range(n):
            gebouw = GebouwFactory(corporatie=a.corporatie)
            cooperatie = CooperatieFactory()
            OvereenkomstFactory(gebouw=gebouw, cooperatie=cooperatie)
            afspraak = AfspraakFactory(
                corporatie=a.corporatie, cooperatie=cooperatie, gebouwen=[gebouw]
            )
            ToezeggingFactory(afspraak=afspraak)
            ToetsingFactory(afspraak=afspraak, jaar=2024)

    same_for_3_and_30(client, beheer("beheer-afspraken", a), make)


# The bestuur's lists -----------------------------------------------------------


def test_leden_list(client, world):
    a = world.a
    client.force_login(a.bestuur)

    def make(n):
        LidFactory.create_batch(n, cooperatie=a.cooperatie)

    same_for_3_and_30(client, bestuur("bestuur-leden", a), make)


def test_activiteiten_list(client, world):
    a = world.a
    client.force_login(a.bestuur)

    def make(n):
        for _ in range(n):
            activiteit = ActiviteitFactory(
                cooperatie=a.cooperatie, vrijwilligers=[a.lid, a.bestuurslid]
            )
            BijlageFactory(activiteit=activiteit)

    same_for_3_and_30(client, bestuur("bestuur-activiteiten", a), make)


def test_boekingen_list(client, world):
    a = world.a
    client.force_login(a.bestuur)

    def make(n):
        originelen = BoekingFactory.create_batch(n - n // 2, cooperatie=a.cooperatie)
        for boeking in originelen:
            BonFactory(boeking=boeking)
        for boeking in originelen[: n // 2]:
            BoekingFactory(cooperatie=a.cooperatie, corrigeert=boeking)

    same_for_3_and_30(client, bestuur("bestuur-boekingen", a), make)


# The auditor's lists -----------------------------------------------------------


def test_journaal_list(client, world):
    a = world.a
    client.force_login(a.auditor)

    def make(n):
        for _ in range(n):
            AuditEntryFactory(corporatie_id=a.corporatie.pk, actor=a.beheerder)

    url = reverse("audit-journaal", kwargs={"corporatie_id": a.corporatie.pk})
    # Warm: the first page also verifies the chains from where they were last
    # verified (kern.journal), work that follows what is new, not this list.
    same_for_3_and_30(client, url, make, warm=True)


def test_auditor_start_lists_the_sealed_reports(client, world):
    a = world.a
    client.force_login(a.auditor)
    jaren = iter(range(1990, 2030))

    def make(n):
        for _ in range(n):
            toetsing = ToetsingFactory(
                afspraak=a.afspraak,
                jaar=next(jaren),
                status=ToetsingStatus.VASTGESTELD,
                vastgesteld_op=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC),
            )
            RapportFactory(toetsing=toetsing)

    same_for_3_and_30(
        client, reverse("audit-start", kwargs={"corporatie_id": a.corporatie.pk}), make
    )

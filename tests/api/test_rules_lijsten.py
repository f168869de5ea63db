"""The API's lists: paging and the filters of every resource."""

from __future__ import annotations

import datetime

import pytest

from cooperatie.models import Gebouw
from tests.afspraken.factories import (
    AfspraakFactory,
    JaarparameterFactory,
    RapportFactory,
    ToetsingFactory,
    ToezeggingFactory,
)
from tests.api.problems import invalid_params
from tests.api.rules_helpers import client_for
from tests.cooperatie.factories import (
    CooperatieFactory,
    GebouwFactory,
    LidFactory,
    OvereenkomstFactory,
)
from tests.ledger.factories import (
    ActiviteitFactory,
    AuditEntryFactory,
    BoekingFactory,
)

# Paging ---------------------------------------------------------------------------


@pytest.fixture
def many_gebouwen(world):
    """520 gebouwen of A, besides the world's own one."""
    Gebouw.objects.bulk_create(
        GebouwFactory.build_batch(520, corporatie=world.a.corporatie)
    )
    return 521


def page(world, query: str) -> dict:
    response = client_for(world.a.beheerder).get(f"/api/v1/gebouwen/{query}")
    assert response.status_code == 200, response.content
    return response.json()


def test_lists_page_by_50_by_default(world, many_gebouwen):
    body = page(world, "")
    assert body["count"] == many_gebouwen
    assert len(body["results"]) == 50
    assert body["next"] is not None
    assert body["previous"] is None


def test_a_page_size_of_500_is_allowed(world, many_gebouwen):
    body = page(world, "?page_size=500")
    assert body["count"] == many_gebouwen
    assert len(body["results"]) == 500
    assert body["next"] is not None


def test_a_page_size_above_500_is_capped_to_500(world, many_gebouwen):
    body = page(world, "?page_size=1000")
    assert body["count"] == many_gebouwen
    assert len(body["results"]) == 500
    assert body["next"] is not None


def test_the_last_page_holds_the_rest(world, many_gebouwen):
    body = page(world, "?page=11")
    assert len(body["results"]) == many_gebouwen - 10 * 50
    assert body["next"] is None


def test_a_page_and_its_count_are_one_query(world, many_gebouwen):
    """A lean list reads a page with the list's count in one query, and the
    count is the whole filtered list's, on every page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(world.a.beheerder)
    client.get("/api/v1/gebouwen/")  # the token and scope lookups of the first call
    with CaptureQueriesContext(connection) as captured:
        body = client.get("/api/v1/gebouwen/?page=3").json()
    counts = [q for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(counts) == 1
    assert "LIMIT" in counts[0]["sql"].upper()
    assert body["count"] == many_gebouwen
    mine = Gebouw.objects.filter(corporatie=world.a.corporatie).order_by("pk")
    Gebouw.objects.filter(pk__in=list(mine.values_list("pk", flat=True)[:60])).update(
        gemeentecode="GM0307"
    )
    filtered = page(world, "?gemeentecode=GM0307&page=2")
    assert filtered["count"] == 60
    assert len(filtered["results"]) == 10


def test_an_empty_list_has_count_zero(world):
    response = client_for(world.a.beheerder).get(
        "/api/v1/gebouwen/?gemeentecode=GM9999"
    )
    assert response.status_code == 200, response.content
    assert response.json() == {
        "count": 0,
        "next": None,
        "previous": None,
        "results": [],
    }


@pytest.mark.parametrize("number", ["12", "13", str(2**70)])
def test_a_page_past_the_end_is_not_found(world, many_gebouwen, number):
    response = client_for(world.a.beheerder).get(f"/api/v1/gebouwen/?page={number}")
    assert response.status_code == 404, response.content


# Filters, search and ordering -----------------------------------------------------


def ids_of(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_gebouwen_filter_on_gemeentecode(world):
    corporatie = world.a.corporatie
    amersfoort = GebouwFactory(corporatie=corporatie, gemeentecode="GM0307")
    GebouwFactory(corporatie=corporatie, gemeentecode="GM0344")
    response = client_for(world.a.beheerder).get(
        "/api/v1/gebouwen/?gemeentecode=GM0307"
    )
    assert ids_of(response) == {amersfoort.pk}


def test_gebouwen_text_search_and_ordering(world):
    corporatie = world.a.corporatie
    GebouwFactory(corporatie=corporatie, naam="Zonnehof")
    hof = GebouwFactory(corporatie=corporatie, naam="Akkerhof")
    client = client_for(world.a.beheerder)

    found = client.get("/api/v1/gebouwen/?q=akkerHOF")
    by_name = client.get("/api/v1/gebouwen/?ordering=naam").json()["results"]
    by_name_desc = client.get("/api/v1/gebouwen/?ordering=-naam").json()["results"]

    assert ids_of(found) == {hof.pk}
    names = [row["naam"] for row in by_name]
    assert names == sorted(names)
    assert names[0] == "Akkerhof"
    assert [row["naam"] for row in by_name_desc] == names[::-1]


def test_a_filter_never_widens_the_scope(world):
    response = client_for(world.a.beheerder).get(
        f"/api/v1/gebouwen/?corporatie={world.b.corporatie.pk}"
    )
    assert ids_of(response) == set()


def test_activiteiten_filter_on_jaar_thema_and_search(world):
    cooperatie = world.a.cooperatie
    groen_2023 = ActiviteitFactory(
        cooperatie=cooperatie, datum=datetime.date(2023, 6, 1), thema="groen"
    )
    taal_2023 = ActiviteitFactory(
        cooperatie=cooperatie,
        datum=datetime.date(2023, 9, 1),
        thema="taal_educatie",
        titel="Voorleesochtend",
    )
    client = client_for(world.a.beheerder)

    assert ids_of(client.get("/api/v1/activiteiten/?jaar=2023")) == {
        groen_2023.pk,
        taal_2023.pk,
    }
    assert ids_of(client.get("/api/v1/activiteiten/?thema=groen")) == {groen_2023.pk}
    assert ids_of(client.get("/api/v1/activiteiten/?jaar=2024")) == {
        world.a.activiteit.pk
    }
    assert ids_of(client.get("/api/v1/activiteiten/?q=voorlees")) == {taal_2023.pk}
    ordered = client.get("/api/v1/activiteiten/?ordering=datum").json()["results"]
    assert [row["id"] for row in ordered] == [
        groen_2023.pk,
        taal_2023.pk,
        world.a.activiteit.pk,
    ]


def test_toetsingen_filter_on_jaar_status_and_verdict(world):
    afspraak = world.a.afspraak
    ingediend = ToetsingFactory(
        afspraak=afspraak, jaar=2025, status="ingediend", verdict="deels"
    )
    teruggestuurd = ToetsingFactory(
        afspraak=afspraak, jaar=2026, status="teruggestuurd", verdict="nagekomen"
    )
    client = client_for(world.a.auditor)

    assert ids_of(client.get("/api/v1/toetsingen/?jaar=2025")) == {ingediend.pk}
    assert ids_of(client.get("/api/v1/toetsingen/?status=teruggestuurd")) == {
        teruggestuurd.pk
    }
    assert ids_of(client.get("/api/v1/toetsingen/?verdict=deels")) == {ingediend.pk}
    assert ids_of(client.get("/api/v1/toetsingen/?status=open")) == {
        world.a.toetsing.pk
    }
    bad = client.get("/api/v1/toetsingen/?verdict=prima")
    assert bad.status_code == 400
    assert "verdict" in invalid_params(bad)


# One filter of each remaining resource: (resource, who asks, the query, and
# what it must find exactly). Each makes a row that matches next to the world's
# rows that do not.


def _corporaties(w):
    return (
        "corporaties",
        w.superuser,
        f"kvk_nummer={w.b.corporatie.kvk_nummer}",
        {w.b.corporatie.pk},
    )


def _cooperaties(w):
    beheer = CooperatieFactory(soort="beheer", aangemeld_door=w.a.corporatie)
    return "cooperaties", w.a.beheerder, "soort=beheer", {beheer.pk}


def _overeenkomsten(w):
    ended = OvereenkomstFactory(
        gebouw=GebouwFactory(corporatie=w.a.corporatie),
        cooperatie=w.a.cooperatie,
        ingangsdatum=datetime.date(2015, 1, 1),
        einddatum=datetime.date(2019, 12, 31),
    )
    return "overeenkomsten", w.a.beheerder, "lopend_op=2019-06-01", {ended.pk}


def _leden(w):
    former = LidFactory(
        cooperatie=w.a.cooperatie,
        lid_sinds=datetime.date(2018, 1, 1),
        lid_tot=datetime.date(2019, 12, 31),
    )
    return "leden", w.a.bestuur, "actief_op=2019-06-01", {former.pk}


def _afspraken(w):
    later = AfspraakFactory(
        corporatie=w.a.corporatie,
        cooperatie=w.a.cooperatie,
        ingangsjaar=2029,
        eindjaar=2031,
    )
    return "afspraken", w.a.beheerder, "jaar=2030", {later.pk}


def _toezeggingen(w):
    besteding = ToezeggingFactory(afspraak=w.a.afspraak, indicator="besteding")
    return "toezeggingen", w.a.auditor, "indicator=besteding", {besteding.pk}


def _boekingen(w):
    budget = BoekingFactory(cooperatie=w.a.cooperatie, soort="budget")
    return "boekingen", w.a.bestuur, "soort=budget", {budget.pk}


def _rapporten(w):
    RapportFactory(
        toetsing=ToetsingFactory(afspraak=w.a.afspraak, jaar=2022, status="vastgesteld")
    )
    return "rapporten", w.a.auditor, "jaar=2023", {w.a.rapport.pk}


def _jaarparameters(w):
    later = JaarparameterFactory(jaar=2031)
    return "jaarparameters", w.a.bestuur, "jaar=2031", {later.pk}


def _journaal(w):
    entry = AuditEntryFactory(action="filter_proef", corporatie_id=w.a.corporatie.pk)
    return "journaal", w.a.beheerder, "action=filter_proef", {entry.pk}


@pytest.mark.parametrize(
    "case",
    [
        _corporaties,
        _cooperaties,
        _overeenkomsten,
        _leden,
        _afspraken,
        _toezeggingen,
        _boekingen,
        _rapporten,
        _jaarparameters,
        _journaal,
    ],
    ids=lambda case: case.__name__.strip("_"),
)
def test_a_filter_of_each_resource_finds_exactly_its_rows(world, case):
    resource, user, query, expected = case(world)
    client = client_for(user)

    unfiltered = client.get(f"/api/v1/{resource}/").json()["results"]
    response = client.get(f"/api/v1/{resource}/?{query}")

    assert response.status_code == 200, response.content
    found = {row["id"] for row in response.json()["results"]}
    assert found == expected
    # The filter left rows out that the user does see.
    assert len(unfiltered) > len(found)


def test_boekingen_filter_on_storno_and_leden_on_bestuur(world):
    a = world.a
    storno = BoekingFactory(cooperatie=a.cooperatie, corrigeert=a.boeking)
    assert ids_of(client_for(a.bestuur).get("/api/v1/boekingen/?storno=true")) == {
        storno.pk
    }
    assert ids_of(client_for(a.bestuur).get("/api/v1/leden/?bestuur=true")) == {
        a.bestuurslid.pk
    }

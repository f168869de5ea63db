"""A `next` link continues after the page's last row (`vervolg`, kern/api/seek.py).

Walking a list through its `next` links gives the rows, the order and the
counts that its pages by number give; a position that is not the server's
answers 400 naming the parameter; a position made for another list, another
user or another page is not used (the page by its number answers).
"""

from __future__ import annotations

import datetime
import random
from urllib.parse import parse_qs, urlsplit

import pytest
from rest_framework.test import APIClient

from ledger.models import Activiteit
from tests.api.problems import invalid_params
from tests.cooperatie.factories import LidFactory
from tests.helpers import fresh
from tests.ledger.factories import ActiviteitFactory

PAGE = 4


@pytest.fixture
def rows(world):
    return make_rows(world)


def make_rows(world):
    """Activities with equal dates and equal titles, so the ordering's later
    fields and the id decide."""
    rng = random.Random(7)
    return [
        ActiviteitFactory(
            cooperatie=world.a.cooperatie,
            datum=datetime.date(2024, 1, 1 + rng.randint(0, 3)),
            titel=rng.choice(["Buurtmaaltijd", "Taalcafé", "Moestuin"]),
            thema=rng.choice(["ontmoeting", "groen", "overig"]),
        )
        for _ in range(17)
    ]


def _client(user):
    client = APIClient()
    client.force_authenticate(fresh(user))
    return client


def _by_number(client, query: str) -> list[dict]:
    """Every page by its number (no `vervolg`)."""
    pages, number = [], 1
    while True:
        body = client.get(f"/api/v1/activiteiten/?{query}&page={number}").json()
        pages.append(body)
        if body["next"] is None:
            return pages
        number += 1


def _walk(client, query: str) -> list[dict]:
    """Every page through the `next` links."""
    pages, url = [], f"/api/v1/activiteiten/?{query}"
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        pages.append(response.json())
        url = pages[-1]["next"]
    return pages


def _params(link: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(link).query)


@pytest.mark.parametrize(
    "ordering", ["", "titel", "-titel", "thema,-datum", "-datum,titel", "datum"]
)
def test_walking_next_links_gives_the_pages_by_number(world, rows, ordering):
    client = _client(world.a.bestuur)
    query = f"page_size={PAGE}" + (f"&ordering={ordering}" if ordering else "")
    walked, numbered = _walk(client, query), _by_number(client, query)
    assert [p["results"] for p in walked] == [p["results"] for p in numbered]
    assert [p["count"] for p in walked] == [p["count"] for p in numbered]
    assert len(walked) == 5  # 17 rows of world.a and its own activiteit
    # Each link after the first page continues after a position, and keeps
    # the page number; `previous` is the page by number.
    for page in walked[:-1]:
        assert set(_params(page["next"])) >= {"page", "vervolg", "page_size"}
    for page in walked[1:]:
        assert "vervolg" not in _params(page["previous"])


def test_rows_equal_on_the_ordering_follow_their_id(world, rows):
    client = _client(world.a.bestuur)
    walked = _walk(client, f"page_size={PAGE}&ordering=titel")
    expected = Activiteit.objects.filter(cooperatie=world.a.cooperatie).order_by(
        "titel", "pk"
    )
    assert [row["id"] for page in walked for row in page["results"]] == list(
        expected.values_list("pk", flat=True)
    )


def test_a_continued_page_reads_no_count_and_no_offset(
    world, rows, django_assert_num_queries
):
    client = _client(world.a.bestuur)
    second = client.get(f"/api/v1/activiteiten/?page_size={PAGE}").json()["next"]
    # 1 the page after the position (no count: the walk's count is carried),
    # 2 the volunteers, 3 the evidence of its rows (no overeenkomsten for the
    # Woningwet flags: no activity of the page has a buurtcode).
    with django_assert_num_queries(3) as captured:
        response = client.get(second)
    assert response.status_code == 200
    page_query = captured.captured_queries[0]["sql"].upper()
    assert "OFFSET" not in page_query
    assert "COUNT(" not in page_query


@pytest.mark.parametrize(
    "value",
    ["x", "eyJwIjoyfQ:dezehandtekeningklopt-niet", "0" * 2000],
)
def test_a_position_not_made_by_the_server_reads_the_page_by_number(world, rows, value):
    client = _client(world.a.bestuur)
    _assert_by_number(client, value)


def _assert_by_number(client, value) -> None:
    response = client.get(
        "/api/v1/activiteiten/", {"page": 2, "page_size": PAGE, "vervolg": value}
    )
    assert response.status_code == 200, response.content
    numbered = _by_number(client, f"page_size={PAGE}")[1]
    assert response.json()["results"] == numbered["results"]


def _assert_refused(client, value) -> None:
    response = client.get(
        "/api/v1/activiteiten/", {"page": 2, "page_size": PAGE, "vervolg": value}
    )
    assert response.status_code == 400
    assert list(invalid_params(response)) == ["vervolg"]


def test_a_too_long_or_repeated_position_is_a_400_naming_it(world, rows):
    client = _client(world.a.bestuur)
    link = client.get(f"/api/v1/activiteiten/?page_size={PAGE}").json()["next"]
    token = _params(link)["vervolg"][0]
    _assert_refused(client, "a" * 3000)
    _assert_refused(client, [token, token])


def test_an_altered_or_cut_position_reads_the_page_by_number(world, rows):
    client = _client(world.a.bestuur)
    link = client.get(f"/api/v1/activiteiten/?page_size={PAGE}").json()["next"]
    token = _params(link)["vervolg"][0]
    _assert_by_number(client, token[:5] + ("A" if token[5] != "A" else "B") + token[6:])
    _assert_by_number(client, token[:-1])


def test_a_position_for_another_list_user_or_page_is_not_used(world, rows):
    client = _client(world.a.bestuur)
    link = client.get(f"/api/v1/activiteiten/?page_size={PAGE}").json()["next"]
    token = _params(link)["vervolg"][0]
    numbered = _by_number(client, f"page_size={PAGE}&ordering=titel")
    # Another ordering, another page number: the page by its number.
    other = client.get(
        "/api/v1/activiteiten/",
        {"page": 2, "page_size": PAGE, "ordering": "titel", "vervolg": token},
    ).json()
    assert other["results"] == numbered[1]["results"]
    third = client.get(
        "/api/v1/activiteiten/", {"page": 3, "page_size": PAGE, "vervolg": token}
    ).json()
    assert third["results"] == _by_number(client, f"page_size={PAGE}")[2]["results"]
    # Another user who sees the same list (the coöperatie's beheerder).
    beheerder = _client(world.a.beheerder)
    mine = beheerder.get(
        "/api/v1/activiteiten/",
        {"page": 2, "page_size": PAGE, "cooperatie": world.a.cooperatie.pk},
    ).json()
    theirs = beheerder.get(
        "/api/v1/activiteiten/",
        {
            "page": 2,
            "page_size": PAGE,
            "cooperatie": world.a.cooperatie.pk,
            "vervolg": token,
        },
    ).json()
    assert theirs == mine


def test_a_changed_list_is_read_after_the_position(world, rows):
    """Rows added before the position do not shift the next page (as they
    would by number); its count is the walk's."""
    client = _client(world.a.bestuur)
    first = client.get(f"/api/v1/activiteiten/?page_size={PAGE}").json()
    ActiviteitFactory(cooperatie=world.a.cooperatie, datum=datetime.date(2030, 1, 1))
    second = client.get(first["next"]).json()
    seen = {r["id"] for r in first["results"]}
    assert not seen & {r["id"] for r in second["results"]}
    assert second["count"] == first["count"]
    # By number, the new row pushes the first page's last row onto page 2.
    by_number = client.get(f"/api/v1/activiteiten/?page_size={PAGE}&page=2").json()
    assert by_number["count"] == first["count"] + 1
    assert by_number["results"][0]["id"] == first["results"][-1]["id"]


def test_a_continued_page_answers_304_on_its_etag(world, rows):
    client = _client(world.a.bestuur)
    link = client.get(f"/api/v1/activiteiten/?page_size={PAGE}").json()["next"]
    response = client.get(link)
    assert response.status_code == 200
    again = client.get(link, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    # The link itself does not change between reads, so neither does the tag.
    assert client.get(link)["ETag"] == response["ETag"]


def test_a_list_ordered_by_a_persons_data_pages_by_number_only(world):
    """A member's name never travels in a link: the leden list (ordered by
    name) has no `vervolg` in its next link."""
    LidFactory.create_batch(5, cooperatie=world.a.cooperatie)
    client = _client(world.a.bestuur)
    for query in ("page_size=2", "page_size=2&ordering=naam"):
        body = client.get(f"/api/v1/leden/?{query}").json()
        assert body["next"] is not None
        assert "vervolg" not in _params(body["next"])
        assert "page" in _params(body["next"])
    # By a date that is no person's data, the walk continues after a position.
    body = client.get("/api/v1/leden/?page_size=2&ordering=lid_sinds").json()
    assert "vervolg" in _params(body["next"])

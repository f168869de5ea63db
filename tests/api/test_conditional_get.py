"""A GET with a matching If-None-Match answers 304; the ETag differs wherever
the content differs (per user and role), and the answers vary on who asks, so
no cache hands one user's answer to another."""

from __future__ import annotations

from django.test import Client

from rest_framework.test import APIClient

from tests.helpers import fresh


def _client(user):
    client = APIClient()
    client.force_authenticate(fresh(user))
    return client


def test_list_304_on_a_match_and_200_on_a_mismatch(world):
    client = _client(world.a.bestuur)
    first = client.get("/api/v1/activiteiten/")
    assert first.status_code == 200
    etag = first["ETag"]
    again = client.get("/api/v1/activiteiten/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    other = client.get("/api/v1/activiteiten/", HTTP_IF_NONE_MATCH='"niet-dit"')
    assert other.status_code == 200
    assert other.json() == first.json()


def test_detail_304_on_its_etag(world):
    client = _client(world.a.bestuur)
    url = f"/api/v1/activiteiten/{world.a.activiteit.pk}/"
    first = client.get(url)
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert client.get(url, HTTP_IF_NONE_MATCH='"oud"').status_code == 200


def test_if_match_on_update_still_holds(world):
    client = _client(world.a.bestuur)
    url = f"/api/v1/leden/{world.a.lid.pk}/"
    etag = client.get(url)["ETag"]
    stale = client.patch(
        url, {"telefoon": "0612345678"}, format="json", HTTP_IF_MATCH='"verouderd"'
    )
    assert stale.status_code == 412
    fresh_ = client.patch(
        url, {"telefoon": "0612345678"}, format="json", HTTP_IF_MATCH=etag
    )
    assert fresh_.status_code == 200, fresh_.content


def test_etag_differs_per_role_where_the_content_does(world):
    a = world.a
    url = f"/api/v1/leden/{a.bestuurslid.pk}/"
    full = _client(a.bestuur).get(url)
    masked = _client(a.beheerder).get(url)
    assert full.status_code == masked.status_code == 200
    assert full.json() != masked.json()
    assert full["ETag"] != masked["ETag"]
    # The beheerder's copy of the full answer's tag does not validate.
    assert (
        _client(a.beheerder).get(url, HTTP_IF_NONE_MATCH=full["ETag"]).status_code
        == 200
    )
    lists = [_client(u).get("/api/v1/leden/") for u in (a.bestuur, a.beheerder)]
    assert lists[0].json() != lists[1].json()
    assert lists[0]["ETag"] != lists[1]["ETag"]
    assert (
        _client(a.beheerder)
        .get("/api/v1/leden/", HTTP_IF_NONE_MATCH=lists[0]["ETag"])
        .status_code
        == 200
    )


def test_api_answers_vary_on_who_asks(world):
    response = _client(world.a.bestuur).get("/api/v1/activiteiten/")
    vary = {v.strip().lower() for v in response["Vary"].split(",")}
    assert {"authorization", "cookie", "accept"} <= vary


def test_session_get_answers_304_and_varies_on_cookie(world):
    client = Client()
    client.force_login(world.a.bestuur)
    first = client.get("/api/v1/activiteiten/")
    assert first.status_code == 200
    assert "cookie" in first["Vary"].lower()
    again = client.get("/api/v1/activiteiten/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304

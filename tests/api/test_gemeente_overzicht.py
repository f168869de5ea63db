"""GET /api/v1/gemeente-overzichten/{gemeentecode}/: the roll-up for the
gemeente role, 404 for another gemeente and every other role, problem details
on bad input, closed to machine clients."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from afspraken.gemeente import gemeente_overzicht
from tests.api.oauth_helpers import access_token, api_as
from tests.api.oauth_helpers import register as register_client

G = "GM0363"
URL = "/api/v1/gemeente-overzichten/{}/"


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_gemeente_role_reads_its_roll_up(gemeente):
    response = _api(gemeente.ambtenaar).get(URL.format(G), {"jaar": 2024})
    assert response.status_code == 200
    body = response.json()
    assert body == gemeente_overzicht(gemeentecode=G, jaar=2024).as_data()
    assert [c["naam"] for c in body["per_corporatie"]] == [
        gemeente.a.corporatie.naam,
        gemeente.b.corporatie.naam,
    ]
    assert body["totaal"]["cooperaties"] == 2
    assert body["totaal"]["besteding"] == "50.00"
    assert response["API-Version"]


def test_without_a_year_the_newest_year_with_afspraken(gemeente):
    body = _api(gemeente.ambtenaar).get(URL.format(G)).json()
    assert body["jaar"] >= 2024


@pytest.mark.parametrize("code", ["GM0599", "GM9999", "nonsense"])
def test_another_gemeente_is_not_found(gemeente, code):
    response = _api(gemeente.ambtenaar).get(URL.format(code))
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/problem+json")


@pytest.mark.parametrize("rol", ["beheerder", "auditor", "bestuur"])
def test_other_roles_find_no_gemeente(gemeente, rol):
    response = _api(getattr(gemeente.a, rol)).get(URL.format(G))
    assert response.status_code == 404


def test_the_platform_operator_reads_any_gemeente(gemeente):
    response = _api(gemeente.superuser).get(URL.format("GM0599"), {"jaar": 2024})
    assert response.status_code == 200
    assert response.json()["per_corporatie"][0]["naam"] == gemeente.c.corporatie.naam


@pytest.mark.parametrize("jaar", ["twee", "1800", "99999"])
def test_a_bad_year_is_a_field_error(gemeente, jaar):
    response = _api(gemeente.ambtenaar).get(URL.format(G), {"jaar": jaar})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert "jaar" in str(response.json())


def test_anonymous_is_refused(gemeente):
    assert APIClient().get(URL.format(G)).status_code == 401


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_roll_up_is_read_only(gemeente, method):
    client = _api(gemeente.ambtenaar)
    assert getattr(client, method)(URL.format(G), {}).status_code == 405


def test_no_machine_client_reads_it(gemeente):
    from kern.api.scopes import SCOPES

    koppeling, secret = register_client(gemeente.a, *SCOPES)
    response = api_as(access_token(koppeling, secret)).get(URL.format(G))
    assert response.status_code == 403

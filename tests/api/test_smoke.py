"""First contact with the API: who gets what."""

import pytest
from rest_framework.test import APIClient


@pytest.fixture
def api():
    return APIClient()


def test_anonymous_gets_401(api, db):
    response = api.get("/api/v1/gebouwen/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize(
    "resource",
    [
        "corporaties",
        "gebouwen",
        "cooperaties",
        "overeenkomsten",
        "leden",
        "afspraken",
        "toezeggingen",
        "activiteiten",
        "boekingen",
        "toetsingen",
        "rapporten",
        "jaarparameters",
        "journaal",
        "tokens",
        "uitnodigingen",
        "rollen",
    ],
)
def test_beheerder_lists_every_resource(api, world, resource):
    api.force_authenticate(world.a.beheerder)
    response = api.get(f"/api/v1/{resource}/")
    assert response.status_code == 200, response.content
    assert "results" in response.json()


def test_other_tenants_gebouw_is_404_and_auditor_write_is_403(api, world):
    api.force_authenticate(world.a.beheerder)
    assert api.get(f"/api/v1/gebouwen/{world.b.gebouw.pk}/").status_code == 404
    assert api.get(f"/api/v1/gebouwen/{world.a.gebouw.pk}/").status_code == 200
    api.force_authenticate(world.a.auditor)
    response = api.patch(f"/api/v1/gebouwen/{world.a.gebouw.pk}/", {"naam": "x"})
    assert response.status_code == 403

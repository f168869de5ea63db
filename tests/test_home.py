"""The start page and signing in, for every role."""

import pytest

from tests.cooperatie.factories import PASSWORD


def test_anonymous_start_page_offers_to_sign_in(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert b'href="/accounts/login/"' in response.content


@pytest.mark.parametrize("role", ["beheerder", "auditor", "bestuur"])
def test_each_role_signs_in_and_sees_only_its_own_tenant(client, world, role):
    user = getattr(world.a, role)
    response = client.post(
        "/accounts/login/",
        {"username": user.username, "password": PASSWORD},
        follow=True,
    )
    assert response.status_code == 200
    assert response.context["user"] == user
    counts = response.context["tellingen"]
    # One of each in tenant A; tenant B's objects are not counted.
    assert counts == {
        "gebouwen": 1,
        "cooperaties": 1,
        "afspraken": 1,
        "activiteiten": 1,
    }


def test_wrong_password_is_refused_with_a_message(client, world):
    response = client.post(
        "/accounts/login/", {"username": world.a.beheerder.username, "password": "x"}
    )
    assert response.status_code == 200
    assert "klopt niet" in response.content.decode()
    assert not response.context["user"].is_authenticated

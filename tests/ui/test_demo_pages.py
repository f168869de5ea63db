"""After `seed_demo`, every demo login lands on a populated page, and every menu
page of its portal renders with the demo's real data."""

from __future__ import annotations

import io

from django.core.management import call_command

import pytest

from demo.wereld import DEMO_PASSWORD, demo_logins
from portalen.ui import portals_of


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=io.StringIO())
    return {login.username: login for login in demo_logins()}


def sign_in(client, username: str):
    response = client.post(
        "/accounts/login/", {"username": username, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302, username
    return client.get("/", follow=True)


def test_every_demo_login_lands_on_a_populated_page(client, demo):
    assert len(demo) >= 8
    for username in demo:
        client.logout()
        response = sign_in(client, username)
        assert response.status_code == 200, username
        html = response.content.decode()
        # A populated page: no empty state, and a table or a list of choices.
        assert 'class="empty"' not in html, username
        assert "<table" in html or 'class="cards"' in html, username


def test_every_menu_page_renders_on_the_demo(client, demo):
    from django.contrib.auth import get_user_model

    seen = 0
    for username in demo:
        user = get_user_model().objects.get(username=username)
        client.force_login(user)
        for portal in portals_of(user):
            for item in portal.nav(""):
                response = client.get(item["url"])
                assert response.status_code == 200, (username, item["url"])
                seen += 1
    assert seen >= 20


def test_every_demo_gebouw_is_on_the_map(client, demo):
    from django.contrib.auth import get_user_model

    from afspraken.kaart import kaart_gebouwen
    from cooperatie.models import Gebouw

    user = get_user_model().objects.get(username="beheerder")
    client.force_login(user)
    [portal] = portals_of(user)
    eigen = Gebouw.objects.filter(corporatie=portal.corporatie)

    response = client.get(portal.url("kaart"))

    assert response.status_code == 200
    assert 'id="kaart-data"' in response.content.decode()
    kaart = kaart_gebouwen(gebouwen=eigen)
    assert len(kaart.gebouwen) == eigen.count() >= 2
    assert kaart.aantal_zonder_coordinaten == 0
    # The demo's years give the map verdicts to colour by.
    assert any(g.verdict for g in kaart.gebouwen)

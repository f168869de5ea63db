"""Outside DEBUG the API answers JSON, also to a browser asking for HTML: the
browsable API's inline styles are blocked by the Content-Security-Policy."""

from __future__ import annotations

from django.urls import reverse

import pytest

pytestmark = pytest.mark.django_db

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def _gebouwen(client, world, **extra):
    client.force_login(world.a.beheerder)
    return client.get(reverse("gebouw-list"), HTTP_ACCEPT=BROWSER_ACCEPT, **extra)


def test_a_browser_gets_json_outside_debug(client, world, settings):
    settings.DEBUG = False
    response = _gebouwen(client, world)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "results" in response.json()


def test_the_browsable_format_is_unknown_outside_debug(client, world, settings):
    settings.DEBUG = False
    client.force_login(world.a.beheerder)
    response = client.get(reverse("gebouw-list") + "?format=api")
    assert response.status_code == 404
    assert not response["Content-Type"].startswith("text/html")


def test_debug_keeps_the_browsable_api(client, world, settings):
    settings.DEBUG = True
    response = _gebouwen(client, world)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")

"""The map page: the corporatie's gebouwen as JSON for the static script, under
the Content-Security-Policy with the tile server's origin and nothing inline."""

from __future__ import annotations

import json
import re
from decimal import Decimal

from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

import pytest

from afspraken.choices import ToetsingStatus, Verdict
from config.kaart import img_src, tegels_origin
from tests.afspraken.factories import AfspraakFactory, ToetsingFactory
from tests.cooperatie.factories import GebouwFactory
from tests.helpers import page_text

LEIDEN = {"latitude": Decimal("52.160114"), "longitude": Decimal("4.497010")}


def _kaart_url(portal: str, tenant) -> str:
    return reverse(f"{portal}-kaart", args=[tenant.corporatie.pk])


def _policy(response) -> dict[str, str]:
    return dict(
        ([*part.strip().split(" ", 1), ""])[:2]
        for part in response.headers["Content-Security-Policy"].split(";")
    )


def _tekst(response) -> str:
    """The page's text without its tags, its spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", page_text(response)).split())


def _data(response) -> dict:
    html = response.content.decode()
    found = re.search(
        r'<script id="kaart-data" type="application/json">(.*?)</script>', html, re.S
    )
    assert found, "no JSON block on the page"
    return json.loads(found.group(1))


@pytest.fixture
def op_de_kaart(world):
    """Tenant A's gebouw with coordinates and a verdict; tenant B's too."""
    gebouwen = {}
    for letter in ("a", "b"):
        tenant = getattr(world, letter)
        gebouw = GebouwFactory(corporatie=tenant.corporatie, **LEIDEN)
        afspraak = AfspraakFactory(
            corporatie=tenant.corporatie,
            cooperatie=tenant.cooperatie,
            gebouwen=[gebouw],
        )
        ToetsingFactory(
            afspraak=afspraak,
            jaar=2022,
            status=ToetsingStatus.INGEDIEND,
            verdict=Verdict.DEELS,
        )
        gebouwen[letter] = gebouw
    return gebouwen


def test_the_beheerder_sees_its_gebouwen_with_verdict_and_links(
    client, world, op_de_kaart
):
    client.force_login(world.a.beheerder)
    response = client.get(_kaart_url("beheer", world.a))

    assert response.status_code == 200
    data = _data(response)
    [marker] = data["gebouwen"]
    gebouw = op_de_kaart["a"]
    assert marker["id"] == gebouw.pk
    assert marker["verdict"] == Verdict.DEELS
    assert marker["symbool"] == "◐"
    assert marker["oordeel"] == "deels nagekomen (2022, ingediend)"
    assert marker["cooperatie"] == world.a.cooperatie.naam
    assert (marker["lat"], marker["lng"]) == (52.160114, 4.49701)
    assert marker["url"] == reverse(
        "beheer-gebouw-bewerken", args=[world.a.corporatie.pk, gebouw.pk]
    )
    assert marker["dossier"] == reverse(
        "beheer-cooperatie-dossier", args=[world.a.corporatie.pk, world.a.cooperatie.pk]
    )
    assert data["tegels"]["attributie"] == "Kaartgegevens © Kadaster"
    # Tenant B's gebouw is nowhere on the page.
    assert str(op_de_kaart["b"].pk) not in {str(m["id"]) for m in data["gebouwen"]}
    assert op_de_kaart["b"].naam not in response.content.decode()
    text = _tekst(response)
    # The legend says each verdict in words; the gebouw without coordinates
    # (the world's own) is listed with a link to fill them in.
    assert "◐ deels nagekomen (1)" in text
    assert "– nog geen oordeel (0)" in text
    assert "1 gebouw zonder coördinaten" in text
    assert (
        reverse(
            "beheer-gebouw-bewerken", args=[world.a.corporatie.pk, world.a.gebouw.pk]
        )
        in response.content.decode()
    )


def test_the_page_runs_under_the_csp_with_the_tile_origin_and_nothing_inline(
    client, world, op_de_kaart
):
    client.force_login(world.a.beheerder)
    response = client.get(_kaart_url("beheer", world.a))

    policy = _policy(response)
    assert policy["img-src"] == "'self' data: https://service.pdok.nl"
    assert "script-src" not in policy  # default-src 'self' governs scripts
    assert policy["default-src"] == "'self'"
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    html = response.content.decode()
    # Every script is a file of the site or the JSON data block; no style
    # attribute or element.
    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts, "the page loads its scripts"
    for attributes in scripts:
        assert re.search(r'src="/static/|type="application/json"', attributes), (
            attributes
        )
    assert re.findall(r"<script[^>]*src=[^>]*>(?!</script>)", html) == []
    assert "style=" not in html
    assert "<style" not in html
    assert re.search(r"<[^>]+\son[a-z]+=", html) is None  # no event attributes
    assert 'src="/static/vendor/leaflet/leaflet.js"' in html
    assert 'href="/static/vendor/leaflet/leaflet.css"' in html


def test_the_tile_setting_is_the_one_image_source_besides_the_site(
    client, world, settings
):
    tegels = "https://tegels.example.nl/kaart/{z}/{x}/{y}.png"
    settings.KAART_TEGELS_URL = tegels
    settings.CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {
            **settings.CONTENT_SECURITY_POLICY["DIRECTIVES"],
            "img-src": img_src(tegels),
        }
    }
    client.force_login(world.a.beheerder)

    response = client.get(_kaart_url("beheer", world.a))

    assert _policy(response)["img-src"] == "'self' data: https://tegels.example.nl"
    assert _data(response)["tegels"]["url"] == tegels


def test_without_a_tile_url_the_map_has_no_tiles(client, world, settings):
    settings.KAART_TEGELS_URL = ""
    client.force_login(world.a.beheerder)

    response = client.get(_kaart_url("beheer", world.a))

    assert response.status_code == 200
    assert _data(response)["tegels"] is None
    assert img_src("") == ["'self'", "data:"]


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("https://service.pdok.nl/brt/{z}/{x}/{y}.png", "https://service.pdok.nl"),
        ("http://127.0.0.1:8123/{z}/{x}/{y}.png", "http://127.0.0.1:8123"),
        ("https://{s}.tile.example.org/{z}/{x}/{y}.png", "https://*.tile.example.org"),
        ("  ", None),
    ],
)
def test_the_tile_origin_is_what_the_policy_allows(url, origin):
    assert tegels_origin(url) == origin


@pytest.mark.parametrize(
    "url",
    [
        "ftp://tegels.example.nl/{z}/{x}/{y}.png",
        "https://tegels.example.nl/kaart.png",
        "https://tegels.example.nl/{z}/{x}/{y}.png https://kwaad.example",
        "https://tegels.example.nl/{z}/{x}/{y}.png;script-src *",
        "https://tegels{z}.example.nl/{z}/{x}/{y}.png",
        "https://t.example.nl/" + "a" * 500 + "/{z}/{x}/{y}.png",
    ],
)
def test_a_tile_url_that_would_widen_the_policy_is_refused(url):
    with pytest.raises(ImproperlyConfigured, match="KAART_TEGELS_URL"):
        tegels_origin(url)


def test_the_auditor_sees_the_same_map_without_the_beheerders_links(
    client, world, op_de_kaart
):
    client.force_login(world.a.auditor)
    response = client.get(_kaart_url("audit", world.a))

    assert response.status_code == 200
    [marker] = _data(response)["gebouwen"]
    assert marker["id"] == op_de_kaart["a"].pk
    assert (marker["url"], marker["dossier"]) == ("", "")
    assert "/beheer/" not in response.content.decode()


@pytest.mark.parametrize(
    ("portal", "role", "status"),
    [("beheer", "bestuur", 403), ("beheer", "auditor", 403), ("audit", "bestuur", 403)],
)
def test_the_map_is_for_the_beheerder_and_the_auditor(
    client, world, portal, role, status
):
    client.force_login(getattr(world.a, role))
    assert client.get(_kaart_url(portal, world.a)).status_code == status
    # Another corporatie's map does not exist for them.
    client.force_login(
        getattr(world.a, "beheerder" if portal == "beheer" else "auditor")
    )
    assert client.get(_kaart_url(portal, world.b)).status_code == 404

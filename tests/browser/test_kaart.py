"""The beheerder's map in Chromium, under the Content-Security-Policy: one marker
per gebouw with coordinates, with the tile server reachable (a tiny server in
the test) and with the tile URL pointing at a closed port."""

from __future__ import annotations

import re
import socket
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import Page, expect

from afspraken.choices import ToetsingStatus, Verdict
from config.kaart import img_src
from tests.afspraken.factories import AfspraakFactory, ToetsingFactory
from tests.cooperatie.factories import GebouwFactory

from .helpers import login, menu, png_photo, screenshot

# Records every violation of the page's policy, before any script of the page
# runs (Playwright injects it outside the policy).
CSP_WATCH = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`);
});
"""

TEGEL = png_photo(256, 256)


class _Tegels(BaseHTTPRequestHandler):
    paden: list[str] = []

    def do_GET(self):
        type(self).paden.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(TEGEL)))
        self.end_headers()
        self.wfile.write(TEGEL)

    def log_message(self, *args):
        pass


@pytest.fixture
def tegelserver():
    """A tile server on a free local port: every path answers a PNG tile."""
    _Tegels.paden = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Tegels)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", _Tegels.paden
    server.shutdown()
    server.server_close()


@pytest.fixture
def gesloten_poort() -> str:
    """The origin of a local port nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def _tegels_van(settings, origin: str, *, in_policy: bool = True) -> None:
    url = f"{origin}/tegels/{{z}}/{{x}}/{{y}}.png"
    settings.KAART_TEGELS_URL = url
    settings.CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {
            **settings.CONTENT_SECURITY_POLICY["DIRECTIVES"],
            "img-src": img_src(url if in_policy else ""),
        }
    }


@pytest.fixture
def gebouwen(world):
    """Three of tenant A's gebouwen on the map (nagekomen, niet nagekomen, no
    verdict); the world's own gebouw has no coordinates; tenant B's has."""
    a = world.a
    plekken = [
        ("52.090737", "5.121420", Verdict.NAGEKOMEN),
        ("52.100000", "5.110000", Verdict.NIET_NAGEKOMEN),
        ("52.080000", "5.130000", ""),
    ]
    op_kaart = {}
    for lat, lng, verdict in plekken:
        gebouw = GebouwFactory(
            corporatie=a.corporatie, latitude=Decimal(lat), longitude=Decimal(lng)
        )
        if verdict:
            afspraak = AfspraakFactory(
                corporatie=a.corporatie, cooperatie=a.cooperatie, gebouwen=[gebouw]
            )
            ToetsingFactory(
                afspraak=afspraak,
                jaar=2022,
                status=ToetsingStatus.VASTGESTELD,
                verdict=verdict,
            )
        op_kaart[gebouw.pk] = verdict or "geen"
    GebouwFactory(
        corporatie=world.b.corporatie,
        latitude=Decimal("52.09"),
        longitude=Decimal("5.12"),
    )
    return op_kaart


def _open_kaart(page: Page, world) -> None:
    page.add_init_script(CSP_WATCH)
    login(page, world.a.beheerder)
    menu(page, "Kaart")
    expect(page.get_by_role("heading", level=1)).to_contain_text("op de kaart")


def _markers(page: Page):
    return page.locator("#kaart .leaflet-marker-icon.kaart-marker")


def _assert_markers(page: Page, gebouwen: dict[int, str]) -> None:
    expect(_markers(page)).to_have_count(len(gebouwen))
    shown = {
        int(m.get_attribute("data-gebouw")): m.get_attribute("data-verdict")
        for m in _markers(page).all()
    }
    assert shown == gebouwen


def _violations(page: Page) -> list[str]:
    return page.evaluate("window.cspViolations")


def test_the_map_shows_a_marker_per_gebouw_on_the_tiles(
    page: Page, world, settings, tegelserver, gebouwen
):
    origin, paden = tegelserver
    _tegels_van(settings, origin)
    _open_kaart(page, world)

    _assert_markers(page, gebouwen)
    expect(page.locator("#kaart img.leaflet-tile-loaded").first).to_be_visible()
    assert paden, "the map asked the tile server for no tile"
    assert all(re.fullmatch(r"/tegels/\d+/\d+/\d+\.png", p) for p in paden), paden
    expect(page.locator(".kaart-melding")).to_have_count(0)
    expect(page.locator("#kaart")).to_contain_text("Kaartgegevens © Kadaster")

    # The popup says the verdict in words and leads to the coöperatie's dossier.
    niet = next(pk for pk, v in gebouwen.items() if v == Verdict.NIET_NAGEKOMEN)
    page.locator(f'.leaflet-marker-icon[data-gebouw="{niet}"]').click()
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("niet nagekomen (2022, vastgesteld)")
    expect(popup).to_contain_text(str(world.a.cooperatie))
    screenshot(page, "beheerder-kaart")
    assert _violations(page) == []
    popup.get_by_role("link", name="Dossier van de coöperatie").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        str(world.a.cooperatie)
    )


def test_with_the_tile_server_unreachable_the_markers_stay(
    page: Page, world, settings, gesloten_poort, gebouwen
):
    _tegels_van(settings, gesloten_poort)
    # The browser reports each tile it cannot fetch; those, and only those,
    # are expected here.
    page.expected_errors.append(
        re.compile(
            rf"^Failed to load resource: net::ERR_\w+ \[{re.escape(gesloten_poort)}/"
        )
    )
    _open_kaart(page, world)

    _assert_markers(page, gebouwen)
    expect(page.locator(".kaart-melding")).to_have_text(
        "De achtergrondkaart is niet bereikbaar; de gebouwen staan er wel op."
    )
    expect(page.locator("#kaart")).to_have_class(re.compile(r"kaart-zonder-tegels"))
    expect(page.locator("#kaart img.leaflet-tile-loaded")).to_have_count(0)
    assert _violations(page) == []


def test_a_tile_server_outside_the_policy_is_reported(
    page: Page, world, settings, tegelserver, gebouwen
):
    """The watch above sees a violation when there is one: tiles from a server
    the policy does not name are refused, and the markers still show."""
    origin, paden = tegelserver
    _tegels_van(settings, origin, in_policy=False)
    # Chromium's words for the refusal (older versions: "Refused to load").
    page.expected_errors.append(
        re.compile(rf"^(Refused to load|Loading) the image '{re.escape(origin)}/")
    )
    _open_kaart(page, world)

    _assert_markers(page, gebouwen)
    expect(page.locator(".kaart-melding")).to_be_visible()
    violations = _violations(page)
    assert violations
    assert all(v.startswith(f"img-src {origin}/tegels/") for v in violations)
    assert paden == []

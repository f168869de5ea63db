"""Browser tests: Playwright for Python driving Debian's Chromium against Django's
live test server.

Each test is one complete scenario as a user clicks through it: log in through the
login form, fill the forms, upload real files, read the result on the page. The
ORM is used only to prepare data and to check the database afterwards.

One browser for the whole package, a fresh context (cookies, downloads) and page per
test. Every page fails its test on a JavaScript error or a console error, so a
Content-Security-Policy that blocks something the pages need shows up here.
"""

from __future__ import annotations

import os
import shutil
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from .helpers import DESKTOP

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 15_000


@pytest.fixture(scope="package", autouse=True)
def _orm_beside_playwright():
    """Allow ORM calls in the test thread while Playwright runs.

    Playwright's sync API keeps an asyncio event loop running in the test thread
    from start to stop. Django sees that running loop and refuses every ORM call
    made there (SynchronousOnlyOperation), although the test code itself is plain
    synchronous code: the fixtures that prepare data and the assertions on the
    database afterwards. The live server answers the browser from its own thread,
    where no loop runs and the check stays on. The setting holds only while the
    browser tests run (package scope, set before any of their fixtures), so the
    rest of the suite keeps Django's check.
    """
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(autouse=True)
def _no_tiles_from_the_internet(settings):
    """No browser test fetches map tiles from outside (the default is PDOK's
    server): the map pages show their markers on a plain background, and the
    map's own tests point the tiles at a server of their own."""
    settings.KAART_TEGELS_URL = ""


@pytest.fixture(scope="package")
def browser(_orm_beside_playwright):
    """Debian's Chromium, launched once for all browser tests."""
    executable = shutil.which("chromium")
    if executable is None:
        reason = (
            "Debian's chromium is not installed (run `make chromium`, or "
            "`apt-get install chromium`); the browser tests need it."
        )
        if os.environ.get("CI") == "true":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    # A page that seals a report renders a PDF first; under a busy `make test`
    # that can take longer than Playwright's default 5 s.
    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_FLAGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server) -> Page:
    """A fresh browser context and page on the live server. Confirm dialogs
    (`data-confirm` buttons) are accepted and their text kept in `page.dialogs`.
    The test fails on any JavaScript error or console error, but those matching
    a pattern the test put in `page.expected_errors`."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport=DESKTOP,
        accept_downloads=True,
        locale="nl-NL",
        timezone_id="Europe/Amsterdam",
    )
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    tab.dialogs = []
    # Patterns of console errors a test expects (an unreachable server it
    # points the page at on purpose), matched against "text [url]".
    tab.expected_errors = []
    js_errors: list[str] = []

    def on_console(message):
        if message.type != "error":
            return
        location = message.location.get("url", "")
        if any(p.search(f"{message.text} [{location}]") for p in tab.expected_errors):
            return
        source = urlsplit(location).path
        js_errors.append(f"console: {message.text} [{source or tab.url}]")

    def on_dialog(dialog):
        tab.dialogs.append(dialog.message)
        dialog.accept()

    tab.on("console", on_console)
    tab.on("pageerror", lambda error: js_errors.append(f"pageerror: {error}"))
    tab.on("dialog", on_dialog)
    yield tab
    context.close()
    if js_errors:
        pytest.fail("JavaScript errors:\n" + "\n".join(js_errors), pytrace=False)

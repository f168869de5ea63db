"""Every role logs in through the login form and lands on its own start page; one
of them does it with the keyboard alone."""

from __future__ import annotations

import re

from django.urls import reverse

import pytest
from playwright.sync_api import Page, expect

from tests.cooperatie.factories import PASSWORD

from .helpers import login, screenshot


def _start_path(world, role: str) -> str:
    tenant = world.a
    if role == "bestuur":
        return reverse("bestuur-start", args=[tenant.cooperatie.pk])
    soort = "beheer" if role == "beheerder" else "audit"
    return reverse(f"{soort}-start", args=[tenant.corporatie.pk])


def _path_is(path: str) -> re.Pattern:
    return re.compile(rf"^https?://[^/]+{re.escape(path)}(\?.*)?$")


@pytest.mark.parametrize(
    ("role", "portal_label", "organisation", "shown"),
    [
        ("beheerder", "Beheerder", "corporatie", "Wooncoöperatie A"),
        ("bestuur", "Bestuur", "cooperatie", "Afspraken sociale inbreng"),
        ("auditor", "Auditor", "corporatie", "Wooncoöperatie A"),
    ],
)
def test_role_logs_in_and_lands_on_its_start_page(
    page: Page, world, role, portal_label, organisation, shown
):
    login(page, getattr(world.a, role))

    expect(page).to_have_url(_path_is(_start_path(world, role)))
    naam = str(getattr(world.a, organisation))
    expect(page.locator("nav.portal-nav")).to_contain_text(f"{portal_label} · {naam}")
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    main = page.locator("main")
    expect(main).to_contain_text(shown)
    # Tenant B exists in the same database and never shows up.
    expect(main).not_to_contain_text("Woonstichting B")
    expect(main).not_to_contain_text("Wooncoöperatie B")
    screenshot(page, f"{role}-start")


def _focused(page: Page) -> dict:
    """The element that has the keyboard focus, and its outline."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const style = getComputedStyle(el);
            const box = el.getBoundingClientRect();
            return {id: el.id, tag: el.tagName, text: el.textContent.trim(),
                    outline: style.outlineStyle,
                    width: parseFloat(style.outlineWidth), left: box.left};
        }"""
    )


def _assert_visible_focus(focused: dict) -> None:
    assert focused["outline"] != "none", f"no visible focus outline: {focused}"
    assert focused["width"] > 0, f"no visible focus outline: {focused}"


def test_login_with_the_keyboard_only(page: Page, world):
    bestuur = world.a.bestuur
    page.goto(reverse("login"))

    # The login form puts the cursor in the username field.
    focused = _focused(page)
    assert focused["id"] == "id_username"
    _assert_visible_focus(focused)
    page.keyboard.type(bestuur.username)
    page.keyboard.press("Tab")
    focused = _focused(page)
    assert focused["id"] == "id_password"
    _assert_visible_focus(focused)
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")

    expect(page.get_by_role("status")).to_contain_text(f"Welkom, {bestuur.username}.")
    expect(page).to_have_url(_path_is(_start_path(world, "bestuur")))

    # The first Tab on a page reaches the skip link, which then shows on screen.
    page.keyboard.press("Tab")
    focused = _focused(page)
    assert focused["text"] == "Naar de inhoud"
    assert focused["left"] >= 0
    _assert_visible_focus(focused)
    page.keyboard.press("Enter")
    assert _focused(page)["id"] == "inhoud"

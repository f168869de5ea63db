"""What the browser scenarios do again and again: log in and out, read the flash
message, take a screenshot, make a real photo."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

from django.urls import reverse

from playwright.sync_api import Page, expect

from tests.cooperatie.factories import PASSWORD

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


def login(page: Page, user, *, password: str = PASSWORD) -> None:
    """Log in through the login form and wait for the greeting."""
    page.goto(reverse("login"))
    page.get_by_label("Gebruikersnaam").fill(user.username)
    page.get_by_label("Wachtwoord", exact=True).fill(password)
    page.get_by_role("button", name="Aanmelden").click()
    expect(page.get_by_role("status")).to_contain_text(f"Welkom, {user.username}.")


def logout(page: Page) -> None:
    page.get_by_role("button", name="Afmelden").click()
    expect(page.get_by_role("status")).to_contain_text("U bent afgemeld.")


def flash(page: Page):
    """The flash messages of the current page (base.html puts them first in main)."""
    return page.locator("main > ul.messages[role=status]")


def screenshot(page: Page, name: str) -> Path:
    """A full-page screenshot in the git-ignored test-artifacts folder."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def png_photo(width: int = 48, height: int = 32) -> bytes:
    """A real, valid PNG (an RGB colour gradient), built without extra packages."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    rows = b"".join(
        b"\x00"  # filter type: none
        + b"".join(
            bytes((x * 255 // width, y * 255 // height, 128)) for x in range(width)
        )
        for y in range(height)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def menu(page: Page, label: str) -> None:
    """Follow an item of the portal menu."""
    page.get_by_role("navigation", name="Menu").get_by_role(
        "link", name=label, exact=True
    ).click()

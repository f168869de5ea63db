"""Dates on a page are written in the page's language: Dutch month names on Dutch
pages, English ones on English pages, through the `opmaak` filters (never a
fixed format or locale)."""

from __future__ import annotations

import datetime
import re

from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

import pytest

from tests.ui.test_te_laat import laat  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

DUTCH_MONTHS = re.compile(
    r"\b(januari|februari|maart|april|mei|juni|juli|augustus|september|oktober"
    r"|november|december|mrt|okt)\b"
)


def _signalering(client, world, taal: str) -> str:
    client.force_login(world.a.beheerder)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = taal
    response = client.get(reverse("beheer-signalering", args=[world.a.corporatie.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_dutch_page_writes_dutch_month_names(client, world, laat):  # noqa: F811
    jaar = timezone.localdate().year - 1
    html = _signalering(client, world, "nl")
    assert f"uiterlijk 1 april {jaar}" in html


def test_english_page_writes_english_month_names(client, world, laat):  # noqa: F811
    jaar = timezone.localdate().year - 1
    html = _signalering(client, world, "en")
    assert '<html lang="en">' in html
    assert f"1 April {jaar}" in html
    assert f"1 april {jaar}" not in html


@pytest.mark.parametrize(
    ("taal", "expected"),
    [
        ("nl", "5 mrt 2025 · 5 maart 2025 · 05-03-2025"),
        ("en", "5 Mar 2025 · 5 March 2025 · 2025-03-05"),
    ],
)
def test_date_filters_follow_the_active_language(taal, expected):
    template = Template(
        '{% load opmaak %}{{ d|datum:"middel" }} · {{ d|datum:"lang" }} · {{ d|datum }}'
    )
    with translation.override(taal):
        shown = template.render(Context({"d": datetime.date(2025, 3, 5)}))
    assert shown == expected


@pytest.mark.parametrize("taal", ["nl", "en"])
def test_deadline_include_uses_the_page_language(taal):
    template = Template(
        '{% include "includes/termijn.html" with uiterlijk=d te_laat=True %}'
    )
    with translation.override(taal):
        shown = template.render(Context({"d": datetime.date(2025, 10, 1)}))
    if taal == "nl":
        assert "1 oktober 2025" in shown
    else:
        assert "1 October 2025" in shown
        assert not DUTCH_MONTHS.search(shown)


def test_no_page_template_formats_a_date_with_a_fixed_pattern():
    """Pages write dates through `datum`/`moment`; Django's `date` filter is only
    used for machine-readable values (`date:'c'` in a <time> element)."""
    from pathlib import Path

    root = Path(settings.BASE_DIR)
    pattern = re.compile(r"\|date:(['\"])(.*?)\1")
    offenders = [
        f"{path.relative_to(root)}: {match.group(0)}"
        for folder in ("templates", "portalen")
        for path in (root / folder).rglob("*.html")
        if "pdf" not in path.parts
        for match in pattern.finditer(path.read_text())
        if match.group(2) != "c"
    ]
    assert offenders == []

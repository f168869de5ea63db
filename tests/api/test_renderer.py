"""The API's JSON renderer writes the bytes DRF's renderer writes."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from rest_framework import renderers as drf

from kern.api.renderers import JSONRenderer

TEXTS = [
    "gewone tekst",
    "regel\u2028scheiding",
    "alinea\u2029scheiding",
    "€ 12,50 – koffie",  # E2 lead bytes without a separator
    "beide\u2028en\u2029samen, € erbij",
    "",
]


@pytest.mark.parametrize("text", TEXTS)
def test_the_bytes_equal_drfs(text):
    data = {
        "results": [
            {
                "id": 1,
                "titel": text,
                "lijst": (text, "x"),
                "datum": datetime.date(2024, 2, 29),
                "bedrag": Decimal("7.50"),
            }
        ],
        "next": None,
    }
    ours = JSONRenderer().render(data)
    theirs = drf.JSONRenderer().render(data)
    assert ours == theirs
    assert b"\xe2\x80\xa8" not in ours
    assert b"\xe2\x80\xa9" not in ours

"""Cells of the CSV and XLSX files the platform writes and reads: a text cell is
never run as a formula by the spreadsheet that opens it (CSV/formula injection),
and an escaped cell reads back as the text it was."""

from __future__ import annotations

import unicodedata
from typing import Any

_FORMULA_SIGNS = frozenset("=+-@")
# Characters a spreadsheet may skip or trim before it reads a cell: controls,
# invisible format characters (zero-width space, BOM, bidi marks) and spaces.
_SKIPPED = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})
# Signs NFKC does not fold to ASCII but that read as a minus.
_LOOKALIKES = frozenset({"\u2212", "\u2796", "\u2795"})


def formula_like(text: str) -> bool:
    """Whether a spreadsheet could read the text as a formula: it starts with
    `=`, `+`, `-`, `@`, a tab or a carriage return, or with such a sign (also its
    full-width or other compatibility form, like `＝` U+FF1D) behind control,
    format or space characters."""
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return True
    for char in text:
        if unicodedata.category(char) in _SKIPPED:
            continue
        return (
            unicodedata.normalize("NFKC", char)[:1] in _FORMULA_SIGNS
            or char in _LOOKALIKES
        )
    return False


def safe_cell(value: Any) -> str:
    """A CSV or XLSX text cell that a spreadsheet will not run as a formula: an
    apostrophe before any text that is :func:`formula_like`."""
    text = "" if value is None else str(value)
    if formula_like(text):
        return "'" + text
    return text


def safe_xlsx_text(value: Any) -> str:
    """A text cell for an XLSX sheet: without the control characters XML cannot
    hold, then escaped like :func:`safe_cell`. The order matters: a formula sign
    behind a dropped control character must not become the first character."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # only for spreadsheets

    return safe_cell(ILLEGAL_CHARACTERS_RE.sub("", "" if value is None else str(value)))


def unescaped_cell(text: str) -> str:
    """A cell as it was before :func:`safe_cell`: the apostrophe an export puts
    before a formula-like text removed (a user's own text never starts so)."""
    if len(text) > 1 and text[0] == "'" and formula_like(text[1:]):
        return text[1:]
    return text

"""Cells of the CSV and XLSX files: never a formula, and read back as written."""

import io

import openpyxl
import pytest

from kern.tabellen import formula_like, safe_cell, safe_xlsx_text, unescaped_cell

FORMULAS = [
    "=SUM(A1)",
    "+31 6 1234",
    "-1",
    "@x",
    "\t=1",
    "\r=1",
    " =1",
    "\u200b=1",
    "\x01=1",
    "\uff1d1",
    "\u22121",
]
TEXTS = ["Buurtfeest", "1+1", "e-mail", "", "'", "（＝）", "\x01tekst"]


@pytest.mark.parametrize("text", FORMULAS)
def test_formula_like_text_gets_an_apostrophe_and_reads_back(text):
    assert formula_like(text)
    assert safe_cell(text) == "'" + text
    assert unescaped_cell(safe_cell(text)) == text


@pytest.mark.parametrize("text", TEXTS)
def test_other_text_stays_as_it_is(text):
    assert not formula_like(text)
    assert safe_cell(text) == text
    assert unescaped_cell(text) == text


def test_an_escaped_cell_is_not_escaped_twice_and_reads_back_as_its_formula():
    assert safe_cell("'=1+1") == "'=1+1"
    assert unescaped_cell("'=1+1") == "=1+1"
    assert unescaped_cell("'1+1") == "'1+1"


def test_none_is_an_empty_cell_and_numbers_are_text():
    assert safe_cell(None) == ""
    assert safe_cell(-5) == "'-5"
    assert safe_cell(12) == "12"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("\x01=HYPERLINK(1)", "'=HYPERLINK(1)"), ("Laan\x0b 1", "Laan 1"), (None, "")],
)
def test_xlsx_text_drops_what_a_sheet_cannot_hold_before_escaping(value, expected):
    text = safe_xlsx_text(value)
    assert text == expected
    workbook = openpyxl.Workbook()
    workbook.active.append([text])
    out = io.BytesIO()
    workbook.save(out)
    cell = openpyxl.load_workbook(io.BytesIO(out.getvalue())).active["A1"]
    assert cell.data_type != "f"

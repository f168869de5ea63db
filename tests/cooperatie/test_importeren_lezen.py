"""The member import: reading CSV and XLSX, and refusing files it cannot read."""

from __future__ import annotations

import datetime
import io
import zipfile

import openpyxl
import pytest

from cooperatie import importeren
from cooperatie.importeren import (
    parse_file,
)
from tests.cooperatie.importeren_helpers import (
    HEADER,
    NAIVE_MIDNIGHT,
    csv_bytes,
    refusal,
    xlsx_bytes,
)

# Reading ------------------------------------------------------------------------


def test_csv_with_bom_and_semicolons_is_read():
    parsed = parse_file(b"\xef\xbb\xbf" + csv_bytes("Jan de Vries;;;;2024-01-01;;;ja"))
    assert parsed.fields[:2] == ["naam", "email"]
    assert parsed.headers["naam"] == "naam"
    assert parsed.rows[0].number == 2
    assert parsed.rows[0].values["naam"] == "Jan de Vries"
    assert parsed.rows[0].values["doelgroep"] == "ja"


def test_csv_with_commas_and_mixed_case_headers_is_read():
    data = b"Naam,E-mail,Lid Sinds\r\nJan,jan@example.nl,01-02-2024\r\n"
    parsed = parse_file(data)
    assert parsed.fields == ["naam", "email", "lid_sinds"]
    assert parsed.headers["email"] == "E-mail"
    assert parsed.rows[0].values == {
        "naam": "Jan",
        "email": "jan@example.nl",
        "lid_sinds": "01-02-2024",
    }


def test_quoted_newline_stays_in_its_cell_and_rows_keep_spreadsheet_numbers():
    data = csv_bytes(
        '"Jan\nde Vries";;;"Laan 1\nachterhuis";2024-01-01;;;',
        "Piet;;;;2024-01-01;;;",
    )
    parsed = parse_file(data)
    assert [row.number for row in parsed.rows] == [2, 3]
    assert parsed.rows[0].values["naam"] == "Jan\nde Vries"
    assert parsed.rows[0].values["adres"] == "Laan 1\nachterhuis"


def test_blank_lines_are_skipped_but_counted():
    parsed = parse_file(csv_bytes("", "Jan;;;;2024-01-01;;;", ";;;;;;;"))
    assert [row.number for row in parsed.rows] == [3]


def test_windows_1252_file_is_read():
    data = csv_bytes("Zoë Brückner;;;Dorpsstraat 1;2024-01-01;;;", encoding="cp1252")
    assert parse_file(data).rows[0].values["naam"] == "Zoë Brückner"


def test_latin1_file_that_is_not_windows_1252_is_read():
    data = csv_bytes("Jan;;;;2024-01-01;;;").replace(b"Jan", b"J\x81n")
    assert parse_file(data).rows[0].values["naam"] == "J\x81n"


def test_utf16_tab_separated_unicode_text_is_read():
    data = "naam\tlid_sinds\r\nZoë\t2024-01-01\r\n".encode("utf-16")
    assert parse_file(data).rows[0].values == {
        "naam": "Zoë",
        "lid_sinds": "2024-01-01",
    }


def test_nul_characters_are_dropped():
    data = csv_bytes("Ja\x00n;;;;2024-01-01;;;")
    assert parse_file(data).rows[0].values["naam"] == "Jan"


def test_xlsx_with_real_dates_and_numbers_is_read():
    data = xlsx_bytes(
        [
            ["naam", "telefoon", "adres", "lid_sinds", "lid_tot"],
            ["Jan", 612345678, "Laan 1", NAIVE_MIDNIGHT, None],
            [],
            ["Piet", "06-1", "Laan 2", datetime.date(2024, 4, 1), "2025-01-01"],
        ]
    )
    parsed = parse_file(data, "leden.xlsx")
    assert [row.number for row in parsed.rows] == [2, 4]
    assert parsed.rows[0].values == {
        "naam": "Jan",
        "telefoon": "612345678",
        "adres": "Laan 1",
        "lid_sinds": "2024-03-01",
        "lid_tot": "",
    }
    assert parsed.rows[1].values["lid_sinds"] == "2024-04-01"


def test_xlsx_header_below_empty_rows_keeps_sheet_row_numbers():
    data = xlsx_bytes([[], [None, "naam", "lid_sinds"], [None, "Jan", "2024-01-01"]])
    parsed = parse_file(data)
    assert parsed.rows[0].number == 3
    assert parsed.rows[0].values == {"naam": "Jan", "lid_sinds": "2024-01-01"}


def test_export_escape_of_formula_cells_is_undone():
    data = csv_bytes("'=1+1;;'+31 6 1234;;2024-01-01;;;")
    values = parse_file(data).rows[0].values
    assert values["naam"] == "=1+1"
    assert values["telefoon"] == "+31 6 1234"


def test_missing_required_column_is_named():
    assert refusal(b"naam;e-mail\r\nJan;\r\n") == [
        "rij 1, kolom lid_sinds: Deze verplichte kolom ontbreekt."
    ]


def test_unknown_column_is_named():
    errors = refusal(b"naam;lid_sinds;iban\r\nJan;2024-01-01;NL01\r\n")
    assert len(errors) == 1
    assert errors[0].startswith("rij 1, kolom iban: Onbekende kolom.")


def test_double_column_is_refused():
    errors = refusal(b"naam;lid_sinds;Naam\r\nJan;2024-01-01;Jan\r\n")
    assert errors == [
        "rij 1, kolom Naam: Deze kolom staat twee keer in het bestand (ook als naam)."
    ]


def test_data_without_a_header_is_refused():
    errors = refusal(b"naam;lid_sinds\r\nJan;2024-01-01;extra\r\n")
    assert errors == [
        "rij 2, kolom 3: Deze rij heeft meer cellen dan de kopregel kolommen heeft."
    ]


@pytest.mark.parametrize("data", [b"", b"\r\n\r\n", b"\xef\xbb\xbf"])
def test_empty_file_is_refused(data):
    assert refusal(data) == ["Het bestand mag niet leeg zijn."]


def test_header_only_is_refused():
    assert refusal(HEADER.encode() + b"\r\n") == [
        "Het bestand moet onder de kopregel leden bevatten."
    ]


def test_too_big_file_is_refused():
    data = csv_bytes("x" * importeren.MAX_BYTES)
    assert refusal(data) == ["Het bestand mag hoogstens 2 MB groot zijn."]


def test_too_many_rows_are_refused():
    lines = [f"Lid {n};;;;2024-01-01;;;" for n in range(importeren.MAX_ROWS + 1)]
    errors = refusal(csv_bytes(*lines))
    assert errors == [
        f"rij {importeren.MAX_ROWS + 2}: Het bestand mag hoogstens 5.000 rijen "
        "met leden hebben."
    ]


def test_old_excel_format_is_refused_with_advice():
    errors = refusal(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "leden.xls")
    assert "sla het bestand op als .xlsx of .csv" in errors[0]


def test_broken_xlsx_is_refused():
    assert refusal(b"PK\x03\x04 not really a zip", "leden.xlsx") == [
        "Dit XLSX-bestand is niet te lezen."
    ]


def _with_part(data: bytes, part: str, content: bytes | None) -> bytes:
    """The workbook with one part replaced (or left out when content is None)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            if item.filename != part:
                target.writestr(item, source.read(item))
            elif content is not None:
                target.writestr(item, content)
    return out.getvalue()


def test_xlsx_with_a_damaged_sheet_is_refused_not_a_crash():
    good = xlsx_bytes([["naam", "lid_sinds"], ["Jan", "2024-01-01"]])
    sheet = zipfile.ZipFile(io.BytesIO(good)).read("xl/worksheets/sheet1.xml")
    cut = _with_part(good, "xl/worksheets/sheet1.xml", sheet[: len(sheet) // 2])
    assert refusal(cut, "leden.xlsx") == [
        "Dit XLSX-bestand is niet te lezen: het onderdeel xl/worksheets/sheet1.xml "
        "moet geldige XML zijn."
    ]


def test_xlsx_with_a_cell_far_below_the_limit_is_refused_quickly():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["naam", "lid_sinds"])
    sheet.cell(row=1_000_000, column=1, value="Jan")
    buffer = io.BytesIO()
    workbook.save(buffer)
    errors = refusal(buffer.getvalue(), "leden.xlsx")
    assert errors == ["rij 6001: Het werkblad loopt door tot voorbij rij 6.000."]

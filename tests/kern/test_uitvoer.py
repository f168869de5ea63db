"""kern.uitvoer: the CSV and XLSX every export writes."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest

from kern import uitvoer

KOLOMMEN = [
    uitvoer.Kolom("Datum", uitvoer.DATUM),
    uitvoer.Kolom("Tekst"),
    uitvoer.Kolom("Bedrag", uitvoer.BEDRAG),
    uitvoer.Kolom("Uren", uitvoer.GETAL),
]


def _csv(rows) -> list[list[str]]:
    data = uitvoer.csv_bytes(KOLOMMEN, rows)
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def test_csv_writes_dutch_numbers_and_iso_dates():
    rows = _csv(
        [[datetime.date(2024, 3, 5), "Koffie", Decimal("1234.5"), Decimal("7.25")]]
    )

    assert rows == [
        ["Datum", "Tekst", "Bedrag", "Uren"],
        ["2024-03-05", "Koffie", "1234,50", "7,25"],
    ]


def test_csv_writes_negative_amounts_and_empty_cells():
    rows = _csv([[None, "", Decimal("-12.5"), None]])

    assert rows[1] == ["", "", "-12,50", ""]


@pytest.mark.parametrize(
    "text", ["=1+1", "+31 6", "-x", "@SUM(A1)", "\tcmd", "\rcmd", "\u200b=1", "＝1"]
)
def test_a_text_cell_is_never_a_formula(text):
    csv_cell = _csv([[None, text, None, None]])[1][1]
    sheet = openpyxl.load_workbook(
        io.BytesIO(uitvoer.xlsx_bytes(KOLOMMEN, [[None, text, None, None]], titel="t"))
    ).active

    assert csv_cell.startswith("'")
    assert sheet.cell(row=2, column=2).value.startswith("'")
    assert sheet.cell(row=2, column=2).data_type == "s"


def test_a_heading_is_escaped_too():
    data = uitvoer.csv_bytes([uitvoer.Kolom("=kop")], [])

    assert data.decode("utf-8-sig").startswith("'=kop")


def test_xlsx_keeps_numbers_and_dates_typed():
    data = uitvoer.xlsx_bytes(
        KOLOMMEN,
        [[datetime.date(2024, 3, 5), "x", Decimal("12.50"), Decimal("3.5")]],
        titel="Boekingen: 2024/1",
    )
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook.active

    assert sheet.title == "Boekingen 20241"
    assert sheet.cell(row=2, column=1).value.date() == datetime.date(2024, 3, 5)
    assert sheet.cell(row=2, column=3).value == pytest.approx(12.5)
    assert sheet.cell(row=2, column=3).number_format == uitvoer.EURO_FORMAT
    assert sheet.cell(row=2, column=4).value == pytest.approx(3.5)


def test_download_is_an_attachment_never_cached():
    response = uitvoer.download(
        KOLOMMEN, [], formaat="anything", naam="boekingen-2024", titel="t"
    )

    assert response["Content-Type"] == uitvoer.CSV_TYPE
    assert response["Content-Disposition"] == (
        'attachment; filename="boekingen-2024.csv"'
    )
    assert "no-store" in response["Cache-Control"]

"""Lists exported as files a spreadsheet opens: CSV and XLSX, for every portal.

One declaration of the columns (`Kolom`) serves both formats:

- **CSV** is written for a Dutch spreadsheet: UTF-8 with a BOM, `;` between
  cells, CRLF line ends, amounts and numbers with a decimal comma and without
  thousands separators (``1234,50``: a Dutch Excel or LibreOffice reads it as a
  number, a thousands dot would make it ambiguous), dates as ``2024-03-15``
  (read as a date everywhere, never mistaken for a day-month swap).
- **XLSX** holds numbers as numbers (amounts with a euro number format) and
  dates as dates, so the file can be summed and sorted as it is.

Every text cell is escaped by `kern.tabellen` so that a spreadsheet never runs
it as a formula (a cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return gets an apostrophe before it); numbers and dates are written
by type, never as text.

Which rows and columns a file holds is the caller's business: it passes rows
already scoped to the user and leaves out the columns the user may not see,
exactly as on the page.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header

from kern import formatting
from kern.tabellen import safe_cell, safe_xlsx_text

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATEN = ("csv", "xlsx")

TEKST = "tekst"
BEDRAG = "bedrag"
GETAL = "getal"
DATUM = "datum"

EURO_FORMAT = '"€" #,##0.00;"€" -#,##0.00'
DATUM_FORMAT = "yyyy-mm-dd"


@dataclass(frozen=True)
class Kolom:
    """One column of an export: its heading, its kind (`TEKST`, `BEDRAG`,
    `GETAL` or `DATUM`) and, for `GETAL`, the decimals written in CSV (None:
    as many as the value has)."""

    kop: str
    soort: str = TEKST
    decimalen: int | None = None
    breedte: int = 14


def formaat_van(request) -> str:
    """The format asked for with ``?formaat=``: ``xlsx``, else ``csv``."""
    return "xlsx" if request.GET.get("formaat") == "xlsx" else "csv"


def _csv_cell(kolom: Kolom, value: Any) -> str:
    if value is None or value == "":
        return ""
    if kolom.soort == BEDRAG:
        return formatting.getal(value, 2, taal="nl")
    if kolom.soort == GETAL:
        return formatting.getal(value, kolom.decimalen, taal="nl")
    if kolom.soort == DATUM and isinstance(value, datetime.date):
        return value.isoformat()
    return safe_cell(value)


def csv_bytes(kolommen: Sequence[Kolom], rijen: Iterable[Sequence[Any]]) -> bytes:
    """The rows as a CSV a Dutch spreadsheet opens as it is (see the module)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([safe_cell(k.kop) for k in kolommen])
    for rij in rijen:
        writer.writerow([_csv_cell(k, v) for k, v in zip(kolommen, rij, strict=True)])
    return out.getvalue().encode("utf-8-sig")


def _xlsx_cell(kolom: Kolom, value: Any) -> Any:
    if value is None:
        return None
    if kolom.soort in (BEDRAG, GETAL) and isinstance(value, int | Decimal):
        # openpyxl writes a Decimal as a number; the cell's format rounds.
        return value
    if kolom.soort == DATUM and isinstance(value, datetime.date):
        return value
    return safe_xlsx_text(value)


def xlsx_bytes(
    kolommen: Sequence[Kolom], rijen: Iterable[Sequence[Any]], *, titel: str
) -> bytes:
    """The rows as one sheet of an XLSX: amounts as numbers with a euro format,
    dates as dates, text escaped (see the module)."""
    import openpyxl  # only needed for spreadsheets
    from openpyxl.utils import get_column_letter

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    # A sheet title may hold 31 characters and none of []:*?/\
    sheet.title = "".join(c for c in str(titel) if c not in "[]:*?/\\")[:31] or "1"
    sheet.append([safe_xlsx_text(k.kop) for k in kolommen])
    for rij in rijen:
        sheet.append([_xlsx_cell(k, v) for k, v in zip(kolommen, rij, strict=True)])
    for col, kolom in enumerate(kolommen, start=1):
        letter = get_column_letter(col)
        sheet.column_dimensions[letter].width = kolom.breedte
        formaat = {BEDRAG: EURO_FORMAT, DATUM: DATUM_FORMAT}.get(kolom.soort)
        if formaat:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=col, max_col=col):
                cell.number_format = formaat
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def download(
    kolommen: Sequence[Kolom],
    rijen: Iterable[Sequence[Any]],
    *,
    formaat: str,
    naam: str,
    titel: str,
) -> HttpResponse:
    """The export as a download: `naam` is the file name without extension;
    never cached by a shared cache (the rows are the user's own)."""
    if formaat == "xlsx":
        content, content_type = xlsx_bytes(kolommen, rijen, titel=titel), XLSX_TYPE
    else:
        formaat = "csv"
        content, content_type = csv_bytes(kolommen, rijen), CSV_TYPE
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{naam}.{formaat}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, private=True, no_store=True)
    return response

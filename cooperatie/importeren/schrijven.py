"""The member list written as a file: the export and the template to fill in,
in the import's columns, so that an exported list imports again unchanged.
Every text cell is escaped so that a spreadsheet never runs it as a formula."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils.translation import gettext as _

from kern.tabellen import safe_cell, safe_xlsx_text

from ..models import Lid
from .kolommen import COLUMNS, stored_text


def export_rows(leden: Iterable[Lid]) -> list[list[Any]]:
    """The member rows of an export: one value per column, dates as dates."""
    return [[getattr(lid, column.field) for column in COLUMNS] for lid in leden]


def example_rows() -> list[list[Any]]:
    """The template's one example row."""
    return [[column.example for column in COLUMNS]]


def write_csv(rows: Iterable[Sequence[Any]]) -> bytes:
    """A CSV a Dutch spreadsheet opens as it is: UTF-8 with BOM, `;`, CRLF; every
    text cell escaped so that it is never run as a formula."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([column.header for column in COLUMNS])
    for row in rows:
        writer.writerow([safe_cell(stored_text(value)) for value in row])
    return out.getvalue().encode("utf-8-sig")


def write_xlsx(rows: Iterable[Sequence[Any]], *, explanation: bool = False) -> bytes:
    """An XLSX with the columns on the first sheet (dates as real dates), and
    optionally a second sheet that explains the columns."""
    import openpyxl  # only needed for spreadsheets

    def cell(value: Any) -> Any:
        if value is None or isinstance(value, datetime.date):
            return value
        return safe_xlsx_text(value)

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = str(_("Leden"))
    sheet.append([column.header for column in COLUMNS])
    for row in rows:
        sheet.append([cell(value) for value in row])
    for index, column in enumerate(COLUMNS, start=1):
        letter = openpyxl.utils.get_column_letter(index)
        sheet.column_dimensions[letter].width = max(14, len(column.example) + 4)
        if column.field in ("lid_sinds", "lid_tot"):
            for (date_cell,) in sheet.iter_rows(
                min_row=2, min_col=index, max_col=index
            ):
                date_cell.number_format = "yyyy-mm-dd"
    if explanation:
        notes = workbook.create_sheet(str(_("Toelichting")))
        notes.append([str(_("kolom")), str(_("verplicht")), str(_("uitleg"))])
        for column in COLUMNS:
            notes.append(
                [
                    column.header,
                    str(_("ja")) if column.required else str(_("nee")),
                    str(column.explanation),
                ]
            )
        notes.append([])
        notes.append(
            [
                str(
                    _(
                        "Alleen het eerste tabblad wordt ingelezen. Vervang de "
                        "voorbeeldrij door uw leden."
                    )
                )
            ]
        )
        notes.column_dimensions["A"].width = 18
        notes.column_dimensions["C"].width = 90
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()

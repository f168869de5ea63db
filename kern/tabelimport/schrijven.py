"""The template of an import as a file: a header row, example rows and (in
XLSX) a second sheet that explains the columns. Every text cell is escaped so
that a spreadsheet never runs it as a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils.translation import gettext as _

from kern.tabellen import safe_cell, safe_xlsx_text


def template_csv(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """A CSV a Dutch spreadsheet opens as it is: UTF-8 with BOM, `;`, CRLF."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return out.getvalue().encode("utf-8-sig")


def template_xlsx(
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    title: str,
    explanation: Sequence[tuple[str, bool, str]] = (),
) -> bytes:
    """An XLSX with the columns on its first sheet and, with `explanation`
    (header, required, what to write), a second sheet that explains them."""
    import openpyxl  # only needed for spreadsheets

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append([safe_xlsx_text(h) for h in headers])
    for row in rows:
        sheet.append([safe_xlsx_text(value) for value in row])
    for index, header in enumerate(headers, start=1):
        letter = openpyxl.utils.get_column_letter(index)
        sheet.column_dimensions[letter].width = max(14, len(header) + 4)
    if explanation:
        notes = workbook.create_sheet(str(_("Toelichting")))
        notes.append([str(_("kolom")), str(_("verplicht")), str(_("uitleg"))])
        for header, required, text in explanation:
            notes.append(
                [header, str(_("ja")) if required else str(_("nee")), str(text)]
            )
        notes.append([])
        notes.append([str(_("Alleen het eerste tabblad wordt ingelezen."))])
        notes.column_dimensions["A"].width = 18
        notes.column_dimensions["C"].width = 90
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()

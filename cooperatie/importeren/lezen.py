"""Step 1 of the import: reading a member file (CSV or XLSX) into rows of text
cells with the platform's bounded table reader (`kern.tabelimport`): its size,
its rows, the cells of a row, the characters of a cell and of the whole file are
bounded before anything is parsed."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from kern import tabelimport
from kern.tabelimport import ParsedRow

from .kolommen import COLUMN_OF_FIELD, COLUMNS, MemberImportError, RowError

MAX_BYTES = tabelimport.MAX_BYTES
"""Largest file accepted (a list of 5,000 members is well below it)."""

MAX_ROWS = 5000
"""Most member rows accepted in one file."""

MAX_SHEET_ROWS = MAX_ROWS + 1000
"""Spreadsheet rows read at most (member rows plus room for blank ones); a sheet
that says it runs further is refused."""

MAX_COLUMNS = tabelimport.MAX_COLUMNS
"""Columns read from a spreadsheet; wider sheets are read only this far."""

MAX_CELLS_PER_ROW = tabelimport.MAX_CELLS_PER_ROW
"""Cells in one row of the file (a CSV as a spreadsheet); a wider row is refused."""

MAX_CELL_CHARS = 1000
"""Characters in one cell: five times the longest member field."""

MAX_TOTAL_CHARS = 8_000_000
"""Characters in all cells together (5,000 members with every field full are
under 4,000,000): one long text repeated in every cell is refused too."""

_KNOWN = {column.field: column.header for column in COLUMNS}


def _spec() -> tabelimport.TableSpec:
    return tabelimport.TableSpec.of_columns(
        COLUMNS,
        max_rows=MAX_ROWS,
        max_bytes=MAX_BYTES,
        max_cell_chars=MAX_CELL_CHARS,
        max_total_chars=MAX_TOTAL_CHARS,
        too_many_rows=_("Het bestand mag hoogstens %(max)s rijen met leden hebben."),
        header_only=_("Het bestand moet onder de kopregel leden bevatten."),
    )


class ParsedFile(tabelimport.ParsedFile):
    """The columns the member file has (as Lid fields, in file order), the
    headers as the file spells them, and its member rows."""

    @classmethod
    def from_payload(cls, data: dict[str, Any], known=None) -> ParsedFile:
        return super().from_payload(data, _KNOWN if known is None else known)


def parse_file(data: bytes, name: str = "") -> ParsedFile:
    """Read a member file (CSV or XLSX, recognised by its content).

    Raises MemberImportError for a file that cannot be read as a whole; problems of
    single rows are left to :func:`plan_import`, which reports all of them.
    """
    try:
        table = tabelimport.read_table(data, name, _spec())
    except tabelimport.TableImportError as exc:
        raise MemberImportError(
            [RowError(e.row, e.column, e.message) for e in exc.errors]
        ) from exc
    return ParsedFile(
        fields=table.fields, headers=table.headers, rows=table.rows, known=_KNOWN
    )


__all__ = [
    "COLUMN_OF_FIELD",
    "MAX_BYTES",
    "MAX_CELLS_PER_ROW",
    "MAX_CELL_CHARS",
    "MAX_COLUMNS",
    "MAX_ROWS",
    "MAX_SHEET_ROWS",
    "MAX_TOTAL_CHARS",
    "ParsedFile",
    "ParsedRow",
    "parse_file",
]

"""Importing a table (CSV or XLSX) uploaded by a user: the bounded reader every
import of the platform uses (members, activities, bookings), its errors by row
and column, and the templates' writer.

The reader (:func:`read_table`) turns the bytes into rows of text cells by the
columns a :class:`TableSpec` names, with the row numbers a spreadsheet shows,
and refuses a file it cannot read as a whole: too big, empty, a missing or
unknown column. Every size, count and length is bounded before it is parsed.
What a row means is for the importing app to say.
"""

from .fouten import (
    PREVIEW_CHARS,
    RowError,
    TableImportError,
    refused,
    row_errors,
    shown,
)
from .lezen import (
    MAX_BYTES,
    MAX_CELL_CHARS,
    MAX_CELLS_PER_ROW,
    MAX_COLUMNS,
    MAX_TOTAL_CHARS,
    ParsedFile,
    ParsedRow,
    TableSpec,
    header_key,
    read_table,
)
from .schrijven import template_csv, template_xlsx
from .waarden import DATE_FORMATS, lees_datum

__all__ = [
    "DATE_FORMATS",
    "MAX_BYTES",
    "MAX_CELLS_PER_ROW",
    "MAX_CELL_CHARS",
    "MAX_COLUMNS",
    "MAX_TOTAL_CHARS",
    "PREVIEW_CHARS",
    "ParsedFile",
    "ParsedRow",
    "RowError",
    "TableImportError",
    "TableSpec",
    "header_key",
    "lees_datum",
    "read_table",
    "refused",
    "row_errors",
    "shown",
    "template_csv",
    "template_xlsx",
]

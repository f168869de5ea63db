"""Step 1 of the import: reading a member file (CSV or XLSX) into rows of text
cells, bounded before anything is parsed: its size, its rows, the cells of a
row, the characters of a cell and of the whole file."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext as _

from kern import xlsx_check
from kern.tabellen import unescaped_cell

from .kolommen import (
    COLUMN_OF_FIELD,
    COLUMNS,
    FIELD_OF_HEADER,
    MemberImportError,
    RowError,
    header_key,
    refused,
    shown,
)

MAX_BYTES = 2 * 1024 * 1024
"""Largest file accepted (a list of 5,000 members is well below it)."""

MAX_ROWS = 5000
"""Most member rows accepted in one file."""

MAX_SHEET_ROWS = MAX_ROWS + 1000
"""Spreadsheet rows read at most (member rows plus room for blank ones); a sheet
that says it runs further is refused."""

MAX_COLUMNS = 64
"""Columns read from a spreadsheet; wider sheets are read only this far."""

MAX_CELLS_PER_ROW = xlsx_check.MAX_CELLS_PER_ROW
"""Cells in one row of the file (a CSV as a spreadsheet); a wider row is refused."""

MAX_CELL_CHARS = 1000
"""Characters in one cell: five times the longest member field."""

MAX_TOTAL_CHARS = 8_000_000
"""Characters in all cells together (5,000 members with every field full are
under 4,000,000): one long text repeated in every cell is refused too."""


@dataclass
class ParsedRow:
    """The text cells of one member row, by Lid field."""

    number: int
    values: dict[str, str]


@dataclass
class ParsedFile:
    """The columns the file has (as Lid fields, in file order), the headers as the
    file spells them, and its member rows."""

    fields: list[str]
    headers: dict[str, str]
    rows: list[ParsedRow]

    def header(self, name: str | None) -> str | None:
        """The column a Lid field's error belongs to, as the file calls it."""
        if name is None or name == NON_FIELD_ERRORS:
            return None
        if name in self.headers:
            return self.headers[name]
        column = COLUMN_OF_FIELD.get(name)
        return column.header if column else name

    def to_payload(self) -> dict[str, Any]:
        """Plain JSON data, to carry the rows from the preview to the commit."""
        return {
            "f": self.fields,
            "h": [self.headers[name] for name in self.fields],
            "r": [[r.number, [r.values[f] for f in self.fields]] for r in self.rows],
        }

    @classmethod
    def from_payload(cls, data: dict[str, Any]) -> ParsedFile:
        fields = [str(name) for name in data["f"]]
        if not set(fields) <= set(COLUMN_OF_FIELD):
            raise ValueError("unknown field in payload")
        return cls(
            fields=fields,
            headers=dict(zip(fields, data["h"], strict=True)),
            rows=[
                ParsedRow(int(number), dict(zip(fields, cells, strict=True)))
                for number, cells in data["r"]
            ],
        )


def _number(count: int) -> str:
    """A limit as a message writes it: 5.000, not 5000."""
    return f"{count:,}".replace(",", ".")


def _cell_text(value: Any) -> str:
    """A cell as text: spreadsheet dates as YYYY-MM-DD, whole numbers without
    `.0`, and the apostrophe an export puts before a formula-like text removed."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    # A NUL is never data, and a database refuses it.
    return unescaped_cell(str(value).replace("\x00", "").strip())


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with its BOM (a spreadsheet's
    "Unicode text"), else Windows-1252, else Latin-1."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _first_record(text: str) -> str:
    """The first non-empty line of a text, to sniff the delimiter from."""
    for line in text.splitlines():
        if line.strip():
            return line
    return ""


def _delimiter(text: str) -> str:
    """`;`, `,` or a tab: whichever splits the header into more known columns (a
    spreadsheet in Dutch writes `;`, most other tools `,`, "Unicode text" tabs)."""
    header = _first_record(text)

    def score(delimiter: str) -> tuple[int, int]:
        cells = next(csv.reader([header], delimiter=delimiter), [])
        known = sum(1 for cell in cells if header_key(cell) in FIELD_OF_HEADER)
        return known, len(cells)

    return max(";,\t", key=score)


def _csv_records(data: bytes) -> Iterable[tuple[int, list[Any]]]:
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        yield from enumerate(reader, start=1)
    except csv.Error as exc:
        raise refused(
            reader.line_num or None,
            _(
                "Dit CSV-bestand is niet te lezen: een aanhalingsteken of "
                "scheidingsteken staat op een onverwachte plek."
            ),
        ) from exc


def _xlsx_records(data: bytes) -> Iterable[tuple[int, list[Any]]]:
    import openpyxl  # only needed for spreadsheets

    # Sizes, counts, lengths and nesting are bounded before openpyxl reads a
    # byte: its read-only mode still builds rows and strings in memory.
    try:
        xlsx_check.inspect(data, max_rows=MAX_SHEET_ROWS)
    except xlsx_check.SpreadsheetRefusedError as exc:
        raise refused(exc.row, exc.message) from exc
    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=True
        )
    except Exception as exc:
        # A workbook that is no valid spreadsheet fails anywhere while its
        # parts are read (a missing part, XML of the wrong shape).
        raise refused(None, _("Dit XLSX-bestand is niet te lezen.")) from exc
    try:
        sheet = workbook.worksheets[0]
        # Read-only sheets give every row from 1, empty ones too, so the
        # enumeration is the row number the spreadsheet shows. Rows far below
        # the limit are not read at all: a tiny file with one cell on row
        # 5,000,000 would otherwise keep the reader busy generating empty rows.
        yield from enumerate(
            sheet.iter_rows(
                max_row=MAX_SHEET_ROWS, max_col=MAX_COLUMNS, values_only=True
            ),
            start=1,
        )
        if sheet.max_row is not None and sheet.max_row > MAX_SHEET_ROWS:
            raise refused(
                MAX_SHEET_ROWS + 1,
                _("Het werkblad loopt door tot voorbij rij %(max)s.")
                % {"max": _number(MAX_SHEET_ROWS)},
            )
    except MemberImportError:
        raise
    except Exception as exc:
        # A damaged workbook fails anywhere while its parts are read (broken
        # XML, no worksheet): one clear message instead of a crash.
        raise refused(None, _("Dit XLSX-bestand is niet te lezen.")) from exc
    finally:
        workbook.close()


def parse_file(data: bytes, name: str = "") -> ParsedFile:
    """Read a member file (CSV or XLSX, recognised by its content).

    Raises MemberImportError for a file that cannot be read as a whole; problems of
    single rows are left to :func:`plan_import`, which reports all of them.
    """
    if len(data) > MAX_BYTES:
        raise refused(
            None,
            _("Het bestand is groter dan %(mb)s MB.")
            % {"mb": MAX_BYTES // (1024 * 1024)},
        )
    if name.lower().endswith(".xls") or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise refused(
            None,
            _(
                "Het oude Excel-formaat (.xls) wordt niet gelezen; sla het "
                "bestand op als .xlsx of .csv."
            ),
        )
    is_xlsx = data[:4] == b"PK\x03\x04"
    records = _xlsx_records(data) if is_xlsx else _csv_records(data)

    header_row: int | None = None
    header: list[str] = []
    rows: list[tuple[int, list[str]]] = []
    characters = 0
    for number, record in records:
        cells = _bounded_cells(number, record, header)
        characters += sum(map(len, cells))
        if characters > MAX_TOTAL_CHARS:
            raise refused(
                number,
                _("Het bestand mag hoogstens %(max)s tekens aan gegevens bevatten.")
                % {"max": _number(MAX_TOTAL_CHARS)},
            )
        if not any(cells):
            continue
        if header_row is None:
            header_row, header = number, cells
            continue
        if len(rows) >= MAX_ROWS:
            raise refused(
                number,
                _("Het bestand heeft meer dan %(max)s rijen met leden.")
                % {"max": _number(MAX_ROWS)},
            )
        rows.append((number, cells))

    if header_row is None:
        raise refused(None, _("Het bestand is leeg."))
    fields, headers, positions = _read_header(header_row, header, rows)
    if not rows:
        raise refused(None, _("Het bestand heeft alleen een kopregel en geen leden."))
    parsed_rows = [
        ParsedRow(
            number,
            {name: cells[i] if i < len(cells) else "" for name, i in positions.items()},
        )
        for number, cells in rows
    ]
    return ParsedFile(fields=fields, headers=headers, rows=parsed_rows)


def _bounded_cells(number: int, record: Sequence[Any], header: list[str]) -> list[str]:
    """A record's cells as text, refused when the row has more than
    MAX_CELLS_PER_ROW cells or a cell more than MAX_CELL_CHARS characters (before
    any copy of the text is made)."""
    if len(record) > MAX_CELLS_PER_ROW:
        raise refused(
            number,
            _("Een rij mag hoogstens %(max)s cellen hebben.")
            % {"max": MAX_CELLS_PER_ROW},
        )
    for position, value in enumerate(record):
        if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
            column = header[position] if position < len(header) else ""
            raise refused(
                number,
                _("Een cel mag hoogstens %(max)s tekens bevatten.")
                % {"max": _number(MAX_CELL_CHARS)},
                column or str(position + 1),
            )
    return [_cell_text(value) for value in record]


def _read_header(
    header_row: int, header: list[str], rows: list[tuple[int, list[str]]]
) -> tuple[list[str], dict[str, str], dict[str, int]]:
    """The Lid fields of the header's columns; refuses unknown, double and missing
    columns, and data in a column without a header."""
    errors: list[RowError] = []
    fields: list[str] = []
    headers: dict[str, str] = {}
    positions: dict[str, int] = {}
    allowed = ", ".join(column.header for column in COLUMNS)
    for position, text in enumerate(header, start=1):
        if not text:
            if any(
                position <= len(cells) and cells[position - 1] for _n, cells in rows
            ):
                errors.append(
                    RowError(
                        header_row,
                        str(position),
                        _("Deze kolom heeft gegevens maar geen kopnaam."),
                    )
                )
            continue
        name = FIELD_OF_HEADER.get(header_key(text))
        if name is None:
            errors.append(
                RowError(
                    header_row,
                    text,
                    _("Onbekende kolom. Bekende kolommen zijn: %(kolommen)s.")
                    % {"kolommen": allowed},
                )
            )
        elif name in headers:
            errors.append(
                RowError(
                    header_row,
                    text,
                    _("Deze kolom staat twee keer in het bestand (ook als %(kop)s).")
                    % {"kop": shown(headers[name])},
                )
            )
        else:
            fields.append(name)
            headers[name] = text
            positions[name] = position - 1
    errors.extend(
        RowError(
            number,
            str(len(header) + 1),
            _("Deze rij heeft meer cellen dan de kopregel kolommen heeft."),
        )
        for number, cells in rows
        if any(cells[len(header) :])
    )
    errors.extend(
        RowError(header_row, column.header, _("Deze verplichte kolom ontbreekt."))
        for column in COLUMNS
        if column.required and column.field not in headers
    )
    if errors:
        raise MemberImportError(errors)
    return fields, headers, positions

"""Reading an uploaded table (CSV or XLSX) into rows of text cells, bounded
before anything is parsed: its size, its rows, the cells of a row, the
characters of a cell and of the whole file. What the columns are is the
caller's (a :class:`TableSpec`); every import of the platform reads its files
here, so each gets the same bounds and the same messages."""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext as _

from kern import xlsx_check
from kern.tabellen import unescaped_cell

from .fouten import RowError, TableImportError, refused, shown

MAX_BYTES = 2 * 1024 * 1024
"""Largest file accepted unless the table says otherwise."""

MAX_COLUMNS = 64
"""Columns read from a spreadsheet; wider sheets are read only this far."""

MAX_CELLS_PER_ROW = xlsx_check.MAX_CELLS_PER_ROW
"""Cells in one row of the file (a CSV as a spreadsheet); a wider row is refused."""

MAX_CELL_CHARS = 1000
"""Characters in one cell, unless the table says otherwise."""

MAX_TOTAL_CHARS = 8_000_000
"""Characters in all cells together: one long text repeated in every cell is
refused too."""


def header_key(text: str) -> str:
    """A header compared without case, spaces, hyphens or underscores."""
    return re.sub(r"[^0-9a-z]", "", text.casefold())


@dataclass(frozen=True)
class TableSpec:
    """What a table to import looks like: its columns (`headers`: field → the
    header a template writes; `aliases`: other headers a column is known by),
    the fields it must have, and its bounds and messages."""

    headers: Mapping[str, str]
    required: Sequence[str]
    max_rows: int
    aliases: Mapping[str, Sequence[str]] = field(default_factory=dict)
    max_bytes: int = MAX_BYTES
    max_cell_chars: int = MAX_CELL_CHARS
    max_total_chars: int = MAX_TOTAL_CHARS
    # Messages naming what the rows are ("rijen met leden"); %(max)s is the limit.
    too_many_rows: str = ""
    header_only: str = ""
    # A published table (CBS, Leefbaarometer) has many columns the import does
    # not read: they are skipped instead of refused.
    skip_unknown: bool = False
    # CBS StatLine numbers each column after its name (`AantalInwoners_5`); the
    # number differs per year's table, so a header is compared without it.
    numbered_headers: bool = False

    @classmethod
    def of_columns(cls, columns: Sequence, **bounds) -> TableSpec:
        """The spec of declared columns: each has a `field`, the `header` a
        template writes, and optionally `aliases` and `required`."""
        return cls(
            headers={c.field: c.header for c in columns},
            aliases={c.field: tuple(getattr(c, "aliases", ())) for c in columns},
            required=[c.field for c in columns if getattr(c, "required", False)],
            **bounds,
        )

    def key(self, text: str) -> str:
        """A header of the file as it is compared with the known columns."""
        if self.numbered_headers:
            text = re.sub(r"_[0-9]+\s*$", "", text)
        return header_key(text)

    @property
    def max_sheet_rows(self) -> int:
        """Spreadsheet rows read at most (data rows plus room for blank ones); a
        sheet that says it runs further is refused."""
        return self.max_rows + 1000

    def field_of_header(self) -> dict[str, str]:
        return {
            header_key(name): column
            for column, header in self.headers.items()
            for name in (header, column, *self.aliases.get(column, ()))
        }


@dataclass
class ParsedRow:
    """The text cells of one row, by field."""

    number: int
    values: dict[str, str]


@dataclass
class ParsedFile:
    """The columns the file has (as fields, in file order), the headers as the
    file spells them, and its rows. `known`: every field of the table with the
    header a template writes (for errors on a column the file does not have)."""

    fields: list[str]
    headers: dict[str, str]
    rows: list[ParsedRow]
    known: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def header(self, name: str | None) -> str | None:
        """The column a field's error belongs to, as the file calls it."""
        if name is None or name == NON_FIELD_ERRORS:
            return None
        if name in self.headers:
            return self.headers[name]
        return self.known.get(name, name)

    def to_payload(self) -> dict[str, Any]:
        """Plain JSON data, to carry the rows from the preview to the commit."""
        return {
            "f": self.fields,
            "h": [self.headers[name] for name in self.fields],
            "r": [[r.number, [r.values[f] for f in self.fields]] for r in self.rows],
        }

    @classmethod
    def from_payload(cls, data: dict[str, Any], known: Mapping[str, str]):
        fields = [str(name) for name in data["f"]]
        if not set(fields) <= set(known):
            raise ValueError("unknown field in payload")
        return cls(
            fields=fields,
            headers=dict(zip(fields, data["h"], strict=True)),
            rows=[
                ParsedRow(int(number), dict(zip(fields, cells, strict=True)))
                for number, cells in data["r"]
            ],
            known=dict(known),
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


def _delimiter(text: str, spec: TableSpec) -> str:
    """`;`, `,` or a tab: whichever splits the header into more known columns (a
    spreadsheet in Dutch writes `;`, most other tools `,`, "Unicode text" tabs)."""
    header = _first_record(text)
    known_headers = spec.field_of_header()

    def score(delimiter: str) -> tuple[int, int]:
        cells = next(csv.reader([header], delimiter=delimiter), [])
        known = sum(1 for cell in cells if spec.key(cell) in known_headers)
        return known, len(cells)

    return max(";,\t", key=score)


def _csv_records(data: bytes, spec: TableSpec) -> Iterable[tuple[int, list[Any]]]:
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text, spec))
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


def _xlsx_records(data: bytes, spec: TableSpec) -> Iterable[tuple[int, list[Any]]]:
    import openpyxl  # only needed for spreadsheets

    max_sheet_rows = spec.max_sheet_rows
    # Sizes, counts, lengths and nesting are bounded before openpyxl reads a
    # byte: its read-only mode still builds rows and strings in memory.
    try:
        xlsx_check.inspect(data, max_rows=max_sheet_rows)
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
                max_row=max_sheet_rows, max_col=MAX_COLUMNS, values_only=True
            ),
            start=1,
        )
        if sheet.max_row is not None and sheet.max_row > max_sheet_rows:
            raise refused(
                max_sheet_rows + 1,
                _("Het werkblad loopt door tot voorbij rij %(max)s.")
                % {"max": _number(max_sheet_rows)},
            )
    except TableImportError:
        raise
    except Exception as exc:
        # A damaged workbook fails anywhere while its parts are read (broken
        # XML, no worksheet): one clear message instead of a crash.
        raise refused(None, _("Dit XLSX-bestand is niet te lezen.")) from exc
    finally:
        workbook.close()


def read_table(data: bytes, name: str, spec: TableSpec) -> ParsedFile:
    """Read a table file (CSV or XLSX, recognised by its content) with the
    columns of `spec`.

    Raises TableImportError for a file that cannot be read as a whole; problems
    of single rows are left to the caller, which reports all of them.
    """
    if len(data) > spec.max_bytes:
        raise refused(
            None,
            _("Het bestand mag hoogstens %(mb)s MB groot zijn.")
            % {"mb": spec.max_bytes // (1024 * 1024)},
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
    records = _xlsx_records(data, spec) if is_xlsx else _csv_records(data, spec)

    header_row: int | None = None
    header: list[str] = []
    rows: list[tuple[int, list[str]]] = []
    characters = 0
    for number, record in records:
        cells = _bounded_cells(number, record, header, spec)
        characters += sum(map(len, cells))
        if characters > spec.max_total_chars:
            raise refused(
                number,
                _("Het bestand mag hoogstens %(max)s tekens aan gegevens bevatten.")
                % {"max": _number(spec.max_total_chars)},
            )
        if not any(cells):
            continue
        if header_row is None:
            header_row, header = number, cells
            continue
        if len(rows) >= spec.max_rows:
            raise refused(
                number,
                (
                    spec.too_many_rows
                    or _("Het bestand mag hoogstens %(max)s rijen hebben.")
                )
                % {"max": _number(spec.max_rows)},
            )
        rows.append((number, cells))

    if header_row is None:
        raise refused(None, _("Het bestand mag niet leeg zijn."))
    fields, headers, positions = _read_header(header_row, header, rows, spec)
    if not rows:
        raise refused(
            None,
            spec.header_only or _("Het bestand moet onder de kopregel rijen bevatten."),
        )
    parsed_rows = [
        ParsedRow(
            number,
            {name: cells[i] if i < len(cells) else "" for name, i in positions.items()},
        )
        for number, cells in rows
    ]
    return ParsedFile(
        fields=fields, headers=headers, rows=parsed_rows, known=dict(spec.headers)
    )


def _bounded_cells(
    number: int, record: Sequence[Any], header: list[str], spec: TableSpec
) -> list[str]:
    """A record's cells as text, refused when the row has more than
    MAX_CELLS_PER_ROW cells or a cell more than the table's cell limit (before
    any copy of the text is made)."""
    if len(record) > MAX_CELLS_PER_ROW:
        raise refused(
            number,
            _("Een rij mag hoogstens %(max)s cellen hebben.")
            % {"max": MAX_CELLS_PER_ROW},
        )
    for position, value in enumerate(record):
        if isinstance(value, str) and len(value) > spec.max_cell_chars:
            column = header[position] if position < len(header) else ""
            raise refused(
                number,
                _("Een cel mag hoogstens %(max)s tekens bevatten.")
                % {"max": _number(spec.max_cell_chars)},
                column or str(position + 1),
            )
    return [_cell_text(value) for value in record]


def _read_header(
    header_row: int,
    header: list[str],
    rows: list[tuple[int, list[str]]],
    spec: TableSpec,
) -> tuple[list[str], dict[str, str], dict[str, int]]:
    """The fields of the header's columns; refuses unknown, double and missing
    columns, and data in a column without a header."""
    errors: list[RowError] = []
    fields: list[str] = []
    headers: dict[str, str] = {}
    positions: dict[str, int] = {}
    allowed = ", ".join(spec.headers.values())
    field_of_header = spec.field_of_header()
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
        name = field_of_header.get(spec.key(text))
        if name is None and spec.skip_unknown:
            continue
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
        RowError(header_row, spec.headers[name], _("Deze verplichte kolom ontbreekt."))
        for name in spec.required
        if name not in headers
    )
    if errors:
        raise TableImportError(errors)
    return fields, headers, positions

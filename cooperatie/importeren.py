"""Import and export of a cooperatie's member list (CSV or XLSX).

One module for the web pages and the `import_members` command, in four steps:

1. :func:`parse_file` reads the bytes into rows of text cells, with the row
   numbers a spreadsheet shows (the header is row 1 in a normal file), and refuses
   a file it cannot read as a whole: too big, empty, a missing or unknown column.
2. :func:`plan_import` validates every row as the services will (field formats,
   the model's rules, the year lock), matches each row to an existing member of
   the cooperatie, and says per row what will happen: new, updated (which fields)
   or unchanged; plus which current members will be ended because they are not in
   the file. Every problem is a :class:`RowError` naming the row and the column.
3. :func:`apply_plan` carries the plan out through `lid_create`, `lid_update` and
   `lid_end` (so every change is journaled) inside one transaction: a refusal of
   any row undoes all rows.
4. :func:`import_members` re-plans against the current database and applies, in
   one transaction: what the user confirms is what lands, or nothing does.

The export (:func:`export_rows`, :func:`write_csv`, :func:`write_xlsx`) writes the
same columns, so an exported list imports again without changes.
"""

from __future__ import annotations

import copy
import csv
import datetime
import hashlib
import io
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kern.tabellen import formula_like, safe_cell
from ledger import writes

from . import permissions, services, xlsx_check
from .choices import Bestuursfunctie, Doelgroep
from .models import Cooperatie, Lid

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

PREVIEW_CHARS = 100
"""A value from the file is shown in a message or the preview at most this long."""


def shown(text: str) -> str:
    """A value from the file as a message quotes it: its first PREVIEW_CHARS
    characters, and `…` when there is more."""
    text = str(text)
    return text if len(text) <= PREVIEW_CHARS else text[:PREVIEW_CHARS] + "…"


@dataclass(frozen=True)
class Column:
    """One column of the member file: its header, the Lid field it fills, and the
    explanation shown on the import page and in the template."""

    header: str
    field: str
    required: bool
    explanation: Any
    example: str
    aliases: tuple[str, ...] = ()


COLUMNS: tuple[Column, ...] = (
    Column(
        "naam",
        "naam",
        True,
        gettext_lazy("Naam van het huishouden of de contactpersoon."),
        "Jan de Vries",
    ),
    Column(
        "e-mail",
        "email",
        False,
        gettext_lazy(
            "E-mailadres; uniek binnen de coöperatie. Een lid wordt op e-mailadres "
            "herkend, anders op naam plus adres."
        ),
        "jan.devries@example.nl",
        ("emailadres",),
    ),
    Column(
        "telefoon",
        "telefoon",
        False,
        gettext_lazy("Telefoonnummer, hoogstens 20 tekens."),
        "06-12345678",
        ("telefoonnummer",),
    ),
    Column(
        "adres",
        "adres",
        False,
        gettext_lazy("Straat en huisnummer van de woning."),
        "Kastanjelaan 12-3",
        ("woning", "huisnummer"),
    ),
    Column(
        "lid_sinds",
        "lid_sinds",
        True,
        gettext_lazy("Eerste dag van het lidmaatschap: JJJJ-MM-DD of DD-MM-JJJJ."),
        "2024-01-01",
    ),
    Column(
        "lid_tot",
        "lid_tot",
        False,
        gettext_lazy(
            "Eerste dag dat het huishouden geen lid meer is; leeg voor een huidig lid."
        ),
        "",
    ),
    Column(
        "bestuursfunctie",
        "bestuursfunctie",
        False,
        gettext_lazy(
            "Leeg, of een van: voorzitter, secretaris, penningmeester, bestuurslid."
        ),
        "penningmeester",
        ("functie",),
    ),
    Column(
        "doelgroep",
        "doelgroep",
        False,
        gettext_lazy(
            "ja, nee of onbekend (leeg telt als onbekend): inkomen op of onder de "
            "DAEB-grens. Nooit een bedrag."
        ),
        "onbekend",
    ),
)

COLUMN_OF_FIELD = {column.field: column for column in COLUMNS}

# The services' actions, as shown per row.
NEW = "nieuw"
UPDATED = "bijgewerkt"
UNCHANGED = "ongewijzigd"
REFUSED = "fout"


def _header_key(text: str) -> str:
    """A header compared without case, spaces, hyphens or underscores."""
    return re.sub(r"[^0-9a-z]", "", text.casefold())


_FIELD_OF_HEADER = {
    _header_key(name): column.field
    for column in COLUMNS
    for name in (column.header, column.field, *column.aliases)
}


# Errors ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """One problem with the file: its row (None for the file as a whole or for a
    member who is not in the file), its column, and what is wrong."""

    row: int | None
    column: str | None
    message: str
    member: str = ""

    @property
    def shown_column(self) -> str:
        """The column as the preview shows it (a header can be any text)."""
        return shown(self.column or "")

    def __str__(self) -> str:
        if self.member:
            where = _("lid %(naam)s (niet in het bestand)") % {"naam": self.member}
        elif self.row is not None:
            where = _("rij %(rij)s") % {"rij": self.row}
        else:
            where = ""
        if self.column:
            column = _("kolom %(kolom)s") % {"kolom": shown(self.column)}
            where = f"{where}, {column}" if where else column
        return f"{where}: {self.message}" if where else self.message


class MemberImportError(Exception):
    """The file, or a row of it, is refused; nothing has been written."""

    def __init__(self, errors: Sequence[RowError], plan: ImportPlan | None = None):
        self.errors = list(errors)
        self.plan = plan
        super().__init__("\n".join(str(e) for e in self.errors))


# Step 1: reading the file -----------------------------------------------------------


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
    text = str(value).replace("\x00", "").strip()
    if len(text) > 1 and text[0] == "'" and formula_like(text[1:]):
        text = text[1:]
    return text


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
        known = sum(1 for cell in cells if _header_key(cell) in _FIELD_OF_HEADER)
        return known, len(cells)

    return max(";,\t", key=score)


def _csv_records(data: bytes) -> Iterable[tuple[int, list[Any]]]:
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        yield from enumerate(reader, start=1)
    except csv.Error as exc:
        raise MemberImportError(
            [
                RowError(
                    reader.line_num or None,
                    None,
                    _(
                        "Dit CSV-bestand is niet te lezen: een aanhalingsteken of "
                        "scheidingsteken staat op een onverwachte plek."
                    ),
                )
            ]
        ) from exc


def _xlsx_records(data: bytes) -> Iterable[tuple[int, list[Any]]]:
    import openpyxl  # only needed for spreadsheets

    # Sizes, counts, lengths and nesting are bounded before openpyxl reads a
    # byte: its read-only mode still builds rows and strings in memory.
    try:
        xlsx_check.inspect(data, max_rows=MAX_SHEET_ROWS)
    except xlsx_check.SpreadsheetRefusedError as exc:
        raise MemberImportError([RowError(exc.row, None, exc.message)]) from exc
    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=True
        )
    except Exception as exc:
        # A workbook that is no valid spreadsheet fails anywhere while its
        # parts are read (a missing part, XML of the wrong shape).
        raise MemberImportError(
            [RowError(None, None, _("Dit XLSX-bestand is niet te lezen."))]
        ) from exc
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
            raise MemberImportError(
                [
                    RowError(
                        MAX_SHEET_ROWS + 1,
                        None,
                        _("Het werkblad loopt door tot voorbij rij %(max)s.")
                        % {"max": f"{MAX_SHEET_ROWS:,}".replace(",", ".")},
                    )
                ]
            )
    except MemberImportError:
        raise
    except Exception as exc:
        # A damaged workbook fails anywhere while its parts are read (broken
        # XML, no worksheet): one clear message instead of a crash.
        raise MemberImportError(
            [RowError(None, None, _("Dit XLSX-bestand is niet te lezen."))]
        ) from exc
    finally:
        workbook.close()


def parse_file(data: bytes, name: str = "") -> ParsedFile:
    """Read a member file (CSV or XLSX, recognised by its content).

    Raises MemberImportError for a file that cannot be read as a whole; problems of
    single rows are left to :func:`plan_import`, which reports all of them.
    """
    if len(data) > MAX_BYTES:
        raise MemberImportError(
            [
                RowError(
                    None,
                    None,
                    _("Het bestand is groter dan %(mb)s MB.")
                    % {"mb": MAX_BYTES // (1024 * 1024)},
                )
            ]
        )
    if name.lower().endswith(".xls") or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise MemberImportError(
            [
                RowError(
                    None,
                    None,
                    _(
                        "Het oude Excel-formaat (.xls) wordt niet gelezen; sla het "
                        "bestand op als .xlsx of .csv."
                    ),
                )
            ]
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
            raise MemberImportError(
                [
                    RowError(
                        number,
                        None,
                        _(
                            "Het bestand mag hoogstens %(max)s tekens aan gegevens "
                            "bevatten."
                        )
                        % {"max": f"{MAX_TOTAL_CHARS:,}".replace(",", ".")},
                    )
                ]
            )
        if not any(cells):
            continue
        if header_row is None:
            header_row, header = number, cells
            continue
        if len(rows) >= MAX_ROWS:
            raise MemberImportError(
                [
                    RowError(
                        number,
                        None,
                        _("Het bestand heeft meer dan %(max)s rijen met leden.")
                        % {"max": f"{MAX_ROWS:,}".replace(",", ".")},
                    )
                ]
            )
        rows.append((number, cells))

    if header_row is None:
        raise MemberImportError([RowError(None, None, _("Het bestand is leeg."))])
    fields, headers, positions = _read_header(header_row, header, rows)
    if not rows:
        raise MemberImportError(
            [
                RowError(
                    None,
                    None,
                    _("Het bestand heeft alleen een kopregel en geen leden."),
                )
            ]
        )
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
        raise MemberImportError(
            [
                RowError(
                    number,
                    None,
                    _("Een rij mag hoogstens %(max)s cellen hebben.")
                    % {"max": MAX_CELLS_PER_ROW},
                )
            ]
        )
    for position, value in enumerate(record):
        if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
            column = header[position] if position < len(header) else ""
            raise MemberImportError(
                [
                    RowError(
                        number,
                        column or str(position + 1),
                        _("Een cel mag hoogstens %(max)s tekens bevatten.")
                        % {"max": f"{MAX_CELL_CHARS:,}".replace(",", ".")},
                    )
                ]
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
        name = _FIELD_OF_HEADER.get(_header_key(text))
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


# Step 2: the plan -------------------------------------------------------------------


_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")
_DUTCH_DATE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")


def _date(text: str) -> datetime.date:
    if match := _ISO_DATE.match(text):
        year, month, day = match.groups()
    elif match := _DUTCH_DATE.match(text):
        day, month, year = match.groups()
    else:
        raise ValueError(text)
    return datetime.date(int(year), int(month), int(day))


_CHOICES = {
    "bestuursfunctie": {str(value): str(value) for value in Bestuursfunctie.values},
    "doelgroep": {str(value): str(value) for value in Doelgroep.values},
}


def _convert(row: ParsedRow, parsed: ParsedFile) -> tuple[dict[str, Any], list]:
    """The row's typed values by Lid field, and its format errors."""
    values: dict[str, Any] = {}
    errors: list[RowError] = []

    def refuse(name: str, message: str) -> None:
        errors.append(RowError(row.number, parsed.header(name), message))

    for name in parsed.fields:
        text = row.values[name].strip()
        if name in ("lid_sinds", "lid_tot"):
            if not text and name == "lid_sinds":
                refuse(name, _("Vul de datum in waarop het lidmaatschap begon."))
                continue
            if not text:
                values[name] = None
                continue
            try:
                values[name] = _date(text)
            except ValueError:
                refuse(
                    name,
                    _("“%(waarde)s” is geen datum; schrijf JJJJ-MM-DD of DD-MM-JJJJ.")
                    % {"waarde": shown(text)},
                )
        elif name in _CHOICES:
            key = text.casefold()
            if not key and name == "doelgroep":
                key = Doelgroep.ONBEKEND
            if key and key not in _CHOICES[name]:
                refuse(
                    name,
                    _("“%(waarde)s” is geen geldige waarde; kies uit: %(keuzes)s.")
                    % {"waarde": shown(text), "keuzes": ", ".join(_CHOICES[name])},
                )
            else:
                values[name] = key
        elif name == "naam":
            values[name] = " ".join(text.split())
        else:
            values[name] = text
    return values, errors


def _same(text: str) -> str:
    """Names and addresses compared without case or extra spaces."""
    return " ".join(text.split()).casefold()


def _identity(values: dict[str, str]) -> tuple[str, tuple[str, str]]:
    """(e-mail, (naam, adres)) of a row's text cells, normalised for matching."""
    return (
        values.get("email", "").strip().casefold(),
        (_same(values.get("naam", "")), _same(values.get("adres", ""))),
    )


@dataclass
class RowPlan:
    """What will happen with one row of the file."""

    number: int
    values: dict[str, Any]
    cells: dict[str, str]
    lid: Lid | None = None
    action: str = NEW
    changes: dict[str, Any] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)

    @property
    def changed_columns(self) -> list[str]:
        return [COLUMN_OF_FIELD[name].header for name in self.changes]


@dataclass
class ImportPlan:
    """Per row what will happen, the members that will be ended, and every error.
    An import with errors cannot be applied."""

    cooperatie: Cooperatie
    parsed: ParsedFile
    rows: list[RowPlan]
    to_end: list[Lid]
    end_missing: bool
    end_date: datetime.date | None
    errors: list[RowError]

    def with_action(self, action: str) -> list[RowPlan]:
        return [row for row in self.rows if row.action == action]

    @property
    def new(self) -> list[RowPlan]:
        return self.with_action(NEW)

    @property
    def updated(self) -> list[RowPlan]:
        return self.with_action(UPDATED)

    @property
    def unchanged(self) -> list[RowPlan]:
        return self.with_action(UNCHANGED)

    def fingerprint(self) -> str:
        """A digest of what the plan will do: per row its action, member and
        changes, and the members it ends. The commit compares it with the
        preview's, so nothing happens that the preview did not show."""
        steps = [
            [
                row.number,
                row.action,
                row.lid.pk if row.lid else None,
                sorted((name, str(value)) for name, value in row.changes.items()),
            ]
            for row in self.rows
        ]
        steps.append(sorted(lid.pk for lid in self.to_end))
        steps.append(str(self.end_date) if self.end_missing else None)
        return hashlib.sha256(json.dumps(steps).encode()).hexdigest()


class PlanChangedError(Exception):
    """The members changed between the preview and the commit; nothing has been
    written. Carries the plan as it stands now."""

    def __init__(self, plan: ImportPlan):
        self.plan = plan
        super().__init__("plan changed since the preview")


class _Members:
    """The cooperatie's members, looked up the way rows are matched: by e-mail
    when both have one, else by naam plus adres."""

    def __init__(self, leden: Iterable[Lid]):
        self.by_email: dict[str, list[Lid]] = defaultdict(list)
        self.by_name: dict[tuple[str, str], list[Lid]] = defaultdict(list)
        for lid in leden:
            if lid.email:
                self.by_email[lid.email.casefold()].append(lid)
            self.by_name[(_same(lid.naam), _same(lid.adres))].append(lid)

    def match(self, cells: dict[str, str]) -> tuple[Lid | None, str]:
        """The member a row stands for (or None for a new one), or an error."""
        email, name = _identity(cells)
        if email and (found := self.by_email.get(email)):
            exact = [lid for lid in found if lid.email == cells["email"].strip()]
            return (exact or found)[0], ""
        candidates = [
            lid for lid in self.by_name.get(name, []) if not (email and lid.email)
        ]
        if len(candidates) > 1:
            current = [lid for lid in candidates if lid.lid_tot is None]
            if len(current) == 1:
                return current[0], ""
            return None, _(
                "Meer dan één lid heeft deze naam en dit adres; vul het "
                "e-mailadres in om aan te geven welk lid het is."
            )
        return (candidates[0] if candidates else None), ""


def _flag_duplicates(rows: list[RowPlan], parsed: ParsedFile) -> set[frozenset]:
    """Rows for the same member (same e-mail, or same naam plus adres where not
    both have an e-mail) are refused, on both rows. Returns the pairs of row
    numbers found."""
    pairs: set[frozenset] = set()
    by_email: dict[str, list[RowPlan]] = defaultdict(list)
    by_name: dict[tuple[str, str], list[RowPlan]] = defaultdict(list)
    for row in rows:
        email, name = _identity(row.cells)
        if email:
            by_email[email].append(row)
        if name[0]:
            by_name[name].append(row)
    for group in by_email.values():
        for row in group:
            others = [other.number for other in group if other is not row]
            pairs.update(frozenset((row.number, other)) for other in others)
            if others:
                row.errors.append(
                    RowError(
                        row.number,
                        parsed.header("email"),
                        _("Hetzelfde e-mailadres staat ook in rij %(rijen)s.")
                        % {"rijen": ", ".join(map(str, others))},
                    )
                )
    for group in by_name.values():
        for row in group:
            email = _identity(row.cells)[0]
            others = [
                other.number
                for other in group
                if other is not row and not (email and _identity(other.cells)[0])
            ]
            pairs.update(frozenset((row.number, other)) for other in others)
            if others:
                row.errors.append(
                    RowError(
                        row.number,
                        parsed.header("naam"),
                        _(
                            "Dezelfde naam met hetzelfde adres staat ook in rij "
                            "%(rijen)s."
                        )
                        % {"rijen": ", ".join(map(str, others))},
                    )
                )
    return pairs


def _errors_of(
    exc: ValidationError, parsed: ParsedFile, *, row: int | None, member: str = ""
) -> list[RowError]:
    """A service's or model's ValidationError as errors on the file's columns."""
    if not hasattr(exc, "error_dict"):
        return [RowError(row, None, message, member) for message in exc.messages]
    return [
        RowError(row, parsed.header(name), message, member)
        for name, errors in exc.error_dict.items()
        for error in errors
        for message in error.messages
    ]


class _Checker:
    """The refusals the service would give for one change: the model's rules on
    the changed instance, then the year lock on the membership dates.

    The year lock depends only on the old and new dates, so its verdict is kept
    per combination of dates: a list of hundreds of members shares a few dates,
    and each check costs several queries.
    """

    def __init__(self, parsed: ParsedFile):
        self.parsed = parsed
        self.year_lock: dict[tuple, ValidationError | None] = {}

    def __call__(
        self,
        *,
        row: int | None,
        instance: Lid,
        lid: Lid,
        before,
        data: dict[str, Any],
        member: str = "",
    ) -> list[RowError]:
        try:
            writes.validate(instance)
        except ValidationError as exc:
            return _errors_of(exc, self.parsed, row=row, member=member)
        key = (
            before,
            lid.lid_sinds,
            lid.lid_tot,
            data.get("lid_sinds", "-"),
            data.get("lid_tot", "-"),
        )
        if key not in self.year_lock:
            try:
                services._check_membership_change(lid, before, data)
            except ValidationError as exc:
                self.year_lock[key] = exc
            else:
                self.year_lock[key] = None
        refusal = self.year_lock[key]
        if refusal is None:
            return []
        return _errors_of(refusal, self.parsed, row=row, member=member)


def _field_errors(
    parsed: ParsedFile, row: RowPlan, cooperatie: Cooperatie
) -> list[RowError]:
    """For a row refused already: the model's own checks of the other fields
    (e-mail format, lengths), so that one upload shows every error of the row."""
    instance = Lid(cooperatie=cooperatie, **row.values)
    known = {error.column for error in row.errors}
    try:
        instance.clean_fields(
            exclude=[f.name for f in Lid._meta.fields if f.name not in row.values]
        )
    except ValidationError as exc:
        return [
            error
            for error in _errors_of(exc, parsed, row=row.number)
            if error.column not in known
        ]
    return []


def plan_import(
    *,
    cooperatie: Cooperatie,
    parsed: ParsedFile,
    actor,
    end_missing: bool = False,
    end_date: datetime.date | None = None,
) -> ImportPlan:
    """Validate and match every row against the cooperatie's members (only its
    own bestuur may: this reads personal data); nothing is written."""
    permissions.require_bestuur(actor, cooperatie.pk)
    if end_missing and end_date is None:
        raise ValueError("end_date is required to end missing members")
    leden = list(Lid.objects.filter(cooperatie=cooperatie).order_by("pk"))
    members = _Members(leden)
    rows: list[RowPlan] = []
    for parsed_row in parsed.rows:
        values, errors = _convert(parsed_row, parsed)
        rows.append(
            RowPlan(parsed_row.number, values, parsed_row.values, errors=errors)
        )
    duplicates = _flag_duplicates(rows, parsed)

    matched: dict[int, RowPlan] = {}
    check = _Checker(parsed)
    # The year lock's checks lock the cooperatie's row, which needs a transaction.
    with transaction.atomic():
        for row in rows:
            lid, problem = members.match(row.cells)
            if problem:
                row.errors.append(RowError(row.number, parsed.header("naam"), problem))
            elif lid is not None:
                first = matched.setdefault(lid.pk, row)
                pair = frozenset((first.number, row.number))
                # (Two rows refused as duplicates already need no second error.)
                if first is not row and pair not in duplicates:
                    message = _("Rij %(a)s en rij %(b)s zijn hetzelfde lid.") % {
                        "a": first.number,
                        "b": row.number,
                    }
                    for plan_row in (first, row):
                        plan_row.errors.append(
                            RowError(plan_row.number, parsed.header("naam"), message)
                        )
                row.lid = lid
            if row.errors:
                row.errors += _field_errors(parsed, row, cooperatie)
                continue
            if row.lid is None:
                row.action = NEW
                instance = Lid(
                    cooperatie=cooperatie, journaal_salt=Lid.new_salt(), **row.values
                )
                row.errors += check(
                    row=row.number,
                    instance=instance,
                    lid=instance,
                    before=None,
                    data=row.values,
                )
            else:
                row.changes = {
                    name: value
                    for name, value in row.values.items()
                    if getattr(row.lid, name) != value
                }
                row.action = UPDATED if row.changes else UNCHANGED
                if row.changes:
                    instance = copy.copy(row.lid)
                    for name, value in row.changes.items():
                        setattr(instance, name, value)
                    row.errors += check(
                        row=row.number,
                        instance=instance,
                        lid=row.lid,
                        before=(row.lid.lid_sinds, row.lid.lid_tot),
                        data=row.changes,
                    )

        to_end: list[Lid] = []
        errors_to_end: list[RowError] = []
        if end_missing:
            for lid in leden:
                if lid.lid_tot is not None or lid.pk in matched:
                    continue
                to_end.append(lid)
                instance = copy.copy(lid)
                instance.lid_tot = end_date
                errors_to_end += check(
                    row=None,
                    instance=instance,
                    lid=lid,
                    before=(lid.lid_sinds, None),
                    data={"lid_tot": end_date},
                    member=lid.naam,
                )

    for row in rows:
        if row.errors:
            row.action = REFUSED
    errors = sorted(
        (error for row in rows for error in row.errors),
        key=lambda error: error.row or 0,
    )
    return ImportPlan(
        cooperatie=cooperatie,
        parsed=parsed,
        rows=rows,
        to_end=to_end,
        end_missing=end_missing,
        end_date=end_date,
        errors=[*errors, *errors_to_end],
    )


# Steps 3 and 4: applying ----------------------------------------------------------


@dataclass
class ImportReport:
    """What an applied import changed."""

    created: list[Lid] = field(default_factory=list)
    updated: list[tuple[Lid, list[str]]] = field(default_factory=list)
    ended: list[Lid] = field(default_factory=list)
    unchanged: int = 0


def apply_plan(plan: ImportPlan, *, actor) -> ImportReport:
    """Carry out a plan without errors through the services, all or nothing.

    A refusal by a service (the database changed since the plan was made) undoes
    every row and raises MemberImportError naming the row.
    """
    if plan.errors:
        raise MemberImportError(plan.errors, plan)
    report = ImportReport(unchanged=len(plan.unchanged))
    with transaction.atomic():
        for row in plan.rows:
            try:
                if row.action == NEW:
                    report.created.append(
                        services.lid_create(
                            cooperatie=plan.cooperatie, actor=actor, **row.values
                        )
                    )
                elif row.action == UPDATED:
                    services.lid_update(lid=row.lid, actor=actor, **row.changes)
                    report.updated.append((row.lid, row.changed_columns))
            except ValidationError as exc:
                raise MemberImportError(
                    _errors_of(exc, plan.parsed, row=row.number), plan
                ) from exc
        for lid in plan.to_end:
            try:
                services.lid_end(lid=lid, lid_tot=plan.end_date, actor=actor)
            except ValidationError as exc:
                raise MemberImportError(
                    _errors_of(exc, plan.parsed, row=None, member=lid.naam), plan
                ) from exc
            report.ended.append(lid)
    return report


def import_members(
    *,
    cooperatie: Cooperatie,
    parsed: ParsedFile,
    actor,
    end_missing: bool = False,
    end_date: datetime.date | None = None,
    expected: str | None = None,
) -> ImportReport:
    """Plan against the database as it is now and apply, in one transaction.

    With `expected` (the fingerprint of the plan a user confirmed), a plan that
    differs from it raises PlanChangedError and writes nothing.
    """
    with transaction.atomic():
        plan = plan_import(
            cooperatie=cooperatie,
            parsed=parsed,
            actor=actor,
            end_missing=end_missing,
            end_date=end_date,
        )
        if expected is not None and not plan.errors and plan.fingerprint() != expected:
            raise PlanChangedError(plan)
        return apply_plan(plan, actor=actor)


# Export and template --------------------------------------------------------------


def export_rows(leden: Iterable[Lid]) -> list[list[Any]]:
    """The member rows of an export: one value per column, dates as dates."""
    return [[getattr(lid, column.field) for column in COLUMNS] for lid in leden]


def example_rows() -> list[list[Any]]:
    """The template's one example row."""
    return [[column.example for column in COLUMNS]]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return safe_cell(value)


def write_csv(rows: Iterable[Sequence[Any]]) -> bytes:
    """A CSV a Dutch spreadsheet opens as it is: UTF-8 with BOM, `;`, CRLF; every
    text cell escaped so that it is never run as a formula."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([column.header for column in COLUMNS])
    for row in rows:
        writer.writerow([_text(value) for value in row])
    return out.getvalue().encode("utf-8-sig")


def write_xlsx(rows: Iterable[Sequence[Any]], *, explanation: bool = False) -> bytes:
    """An XLSX with the columns on the first sheet (dates as real dates), and
    optionally a second sheet that explains the columns."""
    import openpyxl
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    def cell(value: Any) -> Any:
        if value is None or isinstance(value, datetime.date):
            return value
        # Drop what a spreadsheet cannot hold first, then escape: a formula sign
        # behind a control character must not become the first character.
        return safe_cell(ILLEGAL_CHARACTERS_RE.sub("", str(value)))

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

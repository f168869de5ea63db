"""Bounds on a spreadsheet (XLSX) before openpyxl opens it.

An XLSX is a zip of XML parts. A file of a few hundred kilobytes can unpack to
gigabytes (a 300 MB shared string, a row of ten million cells), and openpyxl's
read-only mode builds each row, the shared-string table and the styles in memory.
So every part is read here first, through a bounded stream and a streaming XML
parser that keeps nothing: the zip's member count, each part's unpacked size (as
the zip declares it, and as it really unpacks: a lying header cannot pass the
cap), the total, the compression ratio, and per XML part its depth, element
count, text lengths, rows, cells per row and the sheet's declared dimension.

:func:`inspect` raises :class:`SpreadsheetRefusedError` with a message that names
what is too large; only a file that passes is handed to openpyxl.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from xml.parsers import expat

from django.utils.translation import gettext as _

from kern.formatting import getal

MAX_PARTS = 100
"""Zip members (an XLSX from a spreadsheet has about ten)."""

MAX_PART_BYTES = 16 * 1024 * 1024
"""Unpacked size of one part (the sheet of 5,000 members is about 2 MB)."""

MAX_TOTAL_BYTES = 32 * 1024 * 1024
"""Unpacked size of all parts together."""

MAX_RATIO = 100
"""Unpacked size over packed size of one part (spreadsheets reach about 12)."""

RATIO_FLOOR = 1024 * 1024
"""Parts that unpack to less than this are not held to the ratio."""

MAX_ELEMENTS = 500_000
"""XML elements in one part."""

MAX_DEPTH = 64
"""Nesting of XML elements (a spreadsheet uses about 6)."""

MAX_TEXT = 32_767
"""Characters in one text, one shared string or one cell: a spreadsheet's own
limit for a cell."""

MAX_CELLS_PER_ROW = 256
"""Cells in one row of a sheet (a member list has eight columns)."""

CHUNK = 64 * 1024

_SHEET_NAMESPACES = frozenset(
    {
        "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
        "http://purl.oclc.org/ooxml/spreadsheetml/main",
    }
)
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_CELL_REF = re.compile(r"^\$?([A-Za-z]{1,7})\$?(\d{1,12})$")


class SpreadsheetRefusedError(Exception):
    """The file is refused; `row` is the sheet row at fault, if one is."""

    def __init__(self, message: str, row: int | None = None):
        self.message = message
        self.row = row
        super().__init__(message)


def _mb(size: int) -> str:
    return f"{size // (1024 * 1024)}"


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


class _PartScanner:
    """Counts what one XML part holds while expat streams it; keeps nothing."""

    def __init__(self, name: str, *, max_rows: int):
        self.name = name
        self.max_rows = max_rows
        self.depth = 0
        self.elements = 0
        # Characters of the current text element, shared string and cell.
        self.text = 0
        self.cell_text: int | None = None
        self.rows = 0
        self.row_number = 0
        self.cells_in_row: int | None = None
        self.parser = expat.ParserCreate(namespace_separator=" ")
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end
        self.parser.CharacterDataHandler = self.characters
        self.parser.StartDoctypeDeclHandler = self.doctype
        self.parser.EntityDeclHandler = self.doctype

    def refuse(self, message: str, row: int | None = None):
        raise SpreadsheetRefusedError(message, row)

    def doctype(self, *_args):
        self.refuse(
            _("Het onderdeel %(naam)s van het XLSX-bestand mag geen DTD bevatten.")
            % {"naam": self.name}
        )

    def start(self, tag: str, attributes: dict[str, str]):
        self.depth += 1
        self.elements += 1
        self.text = 0
        if self.depth > MAX_DEPTH:
            self.refuse(
                _(
                    "Het onderdeel %(naam)s van het XLSX-bestand mag hoogstens "
                    "%(max)s niveaus diep genest zijn."
                )
                % {"naam": self.name, "max": MAX_DEPTH}
            )
        if self.elements > MAX_ELEMENTS:
            self.refuse(
                _(
                    "Het onderdeel %(naam)s van het XLSX-bestand mag hoogstens "
                    "%(max)s XML-elementen bevatten."
                )
                % {"naam": self.name, "max": getal(MAX_ELEMENTS, 0, groeperen=True)}
            )
        namespace, _sep, local = tag.rpartition(" ")
        if namespace not in _SHEET_NAMESPACES:
            return
        if local == "row":
            self.start_row(attributes)
        elif local == "c" and self.cells_in_row is not None:
            self.cells_in_row += 1
            if self.cells_in_row > MAX_CELLS_PER_ROW:
                self.refuse(
                    _("Een rij mag hoogstens %(max)s cellen hebben.")
                    % {"max": MAX_CELLS_PER_ROW},
                    self.row_number,
                )
            self.cell_text = 0
        elif local == "si":
            self.cell_text = 0
        elif local == "dimension":
            self.check_dimension(attributes.get("ref", ""))

    def start_row(self, attributes: dict[str, str]):
        self.rows += 1
        number = attributes.get("r", "")
        self.row_number = (
            int(number) if number.isdigit() and len(number) < 12 else self.rows
        )
        if self.rows > self.max_rows or self.row_number > self.max_rows:
            self.too_many_rows()
        self.cells_in_row = 0

    def too_many_rows(self):
        self.refuse(
            _("Het werkblad loopt door tot voorbij rij %(max)s.")
            % {"max": getal(self.max_rows, 0, groeperen=True)},
            self.max_rows + 1,
        )

    def check_dimension(self, ref: str):
        """The area the sheet says it uses, e.g. `A1:H5001`: openpyxl sizes rows
        by it, so a claim past the limits is refused before any row is read."""
        last = ref.rpartition(":")[2]
        match = _CELL_REF.match(last)
        if not match:
            return
        columns, rows = _column_number(match.group(1)), int(match.group(2))
        if rows > self.max_rows:
            self.too_many_rows()
        if columns > MAX_CELLS_PER_ROW:
            self.refuse(
                _("Het werkblad mag hoogstens %(max)s kolommen breed zijn.")
                % {"max": MAX_CELLS_PER_ROW}
            )

    def end(self, tag: str):
        self.depth -= 1
        self.text = 0
        namespace, _sep, local = tag.rpartition(" ")
        if namespace not in _SHEET_NAMESPACES:
            return
        if local == "row":
            self.cells_in_row = None
        elif local in ("c", "si"):
            self.cell_text = None

    def characters(self, data: str):
        self.text += len(data)
        if self.cell_text is not None:
            self.cell_text += len(data)
        if self.text > MAX_TEXT or (self.cell_text or 0) > MAX_TEXT:
            self.refuse(
                _(
                    "Een tekst in het onderdeel %(naam)s van het XLSX-bestand mag "
                    "hoogstens %(max)s tekens lang zijn."
                )
                % {"naam": self.name, "max": getal(MAX_TEXT, 0, groeperen=True)},
                self.row_number if self.cells_in_row is not None else None,
            )

    def feed(self, data: bytes, final: bool = False):
        try:
            self.parser.Parse(data, final)
        except expat.ExpatError as exc:
            raise SpreadsheetRefusedError(
                _(
                    "Dit XLSX-bestand is niet te lezen: het onderdeel %(naam)s moet "
                    "geldige XML zijn."
                )
                % {"naam": self.name}
            ) from exc


def _check_declared(infos: list[zipfile.ZipInfo]) -> None:
    """The zip's own statement of its parts, before anything is unpacked."""
    if len(infos) > MAX_PARTS:
        raise SpreadsheetRefusedError(
            _("Een XLSX-bestand mag hoogstens %(max)s onderdelen hebben.")
            % {"max": MAX_PARTS}
        )
    total = 0
    for info in infos:
        if info.file_size > MAX_PART_BYTES:
            raise SpreadsheetRefusedError(_part_too_big(info.filename))
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(
            info.compress_size, 1
        ):
            raise SpreadsheetRefusedError(
                _(
                    "Het onderdeel %(naam)s van het XLSX-bestand mag hoogstens "
                    "%(max)s keer zo groot uitpakken als het ingepakt is."
                )
                % {"naam": info.filename, "max": MAX_RATIO}
            )
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise SpreadsheetRefusedError(_total_too_big())


def _part_too_big(name: str) -> str:
    return _(
        "Het onderdeel %(naam)s van het XLSX-bestand mag uitgepakt hoogstens "
        "%(mb)s MB zijn."
    ) % {"naam": name, "mb": _mb(MAX_PART_BYTES)}


def _total_too_big() -> str:
    return _("Een XLSX-bestand mag uitgepakt hoogstens %(mb)s MB zijn.") % {
        "mb": _mb(MAX_TOTAL_BYTES)
    }


def inspect(data: bytes, *, max_rows: int) -> None:
    """Refuse an XLSX whose parts are too many, too large, too compressed, or
    whose XML is invalid, too deep, too long in any text, or holds more than
    `max_rows` rows or more than MAX_CELLS_PER_ROW cells in a row."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise SpreadsheetRefusedError(_("Dit XLSX-bestand is niet te lezen.")) from exc
    with archive:
        infos = archive.infolist()
        _check_declared(infos)
        total = 0
        for info in infos:
            if info.is_dir():
                continue
            scanner = None
            if info.filename.lower().endswith(_XML_SUFFIXES):
                scanner = _PartScanner(info.filename, max_rows=max_rows)
            size = 0
            try:
                with archive.open(info) as stream:
                    # Read one chunk past what the part may hold: a part that
                    # unpacks to more than its header says (or than the caps)
                    # is stopped at the first chunk over.
                    while chunk := stream.read(CHUNK):
                        size += len(chunk)
                        total += len(chunk)
                        if size > min(info.file_size, MAX_PART_BYTES):
                            raise SpreadsheetRefusedError(
                                _(
                                    "Het onderdeel %(naam)s van het XLSX-bestand "
                                    "mag niet groter uitpakken dan het zelf opgeeft."
                                )
                                % {"naam": info.filename}
                                if size > info.file_size
                                else _part_too_big(info.filename)
                            )
                        if total > MAX_TOTAL_BYTES:
                            raise SpreadsheetRefusedError(_total_too_big())
                        if scanner is not None:
                            scanner.feed(chunk)
            except (
                zipfile.BadZipFile,
                zipfile.LargeZipFile,
                zlib.error,
                OSError,
                EOFError,
                NotImplementedError,
                RuntimeError,
            ) as exc:
                # A damaged part, a wrong checksum (also what a part that
                # unpacks to other bytes than its header declares gives), an
                # unknown compression, an encrypted part.
                raise SpreadsheetRefusedError(
                    _(
                        "Dit XLSX-bestand is niet te lezen: het onderdeel %(naam)s "
                        "is beschadigd."
                    )
                    % {"naam": info.filename}
                ) from exc
            if scanner is not None:
                scanner.feed(b"", final=True)

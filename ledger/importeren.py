"""Import of activities and bookings from a CSV or XLSX file, with the member
import's contract: a template to fill in, the platform's bounded reader
(`kern.tabelimport`), a preview that names every refused row and column, and
all rows or none.

Each row is read into the values of a single write (dates as JJJJ-MM-DD or
DD-MM-JJJJ, amounts and hours as people type them), then all rows go through
`activiteit_create_many` or `boeking_create_many`: the checks of a single
write for every row, then all rows written at once, one journal entry per row.
The preview runs the same services in a transaction it rolls back, so it
cannot disagree with the import.

Volunteers are named by the member's name or number (the member's id), several
separated by commas. A storno is never imported: it is made on its booking.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cooperatie import permissions
from cooperatie.models import Cooperatie, Lid
from kern import tabelimport, writes
from kern.forms import lees_bedrag
from kern.mail import once
from kern.tabelimport import ParsedFile, RowError, TableImportError, shown

from . import services
from .choices import BoekingSoort, Thema
from .models import Activiteit

MAX_ROWS = 1000
"""Most rows of one file: a few years of a busy cooperatie's activities."""

MAX_VRIJWILLIGERS = 100
"""Most volunteers named in one cell."""

ACTIVITEITEN = "activiteiten"
BOEKINGEN = "boekingen"


@dataclass(frozen=True)
class Column:
    """One column of an import file: the field it fills, its header, what to
    write in it (shown on the page and in the template) and an example."""

    field: str
    explanation: Any
    example: str
    required: bool = False
    header: str = ""

    def __post_init__(self):
        if not self.header:
            object.__setattr__(self, "header", self.field)


def _keuzes(choices) -> str:
    return ", ".join(value for value, _label in choices)


ACTIVITEIT_COLUMNS: tuple[Column, ...] = (
    Column(
        "datum",
        gettext_lazy("Datum van de activiteit: DD-MM-JJJJ of JJJJ-MM-DD."),
        "08-01-2025",
        required=True,
    ),
    Column("titel", gettext_lazy("Naam van de activiteit."), "Koffieochtend", True),
    Column(
        "thema",
        gettext_lazy(
            "Een van: ontmoeting, groen, duurzaamheid, taal_educatie, "
            "voedsel_armoede, kunst_cultuur, zorg_voor_elkaar, schoon_veilig, "
            "overig (of de naam, zoals “taal en educatie”)."
        ),
        "ontmoeting",
        True,
    ),
    Column("omschrijving", gettext_lazy("Wat er gebeurde (mag leeg)."), ""),
    Column(
        "open_voor_buurt",
        gettext_lazy("ja of nee (leeg telt als nee)."),
        "ja",
    ),
    Column(
        "deelnemers_leden",
        gettext_lazy("Aantal leden dat meedeed (leeg telt als 0)."),
        "12",
    ),
    Column(
        "deelnemers_buurt",
        gettext_lazy("Aantal deelnemers uit de buurt die geen lid zijn."),
        "3",
    ),
    Column(
        "vrijwilligersuren",
        gettext_lazy("Alle uren van alle vrijwilligers samen, bijv. 7,5."),
        "4,5",
    ),
    Column(
        "vrijwilligers",
        gettext_lazy(
            "Namen of nummers van leden die meehielpen, gescheiden door komma's "
            "(mag leeg)."
        ),
        "",
    ),
    Column(
        "partners",
        gettext_lazy("Organisaties waarmee is samengewerkt (mag leeg)."),
        "",
    ),
    Column(
        "buurtcode",
        gettext_lazy("CBS-buurtcode van de plek, bijv. BU03440304 (mag leeg)."),
        "",
    ),
)

BOEKING_COLUMNS: tuple[Column, ...] = (
    Column(
        "datum",
        gettext_lazy("Datum van de boeking: DD-MM-JJJJ of JJJJ-MM-DD."),
        "08-01-2025",
        required=True,
    ),
    Column(
        "soort",
        gettext_lazy("budget (ontvangen) of uitgave."),
        "uitgave",
        required=True,
    ),
    Column(
        "bedrag",
        gettext_lazy("In euro, altijd positief, bijv. 1.234,50 of 12,50."),
        "12,50",
        required=True,
    ),
    Column(
        "omschrijving",
        gettext_lazy("Waarvoor het geld is ontvangen of uitgegeven."),
        "Koffie en koekjes",
        required=True,
    ),
    Column(
        "activiteit",
        gettext_lazy(
            "Nummer of titel van de activiteit waarvoor het geld is (mag leeg)."
        ),
        "",
    ),
)


# Reading cells ---------------------------------------------------------------------


class _CellError(Exception):
    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


def _datum(text: str, _context):
    value = tabelimport.lees_datum(text)
    if value is None:
        raise _CellError(
            _("“%(waarde)s” is geen datum; schrijf JJJJ-MM-DD of DD-MM-JJJJ.")
            % {"waarde": shown(text)}
        )
    return value


def _choice(choices) -> Callable[[str, Any], str]:
    by_text = {}
    for value, label in choices:
        by_text[value.casefold()] = value
        by_text[str(label).casefold()] = value

    def read(text: str, _context) -> str:
        value = by_text.get(" ".join(text.split()).casefold())
        if value is None:
            raise _CellError(
                _("“%(waarde)s” is geen geldige waarde; kies uit: %(keuzes)s.")
                % {"waarde": shown(text), "keuzes": _keuzes(choices)}
            )
        return value

    return read


_JA = {"ja", "j", "yes", "y", "true", "waar", "1", "x"}
_NEE = {"nee", "n", "no", "false", "onwaar", "0", ""}


def _boolean(text: str, _context) -> bool:
    key = text.strip().casefold()
    if key in _JA:
        return True
    if key in _NEE:
        return False
    raise _CellError(
        _("“%(waarde)s” is geen geldige waarde; kies uit: %(keuzes)s.")
        % {"waarde": shown(text), "keuzes": "ja, nee"}
    )


def _aantal(text: str, _context) -> int:
    text = text.strip() or "0"
    if not (text.isascii() and text.isdigit() and len(text) <= 9):
        raise _CellError(
            _(
                "Het aantal moet een geheel getal van nul of meer zijn, niet "
                "“%(waarde)s”."
            )
            % {"waarde": shown(text)}
        )
    return int(text)


def _uren(text: str, _context) -> Decimal:
    if not text.strip():
        return Decimal("0")
    try:
        return lees_bedrag(text)
    except (ValueError, InvalidOperation) as exc:
        raise _CellError(
            _(
                "Het aantal uren moet een getal zijn, bijvoorbeeld 7,5, niet "
                "“%(waarde)s”."
            )
            % {"waarde": shown(text)}
        ) from exc


def _bedrag(text: str, _context) -> Decimal:
    try:
        return lees_bedrag(text)
    except (ValueError, InvalidOperation) as exc:
        raise _CellError(str(exc)) from exc


def _tekst(text: str, _context) -> str:
    return text


def _regel(text: str, _context) -> str:
    return " ".join(text.split())


@dataclass
class _Context:
    """What the cells of a cooperatie's rows are matched against, read once."""

    leden: list[Lid] | None = None
    activiteiten: list[Activiteit] | None = None
    _leden_index: tuple[dict, dict] | None = None

    def leden_index(self) -> tuple[dict[str, Lid], dict[str, list[Lid]]]:
        """The members by number and by name, made once for all rows."""
        if self._leden_index is None:
            by_pk = {str(lid.pk): lid for lid in self.leden}
            by_name: dict[str, list[Lid]] = {}
            for lid in self.leden:
                by_name.setdefault(_naam_key(lid.naam), []).append(lid)
            self._leden_index = (by_pk, by_name)
        return self._leden_index

    _activiteiten_index: tuple[dict, dict] | None = None

    def activiteiten_index(
        self,
    ) -> tuple[dict[str, Activiteit], dict[str, list[Activiteit]]]:
        """The activities by number and by title, made once for all rows."""
        if self._activiteiten_index is None:
            by_title: dict[str, list[Activiteit]] = {}
            for activiteit in self.activiteiten:
                by_title.setdefault(activiteit.titel.casefold(), []).append(activiteit)
            self._activiteiten_index = (
                {str(a.pk): a for a in self.activiteiten},
                by_title,
            )
        return self._activiteiten_index


def _naam_key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _vrijwilligers(text: str, context: _Context) -> list[Lid]:
    names = [part.strip() for part in re.split(r"[,\n]", text) if part.strip()]
    if len(names) > MAX_VRIJWILLIGERS:
        raise _CellError(
            _("Noem hoogstens %(max)s vrijwilligers.") % {"max": MAX_VRIJWILLIGERS}
        )
    by_pk, by_name = context.leden_index()
    found: list[Lid] = []
    for name in names:
        if name in by_pk:
            found.append(by_pk[name])
            continue
        matches = by_name.get(_naam_key(name), [])
        if not matches:
            raise _CellError(
                _("“%(naam)s” is geen lid van deze coöperatie (naam of nummer).")
                % {"naam": shown(name)}
            )
        if len(matches) > 1:
            raise _CellError(
                _(
                    "Meer dan één lid heet “%(naam)s”; schrijf het nummer van het "
                    "lid (%(nummers)s)."
                )
                % {
                    "naam": shown(name),
                    "nummers": ", ".join(str(m.pk) for m in matches),
                }
            )
        found.append(matches[0])
    return list(dict.fromkeys(found))


def _activiteit(text: str, context: _Context) -> Activiteit | None:
    text = " ".join(text.split())
    if not text:
        return None
    by_pk, by_title = context.activiteiten_index()
    if text in by_pk:
        return by_pk[text]
    matches = by_title.get(text.casefold(), [])
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise _CellError(
            _(
                "Meer dan één activiteit heet “%(titel)s”; schrijf het nummer van "
                "de activiteit (%(nummers)s)."
            )
            % {"titel": shown(text), "nummers": ", ".join(str(a.pk) for a in matches)}
        )
    raise _CellError(
        _("“%(waarde)s” is geen activiteit van deze coöperatie (nummer of titel).")
        % {"waarde": shown(text)}
    )


# The two imports -------------------------------------------------------------------


@dataclass(frozen=True)
class Soort:
    """One kind of import: its columns, how each cell is read, the service that
    writes the rows and the messages that name what the rows are."""

    naam: str
    columns: tuple[Column, ...]
    readers: dict[str, Callable[[str, _Context], Any]]
    create_many: Callable[..., list]

    def spec(self) -> tabelimport.TableSpec:
        return tabelimport.TableSpec.of_columns(
            self.columns,
            max_rows=MAX_ROWS,
            max_cell_chars=Activiteit._meta.get_field("omschrijving").max_length + 100,
            too_many_rows=(
                _("Het bestand mag hoogstens %(max)s rijen met activiteiten hebben.")
                if self.naam == ACTIVITEITEN
                else _("Het bestand mag hoogstens %(max)s rijen met boekingen hebben.")
            ),
            header_only=(
                _("Het bestand moet onder de kopregel activiteiten bevatten.")
                if self.naam == ACTIVITEITEN
                else _("Het bestand moet onder de kopregel boekingen bevatten.")
            ),
        )

    def context(self, cooperatie: Cooperatie, fields: Sequence[str]) -> _Context:
        context = _Context()
        if "vrijwilligers" in fields:
            context.leden = list(
                Lid.objects.filter(cooperatie=cooperatie).order_by("pk")
            )
        if "activiteit" in fields:
            context.activiteiten = list(
                Activiteit.objects.filter(cooperatie=cooperatie).order_by("pk")
            )
        return context


SOORTEN = {
    ACTIVITEITEN: Soort(
        ACTIVITEITEN,
        ACTIVITEIT_COLUMNS,
        {
            "datum": _datum,
            "titel": _regel,
            "thema": _choice(Thema.choices),
            "omschrijving": _tekst,
            "open_voor_buurt": _boolean,
            "deelnemers_leden": _aantal,
            "deelnemers_buurt": _aantal,
            "vrijwilligersuren": _uren,
            "vrijwilligers": _vrijwilligers,
            "partners": _regel,
            "buurtcode": _regel,
        },
        services.activiteit_create_many,
    ),
    BOEKINGEN: Soort(
        BOEKINGEN,
        BOEKING_COLUMNS,
        {
            "datum": _datum,
            "soort": _choice(BoekingSoort.choices),
            "bedrag": _bedrag,
            "omschrijving": _regel,
            "activiteit": _activiteit,
        },
        services.boeking_create_many,
    ),
}


def parse_file(soort: str, data: bytes, name: str = "") -> ParsedFile:
    """Read an activity or booking file (CSV or XLSX); raises TableImportError
    for a file that cannot be read as a whole."""
    return tabelimport.read_table(data, name, SOORTEN[soort].spec())


@dataclass
class RowPlan:
    """One row of the file: its cells, the values it writes, and its errors."""

    number: int
    cells: dict[str, str]
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)


@dataclass
class ImportPlan:
    """Every row of a file, and every error by row and column. A plan with
    errors cannot be imported."""

    soort: str
    parsed: ParsedFile
    rows: list[RowPlan]

    @property
    def errors(self) -> list[RowError]:
        return [error for row in self.rows for error in row.errors]


def _read_rows(soort: Soort, cooperatie: Cooperatie, parsed: ParsedFile) -> ImportPlan:
    context = soort.context(cooperatie, parsed.fields)
    rows = []
    for parsed_row in parsed.rows:
        row = RowPlan(parsed_row.number, parsed_row.values)
        for name in parsed.fields:
            try:
                row.values[name] = soort.readers[name](parsed_row.values[name], context)
            except _CellError as exc:
                row.errors.append(
                    RowError(row.number, parsed.header(name), exc.message)
                )
        rows.append(row)
    return ImportPlan(soort=soort.naam, parsed=parsed, rows=rows)


def _write(soort: Soort, plan: ImportPlan, cooperatie: Cooperatie, actor) -> list:
    """Write the plan's rows through the service (all or nothing); a refusal
    is noted on its rows and raised as TableImportError."""
    try:
        return soort.create_many(
            cooperatie=cooperatie, rows=[row.values for row in plan.rows], actor=actor
        )
    except writes.RowValidationError as exc:
        for index, error in exc.rows.items():
            row = plan.rows[index]
            known = {e.column for e in row.errors}
            row.errors += [
                e
                for e in tabelimport.row_errors(error, plan.parsed, row.number)
                if e.column not in known
            ]
        raise TableImportError(plan.errors) from exc
    except ValidationError as exc:
        raise TableImportError(
            [RowError(None, None, message) for message in exc.messages]
        ) from exc


class _PreviewRollbackError(Exception):
    pass


def plan_import(
    *, soort: str, cooperatie: Cooperatie, parsed: ParsedFile, actor
) -> ImportPlan:
    """The preview: every row read and run through the service, then rolled
    back; the plan carries every refusal by row and column. Nothing is
    written."""
    kind = SOORTEN[soort]
    permissions.require_bestuur(actor, cooperatie.pk)
    plan = _read_rows(kind, cooperatie, parsed)
    if plan.errors:
        # The rows that could be read still go to the service, so that one
        # upload shows the errors of the rest too (a locked year, say).
        readable = [row for row in plan.rows if not row.errors]
        if readable:
            _try(kind, ImportPlan(soort, parsed, readable), cooperatie, actor)
        return plan
    _try(kind, plan, cooperatie, actor)
    return plan


def _try(kind: Soort, plan: ImportPlan, cooperatie: Cooperatie, actor) -> None:
    try:
        with transaction.atomic():
            _write(kind, plan, cooperatie, actor)
            raise _PreviewRollbackError
    except (_PreviewRollbackError, TableImportError):
        pass


class AlIngelezenError(Exception):
    """The preview with this key was imported before."""


def import_rows(
    *,
    soort: str,
    cooperatie: Cooperatie,
    parsed: ParsedFile,
    actor,
    eenmalig: str = "",
) -> list:
    """Read every row and write them all, in one transaction; any refused row
    raises TableImportError naming every error, and nothing is written.

    `eenmalig`: the key of the preview being confirmed. It is recorded in the
    same transaction, so a preview is imported once: a second confirmation (a
    double click, a resubmitted page, a replayed request) raises AlIngelezenError
    and writes nothing, while a refused import leaves the key unused."""
    kind = SOORTEN[soort]
    permissions.require_bestuur(actor, cooperatie.pk)
    plan = _read_rows(kind, cooperatie, parsed)
    if plan.errors:
        raise TableImportError(plan.errors)
    with transaction.atomic():
        if eenmalig and not once(f"import:{soort}:{eenmalig}"):
            raise AlIngelezenError(eenmalig)
        return _write(kind, plan, cooperatie, actor)


def known_headers(soort: str) -> dict[str, str]:
    return {c.field: c.header for c in SOORTEN[soort].columns}


def template(soort: str, formaat: str) -> bytes:
    """The file to fill in: the headers and one example row (the XLSX explains
    every column on a second sheet)."""
    columns = SOORTEN[soort].columns
    headers = [c.header for c in columns]
    rows = [[c.example for c in columns]]
    if formaat == "xlsx":
        return tabelimport.template_xlsx(
            headers,
            rows,
            title=str(_("Activiteiten") if soort == ACTIVITEITEN else _("Boekingen")),
            explanation=[(c.header, c.required, str(c.explanation)) for c in columns],
        )
    return tabelimport.template_csv(headers, rows)

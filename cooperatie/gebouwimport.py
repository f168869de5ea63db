"""Import of a corporatie's gebouwen from a CSV or XLSX file, with the contract of
the other imports: the platform's bounded reader (`kern.tabelimport`), every
error named by row and column, and all rows or none.

Each row is read into the values of a single `gebouw_create` (numbers as people
type them, a list of verblijfsobject ids separated by spaces, commas or
semicolons), then all rows go through `gebouw_create_many`: the checks of a
single write for every row, then all rows written at once, one journal entry
per row. A location is given in degrees (latitude, longitude) or in RD
(rd_x, rd_y), as on the form."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kern import tabelimport, writes
from kern.tabelimport import RowError, TableImportError
from kern.validators import BAG_IDS_MAX_CHARS, split_ids

from . import services
from .choices import Daeb
from .models import Corporatie, Gebouw
from .services.gebouwen import MAX_ROWS

# A column is required where the model needs a value: no blank, no default.
REQUIRED = tuple(
    name
    for name in Gebouw.EDITABLE_FIELDS
    if not Gebouw._meta.get_field(name).blank
    and not Gebouw._meta.get_field(name).has_default()
)
COLUMNS = (*Gebouw.EDITABLE_FIELDS, *Gebouw.CONVERTED_FIELDS)


class _CellError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _text(text: str) -> str:
    return text


def _whole(text: str) -> int:
    if not re.fullmatch(r"[0-9]{1,9}", text):
        raise _CellError(_("Dit moet een geheel getal zijn, bijv. 24."))
    return int(text)


def _degrees(text: str) -> Decimal:
    try:
        value = Decimal(text[:32].replace(",", "."))
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise _CellError(_("Dit moet een getal in graden zijn, bijv. 52,155172."))
    return value


def _daeb(text: str) -> str:
    choices = {value: value for value, _label in Daeb.choices}
    choices.update({str(label).casefold(): value for value, label in Daeb.choices})
    value = choices.get(text.casefold()) or choices.get(
        text.casefold().replace("-", "_")
    )
    if value is None:
        raise _CellError(
            _("Dit moet een van de volgende zijn: %(keuzes)s.")
            % {"keuzes": ", ".join(value for value, _label in Daeb.choices)}
        )
    return value


READERS: dict[str, Callable[[str], Any]] = dict.fromkeys(COLUMNS, _text) | {
    "kaartjaar": _whole,
    "aantal_woningen": _whole,
    "bouwjaar": _whole,
    "daeb": _daeb,
    "bag_verblijfsobject_ids": split_ids,
    "latitude": _degrees,
    "longitude": _degrees,
}


def _spec() -> tabelimport.TableSpec:
    # Made per import, so its messages are in the language of the request.
    return tabelimport.TableSpec(
        headers={name: name for name in COLUMNS},
        required=REQUIRED,
        max_rows=MAX_ROWS,
        max_cell_chars=BAG_IDS_MAX_CHARS,
        too_many_rows=_("Het bestand mag hoogstens %(max)s rijen met gebouwen hebben."),
        header_only=_("Het bestand moet onder de kopregel gebouwen bevatten."),
    )


def import_gebouwen(
    *, corporatie: Corporatie, data: bytes, name: str, actor
) -> list[Gebouw]:
    """Read the file and register its gebouwen for the corporatie, all or
    none; TableImportError names every refused row and column."""
    parsed = tabelimport.read_table(data, name, _spec())
    rows, errors = [], []
    for parsed_row in parsed.rows:
        values = {}
        for field, text in parsed_row.values.items():
            if text == "":
                continue  # an empty cell: the field's default
            try:
                values[field] = READERS[field](text)
            except _CellError as exc:
                errors.append(
                    RowError(parsed_row.number, parsed.header(field), exc.message)
                )
        rows.append(values)
    if errors:
        raise TableImportError(errors)
    try:
        return services.gebouw_create_many(
            corporatie=corporatie, rows=rows, actor=actor
        )
    except writes.RowValidationError as exc:
        raise TableImportError(
            [
                error
                for index, refusal in exc.rows.items()
                for error in tabelimport.row_errors(
                    refusal, parsed, parsed.rows[index].number
                )
            ]
        ) from exc
    except ValidationError as exc:
        raise TableImportError(
            [RowError(None, None, message) for message in exc.messages]
        ) from exc

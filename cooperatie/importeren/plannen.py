"""Step 2 of the import: what the file asks, row by row. Each row is matched to a
member (`herkennen`) and validated by the member form the pages use
(`LidForm`); the plan says per row whether it adds a member, changes one (which
fields) or leaves one as it is, and which current members it ends. Whether the
services accept all that is for `uitvoeren` to find out, by running them."""

from __future__ import annotations

import copy
import datetime
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kern import writes

from .. import permissions
from ..forms import LidForm
from ..models import Cooperatie, Lid
from .herkennen import match_rows
from .kolommen import (
    COLUMN_OF_FIELD,
    NEW,
    REFUSED,
    UNCHANGED,
    UPDATED,
    RowError,
    shown,
    stored_text,
)
from .lezen import ParsedFile, ParsedRow

DATE_FORMATS = (
    "%Y-%m-%d",
    "%d-%m-%Y",
    "%d/%m/%Y",
    "%d.%m.%Y",
    # A spreadsheet's date cell saved as text, with its time of midnight.
    "%Y-%m-%d 00:00",
    "%Y-%m-%d 00:00:00",
    "%Y-%m-%dT00:00",
    "%Y-%m-%dT00:00:00",
)
"""How a file writes dates (the column explanation says JJJJ-MM-DD or
DD-MM-JJJJ): the same in every language, unlike the form's own formats."""


# Validation -----------------------------------------------------------------------


def _form_text(name: str, text: str) -> str:
    """A cell as the form gets it: a name without runs of spaces, a choice in
    any case, and an empty cell of a field with a default (doelgroep) as that
    default."""
    model_field = Lid._meta.get_field(name)
    if name == "naam":
        text = " ".join(text.split())
    if model_field.choices:
        text = text.casefold()
    if not text and model_field.has_default():
        text = stored_text(model_field.get_default())
    return text


def _file_message(
    form_field: forms.Field | None, error: ValidationError, text: str
) -> str:
    """The form's message, or where it does not say which value or which
    notation is meant, one that quotes the cell."""
    if error.code == "invalid" and isinstance(form_field, forms.DateField):
        return _("“%(waarde)s” is geen datum; schrijf JJJJ-MM-DD of DD-MM-JJJJ.") % {
            "waarde": shown(text)
        }
    if error.code == "invalid_choice":
        keuzes = ", ".join(str(value) for value, _label in form_field.choices if value)
        return _("“%(waarde)s” is geen geldige waarde; kies uit: %(keuzes)s.") % {
            "waarde": shown(text),
            "keuzes": keuzes,
        }
    return " ".join(error.messages)


_NEW_LID = Lid()
"""A new member's defaults (only read)."""


def _unbound_form() -> LidForm:
    form = LidForm(with_lid_tot=True)
    for form_field in form.fields.values():
        if isinstance(form_field, forms.DateField):
            form_field.input_formats = DATE_FORMATS
    return form


def _bound(form: LidForm, data: dict[str, str]) -> LidForm:
    """The member form bound to a row's data. One form serves all rows of a
    file, bound to each row in turn, so that its fields and bound fields are
    built once, not once per row: a bound field reads the form's data anew
    each time, and the form never touches its instance (see
    ServiceModelForm)."""
    form.data, form.is_bound, form._errors = data, True, None
    return form


def validate_row(
    parsed: ParsedFile,
    row: ParsedRow,
    lid: Lid | None = None,
    *,
    form: LidForm | None = None,
) -> tuple[dict[str, Any], list[RowError]]:
    """A row's values by Lid field, as the member form cleans them, and the
    form's errors on the file's columns. The fields the file has no column for
    are the member's own (`lid`), or a new member's defaults. `form`: the
    member form to bind (one for all rows of a file, see `_bound`)."""
    stored = lid if lid is not None else _NEW_LID
    data = {name: stored_text(getattr(stored, name)) for name in Lid.EDITABLE_FIELDS}
    data.update({name: _form_text(name, text) for name, text in row.values.items()})
    form = _bound(form if form is not None else _unbound_form(), data)
    form.is_valid()
    errors = [
        RowError(
            row.number,
            parsed.header(name),
            _file_message(form.fields.get(name), error, row.values.get(name, "")),
        )
        for name in sorted(form.errors, key=_in_file_order(parsed))
        for error in form.errors.as_data()[name]
    ]
    values = {
        name: form.cleaned_data[name]
        for name in parsed.fields
        if name in form.cleaned_data
    }
    return values, errors


def _in_file_order(parsed: ParsedFile):
    """Sorts field names as the file's columns stand (others last)."""

    def position(name: str) -> int:
        fields = parsed.fields
        return fields.index(name) if name in fields else len(fields)

    return position


def errors_of(
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


def _more_errors(
    parsed: ParsedFile, row: RowPlan, cooperatie: Cooperatie
) -> list[RowError]:
    """For a row refused already: the model's own checks of its other columns
    (the rules the service would apply first), so that one upload shows every
    error of the row. The row is not run through the services."""
    instance = copy.copy(row.lid) if row.lid else Lid(cooperatie=cooperatie)
    for name in parsed.fields:
        setattr(instance, name, row.values.get(name, row.cells[name]))
    known = {error.column for error in row.errors}
    try:
        writes.validate(instance)
    except ValidationError as exc:
        return [
            error
            for error in errors_of(exc, parsed, row=row.number)
            if error.column not in known
        ]
    return []


# The plan -------------------------------------------------------------------------


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
    end_errors: list[RowError] = field(default_factory=list)

    @property
    def errors(self) -> list[RowError]:
        """Every error: the rows' in row order, then those of members to end."""
        by_row = sorted(
            (error for row in self.rows for error in row.errors),
            key=lambda error: error.row or 0,
        )
        return [*by_row, *self.end_errors]

    def add_errors(self, errors: list[RowError]) -> None:
        """Note the services' refusals: on their row, or on a member to end."""
        rows = {row.number: row for row in self.rows}
        for error in errors:
            if error.row in rows:
                rows[error.row].errors.append(error)
                rows[error.row].action = REFUSED
            else:
                self.end_errors.append(error)

    def with_action(self, action: str) -> list[RowPlan]:
        return [row for row in self.rows if row.action == action]

    @property
    def to_end_board(self) -> list[Lid]:
        """The board members among the members the plan ends."""
        return [lid for lid in self.to_end if lid.bestuursfunctie]

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


def plan_rows(
    *,
    cooperatie: Cooperatie,
    parsed: ParsedFile,
    actor,
    end_missing: bool = False,
    end_date: datetime.date | None = None,
) -> ImportPlan:
    """Match and validate every row against the cooperatie's members (only its
    own bestuur may: this reads personal data); nothing is written and the
    services are not asked yet."""
    permissions.require_bestuur(actor, cooperatie.pk)
    if end_missing and end_date is None:
        raise ValueError("end_date is required to end missing members")
    leden = list(Lid.objects.filter(cooperatie=cooperatie).order_by("pk"))
    rows = [RowPlan(row.number, {}, row.values) for row in parsed.rows]
    matched = match_rows(rows, leden, parsed)
    form = _unbound_form()
    for row, parsed_row in zip(rows, parsed.rows, strict=True):
        row.values, form_errors = validate_row(parsed, parsed_row, row.lid, form=form)
        row.errors[:0] = form_errors
        if row.errors:
            row.errors += _more_errors(parsed, row, cooperatie)
            row.action = REFUSED
        elif row.lid is not None:
            row.changes = {
                name: value
                for name, value in row.values.items()
                if getattr(row.lid, name) != value
            }
            row.action = UPDATED if row.changes else UNCHANGED
    to_end = [
        lid
        for lid in leden
        if end_missing and lid.lid_tot is None and lid.pk not in matched
    ]
    return ImportPlan(
        cooperatie=cooperatie,
        parsed=parsed,
        rows=rows,
        to_end=to_end,
        end_missing=end_missing,
        end_date=end_date,
    )

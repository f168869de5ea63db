"""The columns of the member file and the errors that name them."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kern.tabelimport import header_key

from ..models import Lid

if TYPE_CHECKING:
    from .plannen import ImportPlan

PREVIEW_CHARS = 100
"""A value from the file is shown in a message or the preview at most this long."""


def shown(text: str) -> str:
    """A value from the file as a message quotes it: its first PREVIEW_CHARS
    characters, and `…` when there is more."""
    text = str(text)
    return text if len(text) <= PREVIEW_CHARS else text[:PREVIEW_CHARS] + "…"


def stored_text(value: Any) -> str:
    """A stored value as a cell holds it: a date as JJJJ-MM-DD, nothing as an
    empty cell."""
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


@dataclass(frozen=True)
class Column:
    """One column of the member file: the Lid field it fills, its header (the
    field's name unless given), other headers it is known by, and the
    explanation and example shown on the import page and in the template."""

    field: str
    explanation: Any
    example: str
    header: str = ""
    aliases: tuple[str, ...] = ()

    def __post_init__(self):
        if not self.header:
            object.__setattr__(self, "header", self.field)

    @property
    def required(self) -> bool:
        """Whether the file must have the column: the field has neither a blank
        nor a default value."""
        field = Lid._meta.get_field(self.field)
        return not field.blank and not field.has_default()


_COLUMN_OF_FIELD = {
    column.field: column
    for column in (
        Column(
            "naam",
            gettext_lazy("Naam van het huishouden of de contactpersoon."),
            "Jan de Vries",
        ),
        Column(
            "email",
            gettext_lazy(
                "E-mailadres; uniek binnen de coöperatie. Een lid wordt op "
                "e-mailadres herkend, anders op naam plus adres."
            ),
            "jan.devries@example.nl",
            header="e-mail",
            aliases=("emailadres",),
        ),
        Column(
            "telefoon",
            gettext_lazy("Telefoonnummer, hoogstens 20 tekens."),
            "06-12345678",
            aliases=("telefoonnummer",),
        ),
        Column(
            "adres",
            gettext_lazy("Straat en huisnummer van de woning."),
            "Kastanjelaan 12-3",
            aliases=("woning", "huisnummer"),
        ),
        Column(
            "lid_sinds",
            gettext_lazy("Eerste dag van het lidmaatschap: JJJJ-MM-DD of DD-MM-JJJJ."),
            "2024-01-01",
        ),
        Column(
            "lid_tot",
            gettext_lazy(
                "Eerste dag dat het huishouden geen lid meer is; leeg voor een "
                "huidig lid."
            ),
            "",
        ),
        Column(
            "bestuursfunctie",
            gettext_lazy(
                "Leeg, of een van: voorzitter, secretaris, penningmeester, bestuurslid."
            ),
            "penningmeester",
            aliases=("functie",),
        ),
        Column(
            "doelgroep",
            gettext_lazy(
                "ja, nee of onbekend (leeg telt als onbekend): inkomen op of onder "
                "de DAEB-grens. Nooit een bedrag."
            ),
            "onbekend",
        ),
    )
}

COLUMNS: tuple[Column, ...] = tuple(
    _COLUMN_OF_FIELD[name] for name in Lid.EDITABLE_FIELDS
)
"""One column per field a user sets, in the model's order (a field without a
column here is an error at start-up)."""

COLUMN_OF_FIELD = {column.field: column for column in COLUMNS}

# What happens with a row, as shown per row.
NEW = "nieuw"
UPDATED = "bijgewerkt"
UNCHANGED = "ongewijzigd"
REFUSED = "fout"


FIELD_OF_HEADER = {
    header_key(name): column.field
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


def refused(row: int | None, message: str, column: str | None = None):
    """The file refused as a whole, for one reason."""
    return MemberImportError([RowError(row, column, message)])

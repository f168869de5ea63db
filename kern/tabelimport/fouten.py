"""The errors of a table import: each names its row and its column."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

PREVIEW_CHARS = 100
"""A value from the file is shown in a message or the preview at most this long."""


def shown(text: str) -> str:
    """A value from the file as a message quotes it: its first PREVIEW_CHARS
    characters, and `…` when there is more."""
    text = str(text)
    return text if len(text) <= PREVIEW_CHARS else text[:PREVIEW_CHARS] + "…"


@dataclass(frozen=True)
class RowError:
    """One problem with the file: its row (None for the file as a whole), its
    column (as the file names it), and what must hold."""

    row: int | None
    column: str | None
    message: str

    @property
    def shown_column(self) -> str:
        """The column as the preview shows it (a header can be any text)."""
        return shown(self.column or "")

    def where(self) -> str:
        """Row and column, as a message starts."""
        where = _("rij %(rij)s") % {"rij": self.row} if self.row is not None else ""
        if self.column:
            column = _("kolom %(kolom)s") % {"kolom": shown(self.column)}
            where = f"{where}, {column}" if where else column
        return where

    def __str__(self) -> str:
        where = self.where()
        return f"{where}: {self.message}" if where else self.message


class TableImportError(Exception):
    """The file, or a row of it, is refused; nothing has been written."""

    def __init__(self, errors: Sequence[RowError]):
        self.errors = list(errors)
        super().__init__("\n".join(str(e) for e in self.errors))


def refused(row: int | None, message: str, column: str | None = None):
    """The file refused as a whole, for one reason."""
    return TableImportError([RowError(row, column, message)])


def row_errors(exc, parsed, row: int) -> list[RowError]:
    """A service's refusal of one row (a ValidationError) as errors of that
    row, each on the column of its field as the file `parsed` names it."""
    if not hasattr(exc, "error_dict"):
        return [RowError(row, None, message) for message in exc.messages]
    return [
        RowError(row, parsed.header(name), message)
        for name, errors in exc.error_dict.items()
        for error in errors
        for message in error.messages
    ]

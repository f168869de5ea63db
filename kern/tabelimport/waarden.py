"""Cell values as an import reads them, the same in every language."""

from __future__ import annotations

import datetime

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
"""How a file writes dates: JJJJ-MM-DD (ISO) or DD-MM-JJJJ (Dutch)."""


def lees_datum(text: str) -> datetime.date | None:
    """A date cell, or None when it is no date in one of DATE_FORMATS (a cell is
    bounded in length by the reader before it gets here)."""
    text = text.strip()
    if len(text) > 20:
        return None
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()  # noqa: DTZ007
        except ValueError:
            continue
    return None

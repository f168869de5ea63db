"""Gemeente names by CBS code (`GM0344` → Utrecht), from the CBS list shipped in
`kern/data` with its year in the file name. Pages show the name; a code the list
does not know is shown as the code."""

from __future__ import annotations

import csv
import functools
from pathlib import Path

JAAR = 2025
BESTAND = Path(__file__).resolve().parent / "data" / f"cbs_gemeenten_{JAAR}.csv"


@functools.cache
def gemeenten() -> dict[str, str]:
    """Every gemeentecode in the list with its name."""
    with BESTAND.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(
            (line for line in handle if not line.startswith("#")), delimiter=";"
        )
        return {row["code"].strip(): row["naam"].strip() for row in rows}


def gemeente_naam(code: str | None) -> str:
    """The gemeente's name, or the code itself when the list does not know it."""
    if not code:
        return ""
    return gemeenten().get(code.strip().upper(), code)

"""Member files and plan readers shared by the member import tests."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest

from cooperatie import importeren
from cooperatie.importeren import (
    MemberImportError,
    parse_file,
)
from cooperatie.models import Lid

# A spreadsheet's date cell: a naive datetime at midnight.
NAIVE_MIDNIGHT = datetime.datetime(2024, 3, 1)  # noqa: DTZ001
HEADER = "naam;e-mail;telefoon;adres;lid_sinds;lid_tot;bestuursfunctie;doelgroep"


def csv_bytes(*lines: str, header: str = HEADER, encoding: str = "utf-8") -> bytes:
    return "\r\n".join([header, *lines]).encode(encoding)


def xlsx_bytes(rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def refusal(data: bytes, name: str = "leden.csv") -> list[str]:
    with pytest.raises(MemberImportError) as exc:
        parse_file(data, name)
    return [str(error) for error in exc.value.errors]


def plan_of(world, data: bytes, **options):
    return importeren.plan_import(
        cooperatie=world.a.cooperatie,
        parsed=parse_file(data),
        actor=world.a.bestuur,
        **options,
    )


def row_of(lid: Lid, **changes) -> str:
    """A CSV line with a member's current values (changed where asked)."""
    values = {
        "naam": lid.naam,
        "email": lid.email,
        "telefoon": lid.telefoon,
        "adres": lid.adres,
        "lid_sinds": lid.lid_sinds.isoformat(),
        "lid_tot": lid.lid_tot.isoformat() if lid.lid_tot else "",
        "bestuursfunctie": lid.bestuursfunctie,
        "doelgroep": lid.doelgroep,
        **changes,
    }
    return ";".join(
        f'"{value}"' if value.startswith(("+", "=")) else value
        for value in values.values()
    )

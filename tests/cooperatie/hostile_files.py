"""Generators of hostile member files and the checks shared by their tests."""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections import Counter

from django.db import transaction

from hypothesis import HealthCheck, assume, event, settings
from hypothesis import strategies as st

from cooperatie.importeren import COLUMNS, MemberImportError
from cooperatie.models import Lid
from kern.models import AuditEntry
from kern.validators import CONTROL_CHARACTERS
from tests.helpers import table_state

CASES: Counter[str] = Counter()

PROPERTY = settings(
    max_examples=40,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
ENCODINGS = ("utf-8", "utf-8-sig", "cp1252", "utf-16")
FORMULA = ("=", "+", "-", "@")
HEADERS = [column.header for column in COLUMNS]


class _RollbackError(Exception):
    """Raised to undo one generated example's writes."""


def rolled_back(function):
    """Run `function` in a transaction that is always undone, so that each
    example starts from the same database."""
    try:
        with transaction.atomic():
            function()
            raise _RollbackError
    except _RollbackError:
        pass


def report(name: str) -> None:
    print(f"\nhostile input: {name}: {CASES[name]} cases tried")


# Generated values ---------------------------------------------------------------

_awkward = st.sampled_from(
    [
        ";",
        ",",
        '"',
        "'",
        "\n",
        "\r\n",
        "\t",
        " ",
        "=",
        "+",
        "-",
        "@",
        "é",
        "ß",
        "€",
        "ĳ",
        "ü",
        "中",
        "😀",
        "\u00a0",
        "=cmd|' /C calc'!A0",
        '=HYPERLINK("x")',
    ]
)
_text = st.lists(
    st.one_of(
        _awkward,
        st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    ),
    max_size=25,
).map("".join)


def _prefixed(text: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Text that often starts as a formula would."""
    return st.one_of(text, st.tuples(st.sampled_from(FORMULA), text).map("".join))


def _clean(text: str) -> str:
    """A cell as the import reads it: outer whitespace stripped."""
    return text.strip()


def _single_line(text: str) -> str:
    """A user's text as a field accepts it: control characters (line breaks,
    tabs, escapes) are refused there, so the generated members hold spaces."""
    return CONTROL_CHARACTERS.sub(" ", text)


def _name(text: str) -> str:
    """A name as the import keeps it: runs of whitespace become one space."""
    return " ".join(text.split())


@st.composite
def member_rows(draw, *, min_size=1, max_size=6) -> list[dict[str, str]]:
    """Rows of valid, distinct members with awkward text in every free column."""
    count = draw(st.integers(min_size, max_size))
    rows = []
    for index in range(count):
        naam = draw(_prefixed(_text).map(_single_line).filter(lambda t: _name(t)))
        adres = draw(_prefixed(_text).map(lambda t: _single_line(t)[:200]))
        telefoon = draw(_prefixed(_text).map(lambda t: _clean(_single_line(t))[:20]))
        # A cell starting with an apostrophe before a formula sign is read as an
        # escaped export cell; a user's own value never starts so.
        for value in (naam, adres, telefoon):
            assume(not _clean(value).startswith("'"))
        sinds = draw(st.dates(datetime.date(2024, 1, 1), datetime.date(2025, 12, 31)))
        tot = draw(
            st.one_of(
                st.none(),
                st.integers(1, 400).map(
                    lambda d, sinds=sinds: sinds + datetime.timedelta(d)
                ),
            )
        )
        rows.append(
            {
                "naam": naam,
                "e-mail": f"hostile-{index}@example.org",
                "telefoon": telefoon,
                "adres": adres,
                "lid_sinds": draw(
                    st.sampled_from([sinds.isoformat(), sinds.strftime("%d-%m-%Y")])
                ),
                "lid_tot": tot.isoformat() if tot else "",
                "bestuursfunctie": "",
                "doelgroep": draw(st.sampled_from(["ja", "NEE", "onbekend", ""])),
            }
        )
    return rows


def encode_csv(rows: list[dict[str, str]], delimiter: str, encoding: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(HEADERS)
    for row in rows:
        writer.writerow([row[header] for header in HEADERS])
    return out.getvalue().encode(encoding)


@st.composite
def member_files(draw, rows=None) -> tuple[list[dict[str, str]], bytes, str]:
    """(rows, file bytes, encoding) for generated rows in a CSV of any delimiter
    and encoding a spreadsheet writes."""
    rows = draw(member_rows()) if rows is None else rows
    delimiter = draw(st.sampled_from([";", ","]))
    encoding = draw(st.sampled_from(ENCODINGS))
    try:
        data = encode_csv(rows, delimiter, encoding)
    except UnicodeEncodeError:
        # Windows-1252 cannot hold every character: such a file cannot exist.
        encoding = "utf-8"
        data = encode_csv(rows, delimiter, encoding)
    if encoding == "cp1252":
        # Windows-1252 bytes that happen to be valid UTF-8 are read as UTF-8:
        # the file itself cannot say which was meant.
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            assume(data.isascii())
    event(f"{encoding} {delimiter}")
    return rows, data, encoding


def expected_values(row: dict[str, str]) -> dict:
    def date(text: str):
        if not text:
            return None
        notation = "%Y-%m-%d" if text[4] == "-" else "%d-%m-%Y"
        return datetime.datetime.strptime(text, notation).date()  # noqa: DTZ007

    return {
        "naam": _name(row["naam"]),
        "email": row["e-mail"],
        "telefoon": _clean(row["telefoon"]),
        "adres": _clean(row["adres"]),
        "lid_sinds": date(row["lid_sinds"]),
        "lid_tot": date(row["lid_tot"]),
        "bestuursfunctie": "",
        "doelgroep": row["doelgroep"].casefold() or "onbekend",
    }


FIELDS = ["naam", "email", "telefoon", "adres", "lid_sinds", "lid_tot"]


def stored(lid: Lid) -> dict:
    return {
        **{name: getattr(lid, name) for name in FIELDS},
        "bestuursfunctie": lid.bestuursfunctie,
        "doelgroep": lid.doelgroep,
    }


def assert_row_numbered(exc: MemberImportError) -> None:
    assert exc.errors
    for error in exc.errors:
        assert error.message
        assert error.row is not None or error.member or error.column is None


def unchanged_snapshot():
    return table_state(Lid), AuditEntry.objects.count()


_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

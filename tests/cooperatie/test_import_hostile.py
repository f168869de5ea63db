"""Hostile member files, generated: odd encodings, a BOM, `;` versus `,`, quoted
newlines, formula-looking cells, random bytes, truncations, huge and empty files.

Every file either gives a clean MemberImportError whose errors name their row,
or imports exactly the generated values; never another exception, never a 500,
never a partial write. The export escapes formulas and imports back unchanged.
Run with `-s` to see how many cases each property tried.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections import Counter

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

import openpyxl
import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from cooperatie import importeren
from cooperatie.importeren import COLUMNS, MemberImportError, parse_file
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


# Properties ---------------------------------------------------------------------


def test_generated_members_import_exactly(world):
    """A file a spreadsheet could write, in any encoding and delimiter, imports
    every generated value exactly, each new member with a journal entry."""
    cooperatie, actor = world.a.cooperatie, world.a.bestuur

    @settings(PROPERTY, max_examples=15)
    @given(member_files())
    def run(generated):
        rows, data, _encoding = generated
        CASES["round trip"] += 1

        def example():
            entries = AuditEntry.objects.count()
            parsed = parse_file(data, "leden.csv")
            report_ = importeren.import_members(
                cooperatie=cooperatie, parsed=parsed, actor=actor
            )
            assert len(report_.created) == len(rows)
            got = {
                lid.email: stored(lid)
                for lid in Lid.objects.filter(email__startswith="hostile-")
            }
            assert got == {row["e-mail"]: expected_values(row) for row in rows}
            assert AuditEntry.objects.count() - entries >= len(rows)

        rolled_back(example)

    run()
    report("round trip")


def test_one_bad_row_refuses_the_whole_file(world):
    """A refused row anywhere in the file gives row-numbered errors, and neither
    the members nor the journal change."""
    cooperatie, actor = world.a.cooperatie, world.a.bestuur

    @settings(PROPERTY, max_examples=12)
    @given(
        st.data(),
        member_rows(min_size=2),
        st.sampled_from(
            [
                ("lid_sinds", "31-02-2024"),
                ("lid_sinds", ""),
                ("e-mail", "=geen-adres"),
                ("doelgroep", "=1+1"),
                ("lid_sinds", "2023-06-01"),  # a year that is settled
                ("telefoon", "+31 6 1234 5678 9012 3456"),
            ]
        ),
    )
    def run(data, rows, bad):
        column, value = bad
        position = data.draw(st.integers(0, len(rows) - 1))
        rows[position][column] = value
        _rows, content, _encoding = data.draw(member_files(rows))
        CASES["bad row"] += 1

        def example():
            before = unchanged_snapshot()
            parsed = parse_file(content, "leden.csv")
            with pytest.raises(MemberImportError) as exc:
                importeren.import_members(
                    cooperatie=cooperatie, parsed=parsed, actor=actor
                )
            assert_row_numbered(exc.value)
            assert position + 2 in {error.row for error in exc.value.errors}
            assert unchanged_snapshot() == before

        rolled_back(example)

    run()
    report("bad row")


def _truncated_or_mangled(draw_data, content: bytes) -> bytes:
    """The content cut short, with one byte changed or with junk inserted.
    Positions are drawn as fractions, so that the draws do not depend on the
    length (an XLSX carries its save time and so varies in length)."""
    how = draw_data.draw(st.sampled_from(["cut", "flip", "insert", "as is"]))
    at = draw_data.draw(st.integers(0, 1000)) * len(content) // 1001
    if how == "cut":
        return content[:at]
    if how == "flip" and content:
        byte = draw_data.draw(st.integers(0, 255))
        return content[:at] + bytes([byte]) + content[at + 1 :]
    if how == "insert":
        junk = draw_data.draw(
            st.sampled_from([b'"', b"\r", b"\n", b"\x00", b";", b",", b"\xff\xfe"])
        )
        return content[:at] + junk + content[at:]
    return content


def _parse_and_plan(world, content: bytes, name: str) -> str:
    """Parse and plan one hostile file; 'refused' or 'planned'. Any exception
    other than MemberImportError fails the test."""
    try:
        parsed = parse_file(content, name)
    except MemberImportError as exc:
        assert_row_numbered(exc)
        return "refused"
    plan = importeren.plan_import(
        cooperatie=world.a.cooperatie, parsed=parsed, actor=world.a.bestuur
    )
    if plan.errors:
        assert all(error.row is not None for error in plan.errors)
        return "refused"
    return "planned"


def test_random_truncated_and_mangled_files(world):
    """Random bytes, and generated files cut short or with a byte changed: a
    clean refusal or a plan, never another exception; nothing written."""

    @settings(PROPERTY, max_examples=30)
    @given(
        st.data(),
        st.one_of(
            st.binary(max_size=300),
            member_files().map(lambda generated: generated[1]),
            st.builds(_xlsx_of, member_rows(max_size=2)),
        ),
        st.sampled_from(["leden.csv", "leden.xlsx", "leden.xls", "", "x.txt"]),
    )
    def run(data, content, name):
        content = _truncated_or_mangled(data, content)
        CASES["mangled"] += 1

        def example():
            before = unchanged_snapshot()
            event(_parse_and_plan(world, content, name))
            assert unchanged_snapshot() == before

        rolled_back(example)

    run()
    report("mangled")


def _xlsx_of(rows: list[dict[str, str]]) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.append(HEADERS)
    for row in rows:
        workbook.active.append([_ILLEGAL.sub("", row[header]) for header in HEADERS])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def test_hostile_files_on_the_import_page(world, client):
    """The upload page answers every hostile file with a page (a preview or the
    form with errors), never a server error, and writes nothing."""
    client.force_login(world.a.bestuur)
    url = reverse("bestuur-leden-import", args=[world.a.cooperatie.pk])

    @settings(PROPERTY, max_examples=12)
    @given(
        st.data(),
        st.one_of(
            st.binary(max_size=200), member_files().map(lambda generated: generated[1])
        ),
    )
    def run(data, content):
        content = _truncated_or_mangled(data, content)
        CASES["web page"] += 1

        def example():
            before = unchanged_snapshot()
            response = client.post(
                url,
                {
                    "bestand": SimpleUploadedFile("leden.csv", content),
                    "beeindig_ontbrekende": "",
                },
            )
            assert response.status_code == 200
            assert unchanged_snapshot() == before

        rolled_back(example)

    run()
    report("web page")


def test_generated_file_through_preview_and_commit(world, client):
    """The whole web import of a generated file: the preview, then the commit
    of the signed rows stores exactly the generated values."""
    client.force_login(world.a.bestuur)
    url = reverse("bestuur-leden-import", args=[world.a.cooperatie.pk])

    @settings(PROPERTY, max_examples=5)
    @given(member_files())
    def run(generated):
        rows, content, _encoding = generated
        CASES["web round trip"] += 1

        def example():
            preview = client.post(
                url,
                {
                    "bestand": SimpleUploadedFile("leden.csv", content),
                    "beeindig_ontbrekende": "",
                },
            )
            assert preview.status_code == 200
            signed = re.search(
                r'name="gegevens" value="([^"]+)"', preview.content.decode()
            )
            assert signed, preview.content.decode()[:2000]
            done = client.post(url, {"gegevens": signed.group(1)})
            assert done.status_code == 302
            got = {
                lid.email: stored(lid)
                for lid in Lid.objects.filter(email__startswith="hostile-")
            }
            assert got == {row["e-mail"]: expected_values(row) for row in rows}

        rolled_back(example)

    run()
    report("web round trip")


def test_tampered_commit_writes_nothing(world, client):
    """A commit whose signed rows were altered is refused with a message."""
    client.force_login(world.a.bestuur)
    url = reverse("bestuur-leden-import", args=[world.a.cooperatie.pk])

    @settings(PROPERTY, max_examples=15)
    @given(st.text(max_size=300))
    def run(gegevens):
        CASES["tampered commit"] += 1

        def example():
            before = unchanged_snapshot()
            response = client.post(url, {"gegevens": gegevens})
            assert response.status_code == 302
            assert unchanged_snapshot() == before

        rolled_back(example)

    run()
    report("tampered commit")


# Exports ------------------------------------------------------------------------


def _members(rows: list[dict[str, str]]) -> list[Lid]:
    """Unsaved members holding the values as the import stores them."""
    return [
        Lid(
            **{
                name: value
                for name, value in expected_values(row).items()
                if name in FIELDS or name in ("bestuursfunctie", "doelgroep")
            }
        )
        for row in rows
    ]


def _through_xlsx(name: str, value):
    """A value as an XLSX keeps it: without the control characters XML cannot
    hold (the export drops them), and a line break as a bare newline."""
    if not isinstance(value, str):
        return value
    value = _ILLEGAL.sub("", value).replace("\r\n", "\n").replace("\r", "\n")
    return _name(value) if name == "naam" else _clean(value)


def _formula_free(cell) -> bool:
    return not (isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@", "\t", "\r"))


@PROPERTY
@given(member_rows(max_size=4), st.sampled_from(["csv", "xlsx"]))
def _export_round_trip(rows, formaat):
    CASES["export"] += 1
    if formaat == "xlsx":
        # A spreadsheet cannot hold control characters: the XLSX export drops
        # them (and a formula sign behind one stays escaped, tested below).
        rows = [{k: _ILLEGAL.sub("", v) for k, v in row.items()} for row in rows]
        assume(all(_name(row["naam"]) for row in rows))
    leden = _members(rows)
    export_rows = importeren.export_rows(leden)
    if formaat == "csv":
        content = importeren.write_csv(export_rows)
        text = content.decode("utf-8-sig")
        cells = [
            cell
            for record in list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
            for cell in record
        ]
    else:
        content = importeren.write_xlsx(export_rows)
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        cells = [cell.value for row in sheet.iter_rows() for cell in row]
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert [cell for cell in cells if not _formula_free(cell)] == []
    parsed = parse_file(content, f"leden.{formaat}")
    for lid, parsed_row in zip(leden, parsed.rows, strict=True):
        values, errors = importeren.validate_row(parsed, parsed_row)
        assert errors == []
        expected = stored(lid)
        if formaat == "xlsx":
            expected = {name: _through_xlsx(name, v) for name, v in expected.items()}
        assert values == expected


def test_export_escapes_formulas_and_imports_back():
    """Every exported text cell is safe from formula execution, and the export
    reads back to the very same values."""
    _export_round_trip()
    report("export")


def test_xlsx_export_control_character_before_formula():
    """A stored name that starts with a control character and then `=` must not
    become a formula cell in the XLSX export."""
    lid = Lid(
        naam='\x01=HYPERLINK("http://example.invalid")',
        adres="\x02+1+1",
        lid_sinds=datetime.date(2024, 1, 1),
    )
    content = importeren.write_xlsx(importeren.export_rows([lid]))
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    cells = [cell for cell in sheet[2] if isinstance(cell.value, str)]
    assert all(cell.data_type != "f" for cell in cells)
    assert all(_formula_free(cell.value) for cell in cells)


@pytest.mark.parametrize(
    "naam",
    [
        '\uff1dHYPERLINK("http://example.invalid")',
        "\uff0b1+1",
        "\uff0d1+1",
        "\uff20SUM(A1)",
        "\x01\uff1d1",
        "\u200b=1",
        "\x03-1",
    ],
)
@pytest.mark.parametrize("formaat", ["csv", "xlsx"])
def test_member_export_escapes_full_width_and_hidden_formula_signs(naam, formaat):
    """A name starting with a full-width `＝`, `＋`, `－` or `＠`, or a formula
    sign behind an invisible character, is written with the apostrophe before
    it in both exports, and imports back as the stored name."""
    lid = Lid(naam=naam, lid_sinds=datetime.date(2024, 1, 1))
    rows = importeren.export_rows([lid])
    if formaat == "csv":
        content = importeren.write_csv(rows)
        text = content.decode("utf-8-sig")
        (_header, record) = list(
            csv.reader(io.StringIO(text, newline=""), delimiter=";")
        )
        cell = record[0]
    else:
        content = importeren.write_xlsx(rows)
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        assert sheet["A2"].data_type != "f"
        cell = sheet["A2"].value
    kept = naam if formaat == "csv" else _ILLEGAL.sub("", naam)
    assert cell == "'" + kept
    (parsed_row,) = parse_file(content, f"leden.{formaat}").rows
    assert parsed_row.values["naam"] == kept.strip()


# Fixed edge cases ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "leeg"),
        (b"\xef\xbb\xbf", "leeg"),
        (b"\r\n\r\n;;;\r\n", "leeg"),
        ("naam;lid_sinds\r\n".encode("utf-16"), "alleen een kopregel"),
        (b"naam;lid_sinds\r\n", "alleen een kopregel"),
        (b"x" * (importeren.MAX_BYTES + 1), "groter dan"),
        (
            b"naam;lid_sinds\r\n" + b"Jan;2024-01-01\r\n" * (importeren.MAX_ROWS + 1),
            "",
        ),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".xls"),
        (b"PK\x03\x04" + b"\x00" * 100, "XLSX"),
    ],
    ids=[
        "empty",
        "only-bom",
        "blank-lines",
        "utf16-header-only",
        "header-only",
        "too-big",
        "too-many-rows",
        "old-xls",
        "broken-xlsx",
    ],
)
def test_empty_huge_and_broken_files_are_refused_cleanly(content, message):
    CASES["fixed"] += 1
    with pytest.raises(MemberImportError) as exc:
        parse_file(content, "leden.csv")
    assert_row_numbered(exc.value)
    assert message in str(exc.value)

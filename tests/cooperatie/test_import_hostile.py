"""Hostile member files, generated: odd encodings, a BOM, `;` versus `,`, quoted
newlines, formula-looking cells, random bytes, truncations, huge and empty files.

Every file either gives a clean MemberImportError whose errors name their row,
or imports exactly the generated values; never another exception, never a 500,
never a partial write. The export escapes formulas and imports back unchanged.
Run with `-s` to see how many cases each property tried.
"""

from __future__ import annotations

import io
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import openpyxl
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from cooperatie import importeren
from cooperatie.importeren import MemberImportError, parse_file
from cooperatie.models import Lid
from kern.models import AuditEntry
from tests.cooperatie.hostile_files import (
    _ILLEGAL,
    CASES,
    HEADERS,
    PROPERTY,
    assert_row_numbered,
    expected_values,
    member_files,
    member_rows,
    report,
    rolled_back,
    stored,
    unchanged_snapshot,
)

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


# Fixed edge cases ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "leeg"),
        (b"\xef\xbb\xbf", "leeg"),
        (b"\r\n\r\n;;;\r\n", "leeg"),
        ("naam;lid_sinds\r\n".encode("utf-16"), "onder de kopregel"),
        (b"naam;lid_sinds\r\n", "onder de kopregel"),
        (b"x" * (importeren.MAX_BYTES + 1), "hoogstens 2 MB"),
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

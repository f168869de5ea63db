"""Spreadsheet bombs: each kind is built here with zipfile, and each is refused
with a message naming what is too large, while the peak memory of the process
that reads it stays far below 500 MB.

The memory is measured in a child Python process that only reads the file
(`parse_file`), as `resource.getrusage(RUSAGE_SELF).ru_maxrss` at its end: the
test process's own memory (the test database, the other tests) would mask it.
The child has an address-space limit too, so a bound that fails cannot take the
machine down with it. Run with `-s` to see the figures.
"""

from __future__ import annotations

import io
import json
import os
import random
import string
import struct
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest
from openpyxl.utils import get_column_letter

from cooperatie import importeren
from cooperatie.importeren import MemberImportError, parse_file
from cooperatie.models import Lid
from kern import xlsx_check
from tests.helpers import table_state

MAIN = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = b"http://schemas.openxmlformats.org/package/2006/relationships"
DOC_RELS = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SHEET_CT = b"application/vnd.openxmlformats-officedocument.spreadsheetml"

PEAK_LIMIT_MB = 200
"""What a child may reach: far below the 500 MB of the requirement (Django,
openpyxl and the interpreter alone take about 60 MB)."""

CHILD = """
import json, os, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))
import django
django.setup()
from cooperatie.importeren import MemberImportError, parse_file
import openpyxl  # loaded before the fork, as in a server worker
for path in sys.argv[1:]:
    pid = os.fork()
    if pid:
        os.waitpid(pid, 0)
        continue
    # A fresh process per file: its peak starts at what it inherited.
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    data = open(path, "rb").read()
    try:
        parsed = parse_file(data, "leden.xlsx")
    except MemberImportError as exc:
        result = {"refused": [str(error) for error in exc.errors]}
    else:
        result = {"rows": len(parsed.rows)}
    result["before_kb"] = before
    result["peak_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with open(path + ".json", "w") as out:
        json.dump(result, out)
    os._exit(0)
"""

# Building workbooks ---------------------------------------------------------------

Content = bytes | Callable[[], Iterable[bytes]]


def _cell(ref: str, text: str) -> bytes:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'.encode()


HEADER_ROW = b'<row r="1">' + _cell("A1", "naam") + _cell("B1", "lid_sinds") + b"</row>"
MEMBER_ROW = (
    b'<row r="2"><c r="A2" t="s"><v>0</v></c>' + _cell("B2", "2024-01-01") + b"</row>"
)


def sheet(*rows: bytes, dimension: bytes = b"") -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="'
        + MAIN
        + b'">'
        + dimension
        + b"<sheetData>"
        + b"".join(rows)
        + b"</sheetData></worksheet>"
    )


def shared(*strings: bytes) -> bytes:
    items = b"".join(b"<si><t>" + text + b"</t></si>" for text in strings)
    return b'<sst xmlns="' + MAIN + b'">' + items + b"</sst>"


def workbook(
    *, sheet_xml: Content | None = None, strings: Content | None = None, **extra
) -> dict[str, Content]:
    """The parts of a minimal valid workbook: a header row and one member whose
    name is shared string 0; any part can be replaced by a bomb."""
    parts: dict[str, Content] = {
        "[Content_Types].xml": (
            b'<?xml version="1.0" encoding="UTF-8"?>'
            b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            b'content-types">'
            b'<Default Extension="rels" ContentType="application/'
            b'vnd.openxmlformats-package.relationships+xml"/>'
            b'<Default Extension="xml" ContentType="application/xml"/>'
            b'<Override PartName="/xl/workbook.xml" ContentType="'
            + SHEET_CT
            + b'.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" '
            b'ContentType="'
            + SHEET_CT
            + b'.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" '
            b'ContentType="' + SHEET_CT + b'.sharedStrings+xml"/></Types>'
        ),
        "_rels/.rels": (
            b'<Relationships xmlns="' + RELS + b'"><Relationship Id="rId1" Type="'
            b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
            b'officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            b'<workbook xmlns="' + MAIN + b'" xmlns:r="' + DOC_RELS + b'">'
            b'<sheets><sheet name="Leden" sheetId="1" r:id="rId1"/></sheets>'
            b"</workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            b'<Relationships xmlns="'
            + RELS
            + b'"><Relationship Id="rId1" Type="'
            + DOC_RELS
            + b'/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" '
            b'Type="' + DOC_RELS + b'/sharedStrings" Target="sharedStrings.xml"/>'
            b"</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": sheet_xml or sheet(HEADER_ROW, MEMBER_ROW),
        "xl/sharedStrings.xml": strings or shared(b"Jan de Vries"),
    }
    parts.update(extra)
    return parts


def zipped(parts: dict[str, Content]) -> bytes:
    """The parts deflated into a zip; a callable part is streamed in chunks, so
    a 300 MB part never sits in this process's memory."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            with archive.open(name, "w") as part:
                for chunk in [content] if isinstance(content, bytes) else content():
                    part.write(chunk)
    return out.getvalue()


def repeated(head: bytes, unit: bytes, count: int, tail: bytes):
    """A part of `count` times `unit` between head and tail, in 1 MB chunks."""

    def chunks() -> Iterator[bytes]:
        yield head
        per_chunk = max(1, (1 << 20) // len(unit))
        left = count
        while left:
            n = min(per_chunk, left)
            yield unit * n
            left -= n
        yield tail

    return chunks


def declared_size_lie(data: bytes, name: str, size: int) -> bytes:
    """The zip with the central directory's uncompressed size of `name` set to
    `size`, whatever the part really unpacks to."""
    out = bytearray(data)
    at = out.find(b"PK\x01\x02")
    while at != -1:
        name_length = struct.unpack_from("<H", out, at + 28)[0]
        if out[at + 46 : at + 46 + name_length].decode() == name:
            struct.pack_into("<I", out, at + 24, size)
            return bytes(out)
        at = out.find(b"PK\x01\x02", at + 4)
    raise AssertionError(f"{name} not in the zip")


def random_letters(count: int, seed: int = 10) -> bytes:
    """Text that does not compress well, so only a length bound can catch it."""
    return "".join(random.Random(seed).choices(string.ascii_letters, k=count)).encode()


# The bombs ------------------------------------------------------------------------

MB = 1024 * 1024


def _row_of_ten_million_cells():
    row = repeated(b'<row r="2">', b"<c/>", 10_000_000, b"</row>")

    def chunks():
        yield sheet(HEADER_ROW).removesuffix(b"</sheetData></worksheet>")
        yield from row()
        yield b"</sheetData></worksheet>"

    return workbook(sheet_xml=chunks)


def _row_of_many_cells_under_the_size_caps():
    # 200,000 cells in 0.8 MB: under the size and ratio caps, only the cells per
    # row catch it (openpyxl builds every cell of a row before it is cut).
    cells = b'<row r="2">' + b"<c/>" * 200_000 + b"</row>"
    return workbook(sheet_xml=sheet(HEADER_ROW, cells))


def _huge_dimension():
    return workbook(
        sheet_xml=sheet(HEADER_ROW, MEMBER_ROW, dimension=b'<dimension ref="A1:XFD2"/>')
    )


def _shared_string_of_300_mb():
    return workbook(
        strings=repeated(
            b'<sst xmlns="' + MAIN + b'"><si><t>',
            b"A" * 1024,
            300 * 1024,
            b"</t></si></sst>",
        )
    )


def _long_shared_string_that_does_not_compress():
    return workbook(strings=shared(random_letters(100_000)))


def _cell_longer_than_a_member_field():
    return workbook(strings=shared(random_letters(5_000)))


def _one_long_text_in_every_cell():
    # 3,000 rows of 64 cells, each the same 999-character shared string: every
    # cell is short enough alone, together they would be 192 million characters.
    cells = b"".join(
        f'<c r="{get_column_letter(i)}{{row}}" t="s"><v>0</v></c>'.encode()
        for i in range(1, 65)
    )

    def chunks():
        yield sheet(HEADER_ROW).removesuffix(b"</sheetData></worksheet>")
        for number in range(2, 3002):
            yield (
                f'<row r="{number}">'.encode()
                + cells.replace(b"{row}", str(number).encode())
                + b"</row>"
            )
        yield b"</sheetData></worksheet>"

    return workbook(sheet_xml=chunks, strings=shared(random_letters(999)))


def _declared_size_that_lies():
    parts = workbook(
        strings=repeated(
            b'<sst xmlns="' + MAIN + b'"><si><t>',
            b"A" * 1024,
            50 * 1024,
            b"</t></si></sst>",
        )
    )
    return declared_size_lie(zipped(parts), "xl/sharedStrings.xml", 1000)


def _high_ratio_part():
    # 10 MB of whitespace: within the size caps, a thousand times compressed.
    return workbook(
        sheet_xml=repeated(
            sheet(HEADER_ROW, MEMBER_ROW).removesuffix(b"</worksheet>"),
            b" " * 1024,
            10 * 1024,
            b"</worksheet>",
        )
    )


def _too_many_rows():
    rows = [
        f'<row r="{n}"><c r="A{n}" t="s"><v>0</v></c></row>'.encode()
        for n in range(2, importeren.MAX_SHEET_ROWS + 3)
    ]
    return workbook(sheet_xml=sheet(HEADER_ROW, *rows))


def _too_many_parts():
    return workbook(**{f"xl/media/extra{n}.xml": b"<x/>" for n in range(100)})


def _deep_nesting():
    return workbook(strings=b"<a>" * 10_000 + b"</a>" * 10_000)


def _entity_expansion():
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
        b'<sst xmlns="' + MAIN + b'"><si><t>&c;</t></si></sst>'
    )
    return workbook(strings=laughs)


SHARED = "xl/sharedStrings.xml"
SHEET = "xl/worksheets/sheet1.xml"

BOMBS: dict[str, tuple[Callable[[], dict | bytes], str]] = {
    "row-of-10-million-cells": (
        _row_of_ten_million_cells,
        f"Het onderdeel {SHEET} van het XLSX-bestand mag uitgepakt hoogstens 16 MB "
        "zijn.",
    ),
    "row-of-200000-cells": (
        _row_of_many_cells_under_the_size_caps,
        "rij 2: Een rij mag hoogstens 256 cellen hebben.",
    ),
    "huge-dimension": (
        _huge_dimension,
        "Het werkblad mag hoogstens 256 kolommen breed zijn.",
    ),
    "shared-string-of-300-mb": (
        _shared_string_of_300_mb,
        f"Het onderdeel {SHARED} van het XLSX-bestand mag uitgepakt hoogstens 16 MB "
        "zijn.",
    ),
    "shared-string-of-100000-chars": (
        _long_shared_string_that_does_not_compress,
        f"Een tekst in het onderdeel {SHARED} van het XLSX-bestand mag hoogstens "
        "32.767 tekens lang zijn.",
    ),
    "cell-of-5000-chars": (
        _cell_longer_than_a_member_field,
        "rij 2, kolom naam: Een cel mag hoogstens 1.000 tekens bevatten.",
    ),
    "long-text-in-every-cell": (
        _one_long_text_in_every_cell,
        "rij 127: Het bestand mag hoogstens 8.000.000 tekens aan gegevens bevatten.",
    ),
    "declared-size-lies": (
        _declared_size_that_lies,
        f"Dit XLSX-bestand is niet te lezen: het onderdeel {SHARED} is beschadigd.",
    ),
    "high-ratio-part": (
        _high_ratio_part,
        f"Het onderdeel {SHEET} van het XLSX-bestand mag hoogstens 100 keer zo groot "
        "uitpakken als het ingepakt is.",
    ),
    "too-many-rows": (
        _too_many_rows,
        "rij 6001: Het werkblad loopt door tot voorbij rij 6.000.",
    ),
    "too-many-parts": (
        _too_many_parts,
        "Een XLSX-bestand mag hoogstens 100 onderdelen hebben.",
    ),
    "deep-nesting": (
        _deep_nesting,
        f"Het onderdeel {SHARED} van het XLSX-bestand mag hoogstens 64 niveaus diep "
        "genest zijn.",
    ),
    "entity-expansion": (
        _entity_expansion,
        f"Het onderdeel {SHARED} van het XLSX-bestand mag geen DTD bevatten.",
    ),
}


def bomb(kind: str) -> bytes:
    built = BOMBS[kind][0]()
    return built if isinstance(built, bytes) else zipped(built)


def run_child(paths: list[Path]) -> dict[Path, dict]:
    """Read each file in its own process: one child imports Django once and
    forks a process per file, whose ru_maxrss is its own peak."""
    # The child parses files only: it runs on the embedded default database.
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "DATABASE_OWNER_URL")
    }
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    env["PYTHONPATH"] = str(settings.BASE_DIR)
    done = subprocess.run(
        [sys.executable, "-c", CHILD, *map(str, paths)],
        capture_output=True,
        text=True,
        env=env,
        cwd=settings.BASE_DIR,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    results = {}
    for path in paths:
        result_file = Path(f"{path}.json")
        assert result_file.exists(), f"{path.name}: no result\n{done.stderr[-3000:]}"
        results[path] = json.loads(result_file.read_text())
    return results


@pytest.fixture(scope="module")
def measured(tmp_path_factory) -> dict[str, dict]:
    """Every bomb, and an ordinary file as the baseline, each read in a child
    process; the result per kind."""
    folder = tmp_path_factory.mktemp("bombs")
    files = {"baseline": folder / "baseline.xlsx"}
    files["baseline"].write_bytes(zipped(workbook()))
    for kind in BOMBS:
        data = bomb(kind)
        assert len(data) < importeren.MAX_BYTES, kind  # passes the upload size
        files[kind] = folder / f"{kind}.xlsx"
        files[kind].write_bytes(data)
    results = run_child(list(files.values()))
    for kind, path in files.items():
        result = results[path]
        print(
            f"\n{kind}: {path.stat().st_size / 1024:.0f} KB file, "
            f"peak {result['peak_kb'] / 1024:.0f} MB "
            f"(+{(result['peak_kb'] - result['before_kb']) / 1024:.1f} MB over "
            f"{result['before_kb'] / 1024:.0f} MB at the start)"
        )
    return {kind: results[path] for kind, path in files.items()}


# Tests ----------------------------------------------------------------------------


def test_the_workbook_the_bombs_are_built_on_imports():
    """Control: without a bomb the hand-built workbook reads as one member, so
    each refusal below comes from its bomb."""
    parsed = parse_file(zipped(workbook()), "leden.xlsx")
    assert [row.values for row in parsed.rows] == [
        {"naam": "Jan de Vries", "lid_sinds": "2024-01-01"}
    ]


@pytest.mark.parametrize("kind", list(BOMBS))
def test_bomb_is_refused_with_bounded_memory(kind, measured):
    result = measured[kind]
    assert result.get("refused") == [BOMBS[kind][1]]
    assert result["peak_kb"] / 1024 < PEAK_LIMIT_MB


def test_child_reads_an_ordinary_file(measured):
    """The baseline the bombs' peaks compare with imports its member."""
    assert measured["baseline"]["rows"] == 1


def test_bounds_leave_room_for_a_full_member_list():
    """5,000 members with every field filled to its maximum pass every bound."""
    rows = [
        [
            f"{n:05d}" + "n" * 195,
            f"{n:05d}@" + "e" * 230 + ".example.nl",
            "0" * 20,
            "a" * 200,
            "2024-01-01",
            "",
            "",
            "onbekend",
        ]
        for n in range(importeren.MAX_ROWS)
    ]
    data = importeren.write_xlsx(rows)
    xlsx_check.inspect(data, max_rows=importeren.MAX_SHEET_ROWS)
    assert len(parse_file(data, "leden.xlsx").rows) == importeren.MAX_ROWS


# On the upload page -------------------------------------------------------------


def _upload(client, world, data: bytes, name: str = "leden.xlsx"):
    client.force_login(world.a.bestuur)
    return client.post(
        reverse("bestuur-leden-import", args=[world.a.cooperatie.pk]),
        {"bestand": SimpleUploadedFile(name, data), "beeindig_ontbrekende": ""},
    )


def test_upload_page_names_what_is_too_large(world, client):
    before = table_state(Lid)
    response = _upload(client, world, bomb("shared-string-of-300-mb"))
    assert response.status_code == 200
    assert response.context["form"].errors["bestand"] == [
        BOMBS["shared-string-of-300-mb"][1]
    ]
    assert len(response.content) < 100_000
    assert table_state(Lid) == before


@pytest.mark.parametrize(
    ("part", "content"),
    [
        ("xl/worksheets/sheet1.xml", b"<worksheet><<dimension ref='A1'/>"),
        ("xl/workbook.xml", b"<workbook><sheets><sheet name='x'"),
        ("xl/worksheets/sheet1.xml", b"<worksheet></sheetData></worksheet>"),
    ],
    ids=["sheet-broken-before-its-dimension", "workbook-cut-short", "mismatched-tag"],
)
def test_malformed_xlsx_is_a_field_error_not_a_server_error(
    world, client, part, content
):
    """A valid zip whose XML is broken (ElementTree's ParseError was not caught
    when openpyxl opened it)."""
    data = zipped(workbook(**{part: content}))
    with pytest.raises(MemberImportError) as exc:
        parse_file(data, "leden.xlsx")
    message = (
        f"Dit XLSX-bestand is niet te lezen: het onderdeel {part} moet geldige XML "
        "zijn."
    )
    assert [str(error) for error in exc.value.errors] == [message]
    response = _upload(client, world, data)
    assert response.status_code == 200
    assert response.context["form"].errors["bestand"] == [message]


def test_xlsx_of_valid_xml_but_no_workbook_is_a_field_error(world, client):
    """XML that parses but is not what openpyxl expects (a workbook without
    sheets) is refused too, whatever openpyxl raises."""
    data = zipped(workbook(**{"xl/workbook.xml": b'<workbook xmlns="' + MAIN + b'"/>'}))
    response = _upload(client, world, data)
    assert response.status_code == 200
    assert response.context["form"].errors["bestand"] == [
        "Dit XLSX-bestand is niet te lezen."
    ]


# What the preview echoes --------------------------------------------------------


def test_preview_shows_only_a_prefix_of_a_long_cell(world, client):
    """A cell as long as allowed is shown as its first 100 characters and `…`,
    in the rows table and in a message quoting it."""
    naam = random_letters(1000, seed=1).decode()
    datum = random_letters(1000, seed=2).decode()
    data = f"naam;lid_sinds\r\n{naam};{datum}\r\n".encode()
    response = _upload(client, world, data, "leden.csv")
    assert response.status_code == 200
    html = response.content.decode()
    assert naam[:100] + "…" in html
    assert naam[:101] not in html
    assert f"“{datum[:100]}…” is geen datum" in html
    assert datum[:101] not in html


def test_header_of_any_length_is_shown_shortened():
    header = "x" * 900
    with pytest.raises(MemberImportError) as exc:
        parse_file(f"naam;lid_sinds;{header}\r\nJan;2024-01-01;1\r\n".encode())
    (message,) = [str(error) for error in exc.value.errors]
    assert message.startswith(f"rij 1, kolom {'x' * 100}…: Onbekende kolom.")


def test_csv_row_with_too_many_cells_is_refused():
    data = b"naam;lid_sinds\r\nJan;2024-01-01" + b";" * 300 + b"\r\n"
    with pytest.raises(MemberImportError) as exc:
        parse_file(data)
    assert [str(error) for error in exc.value.errors] == [
        "rij 2: Een rij mag hoogstens 256 cellen hebben."
    ]

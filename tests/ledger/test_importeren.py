"""Import of activities and bookings (ledger.importeren and the commands
import_activiteiten / import_boekingen): every cell read as people write it,
every error by row and column, all rows or none, one journal entry per row."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

from django.core.management import call_command
from django.core.management.base import CommandError

import pytest

from afspraken.choices import ToetsingStatus
from kern.tabelimport import TableImportError
from ledger import importeren
from ledger.models import Activiteit, Boeking
from tests.afspraken.factories import set_status
from tests.helpers import entries_since, journal_mark

A_HEADER = "datum;titel;thema;deelnemers_leden;vrijwilligersuren;vrijwilligers"
B_HEADER = "datum;soort;bedrag;omschrijving;activiteit"


def csv(header: str, *lines: str) -> bytes:
    return ("\r\n".join([header, *lines]) + "\r\n").encode("utf-8")


def test_activity_file_is_read_dutch_and_iso_with_volunteers(world):
    data = csv(
        A_HEADER,
        f'08-01-2025;Koffieochtend;ontmoeting;12;"7,5";"{world.a.lid.naam}"',
        f"2025-01-15;Taalcafé;taal en educatie;;2;{world.a.lid.pk}",
    )
    parsed = importeren.parse_file(importeren.ACTIVITEITEN, data, "a.csv")
    seq = journal_mark()

    created = importeren.import_rows(
        soort=importeren.ACTIVITEITEN,
        cooperatie=world.a.cooperatie,
        parsed=parsed,
        actor=world.a.bestuur,
    )

    assert [(a.datum, a.titel, a.thema) for a in created] == [
        (datetime.date(2025, 1, 8), "Koffieochtend", "ontmoeting"),
        (datetime.date(2025, 1, 15), "Taalcafé", "taal_educatie"),
    ]
    assert created[0].vrijwilligersuren == Decimal("7.5")
    assert created[1].deelnemers_leden == 0
    assert list(created[0].vrijwilligers.all()) == [world.a.lid]
    assert list(created[1].vrijwilligers.all()) == [world.a.lid]
    assert [e.action for e in entries_since(seq)] == ["activiteit_create"] * 2


def test_a_bad_row_is_named_by_row_and_column_and_nothing_is_written(world):
    data = csv(
        A_HEADER,
        "08-01-2025;Koffieochtend;ontmoeting;12;2;",
        "31-02-2025;Koffieochtend;ontmoeting;12;2;",
        "09-01-2025;Koffieochtend;feest;twaalf;2;Niemand Bekend",
    )
    parsed = importeren.parse_file(importeren.ACTIVITEITEN, data, "a.csv")
    before = Activiteit.objects.count()

    plan = importeren.plan_import(
        soort=importeren.ACTIVITEITEN,
        cooperatie=world.a.cooperatie,
        parsed=parsed,
        actor=world.a.bestuur,
    )

    where = [(e.row, e.column) for e in plan.errors]
    assert where == [
        (3, "datum"),
        (4, "thema"),
        (4, "deelnemers_leden"),
        (4, "vrijwilligers"),
    ]
    assert "rij 3, kolom datum" in str(plan.errors[0])
    with pytest.raises(TableImportError):
        importeren.import_rows(
            soort=importeren.ACTIVITEITEN,
            cooperatie=world.a.cooperatie,
            parsed=parsed,
            actor=world.a.bestuur,
        )
    assert Activiteit.objects.count() == before


def test_the_preview_names_a_locked_year_and_writes_nothing(world):
    set_status(world.a.toetsing, ToetsingStatus.INGEDIEND)
    data = csv(A_HEADER, "08-01-2025;A;ontmoeting;1;1;", "01-06-2024;B;groen;1;1;")
    parsed = importeren.parse_file(importeren.ACTIVITEITEN, data, "a.csv")
    seq = journal_mark()

    plan = importeren.plan_import(
        soort=importeren.ACTIVITEITEN,
        cooperatie=world.a.cooperatie,
        parsed=parsed,
        actor=world.a.bestuur,
    )

    assert [(e.row, e.column) for e in plan.errors] == [(3, "datum")]
    assert "2024" in plan.errors[0].message
    assert entries_since(seq) == []


def test_booking_file_reads_dutch_amounts_and_the_activity(world):
    data = csv(
        B_HEADER,
        f'08-01-2025;uitgave;"1.234,50";Koffie;{world.a.activiteit.pk}',
        f'2025-01-09;budget ontvangen;€ 12;Budget;"{world.a.activiteit.titel}"',
        "2025-01-10;uitgave;12.5;Koekjes;",
    )
    parsed = importeren.parse_file(importeren.BOEKINGEN, data, "b.xlsx.csv")

    created = importeren.import_rows(
        soort=importeren.BOEKINGEN,
        cooperatie=world.a.cooperatie,
        parsed=parsed,
        actor=world.a.bestuur,
    )

    assert [(b.soort, b.bedrag, b.activiteit_id) for b in created] == [
        ("uitgave", Decimal("1234.50"), world.a.activiteit.pk),
        ("budget", Decimal("12"), world.a.activiteit.pk),
        ("uitgave", Decimal("12.5"), None),
    ]
    assert all(b.corrigeert_id is None for b in created)


def test_booking_with_an_activity_of_another_cooperatie_is_refused(world):
    data = csv(B_HEADER, f"08-01-2025;uitgave;5;Koffie;{world.b.activiteit.pk}")
    parsed = importeren.parse_file(importeren.BOEKINGEN, data, "b.csv")
    with pytest.raises(TableImportError) as excinfo:
        importeren.import_rows(
            soort=importeren.BOEKINGEN,
            cooperatie=world.a.cooperatie,
            parsed=parsed,
            actor=world.a.bestuur,
        )
    assert [(e.row, e.column) for e in excinfo.value.errors] == [(2, "activiteit")]


def test_a_storno_column_is_an_unknown_column(world):
    data = csv(B_HEADER + ";corrigeert", "08-01-2025;uitgave;5;Koffie;;1")
    with pytest.raises(TableImportError) as excinfo:
        importeren.parse_file(importeren.BOEKINGEN, data, "b.csv")
    assert excinfo.value.errors[0].column == "corrigeert"


def test_the_file_is_bounded(world):
    lines = [f"08-01-2025;A{n};ontmoeting;1;1;" for n in range(importeren.MAX_ROWS + 1)]
    with pytest.raises(TableImportError) as excinfo:
        importeren.parse_file(importeren.ACTIVITEITEN, csv(A_HEADER, *lines), "a.csv")
    assert "hoogstens 1.000 rijen met activiteiten" in str(excinfo.value)


@pytest.mark.parametrize("formaat", ["csv", "xlsx"])
@pytest.mark.parametrize("soort", [importeren.ACTIVITEITEN, importeren.BOEKINGEN])
def test_the_template_reads_back_and_its_example_row_is_valid(world, soort, formaat):
    content = importeren.template(soort, formaat)
    parsed = importeren.parse_file(soort, content, f"sjabloon.{formaat}")
    assert len(parsed.rows) == 1
    plan = importeren.plan_import(
        soort=soort, cooperatie=world.a.cooperatie, parsed=parsed, actor=world.a.bestuur
    )
    assert plan.errors == []


# Commands --------------------------------------------------------------------------


def run(command: str, world, path: str, *args: str):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        command,
        path,
        "--cooperatie",
        str(world.a.cooperatie.pk),
        "--actor",
        world.a.bestuur.username,
        *args,
        stdout=out,
        stderr=err,
    )
    return out.getvalue(), err.getvalue()


def test_import_activiteiten_command_writes_and_reports(world, tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(
        csv(A_HEADER, "08-01-2025;A;ontmoeting;1;1;", "09-01-2025;B;groen;1;1;")
    )
    before = Activiteit.objects.count()

    out, _err = run("import_activiteiten", world, str(path), "--dry-run")
    assert "Zou inlezen: 2 activiteiten" in out
    assert Activiteit.objects.count() == before

    out, _err = run("import_activiteiten", world, str(path))
    assert "Ingelezen: 2 activiteiten." in out
    assert Activiteit.objects.count() == before + 2


def test_import_boekingen_command_refuses_a_bad_file_naming_row_and_column(
    world, tmp_path
):
    path = tmp_path / "b.csv"
    path.write_bytes(
        csv(B_HEADER, "08-01-2025;uitgave;5;Koffie;", "08-01-2025;uitgave;0;X;")
    )
    before = Boeking.objects.count()
    err = io.StringIO()

    with pytest.raises(CommandError, match="er is niets ingelezen"):
        call_command(
            "import_boekingen",
            str(path),
            "--cooperatie",
            str(world.a.cooperatie.pk),
            "--actor",
            world.a.bestuur.username,
            stderr=err,
        )
    assert "rij 3, kolom bedrag" in err.getvalue()
    assert Boeking.objects.count() == before


def test_import_command_by_another_board_is_refused(world, tmp_path):
    path = tmp_path / "b.csv"
    path.write_bytes(csv(B_HEADER, "08-01-2025;uitgave;5;Koffie;"))
    with pytest.raises(CommandError):
        call_command(
            "import_boekingen",
            str(path),
            "--cooperatie",
            str(world.a.cooperatie.pk),
            "--actor",
            world.b.bestuur.username,
        )


def test_a_long_cell_and_a_hostile_cell_are_bounded_or_kept_as_text(world):
    long = "x" * 20_000
    with pytest.raises(TableImportError) as excinfo:
        importeren.parse_file(
            importeren.ACTIVITEITEN,
            csv(A_HEADER, f"08-01-2025;{long};ontmoeting;1;1;"),
            "a.csv",
        )
    assert excinfo.value.errors[0].column == "titel"
    # A formula-like title is text, written as it is.
    data = csv(A_HEADER, "08-01-2025;=1+1;ontmoeting;1;1;")
    parsed = importeren.parse_file(importeren.ACTIVITEITEN, data, "a.csv")
    (activiteit,) = importeren.import_rows(
        soort=importeren.ACTIVITEITEN,
        cooperatie=world.a.cooperatie,
        parsed=parsed,
        actor=world.a.bestuur,
    )
    assert activiteit.titel == "=1+1"


def test_too_many_volunteers_in_one_cell_are_refused(world):
    names = ",".join(
        str(world.a.lid.pk) for _ in range(importeren.MAX_VRIJWILLIGERS + 1)
    )
    data = csv(A_HEADER, f'08-01-2025;A;ontmoeting;1;1;"{names}"')
    parsed = importeren.parse_file(importeren.ACTIVITEITEN, data, "a.csv")
    plan = importeren.plan_import(
        soort=importeren.ACTIVITEITEN,
        cooperatie=world.a.cooperatie,
        parsed=parsed,
        actor=world.a.bestuur,
    )
    assert [(e.row, e.column) for e in plan.errors] == [(2, "vrijwilligers")]


def test_the_buurtcode_column_is_optional_and_put_in_capitals(world):
    data = csv(
        "datum;titel;thema;buurtcode",
        "08-01-2025;Buurtfeest;ontmoeting;bu03440304",
        "09-01-2025;Koffieochtend;ontmoeting;",
    )
    parsed = importeren.parse_file(importeren.ACTIVITEITEN, data, "a.csv")

    created = importeren.import_rows(
        soort=importeren.ACTIVITEITEN,
        cooperatie=world.a.cooperatie,
        parsed=parsed,
        actor=world.a.bestuur,
    )

    assert [a.buurtcode for a in created] == ["BU03440304", ""]


def test_a_bad_buurtcode_names_row_and_column_and_nothing_is_written(world):
    data = csv(
        "datum;titel;thema;buurtcode",
        "08-01-2025;Buurtfeest;ontmoeting;BU03440304",
        "09-01-2025;Koffieochtend;ontmoeting;GM0344",
    )
    parsed = importeren.parse_file(importeren.ACTIVITEITEN, data, "a.csv")
    before = Activiteit.objects.count()

    plan = importeren.plan_import(
        soort=importeren.ACTIVITEITEN,
        cooperatie=world.a.cooperatie,
        parsed=parsed,
        actor=world.a.bestuur,
    )

    assert [(e.row, e.column) for e in plan.errors] == [(3, "buurtcode")]
    assert "buurtcode" in plan.errors[0].message.casefold()
    with pytest.raises(TableImportError):
        importeren.import_rows(
            soort=importeren.ACTIVITEITEN,
            cooperatie=world.a.cooperatie,
            parsed=parsed,
            actor=world.a.bestuur,
        )
    assert Activiteit.objects.count() == before

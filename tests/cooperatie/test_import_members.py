"""The `import_members` command: the report on success, and on bad input the
row and column of every error, exit status 1 and nothing written."""

from __future__ import annotations

import datetime
import io

from django.core.management import call_command
from django.core.management.base import CommandError

import pytest

from cooperatie.models import Lid
from tests.helpers import entries_since, journal_mark, table_state

HEADER = "naam;e-mail;lid_sinds;doelgroep"


@pytest.fixture
def bestand(tmp_path):
    def write(*lines: str, name: str = "leden.csv") -> str:
        path = tmp_path / name
        path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
        return str(path)

    return write


def run(world, path: str, *args: str, actor: str | None = None):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "import_members",
        path,
        "--cooperatie",
        str(world.a.cooperatie.pk),
        "--actor",
        actor or world.a.bestuur.username,
        *args,
        stdout=out,
        stderr=err,
    )
    return out.getvalue(), err.getvalue()


def member_line(lid: Lid) -> str:
    return f"{lid.naam};{lid.email};{lid.lid_sinds.isoformat()};{lid.doelgroep}"


def test_import_writes_members_and_prints_the_report(world, bestand):
    path = bestand(
        member_line(world.a.lid),
        member_line(world.a.bestuurslid),
        "Nieuw Lid;nieuw@example.nl;2024-03-01;ja",
    )
    seq = journal_mark()

    out, err = run(world, path)

    nieuw = Lid.objects.get(cooperatie=world.a.cooperatie, naam="Nieuw Lid")
    assert nieuw.lid_sinds == datetime.date(2024, 3, 1)
    assert "  nieuw: Nieuw Lid" in out
    assert "Ingelezen: 1 nieuw, 0 bijgewerkt, 0 beëindigd, 2 ongewijzigd." in out
    assert err == ""
    entries = entries_since(seq)
    assert [(e.action, e.actor_id) for e in entries] == [
        ("lid_create", world.a.bestuur.pk)
    ]


def test_bad_rows_exit_with_status_1_naming_row_and_column(world, bestand):
    path = bestand(
        "Jan;jan@example.nl;2024-03-01;ja",
        "Piet;geen-email;2024-03-01;ja",
        "Klaas;klaas@example.nl;morgen;ja",
    )
    seq, rows = journal_mark(), table_state(Lid)
    err = io.StringIO()

    with pytest.raises(CommandError) as exc:
        call_command(
            "import_members",
            path,
            cooperatie=world.a.cooperatie.pk,
            actor=world.a.bestuur.username,
            stderr=err,
        )

    assert exc.value.returncode == 1
    assert str(exc.value) == "2 fout(en) in leden.csv; er is niets ingelezen."
    assert err.getvalue().splitlines() == [
        "rij 3, kolom e-mail: Voer een geldig e-mailadres in.",
        "rij 4, kolom lid_sinds: “morgen” is geen datum; schrijf JJJJ-MM-DD of "
        "DD-MM-JJJJ.",
    ]
    assert table_state(Lid) == rows
    assert entries_since(seq) == []


def test_a_file_that_cannot_be_read_is_refused(world, tmp_path):
    path = tmp_path / "leden.csv"
    path.write_text("naam;iban\nJan;NL01\n", encoding="utf-8")
    with pytest.raises(CommandError) as exc:
        run(world, str(path))
    assert "er is niets ingelezen" in str(exc.value)


def test_missing_file_is_named(world, tmp_path):
    with pytest.raises(CommandError, match=r"bestaat-niet\.csv"):
        run(world, str(tmp_path / "bestaat-niet.csv"))


def test_dry_run_shows_the_plan_and_writes_nothing(world, bestand):
    path = bestand(
        member_line(world.a.lid),
        "Nieuw Lid;nieuw@example.nl;2024-03-01;ja",
    )
    seq, rows = journal_mark(), table_state(Lid)

    out, _err = run(
        world,
        path,
        "--dry-run",
        "--beeindig-ontbrekende",
        "--einddatum",
        "2025-01-01",
    )

    assert "  rij 3: nieuw" in out
    assert f"  te beëindigen per 2025-01-01: {world.a.bestuurslid.naam}" in out
    assert "Zou inlezen: 1 nieuw, 0 bijgewerkt, 1 beëindigd, 1 ongewijzigd." in out
    assert table_state(Lid) == rows
    assert entries_since(seq) == []


def test_members_missing_from_the_file_are_ended_when_asked(world, bestand):
    path = bestand(member_line(world.a.lid))
    out, _err = run(world, path, "--beeindig-ontbrekende", "--einddatum", "2025-01-01")
    world.a.bestuurslid.refresh_from_db()
    assert world.a.bestuurslid.lid_tot == datetime.date(2025, 1, 1)
    assert "0 nieuw, 0 bijgewerkt, 1 beëindigd, 1 ongewijzigd" in out


def test_a_locked_year_refuses_the_whole_file(world, bestand):
    path = bestand(
        "Jan;jan@example.nl;2024-03-01;ja",
        "Piet;piet@example.nl;2023-03-01;ja",
    )
    rows = table_state(Lid)
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_members",
            path,
            cooperatie=world.a.cooperatie.pk,
            actor=world.a.bestuur.username,
            stderr=err,
        )
    assert err.getvalue().startswith(
        "rij 3, kolom lid_sinds: Het jaar 2023 is vastgesteld"
    )
    assert table_state(Lid) == rows


@pytest.mark.parametrize("who", ["beheerder", "auditor"])
def test_only_the_bestuur_may_import(world, bestand, who):
    path = bestand("Jan;jan@example.nl;2024-03-01;ja")
    rows = table_state(Lid)
    with pytest.raises(CommandError, match="Alleen het bestuur van deze coöperatie"):
        run(world, path, actor=getattr(world.a, who).username)
    with pytest.raises(CommandError, match="Alleen het bestuur van deze coöperatie"):
        run(world, path, "--dry-run", actor=world.b.bestuur.username)
    assert table_state(Lid) == rows


def test_unknown_cooperatie_and_actor_are_refused(world, bestand):
    path = bestand("Jan;jan@example.nl;2024-03-01;ja")
    with pytest.raises(CommandError, match="geen coöperatie met id 999999"):
        call_command("import_members", path, cooperatie=999999, actor="bestuur_a")
    with pytest.raises(CommandError, match="geen actieve gebruiker niemand"):
        run(world, path, actor="niemand")


def test_end_date_needs_the_end_option_and_a_real_date(world, bestand):
    path = bestand("Jan;jan@example.nl;2024-03-01;ja")
    with pytest.raises(CommandError, match="hoort bij --beeindig-ontbrekende"):
        run(world, path, "--einddatum", "2025-01-01")
    with pytest.raises(CommandError, match="is geen datum"):
        run(world, path, "--beeindig-ontbrekende", "--einddatum", "1-1-2025")

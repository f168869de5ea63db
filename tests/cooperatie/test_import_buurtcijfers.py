"""The `import_buurtcijfers` command on the shipped samples and on bad files:
all or nothing, every error naming its row and column, the bounds, and what a
second import of the same year does."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError

import pytest

from cooperatie import buurtcijfers
from cooperatie.models import Buurtkerncijfers, Leefbaarometerscore
from tests.helpers import entries_since, journal_mark

VOORBEELDEN = Path(__file__).resolve().parents[2] / "demo" / "data" / "buurtcijfers"
LBM = VOORBEELDEN / "VOORBEELD-leefbaarometer-3.0-buurten.csv"
CBS = VOORBEELDEN / "VOORBEELD-cbs-kerncijfers-wijken-en-buurten-2024.csv"
LBM_HEADER = "bu_code,jaar,lbm,afw,won,fys,vrz,soc,onv"


def run(world, path, *args: str, actor: str | None = None):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(
            "import_buurtcijfers",
            str(path),
            "--actor",
            actor or world.superuser.username,
            *args,
            stdout=out,
            stderr=err,
        )
    except CommandError as exc:
        exc.stderr = err.getvalue()
        raise
    return out.getvalue(), err.getvalue()


def lbm(world, path, *args: str, **kwargs):
    return run(world, path, "--bron", "leefbaarometer", "--versie", "3.0", *args)


@pytest.fixture
def bestand(tmp_path):
    def write(*lines: str, name: str = "lbm.csv") -> Path:
        path = tmp_path / name
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    return write


def test_the_leefbaarometer_sample_is_read_whole_and_journalled_once(world):
    seq = journal_mark()

    out, err = lbm(world, LBM)

    assert err == ""
    assert Leefbaarometerscore.objects.count() == 32
    assert "Ingelezen: 32 buurten (2018, 2020, 2022, 2024)" in out
    score = Leefbaarometerscore.objects.get(buurtcode="BU03440304", meetjaar=2018)
    assert score.versie == "3.0"
    assert score.totaal == Decimal("4.0291")
    assert score.afwijking == Decimal("-0.0709")
    entries = entries_since(seq)
    assert [(e.action, e.keten, e.actor_id) for e in entries] == [
        ("buurtcijfers_import", "platform", world.superuser.pk)
    ]
    assert entries[0].after["rijen"] == 32
    assert len(entries[0].after["sha256"]) == 64


def test_the_cbs_sample_skips_the_rows_that_are_no_buurt(world):
    out, _err = run(world, CBS, "--bron", "cbs", "--jaar", "2024")

    assert Buurtkerncijfers.objects.count() == 8
    assert "5 regio's die geen buurt zijn overgeslagen" in out
    rij = Buurtkerncijfers.objects.get(buurtcode="BU03440304")
    assert rij.jaar == 2024
    assert rij.aantal_inwoners > 0
    assert rij.percentage_corporatiewoningen is not None


def test_one_bad_row_refuses_the_file_naming_row_and_column(world, bestand):
    path = bestand(
        LBM_HEADER,
        "BU03440304,2020,4.1,0.0,0,0,0,0,0",
        "BU03440304,2022,vier,0.0,0,0,0,0,0",
        "XX12,2022,4.1,0.0,0,0,0,0,0",
        "BU03440103,2022,4.1,0.0,0,0,0,0,9",
    )
    seq = journal_mark()

    with pytest.raises(CommandError) as exc:
        lbm(world, path)

    assert "er is niets ingelezen" in str(exc.value)
    assert "rij 3, kolom lbm: “vier” moet een getal zijn." in exc.value.stderr
    assert "rij 4, kolom bu_code:" in exc.value.stderr
    assert "rij 5, kolom onv:" in exc.value.stderr
    assert Leefbaarometerscore.objects.count() == 0
    assert entries_since(seq) == []


def test_a_buurt_twice_in_one_year_is_refused(world, bestand):
    path = bestand(
        LBM_HEADER,
        "BU03440304,2020,4.1,,,,,,",
        "bu03440304,2020,4.2,,,,,,",
    )

    with pytest.raises(CommandError) as exc:
        lbm(world, path)

    assert "rij 3, kolom bu_code: Deze buurt staat voor dit jaar al op rij 2." in (
        exc.value.stderr
    )


def test_a_missing_required_column_is_named(world, bestand):
    path = bestand("bu_code,jaar", "BU03440304,2020")

    with pytest.raises(CommandError) as exc:
        lbm(world, path)

    assert "rij 1, kolom lbm: Deze verplichte kolom ontbreekt." in exc.value.stderr


def test_a_file_too_large_is_refused_before_it_is_read(world, bestand, monkeypatch):
    monkeypatch.setattr(buurtcijfers, "MAX_BYTES", 100)
    path = bestand(LBM_HEADER, *["BU03440304,2020,4.1,,,,,,"] * 10)

    with pytest.raises(CommandError):
        lbm(world, path)

    assert Leefbaarometerscore.objects.count() == 0


def test_too_many_rows_are_refused(world, bestand, monkeypatch):
    monkeypatch.setattr(buurtcijfers, "MAX_ROWS", 3)
    path = bestand(LBM_HEADER, *[f"BU0344030{i},2020,4.1,,,,,," for i in range(1, 6)])

    with pytest.raises(CommandError) as exc:
        lbm(world, path)

    assert "rij 5: Het bestand mag hoogstens 3 rijen met buurten hebben." in (
        exc.value.stderr
    )
    assert Leefbaarometerscore.objects.count() == 0


def test_a_second_import_of_a_year_is_refused_unless_replaced(world, bestand):
    lbm(world, LBM)
    path = bestand(LBM_HEADER, "BU03440304,2024,4.5,0.4,,,,,")

    with pytest.raises(CommandError) as exc:
        lbm(world, path)
    assert "Voor 2024 zijn al cijfers ingelezen" in exc.value.stderr
    assert Leefbaarometerscore.objects.count() == 32

    out, _err = lbm(world, path, "--vervang")

    assert "8 vervangen" in out
    assert Leefbaarometerscore.objects.filter(meetjaar=2024).count() == 1
    assert Leefbaarometerscore.objects.count() == 25


def test_another_version_of_the_same_year_is_kept_beside_it(world):
    lbm(world, LBM)

    run(world, LBM, "--bron", "leefbaarometer", "--versie", "3.0 (herzien)")

    assert Leefbaarometerscore.objects.count() == 64


def test_only_a_platform_operator_imports(world):
    with pytest.raises(CommandError, match="platformbeheerder"):
        run(
            world,
            LBM,
            "--bron",
            "leefbaarometer",
            "--versie",
            "3.0",
            actor=world.a.beheerder.username,
        )


def test_the_leefbaarometer_needs_its_version_and_cbs_its_year(world):
    with pytest.raises(CommandError):
        run(world, LBM, "--bron", "leefbaarometer")
    with pytest.raises(CommandError):
        run(world, LBM, "--bron", "leefbaarometer", "--versie", "3.0\nnep")
    with pytest.raises(CommandError):
        run(world, CBS, "--bron", "cbs")
    assert Leefbaarometerscore.objects.count() == Buurtkerncijfers.objects.count() == 0

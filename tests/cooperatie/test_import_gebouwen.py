"""Import of a corporatie's gebouwen (cooperatie.gebouwimport and the command
import_gebouwen): every cell read as people write it, every error by row and
column, all rows or none, one journal entry per row."""

from __future__ import annotations

import io
from decimal import Decimal

from django.core.management import call_command
from django.core.management.base import CommandError

import openpyxl
import pytest

from cooperatie.gebouwimport import import_gebouwen
from cooperatie.models import Gebouw
from cooperatie.services.gebouwen import MAX_ROWS
from kern.coordinaten import rd_naar_wgs84
from kern.tabelimport import TableImportError
from tests.helpers import entries_since, journal_mark, table_state

HEADER = (
    "complexnummer;naam;straat;huisnummer;postcode;plaats;gemeentecode;"
    "aantal_woningen;daeb;bag_pand_id;bag_verblijfsobject_ids;clustercode;"
    "latitude;longitude;rd_x;rd_y"
)
ROW_1 = (
    "I-1;De Eik;Eiklaan;1-11;3511ab;Utrecht;gm0344;24;niet-DAEB;0344100000000001;"
    '"0344010000000001, 0344010000000002";cl-1;"52,090737";"5,121420";;'
)
ROW_2 = "I-2;De Beuk;Beuklaan;2;3512 AB;Utrecht;GM0344;8;;;;;;;155000;463000"


def csv(*lines: str, header: str = HEADER) -> bytes:
    return ("\r\n".join([header, *lines]) + "\r\n").encode("utf-8")


def _import(world, data: bytes, name: str = "gebouwen.csv"):
    return import_gebouwen(
        corporatie=world.a.corporatie, data=data, name=name, actor=world.a.beheerder
    )


def test_a_file_of_gebouwen_is_read_and_each_journalled(world):
    seq = journal_mark()

    eik, beuk = _import(world, csv(ROW_1, ROW_2))

    eik.refresh_from_db()
    assert (eik.postcode, eik.gemeentecode, eik.daeb) == (
        "3511 AB",
        "GM0344",
        "niet_daeb",
    )
    assert eik.bag_pand_id == "0344100000000001"
    assert eik.bag_verblijfsobject_ids == ["0344010000000001", "0344010000000002"]
    assert eik.clustercode == "CL-1"
    assert (eik.latitude, eik.longitude) == (Decimal("52.090737"), Decimal("5.121420"))
    beuk.refresh_from_db()
    assert beuk.daeb == "daeb"
    assert (beuk.latitude, beuk.longitude) == rd_naar_wgs84(
        Decimal(155000), Decimal(463000)
    )
    assert [e.action for e in entries_since(seq)] == ["gebouw_create"] * 2


def test_an_xlsx_file_is_read_the_same(world):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER.split(";"))
    sheet.append(ROW_2.split(";"))
    out = io.BytesIO()
    book.save(out)

    (beuk,) = _import(world, out.getvalue(), "gebouwen.xlsx")

    assert beuk.complexnummer == "I-2"


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        (ROW_2.replace("GM0344;8", "GM0344;acht"), "aantal_woningen", "geheel getal"),
        (ROW_2.replace("GM0344;8;;", "GM0344;8;duurzaam;"), "daeb", "gemengd"),
        (
            ROW_2.replace("GM0344;8;;", "GM0344;8;;0363100000000001"),
            "bag_pand_id",
            "gemeentecode van het gebouw",
        ),
        (ROW_2.replace("155000;463000", "155000;"), "rd_y", "beide"),
        (ROW_2.replace(";;;;;;155000;463000", ";;;;52,1;;;"), "longitude", "samen"),
        (ROW_2.replace("3512 AB", "3512"), "postcode", "1234 AB"),
    ],
)
def test_a_bad_row_is_named_by_row_and_column_and_nothing_is_written(
    world, row, column, words
):
    seq, rows = journal_mark(), table_state(Gebouw)

    with pytest.raises(TableImportError) as excinfo:
        _import(world, csv(ROW_1, row))

    [error] = excinfo.value.errors
    assert (error.row, error.column) == (3, column)
    assert words in error.message
    assert table_state(Gebouw) == rows
    assert entries_since(seq) == []


def test_a_complexnummer_twice_in_the_file_is_refused(world):
    with pytest.raises(TableImportError) as excinfo:
        _import(world, csv(ROW_1, ROW_1))

    assert [(e.row, e.column) for e in excinfo.value.errors] == [(3, "complexnummer")]


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (csv(header="complexnummer;naam"), "kolom"),
        (csv(header=HEADER + ";onbekend"), "onbekend"),
        (csv(), "kopregel gebouwen"),
        (csv(*[ROW_2] * (MAX_ROWS + 1)), "hoogstens"),
    ],
)
def test_a_file_that_cannot_be_read_as_a_whole_is_refused(world, data, words):
    rows = table_state(Gebouw)

    with pytest.raises(TableImportError) as excinfo:
        _import(world, data)

    assert words in str(excinfo.value)
    assert table_state(Gebouw) == rows


def test_only_a_beheerder_of_the_corporatie_may_import(world, tmp_path):
    path = tmp_path / "gebouwen.csv"
    path.write_bytes(csv(ROW_2))

    with pytest.raises(CommandError):
        call_command(
            "import_gebouwen",
            str(path),
            corporatie=world.b.corporatie.pk,
            actor=world.a.beheerder.username,
        )
    assert not Gebouw.objects.filter(complexnummer="I-2").exists()


def test_the_command_imports_and_reports(world, tmp_path):
    path = tmp_path / "gebouwen.csv"
    path.write_bytes(csv(ROW_1, ROW_2))
    out = io.StringIO()

    call_command(
        "import_gebouwen",
        str(path),
        corporatie=world.a.corporatie.pk,
        actor=world.a.beheerder.username,
        stdout=out,
    )

    assert "Ingelezen: 2 gebouwen." in out.getvalue()


def test_the_command_names_row_and_column_on_an_error(world, tmp_path):
    path = tmp_path / "gebouwen.csv"
    path.write_bytes(csv(ROW_2.replace("GM0344;8", "GM0344;acht")))
    err = io.StringIO()

    with pytest.raises(CommandError, match="niets ingelezen"):
        call_command(
            "import_gebouwen",
            str(path),
            corporatie=world.a.corporatie.pk,
            actor=world.a.beheerder.username,
            stderr=err,
        )
    assert "rij 2, kolom aantal_woningen" in err.getvalue()

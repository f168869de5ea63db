"""The member import: matching rows, the plan, applying it, and the export."""

from __future__ import annotations

import datetime
import io

from django.core.exceptions import PermissionDenied

import openpyxl
import pytest

from cooperatie import importeren
from cooperatie.choices import Bestuursfunctie, Doelgroep
from cooperatie.importeren import (
    NEW,
    REFUSED,
    UNCHANGED,
    UPDATED,
    MemberImportError,
    parse_file,
)
from cooperatie.models import Lid
from kern.models import AuditEntry
from tests.cooperatie.factories import LidFactory
from tests.cooperatie.importeren_helpers import csv_bytes, plan_of, row_of
from tests.helpers import entries_since, entry_json, journal_mark, table_state

# Matching -----------------------------------------------------------------------


def test_row_matches_member_by_email_ignoring_case(world):
    lid = world.a.lid
    plan = plan_of(world, csv_bytes(row_of(lid, email=lid.email.upper())))
    (row,) = plan.rows
    assert row.lid == lid
    assert row.action == UPDATED
    assert row.changes == {"email": lid.email.upper()}


def test_row_matches_member_by_name_and_address_without_email(world):
    lid = world.a.lid
    lid_line = f"  {lid.naam.upper()} ;{lid.adres.lower()};2020-01-01;ja"
    plan = plan_of(world, csv_bytes(lid_line, header="naam;adres;lid_sinds;doelgroep"))
    (row,) = plan.rows
    assert row.lid == lid
    assert row.changes == {"naam": lid.naam.upper(), "adres": lid.adres.lower()}


def test_other_email_at_the_same_name_and_address_is_a_new_member(world):
    lid = world.a.lid
    line = row_of(lid, email="ander@example.nl", lid_sinds="2024-03-01")
    plan = plan_of(world, csv_bytes(line))
    assert plan.rows[0].lid is None
    assert plan.rows[0].action == NEW


def test_other_tenants_member_is_never_matched(world):
    other = world.b.lid
    plan = plan_of(world, csv_bytes(row_of(other, lid_sinds="2024-03-01")))
    assert plan.rows[0].action == NEW
    assert plan.rows[0].lid is None


def test_same_email_twice_in_the_file_is_an_error_on_both_rows(world):
    plan = plan_of(
        world,
        csv_bytes(
            "Jan;jan@example.nl;;;2024-01-01;;;",
            "Piet;piet@example.nl;;;2024-01-01;;;",
            "Jan B;JAN@example.nl;;;2024-01-01;;;",
        ),
    )
    assert [str(e) for e in plan.errors] == [
        "rij 2, kolom e-mail: Hetzelfde e-mailadres staat ook in rij 4.",
        "rij 4, kolom e-mail: Hetzelfde e-mailadres staat ook in rij 2.",
    ]
    assert [row.action for row in plan.rows] == [REFUSED, NEW, REFUSED]


def test_same_name_and_address_twice_is_an_error_on_both_rows(world):
    plan = plan_of(
        world,
        csv_bytes(
            "Jan;;;Laan 1;2024-01-01;;;",
            "jan ;jan@example.nl;;laan  1;2024-01-01;;;",
        ),
    )
    assert [str(e) for e in plan.errors] == [
        "rij 2, kolom naam: Dezelfde naam met hetzelfde adres staat ook in rij 3.",
        "rij 3, kolom naam: Dezelfde naam met hetzelfde adres staat ook in rij 2.",
    ]


def test_same_name_and_address_with_two_emails_are_two_members(world):
    plan = plan_of(
        world,
        csv_bytes(
            "Jan;jan@example.nl;;Laan 1;2024-01-01;;;",
            "Jan;jan2@example.nl;;Laan 1;2024-01-01;;;",
        ),
    )
    assert plan.errors == []
    assert [row.action for row in plan.rows] == [NEW, NEW]


def test_two_rows_for_one_member_are_refused(world):
    # One row finds the member by e-mail (under a new name), the other by its
    # name and address: two different rows, one member.
    lid = world.a.lid
    plan = plan_of(
        world,
        csv_bytes(
            row_of(lid, naam="Nieuwe Naam"),
            row_of(lid, email=""),
        ),
    )
    assert [str(e) for e in plan.errors] == [
        "rij 2, kolom naam: Rij 2 en rij 3 zijn hetzelfde lid.",
        "rij 3, kolom naam: Rij 2 en rij 3 zijn hetzelfde lid.",
    ]


def test_ambiguous_name_and_address_asks_for_the_email(world):
    for _n in range(2):
        LidFactory(cooperatie=world.a.cooperatie, naam="Jan", adres="Laan 1", email="")
    plan = plan_of(world, csv_bytes("Jan;;;Laan 1;2024-01-01;;;"))
    assert [str(e) for e in plan.errors] == [
        "rij 2, kolom naam: Meer dan één lid heeft deze naam en dit adres; vul het "
        "e-mailadres in om aan te geven welk lid het is."
    ]


# The plan -----------------------------------------------------------------------


def test_plan_says_per_row_what_happens_and_who_is_ended(world):
    lid, bestuurslid = world.a.lid, world.a.bestuurslid
    oud = LidFactory(
        cooperatie=world.a.cooperatie,
        lid_sinds=datetime.date(2020, 1, 1),
        lid_tot=datetime.date(2022, 1, 1),
    )
    data = csv_bytes(
        row_of(lid),
        row_of(bestuurslid, telefoon="06-99999999", doelgroep="ja"),
        "Nieuw Lid;nieuw@example.nl;;Laan 9;2024-02-01;;;",
    )
    seq, rows = journal_mark(), table_state(Lid)

    plan = plan_of(world, data, end_missing=True, end_date=datetime.date(2025, 1, 1))

    assert plan.errors == []
    assert [row.action for row in plan.rows] == [UNCHANGED, UPDATED, NEW]
    assert plan.rows[1].changed_columns == ["telefoon", "doelgroep"]
    assert [r.number for r in plan.new] == [4]
    assert plan.to_end == []  # every current member is in the file; `oud` left
    assert oud not in plan.to_end
    assert entries_since(seq) == []
    assert table_state(Lid) == rows


def test_current_members_missing_from_the_file_are_ended_only_when_asked(world):
    data = csv_bytes(row_of(world.a.lid))
    assert plan_of(world, data).to_end == []
    plan = plan_of(world, data, end_missing=True, end_date=datetime.date(2025, 1, 1))
    assert plan.to_end == [world.a.bestuurslid]


def test_every_error_of_a_row_is_named_with_row_and_column(world):
    data = csv_bytes(
        "Jan;jan@example.nl;;;2024-01-01;;;",
        "Piet;geen-adres;;;31-02-2024;;koning;misschien",
        ";;;;2024-01-01;2023-01-01;;",
        "Klaas;klaas@example.nl;" + "0" * 21 + ";;2024-05-01;2024-04-01;;",
    )
    plan = plan_of(world, data)
    # A row's errors stand in the order of the file's columns.
    assert [str(e) for e in plan.errors] == [
        "rij 3, kolom e-mail: Voer een geldig e-mailadres in.",
        "rij 3, kolom lid_sinds: “31-02-2024” is geen datum; schrijf JJJJ-MM-DD of "
        "DD-MM-JJJJ.",
        "rij 3, kolom bestuursfunctie: “koning” is geen geldige waarde; kies uit: "
        "voorzitter, secretaris, penningmeester, bestuurslid.",
        "rij 3, kolom doelgroep: “misschien” is geen geldige waarde; kies uit: ja, "
        "nee, onbekend.",
        "rij 4, kolom naam: Dit veld is vereist.",
        "rij 4, kolom lid_tot: Het lidmaatschap moet eindigen na de dag waarop "
        "het begon.",
        "rij 5, kolom telefoon: Zorg dat deze waarde niet meer dan 20 tekens bevat "
        "(het zijn er nu 21).",
        "rij 5, kolom lid_tot: Het lidmaatschap moet eindigen na de dag waarop "
        "het begon.",
    ]
    assert [row.action for row in plan.rows] == [NEW, REFUSED, REFUSED, REFUSED]


def test_a_new_member_in_a_locked_year_is_refused_in_the_plan(world):
    # 2023 is vastgesteld in the world: a member who joined before its
    # peildatum would change its member count.
    plan = plan_of(world, csv_bytes("Jan;;;;2023-06-01;;;"))
    assert [str(e) for e in plan.errors] == [
        "rij 2, kolom lid_sinds: Het jaar 2023 is vastgesteld en kan niet meer worden "
        "gewijzigd."
    ]


def test_ending_a_member_inside_a_locked_year_is_refused_in_the_plan(world):
    data = csv_bytes(row_of(world.a.lid))
    plan = plan_of(world, data, end_missing=True, end_date=datetime.date(2023, 6, 1))
    assert len(plan.errors) == 1
    error = plan.errors[0]
    assert error.row is None
    assert error.member == world.a.bestuurslid.naam
    assert str(error).startswith(
        f"lid {world.a.bestuurslid.naam} (niet in het bestand), kolom lid_tot: "
        "Het jaar 2023 is vastgesteld"
    )


def test_only_the_cooperaties_own_bestuur_may_plan(world):
    data = parse_file(csv_bytes(row_of(world.a.lid)))
    for actor in (world.a.beheerder, world.a.auditor, world.b.bestuur):
        with pytest.raises(PermissionDenied):
            importeren.plan_import(
                cooperatie=world.a.cooperatie, parsed=data, actor=actor
            )


def test_the_payload_carries_the_rows_unchanged():
    parsed = parse_file(b"Naam,Lid_Sinds\r\nJan,2024-01-01\r\n")
    again = importeren.ParsedFile.from_payload(parsed.to_payload())
    assert again == parsed


# Applying -----------------------------------------------------------------------


def test_import_creates_updates_and_ends_through_the_services(world):
    cooperatie = world.a.cooperatie
    data = csv_bytes(
        row_of(world.a.lid, telefoon="06-11112222"),
        "Nieuw Lid;nieuw@example.nl;06-1;Laan 9;2024-02-01;;penningmeester;ja",
    )
    seq = journal_mark()

    report = importeren.import_members(
        cooperatie=cooperatie,
        parsed=parse_file(data),
        actor=world.a.bestuur,
        end_missing=True,
        end_date=datetime.date(2025, 1, 1),
    )

    nieuw = Lid.objects.get(cooperatie=cooperatie, email="nieuw@example.nl")
    assert report.created == [nieuw]
    assert report.updated == [(world.a.lid, ["telefoon"])]
    assert report.ended == [world.a.bestuurslid]
    assert report.unchanged == 0
    assert nieuw.bestuursfunctie == Bestuursfunctie.PENNINGMEESTER
    assert nieuw.doelgroep == Doelgroep.JA
    assert nieuw.lid_sinds == datetime.date(2024, 2, 1)
    world.a.lid.refresh_from_db()
    assert world.a.lid.telefoon == "06-11112222"
    world.a.bestuurslid.refresh_from_db()
    assert world.a.bestuurslid.lid_tot == datetime.date(2025, 1, 1)
    assert world.a.bestuurslid.bestuursfunctie == ""

    entries = entries_since(seq)
    assert [e.action for e in entries] == ["lid_update", "lid_create", "lid_end"]
    assert {e.actor_id for e in entries} == {world.a.bestuur.pk}
    for entry in entries:
        text = entry_json(entry)
        assert "Nieuw Lid" not in text
        assert "nieuw@example.nl" not in text
        assert "06-11112222" not in text


def test_a_refusal_while_applying_undoes_every_row(world):
    cooperatie = world.a.cooperatie
    parsed = parse_file(
        csv_bytes(
            row_of(world.a.lid, telefoon="06-11112222"),
            "Eerste;eerste@example.nl;;;2024-02-01;;;",
            "Tweede;tweede@example.nl;;;2024-02-01;;;",
        )
    )
    plan = importeren.plan_import(
        cooperatie=cooperatie, parsed=parsed, actor=world.a.bestuur
    )
    assert plan.errors == []
    # Between the preview and the commit someone adds a member with that e-mail.
    LidFactory(cooperatie=cooperatie, email="tweede@example.nl")
    seq, rows = journal_mark(), table_state(Lid)

    with pytest.raises(MemberImportError) as exc:
        importeren.apply_plan(plan, actor=world.a.bestuur)

    assert [str(e) for e in exc.value.errors] == [
        "rij 4, kolom e-mail: Een e-mailadres mag per coöperatie maar bij één lid"
        " horen: deze coöperatie heeft al een lid met dit e-mailadres."
    ]
    assert table_state(Lid) == rows
    assert entries_since(seq) == []


def test_a_plan_with_errors_is_not_applied(world):
    plan = plan_of(world, csv_bytes("Jan;;;;2024-01-01;;;", "Piet;;;;gisteren;;;"))
    count = AuditEntry.objects.count()
    with pytest.raises(MemberImportError) as exc:
        importeren.apply_plan(plan, actor=world.a.bestuur)
    assert exc.value.errors == plan.errors
    assert not Lid.objects.filter(naam="Jan").exists()
    assert AuditEntry.objects.count() == count


def test_import_replans_against_the_database_of_now(world):
    parsed = parse_file(csv_bytes("Jan;jan@example.nl;06-1;;2024-02-01;;;"))
    # Added after the file was read (say, between preview and commit).
    jan = LidFactory(
        cooperatie=world.a.cooperatie,
        naam="Jan",
        email="jan@example.nl",
        telefoon="06-2",
        adres="",
        lid_sinds=datetime.date(2024, 2, 1),
    )
    report = importeren.import_members(
        cooperatie=world.a.cooperatie, parsed=parsed, actor=world.a.bestuur
    )
    assert report.created == []
    assert report.updated == [(jan, ["telefoon"])]


# Export and template ------------------------------------------------------------


@pytest.mark.parametrize("formaat", ["csv", "xlsx"])
def test_export_imports_again_as_unchanged(world, formaat):
    cooperatie = world.a.cooperatie
    LidFactory(
        cooperatie=cooperatie,
        naam="=HYPERLINK(1)",
        telefoon="+31 6 1234 5678",
        adres="-1 achter",
        email="",
        lid_sinds=datetime.date(2019, 3, 1),
        lid_tot=datetime.date(2021, 7, 1),
        doelgroep=Doelgroep.NEE,
    )
    leden = Lid.objects.filter(cooperatie=cooperatie).order_by("naam")
    rows = importeren.export_rows(leden)
    data = (
        importeren.write_xlsx(rows) if formaat == "xlsx" else importeren.write_csv(rows)
    )

    plan = plan_of(world, data, end_missing=True, end_date=datetime.date(2025, 1, 1))

    assert plan.errors == []
    assert len(plan.rows) == 3
    assert {row.action for row in plan.rows} == {UNCHANGED}
    assert plan.to_end == []


def test_csv_export_escapes_formulas():
    rows = [["=SUM(A1)", "", "+316", "@x", datetime.date(2024, 1, 1), None, "", "ja"]]
    text = importeren.write_csv(rows).decode("utf-8-sig")
    assert text.splitlines()[1] == "'=SUM(A1);;'+316;'@x;2024-01-01;;;ja"


def test_xlsx_export_holds_no_formula_and_real_dates():
    rows = [["=SUM(A1)", "", "", "", datetime.date(2024, 1, 1), None, "", "ja"]]
    sheet = openpyxl.load_workbook(io.BytesIO(importeren.write_xlsx(rows))).active
    assert sheet["A2"].value == "'=SUM(A1)"
    assert sheet["A2"].data_type == "s"
    assert sheet["E2"].value.date() == datetime.date(2024, 1, 1)


def test_template_imports_as_one_new_member(world):
    for data in (
        importeren.write_csv(importeren.example_rows()),
        importeren.write_xlsx(importeren.example_rows(), explanation=True),
    ):
        plan = plan_of(world, data)
        assert plan.errors == []
        assert [row.action for row in plan.rows] == [NEW]
        assert plan.rows[0].values["naam"] == "Jan de Vries"

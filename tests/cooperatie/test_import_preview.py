"""The import's preview runs the real services in a savepoint it rolls back: it
writes nothing, and it refuses exactly what the import refuses. Each row is
checked by the member form the pages use."""

from __future__ import annotations

import datetime

from django.utils import translation

import pytest

from cooperatie import importeren
from cooperatie.forms import LidForm
from cooperatie.importeren import NEW, UNCHANGED, UPDATED, MemberImportError, parse_file
from cooperatie.models import Lid
from kern.models import AuditChainHead, AuditEntry
from tests.cooperatie.factories import CooperatieFactory, LidFactory, RolFactory
from tests.cooperatie.importeren_helpers import csv_bytes, row_of
from tests.helpers import entries_since, journal_mark, table_state


def database_state():
    """Members, journal and chain heads as plain values."""
    return table_state(Lid), table_state(AuditEntry), table_state(AuditChainHead)


def test_preview_runs_the_services_and_writes_nothing(
    world, django_capture_on_commit_callbacks
):
    lid = world.a.lid
    telefoon = lid.telefoon
    data = csv_bytes(
        row_of(lid, telefoon="06-11112222"),
        "Nieuw Lid;nieuw@example.nl;;Laan 9;2024-02-01;;;",
    )
    before, seq = database_state(), journal_mark()

    with django_capture_on_commit_callbacks() as callbacks:
        plan = importeren.plan_import(
            cooperatie=world.a.cooperatie,
            parsed=parse_file(data),
            actor=world.a.bestuur,
            end_missing=True,
            end_date=datetime.date(2025, 1, 1),
        )

    assert plan.errors == []
    assert [row.action for row in plan.rows] == [UPDATED, NEW]
    assert plan.to_end == [world.a.bestuurslid]
    assert database_state() == before
    assert entries_since(seq) == []
    assert callbacks == []
    # The plan's members keep their stored values for the preview to show.
    assert plan.rows[0].lid.telefoon == telefoon
    assert plan.to_end[0].lid_tot is None


@pytest.mark.django_db(transaction=True)
def test_preview_outside_a_transaction_commits_nothing():
    """Without a surrounding transaction the preview's own transaction is the
    outermost one, and it is rolled back: no member, no journal entry, not even
    the head of the cooperatie's chain that its first entry would create."""
    cooperatie = CooperatieFactory()
    bestuur = RolFactory(bestuur=True, cooperatie=cooperatie).user
    LidFactory(cooperatie=cooperatie, email="oud@example.nl")
    before = database_state()

    plan = importeren.plan_import(
        cooperatie=cooperatie,
        parsed=parse_file(csv_bytes("Nieuw;nieuw@example.nl;;;2024-02-01;;;")),
        actor=bestuur,
        end_missing=True,
        end_date=datetime.date(2025, 1, 1),
    )

    assert plan.errors == []
    assert len(plan.new) == 1
    assert len(plan.to_end) == 1
    assert database_state() == before


def test_preview_and_import_refuse_alike(world):
    """The services' refusals (a locked year, the model's rule on the dates, a
    member to end inside a locked year) are the preview's errors, word for word,
    and the import's; neither writes anything."""
    data = csv_bytes(
        row_of(world.a.lid),
        "Te vroeg;vroeg@example.nl;;;2023-06-01;;;",
        "Omgekeerd;omgekeerd@example.nl;;;2024-05-01;2024-04-01;;",
        "Goed;goed@example.nl;;;2024-05-01;;;",
    )
    options = {
        "cooperatie": world.a.cooperatie,
        "actor": world.a.bestuur,
        "end_missing": True,
        "end_date": datetime.date(2023, 6, 1),
    }
    before = database_state()

    plan = importeren.plan_import(parsed=parse_file(data), **options)
    with pytest.raises(MemberImportError) as exc:
        importeren.import_members(parsed=parse_file(data), **options)

    preview = [str(error) for error in plan.errors]
    assert preview == [str(error) for error in exc.value.errors]
    assert preview == [
        "rij 3, kolom lid_sinds: Het jaar 2023 is vastgesteld en kan niet meer "
        "worden gewijzigd.",
        "rij 4, kolom lid_tot: Het lidmaatschap moet eindigen na de dag waarop "
        "het begon.",
        f"lid {world.a.bestuurslid.naam} (niet in het bestand), kolom lid_tot: "
        "Het jaar 2023 is vastgesteld en kan niet meer worden gewijzigd.",
    ]
    assert [row.action for row in plan.rows] == [UNCHANGED, "fout", "fout", NEW]
    assert database_state() == before


@pytest.mark.parametrize(
    ("column", "field", "cell"),
    [
        ("e-mail", "email", "geen-adres"),
        ("telefoon", "telefoon", "0" * 21),
        ("adres", "adres", "Laan " + "1" * 200),
        ("naam", "naam", ""),
        ("naam", "naam", "x" * 201),
    ],
)
def test_a_row_is_refused_with_the_member_forms_message(world, column, field, cell):
    """What the member form refuses on the add-member page, the import refuses
    with the same message on the row and column."""
    values = {
        "naam": "Jan",
        "email": "jan@example.nl",
        "telefoon": "",
        "adres": "Laan 1",
        "lid_sinds": "2024-02-01",
        "doelgroep": "onbekend",
        field: cell,
    }
    form = LidForm(values)
    assert not form.is_valid()
    header = "naam;e-mail;telefoon;adres;lid_sinds;doelgroep"
    line = ";".join(values[name] for name in Lid.EDITABLE_FIELDS if name in values)

    plan = importeren.plan_import(
        cooperatie=world.a.cooperatie,
        parsed=parse_file(csv_bytes(line, header=header)),
        actor=world.a.bestuur,
    )

    assert [str(error) for error in plan.errors] == [
        f"rij 2, kolom {column}: {message}" for message in form.errors[field]
    ]


def test_an_empty_start_date_says_what_to_fill_in_on_the_form_and_in_the_file(
    world,
):
    form = LidForm({"naam": "Jan", "doelgroep": "onbekend"})
    assert form.errors["lid_sinds"] == [
        "Vul de datum in waarop het lidmaatschap begon."
    ]
    plan = importeren.plan_import(
        cooperatie=world.a.cooperatie,
        parsed=parse_file(csv_bytes("Jan;", header="naam;lid_sinds")),
        actor=world.a.bestuur,
    )
    assert [str(error) for error in plan.errors] == [
        "rij 2, kolom lid_sinds: Vul de datum in waarop het lidmaatschap begon."
    ]


@pytest.mark.parametrize(
    "cell",
    ["2024-02-01", "1-2-2024", "01/02/2024", "1.2.2024", "2024-02-01 00:00:00"],
)
def test_dates_are_read_in_the_files_notations_in_any_language(world, cell):
    """1-2-2024 is 1 February, also for a user who reads the pages in English
    (whose form would read 01/02/2024 as 2 January)."""
    data = csv_bytes(f"Jan;{cell}", header="naam;lid_sinds")
    with translation.override("en"):
        plan = importeren.plan_import(
            cooperatie=world.a.cooperatie,
            parsed=parse_file(data),
            actor=world.a.bestuur,
        )
    assert plan.errors == []
    assert plan.rows[0].values["lid_sinds"] == datetime.date(2024, 2, 1)


def test_a_row_missing_a_column_keeps_the_members_value(world):
    """Columns the file lacks are the member's own to the form, so they neither
    change nor fail."""
    lid = world.a.lid
    data = csv_bytes(
        f"{lid.naam};{lid.email};{lid.lid_sinds.isoformat()};06-99",
        header="naam;e-mail;lid_sinds;telefoon",
    )
    plan = importeren.plan_import(
        cooperatie=world.a.cooperatie, parsed=parse_file(data), actor=world.a.bestuur
    )
    assert plan.errors == []
    assert plan.rows[0].changes == {"telefoon": "06-99"}

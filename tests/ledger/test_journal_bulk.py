"""Writes of many rows at once (the member, activity and booking imports, the
bulk services): one append to the journal whose entries verify and are those
that single writes would make; all or nothing; queries that do not grow with
the rows. Run on SQLite and on PostgreSQL (DATABASE_URL)."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

import pytest

from cooperatie import importeren as leden_import
from cooperatie import services as cooperatie_services
from cooperatie.models import Lid
from kern import journal
from kern.models import AuditChainHead
from kern.writes import RowValidationError
from ledger import importeren, services
from ledger.models import Activiteit, Boeking, Vrijwilliger
from tests.cooperatie.importeren_helpers import csv_bytes
from tests.helpers import entries_since, journal_mark

D = datetime.date

# Fields that differ between two runs of the same writes: when, which row.
VARYING = {"id", "timestamp", "prev_hash", "hash", "object_id", "object_repr"}


@pytest.fixture
def salts(monkeypatch):
    """Members' journal salts from a counter, so that two runs of the same
    writes digest the same personal values alike."""
    state = {"counter": itertools.count()}
    monkeypatch.setattr(
        Lid, "new_salt", staticmethod(lambda: f"{next(state['counter']):032x}")
    )

    def reset():
        state["counter"] = itertools.count()

    return reset


def _lid_rows(n: int) -> list[dict]:
    return [
        {
            "naam": f"Huishouden {k}",
            "email": f"huis{k}@example.nl",
            "telefoon": f"06-{k:08d}",
            "adres": f"Lindenhof {k}",
            "lid_sinds": D(2024, 1 + k % 12, 1),
            "doelgroep": ["ja", "nee", "onbekend"][k % 3],
        }
        for k in range(n)
    ]


def _activiteit_rows(world, n: int) -> list[dict]:
    leden = [world.a.lid, world.a.bestuurslid]
    return [
        {
            "datum": D(2025, 1 + k % 12, 1 + k),
            "titel": f"Koffieochtend {k}",
            "thema": "ontmoeting",
            "vrijwilligersuren": Decimal("7.5"),
            "vrijwilligers": leden if k % 2 == 0 else [],
            **(
                {"vrijwilligers_uren": {leden[0].pk: "5", leden[1].pk: "2.5"}}
                if k % 2 == 0
                else {}
            ),
        }
        for k in range(n)
    ]


def _boeking_rows(world, n: int) -> list[dict]:
    return [
        {
            "datum": D(2025, 2, 1 + k),
            "soort": "uitgave",
            "bedrag": Decimal("12.5") + k,
            "omschrijving": f"Koffie {k}",
            "activiteit": world.a.activiteit if k % 2 else None,
        }
        for k in range(n)
    ]


def _comparable(entry) -> dict:
    values = {
        field.attname: getattr(entry, field.attname)
        for field in entry._meta.concrete_fields
        if field.attname not in VARYING
    }
    # An activity's and a booking's row creation time differ from run to run.
    for side in ("before", "after"):
        if isinstance(values[side], dict):
            values[side] = {k: v for k, v in values[side].items() if k != "created_at"}
    return values


CASES = {
    "lid": (
        lambda world, rows: [
            cooperatie_services.lid_create(
                cooperatie=world.a.cooperatie, actor=world.a.bestuur, **row
            )
            for row in rows
        ],
        lambda world, rows: cooperatie_services.lid_create_many(
            cooperatie=world.a.cooperatie, rows=rows, actor=world.a.bestuur
        ),
    ),
    "activiteit": (
        lambda world, rows: [
            services.activiteit_create(
                cooperatie=world.a.cooperatie, actor=world.a.bestuur, **row
            )
            for row in rows
        ],
        lambda world, rows: services.activiteit_create_many(
            cooperatie=world.a.cooperatie, rows=rows, actor=world.a.bestuur
        ),
    ),
    "boeking": (
        lambda world, rows: [
            services.boeking_create(
                cooperatie=world.a.cooperatie, actor=world.a.bestuur, **row
            )
            for row in rows
        ],
        lambda world, rows: services.boeking_create_many(
            cooperatie=world.a.cooperatie, rows=rows, actor=world.a.bestuur
        ),
    ),
}


def _rows(world, soort: str, n: int) -> list[dict]:
    if soort == "lid":
        return _lid_rows(n)
    if soort == "activiteit":
        return _activiteit_rows(world, n)
    return _boeking_rows(world, n)


@pytest.mark.parametrize("soort", sorted(CASES))
def test_bulk_entries_verify_and_equal_those_of_single_writes(world, salts, soort):
    single, bulk = CASES[soort]
    rows = _rows(world, soort, 6)
    keten = journal.cooperatie_keten(world.a.cooperatie.pk)

    # The same rows written one by one, then undone.
    mark = journal_mark()
    with transaction.atomic():
        single(world, rows)
        expected = [_comparable(e) for e in entries_since(mark)]
        transaction.set_rollback(True)
    assert entries_since(mark) == []
    salts()  # the same salts again

    created = bulk(world, rows)

    entries = entries_since(mark)
    assert len(entries) == len(rows) == len(expected)
    assert [_comparable(e) for e in entries] == expected
    # Each entry names its own new row.
    assert [e.object_id for e in entries] == [str(obj.pk) for obj in created]
    model = type(created[0])
    assert model.objects.filter(pk__in=[e.object_id for e in entries]).count() == 6
    assert [e.object_repr for e in entries] == [str(obj)[:200] for obj in created]
    verification = journal.verify_chain([keten])
    assert verification.ok, verification.message


def test_bulk_activities_store_volunteers_and_their_hours(world):
    rows = _activiteit_rows(world, 4)
    created = services.activiteit_create_many(
        cooperatie=world.a.cooperatie, rows=rows, actor=world.a.bestuur
    )
    split = Vrijwilliger.objects.filter(activiteit=created[0]).order_by("lid_id")
    assert [(v.lid_id, v.uren) for v in split] == sorted(
        [(world.a.lid.pk, Decimal("5.00")), (world.a.bestuurslid.pk, Decimal("2.50"))]
    )
    assert not Vrijwilliger.objects.filter(activiteit=created[1]).exists()


@pytest.mark.parametrize("soort", sorted(CASES))
@pytest.mark.parametrize("where", [0, 3, 6])
def test_an_invalid_row_anywhere_writes_nothing(world, soort, where):
    _single, bulk = CASES[soort]
    rows = _rows(world, soort, 7)
    bad = {"lid": {"naam": ""}, "activiteit": {"titel": ""}, "boeking": {"bedrag": 0}}
    rows[where] = {**rows[where], **bad[soort]}
    keten = journal.cooperatie_keten(world.a.cooperatie.pk)
    head = AuditChainHead.objects.get(keten=keten)
    mark = journal_mark()
    counts = (Lid.objects.count(), Activiteit.objects.count(), Boeking.objects.count())

    with pytest.raises(RowValidationError) as excinfo:
        bulk(world, rows)

    assert list(excinfo.value.rows) == [where]
    assert entries_since(mark) == []
    assert (
        Lid.objects.count(),
        Activiteit.objects.count(),
        Boeking.objects.count(),
    ) == counts
    after = AuditChainHead.objects.get(keten=keten)
    assert (after.seq, after.hash) == (head.seq, head.hash)


def test_the_same_email_twice_in_one_write_refuses_the_second_row(world):
    rows = _lid_rows(3)
    rows[2]["email"] = rows[0]["email"]
    with pytest.raises(RowValidationError) as excinfo:
        cooperatie_services.lid_create_many(
            cooperatie=world.a.cooperatie, rows=rows, actor=world.a.bestuur
        )
    assert list(excinfo.value.rows) == [2]
    assert "email" in excinfo.value.rows[2].message_dict


def test_a_row_refused_by_a_check_constraint_names_its_field(world):
    rows = _lid_rows(2)
    rows[1]["lid_tot"] = rows[1]["lid_sinds"]
    with pytest.raises(RowValidationError) as excinfo:
        cooperatie_services.lid_create_many(
            cooperatie=world.a.cooperatie, rows=rows, actor=world.a.bestuur
        )
    assert excinfo.value.rows[1].message_dict == {
        "lid_tot": ["Het lidmaatschap moet eindigen na de dag waarop het begon."]
    }


# Imports: whole files -------------------------------------------------------------


def _member_file(n: int) -> bytes:
    return csv_bytes(
        *[
            f"Huishouden {k};huis{k}@example.nl;06-{k:08d};Lindenhof {k};"
            f"2024-0{1 + k % 9}-01;;;onbekend"
            for k in range(n)
        ]
    )


def _import_members(world, data: bytes):
    return leden_import.import_members(
        cooperatie=world.a.cooperatie,
        parsed=leden_import.parse_file(data, "leden.csv"),
        actor=world.a.bestuur,
    )


def _activity_file(world, n: int) -> bytes:
    lines = ["datum;titel;thema;vrijwilligersuren;vrijwilligers"]
    names = f"{world.a.lid.pk}, {world.a.bestuurslid.pk}"
    lines += [
        f"2025-03-{1 + k % 28:02d};Koffie {k};ontmoeting;4,5;{names if k % 2 else ''}"
        for k in range(n)
    ]
    return "\r\n".join(lines).encode()


def _booking_file(world, n: int) -> bytes:
    lines = ["datum;soort;bedrag;omschrijving;activiteit"]
    lines += [
        f"2025-03-{1 + k % 28:02d};uitgave;12,50;Koffie {k};"
        f"{world.a.activiteit.pk if k % 2 else ''}"
        for k in range(n)
    ]
    return "\r\n".join(lines).encode()


def _import_rows(world, soort: str, data: bytes):
    return importeren.import_rows(
        soort=soort,
        cooperatie=world.a.cooperatie,
        parsed=importeren.parse_file(soort, data, "bestand.csv"),
        actor=world.a.bestuur,
    )


IMPORTS = {
    "leden": lambda world, n: _import_members(world, _member_file(n)).created,
    "activiteiten": lambda world, n: _import_rows(
        world, importeren.ACTIVITEITEN, _activity_file(world, n)
    ),
    "boekingen": lambda world, n: _import_rows(
        world, importeren.BOEKINGEN, _booking_file(world, n)
    ),
}


@pytest.mark.parametrize("soort", sorted(IMPORTS))
def test_the_queries_of_an_import_do_not_grow_with_its_rows(world, soort):
    counts = []
    # The first import reads what is cached for the next (the actor's roles).
    for n in (3, 3, 30):
        with transaction.atomic():
            with CaptureQueriesContext(connection) as queries:
                created = IMPORTS[soort](world, n)
            assert len(created) == n
            counts.append(len(queries))
            transaction.set_rollback(True)
    assert counts[1] == counts[2], counts


def test_a_member_import_journals_every_new_member_and_verifies(world):
    mark = journal_mark()
    report = _import_members(world, _member_file(12))
    entries = entries_since(mark)
    assert [e.action for e in entries] == ["lid_create"] * 12
    assert [e.object_id for e in entries] == [str(lid.pk) for lid in report.created]
    assert journal.verify_chain([journal.cooperatie_keten(world.a.cooperatie.pk)]).ok


def test_a_member_import_with_a_refused_row_writes_nothing(world):
    # A member since 2020 changes the count of the closed year 2023.
    data = _member_file(5).replace(b"2024-04-01", b"2020-04-01")
    mark = journal_mark()
    before = Lid.objects.count()
    with pytest.raises(leden_import.MemberImportError) as excinfo:
        _import_members(world, data)
    assert [error.row for error in excinfo.value.errors] == [5]
    assert Lid.objects.count() == before
    assert entries_since(mark) == []

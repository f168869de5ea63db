"""`afspraken.services.afspraak_save`: an afspraak with its toezeggingen, all or
nothing, each row through its own service and journal entry, every refused row
named."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError

import pytest

from afspraken import services
from afspraken.models import Afspraak, Toezegging
from cooperatie.models import Relatie
from kern.writes import RowValidationError
from tests.afspraken.factories import ToezeggingFactory
from tests.helpers import (
    actor_of,
    entries_since,
    field_errors,
    journal_mark,
    table_state,
)

Change = services.ToezeggingChange


def _new(omschrijving="Minstens € 500 besteed", **data):
    return Change(
        data={
            "omschrijving": omschrijving,
            "indicator": "besteding",
            "norm": Decimal("500.00"),
            **data,
        }
    )


def _afspraak_data(world, **data):
    return {
        "corporatie": world.a.corporatie,
        "cooperatie": world.a.cooperatie,
        "titel": "Sociale inbreng 2025–2028",
        "ingangsjaar": 2025,
        "eindjaar": 2028,
        "gebouwen": [world.a.gebouw],
        **data,
    }


def _state():
    return table_state(Afspraak), table_state(Toezegging), table_state(Relatie)


def test_create_with_toezeggingen_journals_each_and_counts_them(world):
    seq = journal_mark()

    saved = services.afspraak_save(
        data=_afspraak_data(world),
        toezeggingen=[_new("Eerste"), _new("Tweede", norm=Decimal("10"))],
        actor=world.a.beheerder,
    )

    afspraak = Afspraak.objects.get(pk=saved.afspraak.pk)
    rows = list(afspraak.toezeggingen.order_by("volgorde"))
    assert [(t.omschrijving, t.volgorde) for t in rows] == [
        ("Eerste", 1),
        ("Tweede", 2),
    ]
    assert (saved.added, saved.changed, saved.removed) == (2, 0, 0)
    assert [e.action for e in entries_since(seq)] == [
        "afspraak_create",
        "toezegging_create",
        "toezegging_create",
    ]


def test_a_bad_row_rolls_back_the_new_afspraak_and_every_row(world):
    seq, before = journal_mark(), _state()

    with pytest.raises(RowValidationError) as excinfo:
        services.afspraak_save(
            data=_afspraak_data(world),
            toezeggingen=[
                _new("Goed"),
                _new("Negatief", norm=Decimal("-1")),
                _new("Ook goed"),
                _new("Geen indicator", indicator="onbekend"),
            ],
            actor=world.a.beheerder,
        )

    # Every refused row is named by its place, with its own field errors; the
    # rows after a refused one were still checked.
    exc = excinfo.value
    assert sorted(exc.rows) == [1, 3]
    assert exc.count == 4
    assert "norm" in field_errors(exc.rows[1])
    assert "indicator" in field_errors(exc.rows[3])
    # As a plain ValidationError: one list naming each row and field.
    messages = field_errors(exc)["toezeggingen"]
    assert messages[0].startswith("rij 2: norm: ")
    assert messages[-1].startswith("rij 4: indicator: ")
    assert _state() == before
    assert entries_since(seq) == []


def test_update_changes_adds_and_removes_rows_in_one_go(world):
    afspraak = world.a.afspraak
    schrappen = ToezeggingFactory(afspraak=afspraak, omschrijving="Schrappen")
    hoogste = max(afspraak.toezeggingen.values_list("volgorde", flat=True))
    seq = journal_mark()

    saved = services.afspraak_save(
        afspraak=afspraak,
        data={"titel": "Herzien"},
        toezeggingen=[
            Change(id=world.a.toezegging.pk, data={"norm": Decimal("15.00")}),
            Change(id=schrappen.pk, delete=True),
            _new("Nieuw"),
            # Asks nothing: not written, not counted.
            Change(id=world.a.toezegging.pk, data={}),
        ],
        actor=world.a.beheerder,
    )

    assert (saved.afspraak_changed, saved.added, saved.changed, saved.removed) == (
        True,
        1,
        1,
        1,
    )
    assert Afspraak.objects.get(pk=afspraak.pk).titel == "Herzien"
    assert Toezegging.objects.get(pk=world.a.toezegging.pk).norm == Decimal("15.00")
    assert not Toezegging.objects.filter(pk=schrappen.pk).exists()
    assert afspraak.toezeggingen.get(omschrijving="Nieuw").volgorde == hoogste + 1
    assert [e.action for e in entries_since(seq)] == [
        "afspraak_update",
        "toezegging_update",
        "toezegging_delete",
        "toezegging_create",
    ]


def test_a_refused_delete_rolls_back_the_afspraak_and_the_other_rows(world):
    afspraak = world.a.afspraak
    assessed = world.a.beoordeling.toezegging
    seq, before = journal_mark(), _state()

    with pytest.raises(RowValidationError) as excinfo:
        services.afspraak_save(
            afspraak=afspraak,
            data={"titel": "Mag niet blijven staan"},
            toezeggingen=[
                Change(id=world.a.toezegging.pk, data={"norm": Decimal("15.00")}),
                _new("Nieuw"),
                Change(id=assessed.pk, delete=True),
            ],
            actor=world.a.beheerder,
        )

    assert list(excinfo.value.rows) == [2]
    assert "beoordeeld en blijft bewaard" in str(excinfo.value.rows[2])
    assert _state() == before
    assert entries_since(seq) == []
    # The caller's objects keep the values they were loaded with.
    assert afspraak.titel != "Mag niet blijven staan"
    assert afspraak.pk is not None
    assert assessed.pk is not None


def test_a_row_of_another_afspraak_is_refused_on_its_id(world):
    seq, before = journal_mark(), _state()

    with pytest.raises(RowValidationError) as excinfo:
        services.afspraak_save(
            afspraak=world.a.afspraak,
            data=None,
            toezeggingen=[
                Change(id=world.b.toezegging.pk, data={"norm": Decimal("1")}),
                Change(id=world.b.toezegging.pk, delete=True),
                Change(delete=True),
            ],
            actor=world.a.beheerder,
        )

    assert {i: list(field_errors(e)) for i, e in excinfo.value.rows.items()} == {
        0: ["id"],
        1: ["id"],
        2: ["id"],
    }
    assert _state() == before
    assert entries_since(seq) == []


def test_a_refused_afspraak_is_its_own_error_and_no_row_is_tried(world):
    seq, before = journal_mark(), _state()

    with pytest.raises(ValidationError) as excinfo:
        services.afspraak_save(
            afspraak=world.a.afspraak,
            data={"ingangsjaar": 2026, "eindjaar": 2025},
            toezeggingen=[_new("Nieuw")],
            actor=world.a.beheerder,
        )

    assert not isinstance(excinfo.value, RowValidationError)
    assert "eindjaar" in field_errors(excinfo.value)
    assert _state() == before
    assert entries_since(seq) == []


def test_nothing_asked_writes_nothing(world):
    seq = journal_mark()

    saved = services.afspraak_save(
        afspraak=world.a.afspraak, data=None, toezeggingen=[], actor=world.a.beheerder
    )

    assert (saved.afspraak_changed, saved.added, saved.changed, saved.removed) == (
        False,
        0,
        0,
        0,
    )
    assert entries_since(seq) == []


@pytest.mark.parametrize("actor", ["a.bestuur", "a.auditor", "b.beheerder"])
def test_only_the_beheerder_saves_even_without_own_fields(world, actor):
    seq, before = journal_mark(), _state()

    with pytest.raises(PermissionDenied):
        services.afspraak_save(
            afspraak=world.a.afspraak,
            data=None,
            toezeggingen=[Change(id=world.a.toezegging.pk, delete=True), _new()],
            actor=actor_of(world, actor),
        )

    assert _state() == before
    assert entries_since(seq) == []

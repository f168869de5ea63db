"""Many activities or bookings at once (an import, the API, a repeat): the
same checks as one write, one journal entry per row, all or nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError

import pytest

from afspraken.choices import ToetsingStatus
from kern.writes import RowValidationError
from ledger import services
from ledger.herhalen import MAX_HERHALINGEN, herhaal_datums
from ledger.models import Activiteit, Boeking
from tests.afspraken.factories import set_status
from tests.helpers import entries_since, journal_mark
from tests.ledger.factories import ActiviteitFactory

D = datetime.date


def _row(n: int, **data):
    return {
        "datum": D(2025, 3, 1),
        "titel": f"Koffieochtend {n}",
        "thema": "ontmoeting",
    } | data


def test_activiteit_create_many_writes_every_row_with_one_entry_each(world):
    seq = journal_mark()
    before = Activiteit.objects.count()

    created = services.activiteit_create_many(
        cooperatie=world.a.cooperatie,
        rows=[_row(n, vrijwilligers=[world.a.lid]) for n in range(5)],
        actor=world.a.bestuur,
    )

    assert Activiteit.objects.count() == before + 5
    assert [a.titel for a in created] == [f"Koffieochtend {n}" for n in range(5)]
    entries = entries_since(seq)
    assert [e.action for e in entries] == ["activiteit_create"] * 5
    assert {e.object_id for e in entries} == {str(a.pk) for a in created}
    assert list(created[0].vrijwilligers.all()) == [world.a.lid]


def test_activiteit_create_many_with_bad_rows_writes_nothing_and_names_them(world):
    seq = journal_mark()
    before = Activiteit.objects.count()
    rows = [_row(0), _row(1, titel=""), _row(2), _row(3, thema="onbekend")]

    with pytest.raises(RowValidationError) as excinfo:
        services.activiteit_create_many(
            cooperatie=world.a.cooperatie, rows=rows, actor=world.a.bestuur
        )

    assert set(excinfo.value.rows) == {1, 3}
    assert "titel" in excinfo.value.rows[1].message_dict
    assert "thema" in excinfo.value.rows[3].message_dict
    assert excinfo.value.count == 4
    assert Activiteit.objects.count() == before
    assert entries_since(seq) == []


def test_activiteit_create_many_refuses_a_row_in_a_locked_year(world):
    set_status(world.a.toetsing, ToetsingStatus.INGEDIEND)
    before = Activiteit.objects.count()

    with pytest.raises(RowValidationError) as excinfo:
        services.activiteit_create_many(
            cooperatie=world.a.cooperatie,
            rows=[_row(0), _row(1, datum=D(2024, 6, 1))],
            actor=world.a.bestuur,
        )

    assert list(excinfo.value.rows) == [1]
    assert "2024" in excinfo.value.rows[1].message_dict["datum"][0]
    assert Activiteit.objects.count() == before


def test_activiteit_create_many_refuses_a_volunteer_of_another_cooperatie(world):
    with pytest.raises(RowValidationError) as excinfo:
        services.activiteit_create_many(
            cooperatie=world.a.cooperatie,
            rows=[_row(0, vrijwilligers=[world.b.lid])],
            actor=world.a.bestuur,
        )
    assert "vrijwilligers" in excinfo.value.rows[0].message_dict


def test_bulk_create_is_bounded_and_refuses_an_empty_list(world):
    too_many = [_row(n) for n in range(services.MAX_ROWS + 1)]
    with pytest.raises(ValidationError) as excinfo:
        services.activiteit_create_many(
            cooperatie=world.a.cooperatie, rows=too_many, actor=world.a.bestuur
        )
    assert "activiteiten" in excinfo.value.message_dict
    with pytest.raises(ValidationError):
        services.boeking_create_many(
            cooperatie=world.a.cooperatie, rows=[], actor=world.a.bestuur
        )


def _boeking(**data):
    return {
        "datum": D(2025, 2, 1),
        "soort": "uitgave",
        "bedrag": Decimal("12.50"),
        "omschrijving": "Koffie",
    } | data


def test_boeking_create_many_is_all_or_nothing(world):
    seq = journal_mark()
    before = Boeking.objects.count()

    with pytest.raises(RowValidationError) as excinfo:
        services.boeking_create_many(
            cooperatie=world.a.cooperatie,
            rows=[_boeking(), _boeking(bedrag=Decimal("0"))],
            actor=world.a.bestuur,
        )
    assert list(excinfo.value.rows) == [1]
    assert "bedrag" in excinfo.value.rows[1].message_dict
    assert Boeking.objects.count() == before
    assert entries_since(seq) == []

    created = services.boeking_create_many(
        cooperatie=world.a.cooperatie,
        rows=[_boeking(), _boeking(soort="budget", activiteit=world.a.activiteit)],
        actor=world.a.bestuur,
    )
    assert len(created) == 2
    assert [e.action for e in entries_since(seq)] == ["boeking_create"] * 2


def test_boeking_create_many_takes_no_storno(world):
    with pytest.raises(RowValidationError) as excinfo:
        services.boeking_create_many(
            cooperatie=world.a.cooperatie,
            rows=[_boeking(corrigeert=world.a.boeking)],
            actor=world.a.bestuur,
        )
    assert "corrigeert" in excinfo.value.rows[0].message_dict


# Repeat ---------------------------------------------------------------------------


def test_herhaal_datums_weekly_for_a_quarter():
    datums = herhaal_datums(
        start=D(2025, 1, 2), herhaling="wekelijks", tot=D(2025, 3, 31)
    )
    assert len(datums) == 12
    assert datums[0] == D(2025, 1, 9)
    assert datums[-1] == D(2025, 3, 27)


def test_herhaal_datums_every_two_weeks_and_monthly():
    assert herhaal_datums(
        start=D(2025, 1, 1), herhaling="tweewekelijks", tot=D(2025, 2, 12)
    ) == [D(2025, 1, 15), D(2025, 1, 29), D(2025, 2, 12)]
    # The 31st becomes the last day of a shorter month, and stays the 31st after.
    assert herhaal_datums(
        start=D(2024, 1, 31), herhaling="maandelijks", tot=D(2024, 4, 30)
    ) == [D(2024, 2, 29), D(2024, 3, 31), D(2024, 4, 30)]


def test_herhaal_datums_is_bounded_and_needs_one_date():
    with pytest.raises(ValidationError) as excinfo:
        herhaal_datums(start=D(2020, 1, 1), herhaling="wekelijks", tot=D(2030, 1, 1))
    assert str(MAX_HERHALINGEN) in excinfo.value.message_dict["tot"][0]
    with pytest.raises(ValidationError) as excinfo:
        herhaal_datums(start=D(2025, 1, 1), herhaling="wekelijks", tot=D(2025, 1, 5))
    assert "tot" in excinfo.value.message_dict
    with pytest.raises(ValidationError, match="herhaling"):
        herhaal_datums(start=D(2025, 1, 1), herhaling="dagelijks", tot=D(2025, 2, 1))


def test_activiteit_repeat_copies_fields_and_volunteers_with_one_entry_each(world):
    bron = ActiviteitFactory(
        cooperatie=world.a.cooperatie,
        datum=D(2025, 1, 2),
        titel="Koffieochtend",
        vrijwilligers=[world.a.lid],
    )
    seq = journal_mark()

    created = services.activiteit_repeat(
        activiteit=bron,
        herhaling="wekelijks",
        tot=D(2025, 3, 31),
        actor=world.a.bestuur,
    )

    assert len(created) == 12
    assert {a.titel for a in created} == {"Koffieochtend"}
    assert {a.vrijwilligersuren for a in created} == {bron.vrijwilligersuren}
    assert all(list(a.vrijwilligers.all()) == [world.a.lid] for a in created)
    assert [e.action for e in entries_since(seq)] == ["activiteit_create"] * 12
    assert (
        Activiteit.objects.filter(
            cooperatie=world.a.cooperatie, titel="Koffieochtend"
        ).count()
        == 13
    )


def test_activiteit_repeat_into_a_locked_year_writes_nothing(world):
    set_status(world.a.toetsing, ToetsingStatus.VASTGESTELD)
    bron = ActiviteitFactory(cooperatie=world.a.cooperatie, datum=D(2023, 12, 1))
    before = Activiteit.objects.count()

    with pytest.raises(ValidationError) as excinfo:
        services.activiteit_repeat(
            activiteit=bron,
            herhaling="wekelijks",
            tot=D(2024, 2, 1),
            actor=world.a.bestuur,
        )

    assert "kan niet meer worden gewijzigd" in excinfo.value.message_dict["tot"][0]
    assert Activiteit.objects.count() == before


def test_activiteit_repeat_by_another_board_is_refused(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.activiteit_repeat(
            activiteit=world.a.activiteit,
            herhaling="wekelijks",
            tot=world.a.activiteit.datum + datetime.timedelta(days=30),
            actor=world.b.bestuur,
        )


def test_activiteit_repeat_copies_the_hours_per_volunteer(world):
    bron = services.activiteit_create(
        cooperatie=world.a.cooperatie,
        actor=world.a.bestuur,
        datum=D(2025, 1, 2),
        titel="Taalles",
        thema="ontmoeting",
        vrijwilligersuren=Decimal("2.5"),
        vrijwilligers=[world.a.lid],
        vrijwilligers_uren={world.a.lid.pk: Decimal("2.5")},
    )

    created = services.activiteit_repeat(
        activiteit=bron,
        herhaling="wekelijks",
        tot=D(2025, 1, 16),
        actor=world.a.bestuur,
    )

    assert len(created) == 2
    assert [
        [(v.lid_id, v.uren) for v in a.vrijwilligerschappen.all()] for a in created
    ] == [[(world.a.lid.pk, Decimal("2.50"))]] * 2

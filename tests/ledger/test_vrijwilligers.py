"""Hours per volunteer (`ledger.Vrijwilliger`): optional, for every volunteer or
none, summing to the activity's `vrijwilligersuren`; journalled with the
activity, and the journal still verifies."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.management import call_command

import pytest

from ledger import services
from ledger.models import Activiteit, Vrijwilliger
from tests.cooperatie.factories import LidFactory
from tests.helpers import entries_since, field_errors, journal_mark

D = Decimal


def _create(world, **data):
    a = world.a
    return services.activiteit_create(
        cooperatie=a.cooperatie,
        datum=datetime.date(2025, 4, 12),
        titel="Moestuindag",
        thema="groen",
        actor=a.bestuur,
        **data,
    )


def _uren(activiteit) -> dict[int, Decimal | None]:
    return dict(
        Vrijwilliger.objects.filter(activiteit=activiteit).values_list("lid", "uren")
    )


def test_create_with_hours_per_volunteer_stores_and_journals_them(world):
    a = world.a
    mark = journal_mark()

    activiteit = _create(
        world,
        vrijwilligersuren=D("6.5"),
        vrijwilligers=[a.lid, a.bestuurslid],
        vrijwilligers_uren={a.lid.pk: "4", a.bestuurslid.pk: D("2.50")},
    )

    assert _uren(activiteit) == {a.lid.pk: D("4.00"), a.bestuurslid.pk: D("2.50")}
    [entry] = entries_since(mark)
    assert entry.action == "activiteit_create"
    assert entry.after["vrijwilligers_uren"] == {
        str(a.lid.pk): "4.00",
        str(a.bestuurslid.pk): "2.50",
    }
    call_command("verify_ledger")


def test_without_hours_the_volunteers_have_no_split(world):
    a = world.a
    activiteit = _create(world, vrijwilligersuren=D(3), vrijwilligers=[a.lid])
    assert _uren(activiteit) == {a.lid.pk: None}


def test_hours_that_do_not_sum_to_the_total_are_refused(world):
    a = world.a
    count = Activiteit.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        _create(
            world,
            vrijwilligersuren=D(7),
            vrijwilligers=[a.lid, a.bestuurslid],
            vrijwilligers_uren={a.lid.pk: 4, a.bestuurslid.pk: 2},
        )
    [message] = field_errors(excinfo.value)["vrijwilligersuren"]
    assert "moeten samen de vrijwilligersuren (7) zijn" in message
    assert "6" in message
    assert Activiteit.objects.count() == count


def test_hours_for_some_volunteers_only_are_refused(world):
    a = world.a
    with pytest.raises(ValidationError) as excinfo:
        _create(
            world,
            vrijwilligersuren=D(4),
            vrijwilligers=[a.lid, a.bestuurslid],
            vrijwilligers_uren={a.lid.pk: 4, a.bestuurslid.pk: ""},
        )
    assert "vrijwilligers_uren" in field_errors(excinfo.value)


@pytest.mark.parametrize("value", ["-1", "abc", "1.005", "10000", "NaN", "1e400"])
def test_bad_hours_are_refused_naming_the_field(world, value):
    a = world.a
    with pytest.raises(ValidationError) as excinfo:
        _create(
            world,
            vrijwilligersuren=D(4),
            vrijwilligers=[a.lid],
            vrijwilligers_uren={a.lid.pk: value},
        )
    assert "vrijwilligers_uren" in field_errors(excinfo.value)


def test_hours_of_a_member_who_is_not_a_volunteer_are_refused(world):
    a = world.a
    anders = LidFactory(cooperatie=a.cooperatie)
    with pytest.raises(ValidationError) as excinfo:
        _create(
            world,
            vrijwilligersuren=D(4),
            vrijwilligers=[a.lid],
            vrijwilligers_uren={a.lid.pk: 2, anders.pk: 2},
        )
    assert "vrijwilligers_uren" in field_errors(excinfo.value)


def test_update_journals_only_the_changed_hours_and_verifies(world):
    a = world.a
    activiteit = _create(
        world,
        vrijwilligersuren=D(6),
        vrijwilligers=[a.lid, a.bestuurslid],
        vrijwilligers_uren={a.lid.pk: 3, a.bestuurslid.pk: 3},
    )
    mark = journal_mark()

    services.activiteit_update(
        activiteit=activiteit,
        vrijwilligers_uren={a.lid.pk: 4, a.bestuurslid.pk: 2},
        actor=a.bestuur,
    )

    [entry] = entries_since(mark)
    assert entry.before == {
        "vrijwilligers_uren": {str(a.lid.pk): "3.00", str(a.bestuurslid.pk): "3.00"}
    }
    assert entry.after == {
        "vrijwilligers_uren": {str(a.lid.pk): "4.00", str(a.bestuurslid.pk): "2.00"}
    }
    assert _uren(activiteit) == {a.lid.pk: D(4), a.bestuurslid.pk: D(2)}
    call_command("verify_ledger")


def test_changing_the_total_alone_must_keep_the_split_adding_up(world):
    a = world.a
    activiteit = _create(
        world,
        vrijwilligersuren=D(6),
        vrijwilligers=[a.lid],
        vrijwilligers_uren={a.lid.pk: 6},
    )
    with pytest.raises(ValidationError) as excinfo:
        services.activiteit_update(
            activiteit=Activiteit.objects.get(pk=activiteit.pk),
            vrijwilligersuren=D(8),
            actor=a.bestuur,
        )
    assert "vrijwilligersuren" in field_errors(excinfo.value)
    assert Activiteit.objects.get(pk=activiteit.pk).vrijwilligersuren == D(6)

    services.activiteit_update(
        activiteit=Activiteit.objects.get(pk=activiteit.pk),
        vrijwilligersuren=D(8),
        vrijwilligers_uren={a.lid.pk: 8},
        actor=a.bestuur,
    )
    assert _uren(activiteit) == {a.lid.pk: D(8)}


def test_clearing_the_split_is_allowed(world):
    a = world.a
    activiteit = _create(
        world,
        vrijwilligersuren=D(6),
        vrijwilligers=[a.lid],
        vrijwilligers_uren={a.lid.pk: 6},
    )
    services.activiteit_update(
        activiteit=activiteit, vrijwilligers_uren={a.lid.pk: None}, actor=a.bestuur
    )
    assert _uren(activiteit) == {a.lid.pk: None}


def test_a_volunteer_counts_once_per_activity(world):
    a = world.a
    dubbel = Vrijwilliger(activiteit=a.activiteit, lid=a.lid)
    with pytest.raises(ValidationError):
        dubbel.full_clean()


def test_evaluation_still_sums_the_activity_hours(world):
    """Domain §5: `vrijwilligersuren` of the year is the sum of the activities'
    hours, split or not."""
    from afspraken.selectors import jaarcijfers

    a = world.a
    _create(
        world,
        vrijwilligersuren=D(6),
        vrijwilligers=[a.lid],
        vrijwilligers_uren={a.lid.pk: 6},
    )
    _create(world, vrijwilligersuren=D("2.5"), vrijwilligers=[a.lid])
    cijfers = jaarcijfers(cooperatie_ids=[a.cooperatie.pk], jaar=2025)
    groepen = cijfers[a.cooperatie.pk].activiteiten
    assert sum(g.vrijwilligersuren for g in groepen) == D("8.5")

"""`kern.rijcontrole.validate_many` checks a model's constraints for many objects in
few queries; what it decides must be what Django's own check decides."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import connection, models
from django.db.models import Q

import pytest

from cooperatie.models import Lid
from kern import rijcontrole
from ledger.models import Activiteit, Boeking, Vrijwilliger

D = datetime.date


def _objects(world):
    cooperatie = world.a.cooperatie
    leden = [
        Lid(cooperatie=cooperatie, naam="x", lid_sinds=sinds, lid_tot=tot)
        for sinds in (D(2024, 1, 1), None)
        for tot in (None, D(2023, 1, 1), D(2024, 1, 1), D(2025, 1, 1))
    ]
    activiteiten = [
        Activiteit(
            cooperatie=cooperatie,
            vrijwilligersuren=uren,
            deelnemers_leden=leden_,
            deelnemers_buurt=buurt,
        )
        for uren in (Decimal("-0.01"), Decimal(0), Decimal("2.5"), None)
        for leden_, buurt in ((0, 0), (-1, 3), (2, -1), (None, 1))
    ]
    boekingen = [
        Boeking(cooperatie=cooperatie, bedrag=bedrag, corrigeert_id=corrigeert, pk=pk)
        for bedrag in (Decimal(-1), Decimal(0), Decimal("0.01"), None)
        for corrigeert, pk in ((None, None), (5, 5), (5, 6), (None, 7))
    ]
    vrijwilligers = [Vrijwilliger(uren=uren) for uren in (None, Decimal(-1), 0, 3)]
    return [leden, activiteiten, boekingen, vrijwilligers]


def test_check_constraints_decide_as_django_does(world):
    for objects in _objects(world):
        model = type(objects[0])
        for constraint in model._meta.constraints:
            if not isinstance(constraint, models.CheckConstraint):
                continue
            condition = Q(constraint.condition)
            expected = [
                condition.check(obj._get_field_expression_map(model._meta, set()))
                for obj in objects
            ]
            got = rijcontrole._q_checks(
                [
                    (condition, rijcontrole._against(obj, model._meta, set()))
                    for obj in objects
                ],
                connection.alias,
            )
            assert got == expected, constraint.name


def test_an_email_taken_in_the_database_or_earlier_in_the_list_is_refused(world):
    taken = world.a.lid
    taken.email = "bezet@example.nl"
    taken.save()
    rows = [
        Lid(
            cooperatie=world.a.cooperatie,
            naam=f"Lid {k}",
            lid_sinds=D(2024, 1, 1),
            email=email,
        )
        for k, email in enumerate(
            ["bezet@example.nl", "nieuw@example.nl", "nieuw@example.nl", "", ""]
        )
    ]
    errors = rijcontrole.validate_many(rows)
    assert sorted(errors) == [0, 2]
    for index in (0, 2):
        assert list(errors[index].message_dict) == ["email"]
    # One at a time, as the single write validates: the same decision.
    assert [
        index for index, lid in enumerate(rows[:2]) if rijcontrole.validate_many([lid])
    ] == [0]


@pytest.mark.parametrize("n", [1, 40])
def test_validating_many_takes_the_same_queries_for_few_and_many(
    world, n, django_assert_max_num_queries
):
    rows = [
        Lid(
            cooperatie=world.a.cooperatie,
            naam=f"Lid {k}",
            lid_sinds=D(2024, 1, 1),
            email=f"l{k}@example.nl",
        )
        for k in range(n)
    ]
    # The cooperatie's existence, the e-mail addresses.
    with django_assert_max_num_queries(2):
        assert rijcontrole.validate_many(rows) == {}

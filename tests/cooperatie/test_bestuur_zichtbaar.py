"""`permissions.bestuur_zichtbaar` decides for a page of cooperaties at once what
`can_see_name_and_function` decides for one board member, in one query at most."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

import pytest

from cooperatie import permissions
from cooperatie.scope import scope_of
from tests.cooperatie.factories import CooperatieFactory, LidFactory
from tests.helpers import fresh

USERS = [
    "a.bestuur",
    "a.beheerder",
    "a.auditor",
    "b.bestuur",
    "b.beheerder",
    "superuser",
    "anonymous",
]


def _user(world, name):
    if name == "anonymous":
        return AnonymousUser()
    if name == "superuser":
        return fresh(world.superuser)
    tenant, role = name.split(".")
    return fresh(getattr(getattr(world, tenant), role))


@pytest.mark.parametrize("name", USERS)
def test_agrees_with_can_see_name_and_function(world, name):
    # A cooperatie the corporatie registered (in its scope without a tie), one
    # nobody's corporatie works with, and the two tenants' own.
    aangemeld = CooperatieFactory(aangemeld_door=world.a.corporatie)
    los = CooperatieFactory()
    besturen = {
        c.pk: LidFactory(cooperatie=c, bestuursfunctie="voorzitter")
        for c in (world.a.cooperatie, world.b.cooperatie, aangemeld, los)
    }
    user = _user(world, name)

    verwacht = {
        pk
        for pk, lid in besturen.items()
        if permissions.can_see_name_and_function(user, lid)
    }
    assert permissions.bestuur_zichtbaar(user, besturen) == verwacht


def test_a_beheerder_sees_the_boards_in_scope_only(world):
    user = fresh(world.a.beheerder)
    ids = {world.a.cooperatie.pk, world.b.cooperatie.pk}
    assert permissions.bestuur_zichtbaar(user, ids) == {world.a.cooperatie.pk}
    assert permissions.beheerde_cooperaties(user, ids) == {world.a.cooperatie.pk}
    assert permissions.beheerde_cooperaties(user, [None]) == set()
    assert not permissions.beheert_cooperatie(user, None)


@pytest.mark.parametrize("n", [3, 30])
def test_one_query_however_many_cooperaties(world, django_assert_num_queries, n):
    cooperaties = [
        CooperatieFactory(aangemeld_door=world.a.corporatie) for _ in range(n)
    ]
    user = fresh(world.a.beheerder)
    scope_of(user)  # the user's roles, read once per request
    with django_assert_num_queries(1):
        zichtbaar = permissions.bestuur_zichtbaar(user, [c.pk for c in cooperaties])
    assert zichtbaar == {c.pk for c in cooperaties}


def test_the_own_bestuur_needs_no_query(world, django_assert_num_queries):
    user = fresh(world.a.bestuur)
    scope_of(user)
    with django_assert_num_queries(0):
        zichtbaar = permissions.bestuur_zichtbaar(user, [world.a.cooperatie.pk])
    assert zichtbaar == {world.a.cooperatie.pk}

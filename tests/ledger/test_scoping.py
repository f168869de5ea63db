"""Tenancy of the journal: a corporatie's users read the entries about their
corporatie and about its cooperaties, never the other tenant's."""

from __future__ import annotations

import pytest

from kern.models import AuditEntry
from tests.afspraken.factories import AfspraakFactory
from tests.cooperatie.factories import (
    CooperatieFactory,
    GebouwFactory,
    OvereenkomstFactory,
)
from tests.ledger.factories import AuditEntryFactory


@pytest.fixture
def entries(world):
    """Entries tagged with a corporatie, and untagged ones of each cooperatie."""
    a, b = world.a, world.b
    return {
        "a_corporatie": AuditEntryFactory(corporatie_id=a.corporatie.pk),
        "a_both": AuditEntryFactory(
            corporatie_id=a.corporatie.pk, cooperatie_id=a.cooperatie.pk
        ),
        "a_cooperatie": world.a.journaal,
        "b_corporatie": AuditEntryFactory(corporatie_id=b.corporatie.pk),
        "b_both": AuditEntryFactory(
            corporatie_id=b.corporatie.pk, cooperatie_id=b.cooperatie.pk
        ),
        "b_cooperatie": world.b.journaal,
        "platform": AuditEntryFactory(),
    }


def _seen(user, entries) -> set[str]:
    visible = set(AuditEntry.objects.visible_to(user).values_list("pk", flat=True))
    return {name for name, entry in entries.items() if entry.pk in visible}


@pytest.mark.parametrize("role", ["beheerder", "auditor"])
def test_corporatie_user_sees_own_corporatie_and_cooperatie_entries(
    world, entries, role
):
    assert _seen(getattr(world.a, role), entries) == {
        "a_corporatie",
        "a_both",
        "a_cooperatie",
    }
    assert _seen(getattr(world.b, role), entries) == {
        "b_corporatie",
        "b_both",
        "b_cooperatie",
    }


def test_bestuur_sees_the_entries_of_its_own_cooperatie(world, entries):
    assert _seen(world.a.bestuur, entries) == {"a_both", "a_cooperatie"}


def test_superuser_sees_every_entry(world, entries):
    assert _seen(world.superuser, entries) == set(entries)


def test_entry_of_shared_cooperatie_tagged_with_other_corporatie_stays_hidden(
    world,
):
    shared = CooperatieFactory()
    AfspraakFactory(corporatie=world.a.corporatie, cooperatie=shared)
    OvereenkomstFactory(
        gebouw=GebouwFactory(corporatie=world.b.corporatie), cooperatie=shared
    )
    of_b = AuditEntryFactory(
        corporatie_id=world.b.corporatie.pk, cooperatie_id=shared.pk
    )
    of_a = AuditEntryFactory(
        corporatie_id=world.a.corporatie.pk, cooperatie_id=shared.pk
    )
    untagged = AuditEntryFactory(cooperatie_id=shared.pk)

    visible_a = set(AuditEntry.objects.visible_to(world.a.beheerder))
    visible_b = set(AuditEntry.objects.visible_to(world.b.beheerder))

    assert of_b not in visible_a
    assert {of_a, untagged} <= visible_a
    assert of_a not in visible_b
    assert {of_b, untagged} <= visible_b

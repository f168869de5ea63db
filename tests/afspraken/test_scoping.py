"""Legal figures (jaarparameters) are public knowledge for every signed-in user."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

import pytest

from afspraken.models import Jaarparameter, Toetsing
from tests.cooperatie.factories import UserFactory
from tests.helpers import actor_of, fresh


@pytest.mark.parametrize(
    "name", ["a.beheerder", "a.auditor", "a.bestuur", "b.bestuur", "superuser"]
)
def test_every_signed_in_user_reads_jaarparameters(world, name):
    visible = Jaarparameter.objects.visible_to(actor_of(world, name))

    assert world.jaarparameter in visible
    assert set(visible) == set(Jaarparameter.objects.all())


def test_user_without_roles_reads_jaarparameters(world):
    visible = Jaarparameter.objects.visible_to(UserFactory())

    assert set(visible) == set(Jaarparameter.objects.all())
    assert world.jaarparameter in visible


def test_anonymous_and_inactive_users_read_no_jaarparameters(world):
    inactive = fresh(world.a.beheerder)
    inactive.is_active = False

    assert not Jaarparameter.objects.visible_to(AnonymousUser()).exists()
    assert not Jaarparameter.objects.visible_to(inactive).exists()


def test_toetsingen_chain_visible_to_with_in_jaar(world):
    toetsingen = Toetsing.objects.visible_to(world.a.beheerder).in_jaar(2024)

    assert list(toetsingen) == [world.a.toetsing]

"""Role and invitation writes that meet at the same moment (PostgreSQL, where
they really run side by side): the second waits for the first and then decides
on what the first left, never past it."""

from __future__ import annotations

import threading
import time

from django.contrib.auth import get_user_model
from django.core import mail as django_mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction

import pytest

from cooperatie import services, uitnodigingen
from cooperatie.choices import RolSoort
from cooperatie.models import Rol, Uitnodiging
from tests.cooperatie.factories import RolFactory, UserFactory
from tests.helpers import fresh
from tests.test_concurrency import run_threads

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

PASSWORD = "een-lang-Wachtwoord-2026"


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")


def another_session_waits_on_a_lock(timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
            if cursor.fetchone()[0]:
                return True
        time.sleep(0.02)
    return False


def first_holds_while_second_runs(first, second):
    """Run `first` in a transaction that stays open until `second` (in its own
    thread and connection) waits on a lock, then commit it. Returns
    (whether `second` waited, `second`'s result or exception)."""
    held, release = threading.Event(), threading.Event()

    def hold(_i: int):
        with transaction.atomic():
            first()
            held.set()
            assert release.wait(timeout=60)

    holder = threading.Thread(target=lambda: run_threads(1, hold))
    holder.start()
    outcome: list = []
    try:
        assert held.wait(timeout=30)
        waiter = threading.Thread(
            target=lambda: outcome.extend(run_threads(1, lambda _i: second()))
        )
        waiter.start()
        waited = another_session_waits_on_a_lock()
    finally:
        release.set()
        holder.join(timeout=60)
    waiter.join(timeout=60)
    return waited, outcome[0]


def test_two_beheerders_removing_each_other_leave_one(world):
    a = world.a
    tweede = UserFactory(username="tweede_beheerder")
    rol_tweede = RolFactory(user=tweede, corporatie=a.corporatie)

    waited, second = first_holds_while_second_runs(
        lambda: services.rol_delete(rol=rol_tweede, actor=fresh(a.beheerder)),
        lambda: services.rol_delete(rol=a.rol_beheerder, actor=fresh(tweede)),
    )

    assert waited
    assert isinstance(second, PermissionDenied | ValidationError), second
    assert list(
        Rol.objects.filter(
            soort=RolSoort.BEHEERDER, corporatie=a.corporatie
        ).values_list("user_id", flat=True)
    ) == [a.beheerder.pk]


def test_two_beheerders_giving_up_their_own_role_leave_one(world):
    a = world.a
    tweede = UserFactory(username="tweede_beheerder")
    rol_tweede = RolFactory(user=tweede, corporatie=a.corporatie)

    waited, second = first_holds_while_second_runs(
        lambda: services.rol_delete(rol=rol_tweede, actor=fresh(tweede)),
        lambda: services.rol_delete(rol=a.rol_beheerder, actor=fresh(a.beheerder)),
    )

    assert waited
    assert isinstance(second, ValidationError), second
    assert "minstens één beheerder" in str(second)
    assert Rol.objects.filter(pk=a.rol_beheerder.pk).exists()


def test_the_same_username_chosen_twice_at_once_is_a_field_error(world):
    uitnodigingen.uitnodiging_create(
        email="nieuw.lid@example.org",
        soort=RolSoort.BESTUUR,
        cooperatie=world.a.cooperatie,
        actor=world.a.beheerder,
    )
    token = django_mail.outbox[-1].body.split("/uitnodiging/")[1].split("/")[0]
    users = get_user_model().objects

    waited, second = first_holds_while_second_runs(
        lambda: users.create_user(username="gelijk", password=PASSWORD),
        lambda: uitnodigingen.uitnodiging_accept_new_account(
            token=token, username="gelijk", password=PASSWORD
        ),
    )

    assert waited
    assert isinstance(second, ValidationError), second
    assert list(second.message_dict) == ["username"]
    assert users.filter(username="gelijk").count() == 1
    assert uitnodigingen.status_of(Uitnodiging.objects.get()) == "open"


def test_the_same_invitation_made_twice_at_once_is_made_once(world):
    def invite():
        return uitnodigingen.uitnodiging_create(
            email="nieuw.lid@example.org",
            soort=RolSoort.BESTUUR,
            cooperatie=world.a.cooperatie,
            actor=fresh(world.a.beheerder),
        )

    waited, second = first_holds_while_second_runs(invite, invite)

    assert waited
    assert isinstance(second, ValidationError), second
    assert list(second.message_dict) == ["email"]
    assert Uitnodiging.objects.count() == 1

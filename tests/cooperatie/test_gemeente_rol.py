"""The gemeente role (domain §1): its shape, and who may grant it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

import pytest

from cooperatie import services, uitnodigingen
from cooperatie.choices import RolSoort
from cooperatie.models import Rol
from cooperatie.scope import scope_of
from tests.cooperatie.factories import RolFactory, UserFactory


@pytest.mark.parametrize(
    ("velden", "geldig"),
    [
        ({"gemeentecode": "GM0363"}, True),
        ({"gemeentecode": ""}, False),
        ({"gemeentecode": "GM363"}, False),
        ({"gemeentecode": "GM0363", "corporatie": True}, False),
    ],
)
def test_a_gemeente_role_has_a_gemeentecode_and_no_organisation(world, velden, geldig):
    rol = Rol(
        user=UserFactory(),
        soort=RolSoort.GEMEENTE,
        gemeentecode=velden["gemeentecode"],
        corporatie=world.a.corporatie if velden.get("corporatie") else None,
    )
    if geldig:
        rol.full_clean()
        rol.save()
        return
    with pytest.raises(ValidationError):
        rol.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        rol.save()


def test_other_roles_have_no_gemeentecode(world):
    rol = world.a.rol_beheerder
    rol.gemeentecode = "GM0363"
    with pytest.raises(IntegrityError), transaction.atomic():
        rol.save()


def test_the_scope_of_a_gemeente_role_names_its_gemeente(world):
    user = RolFactory(gemeente=True, gemeentecode="GM0599").user
    scope = scope_of(user)
    assert scope.gemeenten == frozenset({"GM0599"})
    assert not scope.corporaties
    assert not scope.bestuur_cooperaties
    assert not scope.is_empty


def test_the_platform_operator_grants_a_gemeente_role(world):
    user = UserFactory()
    rol = services.rol_create(
        user=user,
        soort=RolSoort.GEMEENTE,
        gemeentecode=" gm0363 ",
        actor=world.superuser,
    )
    assert rol.gemeentecode == "GM0363"
    assert scope_of(user).gemeenten == frozenset({"GM0363"})


def test_a_beheerder_may_not_grant_a_gemeente_role(world):
    user = UserFactory()
    with pytest.raises(PermissionDenied):
        services.rol_create(
            user=user,
            soort=RolSoort.GEMEENTE,
            gemeentecode="GM0363",
            actor=world.a.beheerder,
        )
    assert not Rol.objects.filter(user=user).exists()


@pytest.mark.parametrize("wie", ["beheerder", "superuser"])
def test_no_invitation_grants_a_gemeente_role(world, wie):
    actor = world.superuser if wie == "superuser" else world.a.beheerder
    with pytest.raises(ValidationError) as exc:
        uitnodigingen.uitnodiging_create(
            email="ambtenaar@gemeente.example",
            soort=RolSoort.GEMEENTE,
            corporatie=world.a.corporatie,
            actor=actor,
        )
    assert "soort" in exc.value.message_dict

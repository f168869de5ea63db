"""Tenancy (domain §1): every model's `visible_to(user)` shows a user the objects of
their own tenant and nothing of the other one; and who reads which member fields."""

from __future__ import annotations

import datetime

from django.apps import apps
from django.contrib.auth.models import AnonymousUser

import pytest

from cooperatie.models import Cooperatie, Corporatie, Gebouw, Lid, Overeenkomst, Rol
from cooperatie.permissions import can_see_name_and_function, can_see_personal_data
from tests.afspraken.factories import AfspraakFactory
from tests.cooperatie.factories import (
    CooperatieFactory,
    GebouwFactory,
    OvereenkomstFactory,
    RolFactory,
    UserFactory,
)
from tests.helpers import fresh

MODELS = (
    "Corporatie",
    "Gebouw",
    "Cooperatie",
    "Overeenkomst",
    "Lid",
    "Rol",
    "Relatie",
    "GeslotenJaar",
    "Afspraak",
    "Prestatieafspraak",
    "Prestatiedoel",
    "Toezegging",
    "Toetsing",
    "Beoordeling",
    "Rapport",
    "Activiteit",
    "Vrijwilliger",
    "Bijlage",
    "Boeking",
    "Bon",
    "AuditEntry",
)
ROLES = ("beheerder", "auditor", "bestuur")

# Domain §8: only the bestuur and a beheerder may know who sits on a board, so an
# auditor reads no bestuur roles (the Rol of a tenant is its bestuur role); an
# auditor sees its own role instead.
OWN_ROLE_INSTEAD = {("Rol", "auditor"): "rol_auditor"}


def _visible(obj, user) -> bool:
    return type(obj).objects.visible_to(user).filter(pk=obj.pk).exists()


# Not tenant data: legal figures every user reads, the journal's head rows,
# verification marks and signed checkpoints (platform machinery, see
# docs/journal.md), and API tokens, which are personal (tests/api/test_tokens.py).
# LedenInzage: the read log, for the platform operator (admin) only.
# Accountinstelling: a user's own settings (tests/kern/test_account.py);
# Verzending: the once-only record of sent messages (platform machinery).
# Uitnodiging: scoped like the role it grants (tests/cooperatie/test_uitnodigingen.py).
# ApiClient: a corporatie's machine clients, for its beheerders only
# (tests/api/test_oauth_clients.py, tests/kern/test_scoping.py).
# Herstelcode: a user's own recovery codes of the second factor, read only by
# the sign-in and account pages (tests/kern/test_tweestaps.py).
# Aanmeldtijdperk: a user's sign-in epoch, read by the middleware for their own
# sessions (tests/ui/test_tweestaps.py).
# SsoIdentiteit: the identity at the identity provider an account signs in
# with, read only by the sign-in and the admin (tests/test_sso_identiteit.py).
# Leefbaarometerscore, Buurtkerncijfers: public figures per CBS buurt, read by
# every signed-in user, imported by the platform operator only
# (tests/cooperatie/test_import_buurtcijfers.py).
# ActiviteitJaartotaal, VrijwilligerJaartelling: totals the database keeps from
# the activities (ledger/jaartotalen.py), read only by the assessment's
# selectors and the admin, never served to a tenant's user.
UNSCOPED = {
    "Herstelcode",
    "ApiClient",
    "Uitnodiging",
    "Accountinstelling",
    "Verzending",
    "Jaarparameter",
    "AuditChainHead",
    "AuditChainVerification",
    "AuditCheckpoint",
    "ApiToken",
    "LedenInzage",
    "Aanmeldtijdperk",
    "SsoIdentiteit",
    "Leefbaarometerscore",
    "Buurtkerncijfers",
    "ActiviteitJaartotaal",
    "VrijwilligerJaartelling",
}


def test_model_list_covers_every_tenant_object(world):
    assert tuple(world.a.objects()) == MODELS


def test_every_model_of_the_apps_is_in_the_scoping_matrix():
    models = {
        model.__name__
        for label in ("kern", "cooperatie", "afspraken", "ledger")
        for model in apps.get_app_config(label).get_models()
    }
    assert models - UNSCOPED == set(MODELS)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("model", MODELS)
def test_role_sees_own_tenant_object_and_not_the_other_tenants(world, model, role):
    user = getattr(world.a, role)
    own = world.a.objects()[model]
    if (model, role) in OWN_ROLE_INSTEAD:
        own = getattr(world.a, OWN_ROLE_INSTEAD[model, role])

    assert _visible(own, user)
    assert not _visible(world.b.objects()[model], user)


@pytest.mark.parametrize("model", MODELS)
def test_tenant_b_roles_see_b_and_not_a(world, model):
    for role in ROLES:
        user = getattr(world.b, role)
        assert not _visible(world.a.objects()[model], user), role
    assert _visible(world.b.objects()[model], world.b.beheerder)


def test_auditor_reads_no_bestuur_roles_but_its_own(world):
    visible = set(Rol.objects.visible_to(world.a.auditor))

    assert visible == {world.a.rol_auditor}


# What a gemeente role opens (domain §1): the names of the corporaties with a
# gebouw in the gemeente, those gebouwen, and the prestatieafspraken made with
# the gemeente (with their targets); every other model stays out of reach (its
# roll-up reads aggregates through afspraken.gemeente).
GEMEENTE_OPEN = {"Corporatie", "Gebouw", "Prestatieafspraak", "Prestatiedoel"}


@pytest.mark.parametrize("model", MODELS)
def test_gemeente_role_sees_only_corporaties_and_gebouwen_in_its_gemeente(world, model):
    """A's gebouw lies in the gemeente of the role, B's elsewhere."""
    world.b.gebouw.gemeentecode = "GM0599"
    world.b.gebouw.save()
    world.b.prestatieafspraak.gemeentecode = "GM0599"
    world.b.prestatieafspraak.save()
    user = RolFactory(gemeente=True, gemeentecode=world.a.gebouw.gemeentecode).user

    assert _visible(world.a.objects()[model], user) == (model in GEMEENTE_OPEN)
    assert not _visible(world.b.objects()[model], user)


def test_a_role_of_another_gemeente_sees_nothing_of_either_tenant(world):
    user = RolFactory(gemeente=True, gemeentecode="GM0014").user
    for tenant in (world.a, world.b):
        for model, obj in tenant.objects().items():
            assert not _visible(obj, user), model


@pytest.mark.parametrize("model", MODELS)
def test_superuser_sees_both_tenants(world, model):
    for tenant in (world.a, world.b):
        assert _visible(tenant.objects()[model], world.superuser)


@pytest.mark.parametrize("model", MODELS)
def test_anonymous_user_sees_nothing(world, model):
    model_class = type(world.a.objects()[model])

    assert model_class.objects.visible_to(AnonymousUser()).count() == 0
    assert model_class.objects.visible_to(None).count() == 0


@pytest.mark.parametrize("model", MODELS)
def test_user_without_roles_sees_nothing(world, model):
    model_class = type(world.a.objects()[model])

    assert model_class.objects.visible_to(UserFactory()).count() == 0


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("model", MODELS)
def test_inactive_user_sees_nothing_despite_roles(world, model, role):
    user = fresh(getattr(world.a, role))
    user.is_active = False
    user.save()
    model_class = type(world.a.objects()[model])

    assert model_class.objects.visible_to(fresh(user)).count() == 0


def test_removed_role_no_longer_reaches_after_forgetting_scope(world):
    user = fresh(world.a.beheerder)
    assert _visible(world.a.gebouw, user)

    world.a.rol_beheerder.delete()

    assert not _visible(world.a.gebouw, fresh(user))


# Specific rules ------------------------------------------------------------------


def test_bestuur_sees_own_corporatie_through_overeenkomst_not_the_other(world):
    cooperatie = CooperatieFactory()
    OvereenkomstFactory(
        gebouw=GebouwFactory(corporatie=world.a.corporatie), cooperatie=cooperatie
    )
    bestuur = RolFactory(bestuur=True, cooperatie=cooperatie).user

    assert set(Corporatie.objects.visible_to(bestuur)) == {world.a.corporatie}


def test_bestuur_sees_own_corporatie_through_afspraak_not_the_other(world):
    cooperatie = CooperatieFactory()
    AfspraakFactory(corporatie=world.b.corporatie, cooperatie=cooperatie)
    bestuur = RolFactory(bestuur=True, cooperatie=cooperatie).user

    assert set(Corporatie.objects.visible_to(bestuur)) == {world.b.corporatie}


def test_bestuur_of_a_does_not_see_corporatie_b(world):
    visible = set(Corporatie.objects.visible_to(world.a.bestuur))

    assert visible == {world.a.corporatie}


def test_beheerder_sees_registered_cooperatie_before_any_overeenkomst(world):
    cooperatie = CooperatieFactory(aangemeld_door=world.a.corporatie)

    assert _visible(cooperatie, world.a.beheerder)
    assert _visible(cooperatie, world.a.auditor)
    assert not _visible(cooperatie, world.b.beheerder)
    assert not _visible(cooperatie, world.b.auditor)


def test_shared_cooperatie_is_visible_to_both_beheerders_but_not_each_others_ties(
    world,
):
    shared = CooperatieFactory()
    afspraak_a = AfspraakFactory(corporatie=world.a.corporatie, cooperatie=shared)
    overeenkomst_b = OvereenkomstFactory(
        gebouw=GebouwFactory(corporatie=world.b.corporatie), cooperatie=shared
    )

    assert _visible(shared, world.a.beheerder)
    assert _visible(shared, world.b.beheerder)
    assert not _visible(overeenkomst_b, world.a.beheerder)
    assert not _visible(overeenkomst_b.gebouw, world.a.beheerder)
    assert not _visible(afspraak_a, world.b.beheerder)
    assert _visible(afspraak_a, world.a.beheerder)
    assert _visible(overeenkomst_b, world.b.beheerder)


def test_bestuur_of_a_shared_cooperatie_sees_both_corporaties(world):
    shared = CooperatieFactory()
    AfspraakFactory(corporatie=world.a.corporatie, cooperatie=shared)
    OvereenkomstFactory(
        gebouw=GebouwFactory(corporatie=world.b.corporatie), cooperatie=shared
    )
    bestuur = RolFactory(bestuur=True, cooperatie=shared).user

    assert set(Corporatie.objects.visible_to(bestuur)) == {
        world.a.corporatie,
        world.b.corporatie,
    }


@pytest.fixture
def many_paths(world):
    """Tenant A's cooperatie reaching one user through every path at once."""
    a = world.a
    Cooperatie.objects.filter(pk=a.cooperatie.pk).update(aangemeld_door=a.corporatie)
    gebouw = GebouwFactory(corporatie=a.corporatie)
    OvereenkomstFactory(
        gebouw=gebouw,
        cooperatie=a.cooperatie,
        ingangsdatum=datetime.date(2015, 1, 1),
        einddatum=datetime.date(2019, 12, 31),
    )
    OvereenkomstFactory(gebouw=gebouw, cooperatie=a.cooperatie)
    AfspraakFactory(
        corporatie=a.corporatie, cooperatie=a.cooperatie, gebouwen=[a.gebouw, gebouw]
    )
    a.afspraak.gebouwen.add(gebouw)
    user = a.beheerder
    RolFactory(user=user, corporatie=a.corporatie, auditor=True)
    RolFactory(user=user, bestuur=True, cooperatie=a.cooperatie)
    return fresh(user)


@pytest.mark.parametrize("model", MODELS)
def test_visible_to_returns_no_duplicates_when_reached_through_several_paths(
    world, many_paths, model
):
    queryset = type(world.a.objects()[model]).objects.visible_to(many_paths)
    pks = list(queryset.values_list("pk", flat=True))

    assert pks
    assert len(pks) == len(set(pks)) == queryset.distinct().count()
    assert queryset.count() == len(pks)


def test_visible_to_chains_after_and_before_other_filters(world):
    user = world.a.beheerder
    GebouwFactory(corporatie=world.a.corporatie, gemeentecode="GM0599")
    GebouwFactory(corporatie=world.b.corporatie, gemeentecode="GM0599")

    after = Gebouw.objects.in_gemeente("GM0599").visible_to(user)
    before = Gebouw.objects.visible_to(user).in_gemeente("GM0599")

    assert list(after) == list(before)
    assert {g.corporatie_id for g in after} == {world.a.corporatie.pk}
    assert after.count() == 1


def test_visible_to_chains_with_date_filters(world):
    user = world.a.bestuur
    running = Overeenkomst.objects.visible_to(user).on(datetime.date(2024, 6, 1))
    members = Lid.objects.visible_to(user).op_peildatum(datetime.date(2024, 12, 31))

    assert set(running) == {world.a.overeenkomst}
    assert set(members) == {world.a.lid, world.a.bestuurslid}
    assert not Overeenkomst.objects.visible_to(user).on(datetime.date(2019, 1, 1))


# Member fields (domain §8) ----------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "member", "personal", "name_and_function"),
    [
        ("a.bestuur", "lid", True, True),
        ("a.bestuur", "bestuurslid", True, True),
        ("a.beheerder", "lid", False, False),
        ("a.beheerder", "bestuurslid", False, True),
        ("a.auditor", "lid", False, False),
        ("a.auditor", "bestuurslid", False, False),
        ("b.bestuur", "lid", False, False),
        ("b.bestuur", "bestuurslid", False, False),
        ("b.beheerder", "lid", False, False),
        ("b.beheerder", "bestuurslid", False, False),
        ("b.auditor", "bestuurslid", False, False),
    ],
)
def test_who_sees_member_personal_data_and_board_names(
    world, user, member, personal, name_and_function
):
    tenant, role = user.split(".")
    actor = getattr(getattr(world, tenant), role)
    lid = getattr(world.a, member)

    assert can_see_personal_data(actor, lid) is personal
    assert can_see_name_and_function(actor, lid) is name_and_function


def test_anonymous_sees_no_member_data(world):
    assert not can_see_personal_data(AnonymousUser(), world.a.bestuurslid)
    assert not can_see_name_and_function(AnonymousUser(), world.a.bestuurslid)

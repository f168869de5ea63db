"""The cooperatie services: who may call them, their journal entry, role rules."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

import pytest

from cooperatie import services
from cooperatie.models import Cooperatie, Corporatie, Gebouw, Lid, Overeenkomst, Rol
from tests.cooperatie.factories import (
    GebouwFactory,
    LidFactory,
    RolFactory,
    UserFactory,
)
from tests.cooperatie.services_helpers import GEBOUW, D
from tests.helpers import (
    BEHEERDER_DENIED,
    BEHEERDER_OR_BESTUUR_DENIED,
    BESTUUR_DENIED,
    SUPERUSER_DENIED,
    ServiceCase,
    actor_of,
    check_denied,
    check_refused,
    check_success,
    denied_params,
    fresh,
    public_services,
    success_params,
)


def _no_scope(world, obj):
    return (None, None)


def _corporatie_a(world, obj):
    return (world.a.corporatie.pk, None)


def _cooperatie_a(world, obj):
    return (None, world.a.cooperatie.pk)


def _both_a(world, obj):
    return (world.a.corporatie.pk, world.a.cooperatie.pk)


CASES = [
    ServiceCase(
        id="corporatie_create",
        kind="create",
        model=Corporatie,
        action="corporatie_create",
        call=lambda w, t, actor: services.corporatie_create(
            naam="Woonstichting Nieuw",
            kvk_nummer="12345678",
            plaats="Zwolle",
            actor=actor,
        ),
        allowed=("superuser",),
        denied=SUPERUSER_DENIED,
        tags=lambda w, obj: (obj.pk, None),
        after=lambda w, obj: {"naam": "Woonstichting Nieuw", "kvk_nummer": "12345678"},
    ),
    ServiceCase(
        id="corporatie_update",
        kind="update",
        model=Corporatie,
        action="corporatie_update",
        target=lambda w: w.a.corporatie,
        call=lambda w, t, actor: services.corporatie_update(
            corporatie=t, naam="Woonstichting Hernoemd", plaats=t.plaats, actor=actor
        ),
        allowed=("a.beheerder",),
        denied=BEHEERDER_DENIED,
        tags=_corporatie_a,
        before=lambda w, t: {"naam": "Woonstichting A"},
        after=lambda w, obj: {"naam": "Woonstichting Hernoemd"},
    ),
    ServiceCase(
        id="gebouw_create",
        kind="create",
        model=Gebouw,
        action="gebouw_create",
        call=lambda w, t, actor: services.gebouw_create(
            corporatie=w.a.corporatie, actor=actor, **GEBOUW
        ),
        allowed=("a.beheerder",),
        denied=BEHEERDER_DENIED,
        tags=_corporatie_a,
        after=lambda w, obj: {
            "corporatie": w.a.corporatie.pk,
            "complexnummer": "N-100",
            "postcode": "1234 AB",
            "gemeentecode": "GM0344",
        },
    ),
    ServiceCase(
        id="gebouw_create_many",
        kind="create",
        model=Gebouw,
        action="gebouw_create",
        call=lambda w, t, actor: services.gebouw_create_many(
            corporatie=w.a.corporatie, rows=[GEBOUW], actor=actor
        )[0],
        allowed=("a.beheerder",),
        denied=BEHEERDER_DENIED,
        tags=_corporatie_a,
        after=lambda w, obj: {
            "corporatie": w.a.corporatie.pk,
            "complexnummer": "N-100",
            "postcode": "1234 AB",
        },
    ),
    ServiceCase(
        id="gebouw_update",
        kind="update",
        model=Gebouw,
        action="gebouw_update",
        target=lambda w: w.a.gebouw,
        call=lambda w, t, actor: services.gebouw_update(
            gebouw=t, naam="Hernoemd", aantal_woningen=t.aantal_woningen, actor=actor
        ),
        allowed=("a.beheerder",),
        denied=BEHEERDER_DENIED,
        tags=_corporatie_a,
        before=lambda w, t: {"naam": t.naam},
        after=lambda w, obj: {"naam": "Hernoemd"},
    ),
    ServiceCase(
        id="gebouw_delete",
        kind="delete",
        model=Gebouw,
        action="gebouw_delete",
        target=lambda w: GebouwFactory(corporatie=w.a.corporatie, complexnummer="X9"),
        call=lambda w, t, actor: services.gebouw_delete(gebouw=t, actor=actor),
        allowed=("a.beheerder",),
        denied=BEHEERDER_DENIED,
        tags=_corporatie_a,
        before=lambda w, t: {"complexnummer": "X9", "corporatie": w.a.corporatie.pk},
    ),
    ServiceCase(
        id="cooperatie_create",
        kind="create",
        model=Cooperatie,
        action="cooperatie_create",
        call=lambda w, t, actor: services.cooperatie_create(
            aangemeld_door=w.a.corporatie,
            naam="Wooncoöperatie Nieuw",
            soort="beheer",
            kvk_nummer="87654321",
            actor=actor,
        ),
        allowed=("a.beheerder", "superuser"),
        denied=BEHEERDER_DENIED,
        tags=lambda w, obj: (None, obj.pk),
        after=lambda w, obj: {
            "naam": "Wooncoöperatie Nieuw",
            "aangemeld_door": w.a.corporatie.pk,
            "soort": "beheer",
        },
    ),
    ServiceCase(
        id="cooperatie_update",
        kind="update",
        model=Cooperatie,
        action="cooperatie_update",
        target=lambda w: w.a.cooperatie,
        call=lambda w, t, actor: services.cooperatie_update(
            cooperatie=t,
            website="https://eendracht.example.nl",
            soort=t.soort,
            actor=actor,
        ),
        allowed=("a.beheerder", "a.bestuur"),
        denied=BEHEERDER_OR_BESTUUR_DENIED,
        tags=_cooperatie_a,
        before=lambda w, t: {"website": ""},
        after=lambda w, obj: {"website": "https://eendracht.example.nl"},
    ),
    ServiceCase(
        id="overeenkomst_create",
        kind="create",
        model=Overeenkomst,
        action="overeenkomst_create",
        call=lambda w, t, actor: services.overeenkomst_create(
            gebouw=GebouwFactory(corporatie=w.a.corporatie, aantal_woningen=8),
            cooperatie=w.a.cooperatie,
            soort="beheer",
            ingangsdatum=D(2025, 1, 1),
            actor=actor,
        ),
        allowed=("a.beheerder",),
        denied=BEHEERDER_DENIED,
        tags=_both_a,
        after=lambda w, obj: {
            "cooperatie": w.a.cooperatie.pk,
            "ingangsdatum": "2025-01-01",
            "einddatum": None,
            "aantal_woningen": 8,
        },
    ),
    ServiceCase(
        id="overeenkomst_update",
        kind="update",
        model=Overeenkomst,
        action="overeenkomst_update",
        target=lambda w: w.a.overeenkomst,
        call=lambda w, t, actor: services.overeenkomst_update(
            overeenkomst=t, aantal_woningen=10, soort=t.soort, actor=actor
        ),
        allowed=("a.beheerder",),
        denied=BEHEERDER_DENIED,
        tags=_both_a,
        before=lambda w, t: {"aantal_woningen": 24},
        after=lambda w, obj: {"aantal_woningen": 10},
    ),
    ServiceCase(
        id="overeenkomst_end",
        kind="update",
        model=Overeenkomst,
        action="overeenkomst_end",
        target=lambda w: w.a.overeenkomst,
        call=lambda w, t, actor: services.overeenkomst_end(
            overeenkomst=t, einddatum=D(2030, 12, 31), actor=actor
        ),
        allowed=("a.beheerder",),
        denied=BEHEERDER_DENIED,
        tags=_both_a,
        before=lambda w, t: {"einddatum": None},
        after=lambda w, obj: {"einddatum": "2030-12-31"},
    ),
    ServiceCase(
        id="lid_create_many",
        kind="create",
        model=Lid,
        action="lid_create",
        call=lambda w, t, actor: services.lid_create_many(
            cooperatie=w.a.cooperatie,
            rows=[{"naam": "Sanne Jansen", "lid_sinds": D(2025, 3, 1)}],
            actor=actor,
        )[0],
        allowed=("a.bestuur",),
        denied=BESTUUR_DENIED,
        tags=_cooperatie_a,
        after=lambda w, obj: {
            "cooperatie": w.a.cooperatie.pk,
            "lid_sinds": "2025-03-01",
        },
    ),
    ServiceCase(
        id="lid_create",
        kind="create",
        model=Lid,
        action="lid_create",
        call=lambda w, t, actor: services.lid_create(
            cooperatie=w.a.cooperatie,
            naam="Fatima el Amrani",
            lid_sinds=D(2025, 2, 1),
            bestuursfunctie="secretaris",
            actor=actor,
        ),
        allowed=("a.bestuur",),
        denied=BESTUUR_DENIED,
        tags=_cooperatie_a,
        after=lambda w, obj: {
            "cooperatie": w.a.cooperatie.pk,
            "lid_sinds": "2025-02-01",
            "bestuursfunctie": "secretaris",
        },
    ),
    ServiceCase(
        id="lid_update",
        kind="update",
        model=Lid,
        action="lid_update",
        target=lambda w: w.a.lid,
        call=lambda w, t, actor: services.lid_update(
            lid=t, bestuursfunctie="penningmeester", lid_sinds=t.lid_sinds, actor=actor
        ),
        allowed=("a.bestuur",),
        denied=BESTUUR_DENIED,
        tags=_cooperatie_a,
        before=lambda w, t: {"bestuursfunctie": ""},
        after=lambda w, obj: {"bestuursfunctie": "penningmeester"},
    ),
    ServiceCase(
        id="lid_end",
        kind="update",
        model=Lid,
        action="lid_end",
        target=lambda w: w.a.bestuurslid,
        call=lambda w, t, actor: services.lid_end(
            lid=t, lid_tot=D(2025, 7, 1), actor=actor
        ),
        allowed=("a.bestuur",),
        denied=BESTUUR_DENIED,
        tags=_cooperatie_a,
        before=lambda w, t: {"lid_tot": None, "bestuursfunctie": "voorzitter"},
        after=lambda w, obj: {"lid_tot": "2025-07-01", "bestuursfunctie": ""},
    ),
    ServiceCase(
        id="rol_create",
        kind="create",
        model=Rol,
        action="rol_create",
        call=lambda w, t, actor: services.rol_create(
            user=UserFactory(username="nieuw_bestuurslid"),
            soort="bestuur",
            cooperatie=w.a.cooperatie,
            actor=actor,
        ),
        allowed=("a.beheerder", "superuser"),
        denied=BEHEERDER_DENIED,
        tags=_cooperatie_a,
        after=lambda w, obj: {
            "soort": "bestuur",
            "cooperatie": w.a.cooperatie.pk,
            "corporatie": None,
        },
    ),
    ServiceCase(
        id="rol_delete",
        kind="delete",
        model=Rol,
        action="rol_delete",
        target=lambda w: RolFactory(
            user=UserFactory(username="oud_auditor"),
            corporatie=w.a.corporatie,
            auditor=True,
        ),
        call=lambda w, t, actor: services.rol_delete(rol=t, actor=actor),
        allowed=("a.beheerder", "superuser"),
        denied=BEHEERDER_DENIED,
        tags=_corporatie_a,
        before=lambda w, t: {"soort": "auditor", "corporatie": w.a.corporatie.pk},
    ),
]


# API tokens are personal, not tenant data: tests/api/test_tokens.py.
TOKEN_SERVICES = {"apitoken_create", "apitoken_revoke", "apitoken_authenticate"}


# Keepers of derived records, called inside other services' transactions (no
# actor, no entry of their own): tests/cooperatie/test_afgeleid.py.
KEEPERS = {"relatie_record", "gesloten_jaar_set"}


def test_cases_cover_every_service():
    assert public_services(services) - TOKEN_SERVICES - KEEPERS == {
        case.id for case in CASES
    }


@pytest.mark.parametrize(("case", "actor"), success_params(CASES))
def test_service_writes_one_journal_entry(world, case, actor):
    check_success(world, case, actor)


@pytest.mark.parametrize(("case", "actor"), denied_params(CASES))
def test_service_refuses_other_users_and_writes_nothing(world, case, actor):
    check_denied(world, case, actor)


def test_ending_an_ended_membership_by_another_tenant_is_denied_not_validated(world):
    lid = LidFactory(cooperatie=world.a.cooperatie, lid_tot=D(2024, 1, 1))

    with pytest.raises(PermissionDenied):
        services.lid_end(lid=lid, lid_tot=D(2025, 1, 1), actor=world.b.bestuur)


def test_rol_create_makes_the_new_role_effective_at_once(world):
    user = UserFactory(username="nieuwe_beheerder")
    assert not Gebouw.objects.visible_to(user).exists()

    services.rol_create(
        user=user,
        soort="beheerder",
        corporatie=world.a.corporatie,
        actor=world.superuser,
    )

    assert set(Gebouw.objects.visible_to(user)) == {world.a.gebouw}


def test_registered_cooperatie_is_visible_to_its_beheerder_at_once(world):
    cooperatie = services.cooperatie_create(
        aangemeld_door=world.a.corporatie,
        naam="Nieuw",
        soort="woon",
        kvk_nummer="87654321",
        actor=world.a.beheerder,
    )

    assert Cooperatie.objects.visible_to(world.a.beheerder).filter(pk=cooperatie.pk)
    assert not Cooperatie.objects.visible_to(world.b.beheerder).filter(pk=cooperatie.pk)


def test_beheerder_cannot_register_a_cooperatie_without_a_corporatie(world):
    with pytest.raises(PermissionDenied):
        services.cooperatie_create(
            naam="Nieuw", soort="woon", kvk_nummer="87654321", actor=world.a.beheerder
        )
    assert not Cooperatie.objects.filter(kvk_nummer="87654321").exists()


def test_gebouw_with_overeenkomst_is_not_deleted(world):
    check_refused(
        lambda: services.gebouw_delete(gebouw=world.a.gebouw, actor=world.a.beheerder),
        "__all__",
        "overeenkomsten",
        model=Gebouw,
    )


def test_last_beheerder_cannot_remove_their_own_role(world):
    check_refused(
        lambda: services.rol_delete(rol=world.a.rol_beheerder, actor=world.a.beheerder),
        "__all__",
        "minstens één beheerder",
        model=Rol,
    )


def test_beheerder_may_remove_own_role_when_another_beheerder_remains(world):
    RolFactory(
        user=UserFactory(username="tweede_beheerder"), corporatie=world.a.corporatie
    )

    services.rol_delete(rol=world.a.rol_beheerder, actor=world.a.beheerder)

    assert not Rol.objects.filter(pk=world.a.rol_beheerder.pk).exists()
    assert not Gebouw.objects.visible_to(fresh(world.a.beheerder)).exists()


def test_bestuur_ends_the_role_of_a_fellow_board_member(world):
    fellow = RolFactory(
        user=UserFactory(username="oud_bestuurslid"),
        cooperatie=world.a.cooperatie,
        bestuur=True,
    )

    services.rol_delete(rol=fellow, actor=world.a.bestuur)

    assert not Rol.objects.filter(pk=fellow.pk).exists()
    assert not Cooperatie.objects.visible_to(fresh(fellow.user)).exists()


@pytest.mark.parametrize(
    ("actor", "target"),
    [
        ("b.bestuur", "a.rol_bestuur"),
        ("a.bestuur", "a.rol_auditor"),
        ("a.bestuur", "a.rol_beheerder"),
        ("a.auditor", "a.rol_bestuur"),
    ],
)
def test_bestuur_ends_no_role_beyond_its_own_board(world, actor, target):
    rol = actor_of(world, target)

    with pytest.raises(PermissionDenied):
        services.rol_delete(rol=rol, actor=actor_of(world, actor))

    assert Rol.objects.filter(pk=rol.pk).exists()

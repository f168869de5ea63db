"""The services of the cooperatie app: who may call them, the one journal entry each
writes, and the input they refuse."""

from __future__ import annotations

import datetime
import json

from django.core.exceptions import PermissionDenied

import pytest

from afspraken import services as afspraak_services
from cooperatie import services
from cooperatie.models import Cooperatie, Corporatie, Gebouw, Lid, Overeenkomst, Rol
from kern.models import AuditEntry
from tests.cooperatie.factories import (
    CooperatieFactory,
    GebouwFactory,
    LidFactory,
    OvereenkomstFactory,
    RolFactory,
    UserFactory,
)
from tests.helpers import (
    BEHEERDER_DENIED,
    BEHEERDER_OR_BESTUUR_DENIED,
    BESTUUR_DENIED,
    SUPERUSER_DENIED,
    ServiceCase,
    check_denied,
    check_refused,
    check_success,
    denied_params,
    entries_since,
    entry_json,
    fresh,
    journal_mark,
    public_services,
    success_params,
)

D = datetime.date

GEBOUW = {
    "complexnummer": "N-100",
    "naam": "De Nieuwe Linde",
    "straat": "Lindelaan",
    "huisnummer": "12",
    "postcode": "1234ab",
    "plaats": "Utrecht",
    "gemeentecode": "gm0344",
    "aantal_woningen": 30,
}


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


# Validation: gebouw ----------------------------------------------------------------


def _gebouw(world, **changes):
    return lambda: services.gebouw_create(
        corporatie=world.a.corporatie, actor=world.a.beheerder, **{**GEBOUW, **changes}
    )


@pytest.mark.parametrize("postcode", ["1234ab", "1234 ab", " 1234AB ", "1234  AB"])
def test_gebouw_postcode_is_normalised(world, postcode):
    gebouw = _gebouw(world, postcode=postcode)()

    gebouw.refresh_from_db()
    assert gebouw.postcode == "1234 AB"


@pytest.mark.parametrize("postcode", ["ABCD 12", "0123 AB", "12345 AB", "1234 A"])
def test_gebouw_bad_postcode_is_refused(world, postcode):
    check_refused(
        _gebouw(world, postcode=postcode), "postcode", "1234 AB", model=Gebouw
    )


@pytest.mark.parametrize("gemeentecode", ["0344", "GM344", "GM03440", "BU0344"])
def test_gebouw_bad_gemeentecode_is_refused(world, gemeentecode):
    check_refused(
        _gebouw(world, gemeentecode=gemeentecode), "gemeentecode", "GM", model=Gebouw
    )


def test_gebouw_buurtcode_without_kaartjaar_is_refused(world):
    check_refused(
        _gebouw(world, buurtcode="BU03440101"), "kaartjaar", "kaartjaar", model=Gebouw
    )


def test_gebouw_buurtcode_with_kaartjaar_is_stored(world):
    gebouw = _gebouw(world, buurtcode="bu03440101", kaartjaar=2024)()

    gebouw.refresh_from_db()
    assert (gebouw.buurtcode, gebouw.kaartjaar) == ("BU03440101", 2024)


def test_gebouw_bad_buurtcode_is_refused(world):
    check_refused(
        _gebouw(world, buurtcode="BU123", kaartjaar=2024),
        "buurtcode",
        "BU",
        model=Gebouw,
    )


def test_gebouw_without_homes_is_refused(world):
    check_refused(
        _gebouw(world, aantal_woningen=0), "aantal_woningen", "woning", model=Gebouw
    )


def test_gebouw_duplicate_complexnummer_in_corporatie_is_refused(world):
    check_refused(
        _gebouw(world, complexnummer=world.a.gebouw.complexnummer),
        "complexnummer",
        "complexnummer",
        model=Gebouw,
    )


def test_gebouw_complexnummer_of_another_corporatie_is_allowed(world):
    gebouw = _gebouw(world, complexnummer=world.b.gebouw.complexnummer)()

    assert (
        Gebouw.objects.filter(complexnummer=world.b.gebouw.complexnummer).count() == 2
    )
    assert gebouw.corporatie == world.a.corporatie


def test_gebouw_update_to_a_bad_postcode_is_refused_and_kept(world):
    gebouw = world.a.gebouw
    old = gebouw.postcode

    check_refused(
        lambda: services.gebouw_update(
            gebouw=gebouw, postcode="ABCD 12", actor=world.a.beheerder
        ),
        "postcode",
        model=Gebouw,
    )
    gebouw.refresh_from_db()
    assert gebouw.postcode == old


def test_gebouw_unknown_field_is_refused(world):
    check_refused(_gebouw(world, verdiepingen=4), "verdiepingen", model=Gebouw)


# Validation: KvK-nummers ------------------------------------------------------------


@pytest.mark.parametrize("kvk", ["1234567", "123456789", "1234567a", ""])
def test_corporatie_kvk_nummer_must_have_8_digits(world, kvk):
    check_refused(
        lambda: services.corporatie_create(
            naam="X", kvk_nummer=kvk, plaats="Y", actor=world.superuser
        ),
        "kvk_nummer",
        model=Corporatie,
    )


def test_corporatie_kvk_nummer_7_digits_names_the_rule(world):
    check_refused(
        lambda: services.corporatie_create(
            naam="X", kvk_nummer="1234567", plaats="Y", actor=world.superuser
        ),
        "kvk_nummer",
        "8 cijfers",
        model=Corporatie,
    )


def test_corporatie_duplicate_kvk_nummer_is_refused(world):
    check_refused(
        lambda: services.corporatie_create(
            naam="X",
            kvk_nummer=world.a.corporatie.kvk_nummer,
            plaats="Y",
            actor=world.superuser,
        ),
        "kvk_nummer",
        "KvK-nummer",
        model=Corporatie,
    )


def test_cooperatie_kvk_nummer_7_digits_is_refused(world):
    check_refused(
        lambda: services.cooperatie_create(
            aangemeld_door=world.a.corporatie,
            naam="X",
            soort="woon",
            kvk_nummer="1234567",
            actor=world.a.beheerder,
        ),
        "kvk_nummer",
        "8 cijfers",
        model=Cooperatie,
    )


def test_cooperatie_duplicate_kvk_nummer_is_refused(world):
    check_refused(
        lambda: services.cooperatie_create(
            aangemeld_door=world.a.corporatie,
            naam="X",
            soort="woon",
            kvk_nummer=world.b.cooperatie.kvk_nummer,
            actor=world.a.beheerder,
        ),
        "kvk_nummer",
        "KvK-nummer",
        model=Cooperatie,
    )


def test_cooperatie_update_to_a_taken_kvk_nummer_is_refused(world):
    check_refused(
        lambda: services.cooperatie_update(
            cooperatie=world.a.cooperatie,
            kvk_nummer=world.b.cooperatie.kvk_nummer,
            actor=world.a.bestuur,
        ),
        "kvk_nummer",
        "KvK-nummer",
        model=Cooperatie,
    )


# Validation: overeenkomst ------------------------------------------------------------


@pytest.fixture
def gebouw(world):
    """A gebouw of A with one overeenkomst for 2022–2024 (last day 31-12-2024)."""
    gebouw = GebouwFactory(corporatie=world.a.corporatie)
    OvereenkomstFactory(
        gebouw=gebouw,
        cooperatie=world.a.cooperatie,
        ingangsdatum=D(2022, 1, 1),
        einddatum=D(2024, 12, 31),
    )
    return gebouw


def _overeenkomst(world, gebouw, ingangsdatum, einddatum=None, cooperatie=None):
    return lambda: services.overeenkomst_create(
        gebouw=gebouw,
        cooperatie=cooperatie or world.a.cooperatie,
        soort="huur",
        ingangsdatum=ingangsdatum,
        einddatum=einddatum,
        actor=world.a.beheerder,
    )


def test_overeenkomst_einddatum_before_ingangsdatum_is_refused(world):
    check_refused(
        _overeenkomst(
            world,
            GebouwFactory(corporatie=world.a.corporatie),
            D(2025, 6, 1),
            D(2025, 5, 31),
        ),
        "einddatum",
        "einddatum",
        model=Overeenkomst,
    )


def test_overeenkomst_of_one_day_is_allowed(world):
    overeenkomst = _overeenkomst(
        world,
        GebouwFactory(corporatie=world.a.corporatie),
        D(2025, 6, 1),
        D(2025, 6, 1),
    )()

    assert overeenkomst.pk is not None


@pytest.mark.parametrize(
    ("ingangsdatum", "einddatum"),
    [
        pytest.param(D(2022, 1, 1), D(2024, 12, 31), id="same-period"),
        pytest.param(D(2024, 6, 1), D(2025, 12, 31), id="overlaps-the-end"),
        pytest.param(D(2021, 1, 1), D(2022, 1, 1), id="overlaps-the-first-day"),
        pytest.param(D(2023, 3, 1), D(2023, 4, 1), id="inside"),
        pytest.param(D(2020, 1, 1), D(2026, 1, 1), id="around"),
        pytest.param(D(2024, 12, 31), None, id="open-ended-from-the-last-day"),
        pytest.param(D(2019, 1, 1), None, id="open-ended-from-before"),
    ],
)
def test_overeenkomst_overlapping_period_is_refused(
    world, gebouw, ingangsdatum, einddatum
):
    check_refused(
        _overeenkomst(world, gebouw, ingangsdatum, einddatum),
        "ingangsdatum",
        "overeenkomst",
        model=Overeenkomst,
    )


def test_overeenkomst_overlapping_with_another_cooperatie_is_refused(world, gebouw):
    # Another cooperatie the beheerder registered, so within reach.
    other = CooperatieFactory(aangemeld_door=world.a.corporatie)
    check_refused(
        _overeenkomst(world, gebouw, D(2024, 1, 1), cooperatie=other),
        "ingangsdatum",
        model=Overeenkomst,
    )


@pytest.mark.parametrize("whose", ["other_tenant", "unregistered"])
def test_linking_a_cooperatie_out_of_reach_is_refused(world, whose):
    """An overeenkomst or afspraak brings a cooperatie into the corporatie's scope,
    so a beheerder cannot link one outside their reach (and so read its members)."""
    cooperatie = world.b.cooperatie if whose == "other_tenant" else CooperatieFactory()
    gebouw = GebouwFactory(corporatie=world.a.corporatie)
    check_refused(
        _overeenkomst(world, gebouw, D(2024, 1, 1), cooperatie=cooperatie),
        "cooperatie",
        model=Overeenkomst,
    )
    check_refused(
        lambda: afspraak_services.afspraak_create(
            corporatie=world.a.corporatie,
            cooperatie=cooperatie,
            titel="Afspraak",
            ingangsjaar=2025,
            actor=world.a.beheerder,
        ),
        "cooperatie",
    )


def test_a_beheerder_cannot_grant_themselves_a_bestuur_role(world):
    seq = journal_mark()
    with pytest.raises(PermissionDenied):
        services.rol_create(
            user=world.a.beheerder,
            soort="bestuur",
            cooperatie=world.a.cooperatie,
            actor=world.a.beheerder,
        )
    assert entries_since(seq) == []


def test_overeenkomst_after_an_open_ended_one_is_refused(world):
    gebouw = world.a.gebouw  # open-ended overeenkomst since 2020
    check_refused(
        _overeenkomst(world, gebouw, D(2030, 1, 1), D(2030, 12, 31)),
        "ingangsdatum",
        "overlappen",
        model=Overeenkomst,
    )


@pytest.mark.parametrize(
    ("ingangsdatum", "einddatum"),
    [
        pytest.param(D(2025, 1, 1), None, id="starts-the-day-after"),
        pytest.param(D(2025, 1, 1), D(2029, 12, 31), id="starts-the-day-after-ends"),
        pytest.param(D(2020, 1, 1), D(2021, 12, 31), id="ends-the-day-before"),
    ],
)
def test_overeenkomst_touching_but_not_overlapping_is_allowed(
    world, gebouw, ingangsdatum, einddatum
):
    seq = journal_mark()

    overeenkomst = _overeenkomst(world, gebouw, ingangsdatum, einddatum)()

    assert gebouw.overeenkomsten.count() == 2
    assert [e.object_id for e in entries_since(seq)] == [str(overeenkomst.pk)]


def test_overeenkomst_extended_into_the_next_one_is_refused(world, gebouw):
    volgende = _overeenkomst(world, gebouw, D(2025, 1, 1))()
    eerste = gebouw.overeenkomsten.exclude(pk=volgende.pk).get()

    check_refused(
        lambda: services.overeenkomst_update(
            overeenkomst=eerste, einddatum=D(2025, 1, 1), actor=world.a.beheerder
        ),
        "ingangsdatum",
        model=Overeenkomst,
    )


def test_overeenkomst_ended_before_reletting_allows_the_next_one(world):
    services.overeenkomst_end(
        overeenkomst=world.a.overeenkomst,
        einddatum=D(2025, 6, 30),
        actor=world.a.beheerder,
    )

    nieuwe = _overeenkomst(world, world.a.gebouw, D(2025, 7, 1))()

    assert set(world.a.gebouw.overeenkomsten.all()) == {world.a.overeenkomst, nieuwe}


def test_overeenkomst_with_more_homes_than_the_gebouw_is_refused(world):
    gebouw = GebouwFactory(corporatie=world.a.corporatie, aantal_woningen=5)
    check_refused(
        lambda: services.overeenkomst_create(
            gebouw=gebouw,
            cooperatie=world.a.cooperatie,
            soort="huur",
            ingangsdatum=D(2025, 1, 1),
            aantal_woningen=6,
            actor=world.a.beheerder,
        ),
        "aantal_woningen",
        "5",
        model=Overeenkomst,
    )


def test_overeenkomst_on_a_gebouw_of_another_corporatie_is_denied(world):
    with pytest.raises(PermissionDenied):
        _overeenkomst(
            world, GebouwFactory(corporatie=world.b.corporatie), D(2025, 1, 1)
        )()
    assert not Overeenkomst.objects.filter(ingangsdatum=D(2025, 1, 1)).exists()


# Validation: lid ------------------------------------------------------------------


def _lid(world, cooperatie=None, actor=None, **data):
    data = {"naam": "Jan Jansen", "lid_sinds": D(2025, 1, 1), **data}
    return lambda: services.lid_create(
        cooperatie=cooperatie or world.a.cooperatie,
        actor=actor or world.a.bestuur,
        **data,
    )


@pytest.mark.parametrize("lid_tot", [D(2024, 12, 31), D(2025, 1, 1)])
def test_lid_tot_not_after_lid_sinds_is_refused(world, lid_tot):
    check_refused(_lid(world, lid_tot=lid_tot), "lid_tot", "lidmaatschap", model=Lid)


def test_lid_end_before_lid_sinds_is_refused(world):
    check_refused(
        lambda: services.lid_end(
            lid=world.a.lid, lid_tot=D(2019, 12, 31), actor=world.a.bestuur
        ),
        "lid_tot",
        model=Lid,
    )


def test_lid_end_twice_is_refused(world):
    services.lid_end(lid=world.a.lid, lid_tot=D(2025, 1, 1), actor=world.a.bestuur)

    check_refused(
        lambda: services.lid_end(
            lid=world.a.lid, lid_tot=D(2025, 2, 1), actor=world.a.bestuur
        ),
        "lid_tot",
        "beëindigd",
        model=Lid,
    )


def test_lid_duplicate_email_in_one_cooperatie_is_refused(world):
    check_refused(
        _lid(world, email=world.a.lid.email), "email", "e-mailadres", model=Lid
    )


def test_lid_same_email_in_another_cooperatie_is_allowed(world):
    lid = _lid(
        world,
        cooperatie=world.b.cooperatie,
        actor=world.b.bestuur,
        email=world.a.lid.email,
    )()

    assert Lid.objects.filter(email=world.a.lid.email).count() == 2
    assert lid.cooperatie == world.b.cooperatie


def test_leden_without_email_do_not_clash(world):
    _lid(world, email="")()
    _lid(world, email="", naam="Piet Pietersen")()

    assert Lid.objects.filter(cooperatie=world.a.cooperatie, email="").count() == 2


def test_lid_bad_email_is_refused(world):
    check_refused(_lid(world, email="geen-adres"), "email", model=Lid)


def test_lid_unknown_field_is_refused(world):
    check_refused(_lid(world, bsn="123456782"), "bsn", model=Lid)


# Privacy of member data in the journal ----------------------------------------------

PERSONAL = {
    "naam": "Annelies van Oosterhout",
    "email": "annelies.oosterhout@example.nl",
    "telefoon": "06-12345678",
    "adres": "Kastanjelaan 12-3",
}


def _assert_no_clear_text(entry: AuditEntry, values) -> None:
    text = entry_json(entry)
    for value in values:
        assert value not in text
        assert json.dumps(value)[1:-1] not in text


def test_lid_create_journals_no_personal_data_in_clear_text(world):
    seq = journal_mark()

    lid = _lid(world, doelgroep="ja", **PERSONAL)()

    (entry,) = entries_since(seq)
    _assert_no_clear_text(entry, PERSONAL.values())
    for field in (*PERSONAL, "doelgroep"):
        assert entry.after[field].startswith("hmac-sha256:"), field
    assert entry.after["doelgroep"] != "ja"
    assert lid.naam == PERSONAL["naam"]


def test_lid_update_journals_no_personal_data_in_clear_text(world):
    lid = _lid(world, doelgroep="nee", **PERSONAL)()
    new = {
        "naam": "Annelies de Groot",
        "email": "a.degroot@example.nl",
        "telefoon": "06-87654321",
        "adres": "Beukenlaan 4",
    }
    seq = journal_mark()

    services.lid_update(lid=lid, doelgroep="ja", actor=world.a.bestuur, **new)

    (entry,) = entries_since(seq)
    _assert_no_clear_text(entry, [*PERSONAL.values(), *new.values()])
    assert set(entry.before) == set(entry.after) == {*new, "doelgroep"}
    assert all(entry.before[f] != entry.after[f] for f in entry.after)
    assert entry.action == "lid_update"


def test_lid_end_journals_no_personal_data(world):
    lid = _lid(world, **PERSONAL)()
    seq = journal_mark()

    services.lid_end(lid=lid, lid_tot=D(2025, 9, 1), actor=world.a.bestuur)

    (entry,) = entries_since(seq)
    _assert_no_clear_text(entry, PERSONAL.values())
    assert entry.after == {"lid_tot": "2025-09-01"}


def test_members_with_the_same_name_get_different_digests(world):
    seq = journal_mark()

    _lid(world, naam="Jan de Vries")()
    _lid(world, naam="Jan de Vries")()

    first, second = entries_since(seq)
    assert first.after["naam"].startswith("hmac-sha256:")
    assert second.after["naam"].startswith("hmac-sha256:")
    assert first.after["naam"] != second.after["naam"]


def test_same_member_same_value_gives_the_same_digest(world):
    lid = _lid(world, naam="Jan de Vries")()
    seq = journal_mark()

    services.lid_update(lid=lid, naam="Jan de Vries-Bakker", actor=world.a.bestuur)
    services.lid_update(lid=lid, naam="Jan de Vries", actor=world.a.bestuur)

    renamed, back = entries_since(seq)
    assert back.after["naam"] == renamed.before["naam"]


def test_last_beheerder_cannot_remove_their_own_role(world):
    check_refused(
        lambda: services.rol_delete(rol=world.a.rol_beheerder, actor=world.a.beheerder),
        "__all__",
        "laatste beheerder",
        model=Rol,
    )


def test_beheerder_may_remove_own_role_when_another_beheerder_remains(world):
    RolFactory(
        user=UserFactory(username="tweede_beheerder"), corporatie=world.a.corporatie
    )

    services.rol_delete(rol=world.a.rol_beheerder, actor=world.a.beheerder)

    assert not Rol.objects.filter(pk=world.a.rol_beheerder.pk).exists()
    assert not Gebouw.objects.visible_to(fresh(world.a.beheerder)).exists()

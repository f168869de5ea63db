"""The gebouw, coöperatie and overeenkomst input the services refuse."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

import pytest

from afspraken import services as afspraak_services
from cooperatie import services
from cooperatie.models import Cooperatie, Corporatie, Gebouw, Overeenkomst
from tests.cooperatie.factories import (
    CooperatieFactory,
    GebouwFactory,
    OvereenkomstFactory,
)
from tests.cooperatie.services_helpers import GEBOUW, D
from tests.helpers import (
    check_refused,
    entries_since,
    journal_mark,
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

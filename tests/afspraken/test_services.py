"""The services of the afspraken app: who may call them, the one journal entry each
writes, and the input they refuse."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

import pytest

from afspraken import services
from afspraken.choices import ToetsingStatus
from afspraken.models import (
    Afspraak,
    Jaarparameter,
    Prestatieafspraak,
    Prestatiedoel,
    Toetsing,
    Toezegging,
)
from tests.afspraken.factories import (
    PrestatieafspraakFactory,
    PrestatiedoelFactory,
    ToetsingFactory,
    ToezeggingFactory,
)
from tests.cooperatie.factories import GebouwFactory
from tests.helpers import (
    BEHEERDER_DENIED,
    BEHEERDER_OR_BESTUUR_DENIED,
    SUPERUSER_DENIED,
    ServiceCase,
    check_denied,
    check_refused,
    check_success,
    denied_params,
    entries_since,
    field_errors,
    journal_mark,
    public_services,
    success_params,
)


def _both_a(world, obj):
    return (world.a.corporatie.pk, world.a.cooperatie.pk)


def _corporatie_a(world, obj):
    return (world.a.corporatie.pk, None)


CASES = [
    ServiceCase(
        id="afspraak_create",
        kind="create",
        model=Afspraak,
        action="afspraak_create",
        call=lambda w, t, actor: services.afspraak_create(
            corporatie=w.a.corporatie,
            cooperatie=w.a.cooperatie,
            titel="Sociale inbreng 2025–2028",
            ingangsjaar=2025,
            eindjaar=2028,
            gebouwen=[w.a.gebouw],
            actor=actor,
        ),
        allowed=("a.beheerder",),
        denied=BEHEERDER_DENIED,
        tags=_both_a,
        after=lambda w, obj: {
            "titel": "Sociale inbreng 2025–2028",
            "ingangsjaar": 2025,
            "eindjaar": 2028,
            "gebouwen": [w.a.gebouw.pk],
        },
    ),
    ServiceCase(
        id="afspraak_update",
        kind="update",
        model=Afspraak,
        action="afspraak_update",
        target=lambda w: w.a.afspraak,
        call=lambda w, t, actor: services.afspraak_update(
            afspraak=t,
            titel="Nieuwe titel",
            ingangsjaar=t.ingangsjaar,
            gebouwen=[w.a.gebouw],
            actor=actor,
        ),
        allowed=("a.beheerder",),
        denied=BEHEERDER_DENIED,
        tags=_both_a,
        before=lambda w, t: {"titel": t.titel},
        after=lambda w, obj: {"titel": "Nieuwe titel"},
    ),
    # The composite write (tests/afspraken/test_afspraak_save.py), here as a
    # new afspraak without rows: one entry, the afspraak's.
    ServiceCase(
        id="afspraak_save",
        kind="create",
        model=Afspraak,
        action="afspraak_create",
        call=lambda w, t, actor: (
            services.afspraak_save(
                data={
                    "corporatie": w.a.corporatie,
                    "cooperatie": w.a.cooperatie,
                    "titel": "Sociale inbreng 2025–2028",
                    "ingangsjaar": 2025,
                },
                actor=actor,
            ).afspraak
        ),
        allowed=("a.beheerder",),
        denied=BEHEERDER_DENIED,
        tags=_both_a,
        after=lambda w, obj: {"titel": "Sociale inbreng 2025–2028"},
    ),
    ServiceCase(
        id="toezegging_create",
        kind="create",
        model=Toezegging,
        action="toezegging_create",
        call=lambda w, t, actor: services.toezegging_create(
            afspraak=w.a.afspraak,
            omschrijving="Minstens € 500 besteed",
            indicator="besteding",
            norm=Decimal("500.00"),
            actor=actor,
        ),
        allowed=("a.beheerder",),
        denied=BEHEERDER_DENIED,
        tags=_both_a,
        after=lambda w, obj: {
            "afspraak": w.a.afspraak.pk,
            "indicator": "besteding",
            "norm": "500.00",
        },
    ),
    ServiceCase(
        id="toezegging_update",
        kind="update",
        model=Toezegging,
        action="toezegging_update",
        target=lambda w: Toezegging.objects.get(pk=w.a.toezegging.pk),
        call=lambda w, t, actor: services.toezegging_update(
            toezegging=t, norm=Decimal("15.00"), richting=t.richting, actor=actor
        ),
        allowed=("a.beheerder",),
        denied=BEHEERDER_DENIED,
        tags=_both_a,
        before=lambda w, t: {"norm": "12.00"},
        after=lambda w, obj: {"norm": "15.00"},
    ),
    ServiceCase(
        id="toezegging_delete",
        kind="delete",
        model=Toezegging,
        action="toezegging_delete",
        target=lambda w: ToezeggingFactory(
            afspraak=w.a.afspraak, omschrijving="Te schrappen"
        ),
        call=lambda w, t, actor: services.toezegging_delete(toezegging=t, actor=actor),
        allowed=("a.beheerder",),
        denied=BEHEERDER_DENIED,
        tags=_both_a,
        before=lambda w, t: {"omschrijving": "Te schrappen"},
    ),
    ServiceCase(
        id="prestatieafspraak_create",
        kind="create",
        model=Prestatieafspraak,
        action="prestatieafspraak_create",
        call=lambda w, t, actor: services.prestatieafspraak_create(
            corporatie=w.a.corporatie,
            gemeentecode="GM0344",
            titel="Prestatieafspraken 2025",
            ingangsjaar=2025,
            actor=actor,
        ),
        allowed=("a.beheerder",),
        denied=BEHEERDER_DENIED,
        tags=_corporatie_a,
        after=lambda w, obj: {"gemeentecode": "GM0344", "ingangsjaar": 2025},
    ),
    ServiceCase(
        id="prestatieafspraak_update",
        kind="update",
        model=Prestatieafspraak,
        action="prestatieafspraak_update",
        target=lambda w: Prestatieafspraak.objects.get(pk=w.a.prestatieafspraak.pk),
        call=lambda w, t, actor: services.prestatieafspraak_update(
            prestatieafspraak=t, titel="Herzien", actor=actor
        ),
        allowed=("a.beheerder",),
        denied=BEHEERDER_DENIED,
        tags=_corporatie_a,
        before=lambda w, t: {"titel": t.titel},
        after=lambda w, obj: {"titel": "Herzien"},
    ),
    ServiceCase(
        id="prestatieafspraak_delete",
        kind="delete",
        model=Prestatieafspraak,
        action="prestatieafspraak_delete",
        target=lambda w: PrestatieafspraakFactory(
            corporatie=w.a.corporatie, titel="Te schrappen"
        ),
        call=lambda w, t, actor: services.prestatieafspraak_delete(
            prestatieafspraak=t, actor=actor
        ),
        allowed=("a.beheerder",),
        denied=BEHEERDER_DENIED,
        tags=_corporatie_a,
        before=lambda w, t: {"titel": "Te schrappen"},
    ),
    ServiceCase(
        id="prestatiedoel_create",
        kind="create",
        model=Prestatiedoel,
        action="prestatiedoel_create",
        call=lambda w, t, actor: services.prestatiedoel_create(
            prestatieafspraak=w.a.prestatieafspraak,
            thema="groen",
            omschrijving="Geveltuinen",
            actor=actor,
        ),
        allowed=("a.beheerder",),
        denied=BEHEERDER_DENIED,
        tags=_corporatie_a,
        after=lambda w, obj: {"thema": "groen", "omschrijving": "Geveltuinen"},
    ),
    ServiceCase(
        id="prestatiedoel_update",
        kind="update",
        model=Prestatiedoel,
        action="prestatiedoel_update",
        target=lambda w: Prestatiedoel.objects.get(pk=w.a.prestatiedoel.pk),
        call=lambda w, t, actor: services.prestatiedoel_update(
            prestatiedoel=t, omschrijving="Meer buurtkamers", actor=actor
        ),
        allowed=("a.beheerder",),
        denied=BEHEERDER_DENIED,
        tags=_corporatie_a,
        before=lambda w, t: {"omschrijving": t.omschrijving},
        after=lambda w, obj: {"omschrijving": "Meer buurtkamers"},
    ),
    ServiceCase(
        id="prestatiedoel_delete",
        kind="delete",
        model=Prestatiedoel,
        action="prestatiedoel_delete",
        target=lambda w: PrestatiedoelFactory(
            prestatieafspraak=w.a.prestatieafspraak, omschrijving="Te schrappen"
        ),
        call=lambda w, t, actor: services.prestatiedoel_delete(
            prestatiedoel=t, actor=actor
        ),
        allowed=("a.beheerder",),
        denied=BEHEERDER_DENIED,
        tags=_corporatie_a,
        before=lambda w, t: {"omschrijving": "Te schrappen"},
    ),
    ServiceCase(
        id="toetsing_open",
        kind="create",
        model=Toetsing,
        action="toetsing_open",
        call=lambda w, t, actor: services.toetsing_open(
            afspraak=w.a.afspraak, jaar=2025, actor=actor
        ),
        allowed=("a.beheerder", "a.bestuur"),
        denied=BEHEERDER_OR_BESTUUR_DENIED,
        tags=_both_a,
        after=lambda w, obj: {
            "afspraak": w.a.afspraak.pk,
            "jaar": 2025,
            "status": "open",
        },
    ),
    ServiceCase(
        id="jaarparameter_create",
        kind="create",
        model=Jaarparameter,
        action="jaarparameter_create",
        call=lambda w, t, actor: services.jaarparameter_create(
            jaar=2025,
            code="daeb_inkomensgrens_eenpersoons",
            waarde=Decimal("48569.00"),
            bron="Staatscourant 2024",
            actor=actor,
        ),
        allowed=("superuser",),
        denied=SUPERUSER_DENIED,
        tags=lambda w, obj: (None, None),
        after=lambda w, obj: {"jaar": 2025, "waarde": "48569.00"},
    ),
    ServiceCase(
        id="jaarparameter_update",
        kind="update",
        model=Jaarparameter,
        action="jaarparameter_update",
        target=lambda w: w.jaarparameter,
        call=lambda w, t, actor: services.jaarparameter_update(
            parameter=t, waarde=Decimal("47700.00"), bron=t.bron, actor=actor
        ),
        allowed=("superuser",),
        denied=SUPERUSER_DENIED,
        tags=lambda w, obj: (None, None),
        before=lambda w, t: {"waarde": "47699.00"},
        after=lambda w, obj: {"waarde": "47700.00"},
    ),
]


# The yearly-cycle transitions have their own tests in test_cycle.py.
CYCLE_SERVICES = {
    "toetsing_indienen",
    "toetsing_terugsturen",
    "toetsing_beoordelen",
    "toetsing_vaststellen",
}


# What the afspraken services keep in the cooperatie app, inside their own
# transactions (no actor, no entry of their own): tests/cooperatie/test_afgeleid.py.
KEEPERS = {"relatie_update", "gesloten_jaar_update"}
# Checks without a write of their own (tests/afspraken/test_prestatieafspraken.py).
CHECKS = {"check_document", "check_prestatieafspraak"}


def test_cases_cover_every_service():
    assert public_services(services) - CYCLE_SERVICES - KEEPERS - CHECKS == {
        case.id for case in CASES
    }


@pytest.mark.parametrize(("case", "actor"), success_params(CASES))
def test_service_writes_one_journal_entry(world, case, actor):
    check_success(world, case, actor)


@pytest.mark.parametrize(("case", "actor"), denied_params(CASES))
def test_service_refuses_other_users_and_writes_nothing(world, case, actor):
    check_denied(world, case, actor)


def test_afspraak_update_of_gebouwen_journals_the_new_list(world):
    extra = GebouwFactory(corporatie=world.a.corporatie)
    seq = journal_mark()

    services.afspraak_update(
        afspraak=world.a.afspraak,
        gebouwen=[world.a.gebouw, extra],
        actor=world.a.beheerder,
    )

    (entry,) = entries_since(seq)
    assert entry.before == {"gebouwen": [world.a.gebouw.pk]}
    assert entry.after == {"gebouwen": sorted([world.a.gebouw.pk, extra.pk])}
    assert set(world.a.afspraak.gebouwen.all()) == {world.a.gebouw, extra}


# Validation ----------------------------------------------------------------------


def _afspraak(world, **data):
    data = {"titel": "Afspraak", "ingangsjaar": 2025, **data}
    return lambda: services.afspraak_create(
        corporatie=world.a.corporatie,
        cooperatie=world.a.cooperatie,
        actor=world.a.beheerder,
        **data,
    )


def test_afspraak_eindjaar_before_ingangsjaar_is_refused(world):
    check_refused(
        _afspraak(world, eindjaar=2024), "eindjaar", "eindjaar", model=Afspraak
    )


def test_afspraak_of_one_year_is_allowed(world):
    afspraak = _afspraak(world, eindjaar=2025)()

    assert afspraak.loopt_in(2025)
    assert not afspraak.loopt_in(2026)


@pytest.mark.parametrize("jaar", [1999, 2101])
def test_afspraak_implausible_ingangsjaar_is_refused(world, jaar):
    check_refused(_afspraak(world, ingangsjaar=jaar), "ingangsjaar", model=Afspraak)


def test_afspraak_with_a_gebouw_of_another_corporatie_is_refused(world):
    check_refused(
        _afspraak(world, gebouwen=[world.a.gebouw, world.b.gebouw]),
        "gebouwen",
        str(world.b.gebouw),
        model=Afspraak,
    )


def test_afspraak_update_with_a_gebouw_of_another_corporatie_is_refused(world):
    check_refused(
        lambda: services.afspraak_update(
            afspraak=world.a.afspraak,
            gebouwen=[world.b.gebouw],
            actor=world.a.beheerder,
        ),
        "gebouwen",
        model=Afspraak,
    )
    assert list(world.a.afspraak.gebouwen.all()) == [world.a.gebouw]


def test_afspraak_span_cannot_drop_a_submitted_year(world):
    ToetsingFactory(
        afspraak=world.a.afspraak, jaar=2026, status=ToetsingStatus.INGEDIEND
    )

    check_refused(
        lambda: services.afspraak_update(
            afspraak=world.a.afspraak, eindjaar=2025, actor=world.a.beheerder
        ),
        "eindjaar",
        "2026",
        model=Afspraak,
    )


def test_afspraak_span_may_drop_an_open_year(world):
    services.afspraak_update(
        afspraak=world.a.afspraak, eindjaar=2024, actor=world.a.beheerder
    )

    world.a.afspraak.refresh_from_db()
    assert world.a.afspraak.eindjaar == 2024


def test_second_toetsing_for_the_same_afspraak_and_jaar_is_refused(world):
    check_refused(
        lambda: services.toetsing_open(
            afspraak=world.a.afspraak, jaar=2024, actor=world.a.beheerder
        ),
        "jaar",
        "toetsing",
        model=Toetsing,
    )


def test_toetsing_for_the_same_jaar_of_another_afspraak_is_allowed(world):
    toetsing = services.toetsing_open(
        afspraak=world.b.afspraak, jaar=2025, actor=world.b.bestuur
    )
    other = services.toetsing_open(
        afspraak=world.a.afspraak, jaar=2025, actor=world.a.bestuur
    )

    assert Toetsing.objects.filter(jaar=2025).count() == 2
    assert toetsing.afspraak != other.afspraak


def test_toetsing_for_a_year_the_afspraak_does_not_run_is_refused(world):
    check_refused(
        lambda: services.toetsing_open(
            afspraak=world.a.afspraak, jaar=2030, actor=world.a.beheerder
        ),
        "jaar",
        "2030",
        model=Toetsing,
    )


def _toezegging(world, **data):
    data = {"omschrijving": "Clausule", "indicator": "aantal_activiteiten", **data}
    return lambda: services.toezegging_create(
        afspraak=world.a.afspraak, actor=world.a.beheerder, **data
    )


@pytest.mark.parametrize("norm", [Decimal("-1"), Decimal("-0.01"), -5])
def test_toezegging_negative_norm_is_refused(world, norm):
    check_refused(_toezegging(world, norm=norm), "norm", "nul", model=Toezegging)


def test_toezegging_norm_zero_is_allowed(world):
    toezegging = _toezegging(world, norm=0)()

    toezegging.refresh_from_db()
    assert toezegging.norm == Decimal("0")


@pytest.mark.parametrize("deels_vanaf", [150, Decimal("100.01"), -1])
def test_toezegging_deels_vanaf_outside_0_to_100_is_refused(world, deels_vanaf):
    check_refused(
        _toezegging(world, norm=10, deels_vanaf=deels_vanaf),
        "deels_vanaf",
        "percentage",
        model=Toezegging,
    )


@pytest.mark.parametrize(
    "indicator",
    ["besteding", "aantal_leden", "aandeel_actieve_leden", "aandeel_doelgroep"],
)
def test_toezegging_thema_filter_on_a_non_activity_indicator_is_refused(
    world, indicator
):
    check_refused(
        _toezegging(world, indicator=indicator, norm=1, thema="groen"),
        "thema",
        "activiteiten",
        model=Toezegging,
    )


def test_toezegging_buurt_filter_on_a_non_activity_indicator_is_refused(world):
    seq = journal_mark()

    with pytest.raises(ValidationError) as excinfo:
        _toezegging(world, indicator="besteding", norm=1, alleen_open_voor_buurt=True)()

    messages = field_errors(excinfo.value)
    assert NON_FIELD_ERRORS not in messages
    assert "activiteiten" in " ".join(m for msgs in messages.values() for m in msgs)
    assert not Toezegging.objects.filter(indicator="besteding").exists()
    assert entries_since(seq) == []


@pytest.mark.parametrize(
    "indicator", ["aantal_activiteiten", "vrijwilligersuren", "deelnemers_buurt"]
)
def test_toezegging_filters_on_an_activity_indicator_are_allowed(world, indicator):
    toezegging = _toezegging(
        world, indicator=indicator, norm=1, thema="groen", alleen_open_voor_buurt=True
    )()

    toezegging.refresh_from_db()
    assert (toezegging.thema, toezegging.alleen_open_voor_buurt) == ("groen", True)


def test_toezegging_unknown_indicator_is_refused(world):
    check_refused(
        _toezegging(world, indicator="geluk", norm=1), "indicator", model=Toezegging
    )


def test_toezegging_update_to_a_negative_norm_is_refused_and_kept(world):
    check_refused(
        lambda: services.toezegging_update(
            toezegging=world.a.toezegging, norm=Decimal("-3"), actor=world.a.beheerder
        ),
        "norm",
        model=Toezegging,
    )
    world.a.toezegging.refresh_from_db()
    assert world.a.toezegging.norm == Decimal("12")


def test_jaarparameter_twice_for_one_year_is_refused(world):
    check_refused(
        lambda: services.jaarparameter_create(
            jaar=world.jaarparameter.jaar,
            code=world.jaarparameter.code,
            waarde=Decimal("1.00"),
            bron="dubbel",
            actor=world.superuser,
        ),
        "code",
        "al vastgelegd",
        model=Jaarparameter,
    )


def test_jaarparameter_zero_is_refused(world):
    check_refused(
        lambda: services.jaarparameter_create(
            jaar=2026,
            code="aftoppingsgrens_laag",
            waarde=Decimal("0"),
            bron="nul",
            actor=world.superuser,
        ),
        "waarde",
        "groter dan nul",
        model=Jaarparameter,
    )

"""The yearly cycle: indienen → (terugsturen → indienen)* → vaststellen."""

import datetime
import io
import json
import threading
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

import pypdf
import pytest

from afspraken import selectors, services
from afspraken.choices import Indicator, Richting, ToetsingStatus, Verdict
from afspraken.models import Rapport, Toetsing
from cooperatie import services as cooperatie_services
from kern.journal import verify_chain
from kern.models import AuditEntry
from ledger import services as ledger_services
from tests.afspraken.factories import (
    AfspraakFactory,
    ToetsingFactory,
    ToezeggingFactory,
)
from tests.helpers import fresh
from tests.ledger.factories import ActiviteitFactory, BoekingFactory

JAAR = 2024


@pytest.fixture
def jaar(world):
    """Tenant A's afspraak with a measured and a kwalitatief clause, and a year of
    activities and spending."""
    a = world.a
    ToezeggingFactory(
        afspraak=a.afspraak,
        omschrijving="Besteding hoogstens 500 euro",
        indicator=Indicator.BESTEDING,
        richting=Richting.MAXIMAAL,
        norm=Decimal("500"),
    )
    kwalitatief = ToezeggingFactory(
        afspraak=a.afspraak,
        omschrijving="Moestuin open voor de buurt",
        indicator=Indicator.KWALITATIEF,
        norm=Decimal("0"),
    )
    for dag in range(1, 12):
        ActiviteitFactory(cooperatie=a.cooperatie, datum=datetime.date(JAAR, 2, dag))
    BoekingFactory(cooperatie=a.cooperatie, datum=datetime.date(JAAR, 6, 1))
    return a, kwalitatief


def _indienen(a):
    return services.toetsing_indienen(toetsing=a.toetsing, actor=fresh(a.bestuur))


def test_full_cycle_seals_a_report_and_journals_every_step(jaar):
    a, kwalitatief = jaar
    mark = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first()

    toetsing = _indienen(a)
    assert toetsing.status == ToetsingStatus.INGEDIEND
    assert toetsing.verdict == Verdict.TE_BEOORDELEN
    assert toetsing.snapshot["cijfers"]["aantal_activiteiten"] == 12

    toetsing = services.toetsing_terugsturen(
        toetsing=toetsing, reden="Taalcafé van maart ontbreekt.", actor=a.beheerder
    )
    assert toetsing.status == ToetsingStatus.TERUGGESTUURD
    ActiviteitFactory(cooperatie=a.cooperatie, datum=datetime.date(JAAR, 3, 5))
    toetsing = _indienen(a)
    assert toetsing.snapshot["cijfers"]["aantal_activiteiten"] == 13

    services.toetsing_beoordelen(
        toetsing=toetsing,
        toezegging=kwalitatief,
        oordeel=Verdict.NAGEKOMEN,
        toelichting="Elke zaterdag open.",
        actor=a.beheerder,
    )
    toetsing = services.toetsing_vaststellen(toetsing=toetsing, actor=a.beheerder)
    assert toetsing.status == ToetsingStatus.VASTGESTELD
    assert toetsing.verdict == Verdict.NAGEKOMEN

    actions = list(
        AuditEntry.objects.filter(pk__gt=mark or 0).values_list("action", flat=True)
    )
    assert actions == [
        "toetsing_indienen",
        "toetsing_terugsturen",
        "toetsing_indienen",
        "toetsing_beoordelen",
        "toetsing_vaststellen",
    ]
    rapport = Rapport.objects.get(toetsing=toetsing)
    reader = pypdf.PdfReader(io.BytesIO(rapport.pdf.read()))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Moestuin open voor de buurt" in text
    assert json.loads(reader.attachments["snapshot.json"][0]) == toetsing.snapshot
    assert verify_chain().ok


def test_indienen_freezes_the_year_for_activities_bookings_and_members(jaar):
    a, _ = jaar
    _indienen(a)
    bestuur = fresh(a.bestuur)
    datum = datetime.date(JAAR, 5, 1)
    calls = {
        "activiteit": lambda: ledger_services.activiteit_create(
            cooperatie=a.cooperatie,
            datum=datum,
            titel="Late activiteit",
            thema="groen",
            actor=bestuur,
        ),
        "boeking": lambda: ledger_services.boeking_create(
            cooperatie=a.cooperatie,
            datum=datum,
            soort="uitgave",
            bedrag=Decimal("10"),
            omschrijving="Late bon",
            actor=bestuur,
        ),
        "lid": lambda: cooperatie_services.lid_create(
            cooperatie=a.cooperatie, naam="Nieuw Lid", lid_sinds=datum, actor=bestuur
        ),
        "storno": lambda: ledger_services.boeking_storno(
            boeking=a.boeking, actor=bestuur, omschrijving="Dubbel"
        ),
    }
    for name, call in calls.items():
        with pytest.raises(ValidationError) as excinfo:
            call()
        assert "2024 is ingediend" in str(excinfo.value), name
    # The next year stays open.
    ledger_services.activiteit_create(
        cooperatie=a.cooperatie,
        datum=datetime.date(JAAR + 1, 1, 1),
        titel="Nieuwjaarsborrel",
        thema="ontmoeting",
        actor=bestuur,
    )


def test_a_new_member_backdated_into_a_locked_year_is_refused_on_lid_sinds(jaar):
    a, _ = jaar
    _indienen(a)
    with pytest.raises(ValidationError) as excinfo:
        cooperatie_services.lid_create(
            cooperatie=a.cooperatie,
            naam="Nieuw Lid",
            lid_sinds=datetime.date(JAAR - 3, 1, 1),
            lid_tot=None,
            actor=fresh(a.bestuur),
        )
    # The world's 2023 is vastgesteld, 2024 now ingediend: the earliest is named.
    assert excinfo.value.error_dict.keys() == {"lid_sinds"}
    assert "2023 is vastgesteld" in str(excinfo.value)


def _beoordeel(a, toetsing, kwalitatief):
    services.toetsing_beoordelen(
        toetsing=toetsing,
        toezegging=kwalitatief,
        oordeel=Verdict.DEELS,
        toelichting="Tuin aangelegd, nog weinig buren.",
        actor=a.beheerder,
    )


def test_terugsturen_opens_the_year_again_and_vaststellen_closes_it_for_good(jaar):
    a, kwalitatief = jaar
    toetsing = _indienen(a)
    services.toetsing_terugsturen(
        toetsing=toetsing, reden="Bonnen ontbreken.", actor=a.beheerder
    )
    boeking = ledger_services.boeking_create(
        cooperatie=a.cooperatie,
        datum=datetime.date(JAAR, 5, 1),
        soort="uitgave",
        bedrag=Decimal("10"),
        omschrijving="Bon nagekomen",
        actor=fresh(a.bestuur),
    )
    toetsing = _indienen(a)
    _beoordeel(a, toetsing, kwalitatief)
    services.toetsing_vaststellen(toetsing=toetsing, actor=a.beheerder)
    with pytest.raises(ValidationError, match="vastgesteld"):
        ledger_services.boeking_storno(
            boeking=boeking, actor=fresh(a.bestuur), omschrijving="Dubbel"
        )
    with pytest.raises(ValidationError, match="vastgesteld"):
        _indienen(a)
    with pytest.raises(ValidationError, match="vastgesteld"):
        services.toetsing_terugsturen(
            toetsing=toetsing, reden="Toch nog iets.", actor=a.beheerder
        )


def test_snapshot_freezes_the_member_count_at_indienen(jaar):
    a, _ = jaar
    toetsing = _indienen(a)
    assert toetsing.snapshot["cijfers"]["aantal_leden"] == 2
    bestuur = fresh(a.bestuur)
    # A member joining after the year changes nothing and is allowed.
    cooperatie_services.lid_create(
        cooperatie=a.cooperatie,
        naam="Later Lid",
        lid_sinds=datetime.date(JAAR + 1, 2, 1),
        actor=bestuur,
    )
    # Backdated changes would alter the count on the frozen peildatum: refused.
    backdated = [
        lambda: cooperatie_services.lid_create(
            cooperatie=a.cooperatie,
            naam="Teruggedateerd",
            lid_sinds=datetime.date(JAAR - 1, 6, 1),
            actor=bestuur,
        ),
        lambda: cooperatie_services.lid_update(
            lid=a.lid, lid_sinds=datetime.date(JAAR + 1, 3, 1), actor=bestuur
        ),
        lambda: cooperatie_services.lid_end(
            lid=a.bestuurslid, lid_tot=datetime.date(JAAR - 1, 12, 1), actor=bestuur
        ),
    ]
    for change in backdated:
        # (The world's 2023 is vastgesteld too; whichever locked year it names.)
        with pytest.raises(ValidationError, match=r"is (ingediend|vastgesteld)"):
            change()
    # Ending a membership after the peildatum keeps the year's count: allowed.
    cooperatie_services.lid_end(
        lid=a.lid, lid_tot=datetime.date(JAAR + 1, 6, 1), actor=bestuur
    )
    toetsing.refresh_from_db()
    assert toetsing.snapshot["cijfers"]["aantal_leden"] == 2
    assert (
        selectors.jaarcijfers(cooperatie_ids=[a.cooperatie.pk], jaar=JAAR)[
            a.cooperatie.pk
        ].aantal_leden
        == 2
    )


def test_indienen_of_an_afspraak_without_toezeggingen_is_refused(world):
    a = world.a
    leeg = AfspraakFactory(corporatie=a.corporatie, cooperatie=a.cooperatie)
    toetsing = ToetsingFactory(afspraak=leeg, jaar=JAAR)
    with pytest.raises(ValidationError, match="geen toezeggingen"):
        services.toetsing_indienen(toetsing=toetsing, actor=fresh(a.bestuur))
    toetsing.refresh_from_db()
    assert toetsing.status == ToetsingStatus.OPEN


def test_an_assessed_toezegging_cannot_be_deleted(world):
    a = world.a
    kwalitatief = a.beoordeling.toezegging
    with pytest.raises(ValidationError, match="beoordeeld"):
        services.toezegging_delete(toezegging=kwalitatief, actor=a.beheerder)
    assert kwalitatief.__class__.objects.filter(pk=kwalitatief.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_a_write_that_passed_the_year_check_lands_before_the_year_is_measured(world):
    """A booking in flight when the bestuur submits is either refused or included
    in the snapshot — never written behind a frozen year."""
    a = world.a
    bestuur = fresh(a.bestuur)
    checked, release = threading.Event(), threading.Event()
    counted: list[int] = []
    errors: list[BaseException] = []

    def writer():
        try:
            with transaction.atomic():
                ledger_services.activiteit_create(
                    cooperatie=a.cooperatie,
                    datum=datetime.date(2024, 9, 1),
                    titel="Net op tijd",
                    thema="groen",
                    actor=bestuur,
                )
                checked.set()
                release.wait(10)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    def submitter():
        try:
            toetsing = services.toetsing_indienen(
                toetsing=a.toetsing, actor=fresh(a.bestuur)
            )
            counted.append(toetsing.snapshot["cijfers"]["aantal_activiteiten"])
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    first = threading.Thread(target=writer)
    first.start()
    assert checked.wait(10)
    second = threading.Thread(target=submitter)
    second.start()
    second.join(0.5)  # give the submitter time to reach the lock
    release.set()
    first.join(20)
    second.join(20)
    assert errors == []
    # The world's activity plus the one in flight.
    assert counted == [2]


@pytest.mark.parametrize(
    ("transition", "start", "message"),
    [
        ("terugsturen", ToetsingStatus.OPEN, "open"),
        ("vaststellen", ToetsingStatus.OPEN, "open"),
        ("vaststellen", ToetsingStatus.TERUGGESTUURD, "teruggestuurd"),
        ("indienen", ToetsingStatus.INGEDIEND, "ingediend"),
    ],
)
def test_illegal_transitions_name_the_current_status(jaar, transition, start, message):
    a, _ = jaar
    Toetsing.objects.filter(pk=a.toetsing.pk).update(status=start)
    seq = AuditEntry.objects.count()
    call = {
        "indienen": lambda: _indienen(a),
        "terugsturen": lambda: services.toetsing_terugsturen(
            toetsing=a.toetsing, reden="reden", actor=a.beheerder
        ),
        "vaststellen": lambda: services.toetsing_vaststellen(
            toetsing=a.toetsing, actor=a.beheerder
        ),
    }[transition]
    with pytest.raises(ValidationError) as excinfo:
        call()
    assert f"Deze toetsing is {message}" in str(excinfo.value)
    assert Toetsing.objects.get(pk=a.toetsing.pk).status == start
    assert AuditEntry.objects.count() == seq


def test_terugsturen_requires_a_reason(jaar):
    a, _ = jaar
    toetsing = _indienen(a)
    with pytest.raises(ValidationError) as excinfo:
        services.toetsing_terugsturen(toetsing=toetsing, reden="   ", actor=a.beheerder)
    assert "reden" in excinfo.value.message_dict
    assert Toetsing.objects.get(pk=toetsing.pk).status == ToetsingStatus.INGEDIEND


def test_vaststellen_is_refused_while_a_kwalitatief_clause_is_unassessed(jaar):
    a, _ = jaar
    toetsing = _indienen(a)
    with pytest.raises(ValidationError) as excinfo:
        services.toetsing_vaststellen(toetsing=toetsing, actor=a.beheerder)
    assert "Moestuin open voor de buurt" in str(excinfo.value)
    assert not Rapport.objects.filter(toetsing=toetsing).exists()


def test_beoordelen_requires_a_toelichting_and_a_kwalitatief_clause(jaar):
    a, kwalitatief = jaar
    toetsing = _indienen(a)
    with pytest.raises(ValidationError) as excinfo:
        services.toetsing_beoordelen(
            toetsing=toetsing,
            toezegging=kwalitatief,
            oordeel=Verdict.DEELS,
            toelichting="",
            actor=a.beheerder,
        )
    assert "toelichting" in excinfo.value.message_dict
    with pytest.raises(ValidationError) as excinfo:
        services.toetsing_beoordelen(
            toetsing=toetsing,
            toezegging=a.toezegging,
            oordeel=Verdict.DEELS,
            toelichting="Goed gedaan.",
            actor=a.beheerder,
        )
    assert "toezegging" in excinfo.value.message_dict


def test_indienen_of_the_running_year_is_refused(jaar):
    a, _ = jaar
    lopend = timezone.localdate().year
    Toetsing.objects.filter(pk=a.toetsing.pk).update(jaar=lopend)
    with pytest.raises(ValidationError, match="loopt nog"):
        _indienen(a)


@pytest.mark.parametrize("actor", ["beheerder", "auditor"])
def test_only_the_bestuur_submits(jaar, actor):
    a, _ = jaar
    with pytest.raises(PermissionDenied):
        services.toetsing_indienen(toetsing=a.toetsing, actor=getattr(a, actor))


@pytest.mark.parametrize("actor", ["bestuur", "auditor", "other_beheerder"])
def test_only_the_corporaties_beheerder_returns_assesses_and_approves(
    world, jaar, actor
):
    a, kwalitatief = jaar
    toetsing = _indienen(a)
    user = world.b.beheerder if actor == "other_beheerder" else getattr(a, actor)
    seq = AuditEntry.objects.count()
    with pytest.raises(PermissionDenied):
        services.toetsing_terugsturen(toetsing=toetsing, reden="x", actor=user)
    with pytest.raises(PermissionDenied):
        services.toetsing_beoordelen(
            toetsing=toetsing,
            toezegging=kwalitatief,
            oordeel=Verdict.NAGEKOMEN,
            toelichting="x",
            actor=user,
        )
    with pytest.raises(PermissionDenied):
        services.toetsing_vaststellen(toetsing=toetsing, actor=user)
    assert AuditEntry.objects.count() == seq
    assert Toetsing.objects.get(pk=toetsing.pk).status == ToetsingStatus.INGEDIEND


def test_a_vastgesteld_year_refuses_every_ledger_and_member_change(jaar):
    a, kwalitatief = jaar
    toetsing = _indienen(a)
    _beoordeel(a, toetsing, kwalitatief)
    services.toetsing_vaststellen(toetsing=toetsing, actor=a.beheerder)
    bestuur = fresh(a.bestuur)
    datum = datetime.date(JAAR, 8, 1)
    changes = [
        lambda: ledger_services.activiteit_update(
            activiteit=a.activiteit, titel="Andere titel", actor=bestuur
        ),
        lambda: ledger_services.activiteit_delete(
            activiteit=a.activiteit, actor=bestuur
        ),
        lambda: ledger_services.boeking_create(
            cooperatie=a.cooperatie,
            datum=datum,
            soort="budget",
            bedrag=Decimal("5"),
            omschrijving="Te laat",
            actor=bestuur,
        ),
        lambda: cooperatie_services.lid_end(lid=a.lid, lid_tot=datum, actor=bestuur),
        lambda: cooperatie_services.lid_update(
            lid=a.lid, lid_sinds=datetime.date(JAAR, 3, 1), actor=bestuur
        ),
    ]
    seq = AuditEntry.objects.count()
    for change in changes:
        with pytest.raises(ValidationError, match="2024 is vastgesteld"):
            change()
    assert AuditEntry.objects.count() == seq

"""The records the cooperatie app owns and the services keep: the closed years
(`GeslotenJaar`), which the cooperatie and ledger writes respect, and the ties of
corporaties and cooperaties (`Relatie`), which tenancy follows; and the
migrations that fill both from the data already there."""

from __future__ import annotations

import datetime
import threading
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

import pytest

from afspraken import services as afspraken_services
from afspraken.choices import ToetsingStatus
from afspraken.models import Toetsing
from cooperatie import services
from cooperatie.choices import JaarStatus, OvereenkomstSoort
from cooperatie.models import Corporatie, Gebouw, GeslotenJaar, Relatie
from ledger import services as ledger_services
from ledger.models import Activiteit
from tests.afspraken.factories import AfspraakFactory, ToetsingFactory
from tests.cooperatie.factories import CooperatieFactory, GebouwFactory, RolFactory
from tests.helpers import fresh

JAAR = 2024


def gesloten(cooperatie) -> dict[int, str]:
    return dict(
        GeslotenJaar.objects.filter(cooperatie=cooperatie).values_list("jaar", "status")
    )


def indienen(tenant, toetsing=None):
    return afspraken_services.toetsing_indienen(
        toetsing=toetsing or tenant.toetsing, actor=fresh(tenant.bestuur)
    )


def terugsturen(tenant, toetsing):
    return afspraken_services.toetsing_terugsturen(
        toetsing=toetsing, reden="De moestuin ontbreekt.", actor=tenant.beheerder
    )


def boeking(tenant, datum: datetime.date):
    return ledger_services.boeking_create(
        cooperatie=tenant.cooperatie,
        datum=datum,
        soort=tenant.boeking.soort,
        bedrag=Decimal("12.50"),
        omschrijving="Koffie",
        actor=tenant.bestuur,
    )


# Closed years ----------------------------------------------------------------------


def test_the_transitions_close_reopen_and_approve_the_year(world):
    a = world.a
    # The world's sealed toetsing of 2023 closed that year.
    assert gesloten(a.cooperatie) == {2023: JaarStatus.VASTGESTELD}

    toetsing = indienen(a)
    assert gesloten(a.cooperatie) == {
        2023: JaarStatus.VASTGESTELD,
        JAAR: JaarStatus.INGEDIEND,
    }

    toetsing = terugsturen(a, toetsing)
    assert gesloten(a.cooperatie) == {2023: JaarStatus.VASTGESTELD}

    toetsing = indienen(a, toetsing)
    afspraken_services.toetsing_vaststellen(toetsing=toetsing, actor=a.beheerder)
    assert gesloten(a.cooperatie) == {
        2023: JaarStatus.VASTGESTELD,
        JAAR: JaarStatus.VASTGESTELD,
    }
    assert gesloten(world.b.cooperatie) == {2023: JaarStatus.VASTGESTELD}


def test_a_year_stays_closed_while_another_afspraak_submitted_it(world):
    a = world.a
    tweede = ToetsingFactory(
        afspraak=AfspraakFactory(corporatie=a.corporatie, cooperatie=a.cooperatie),
        jaar=JAAR,
    )
    tweede.afspraak.toezeggingen.create(
        omschrijving="Tien activiteiten", indicator="aantal_activiteiten", norm=10
    )
    eerste = indienen(a)
    indienen(a, tweede)

    terugsturen(a, eerste)

    assert gesloten(a.cooperatie)[JAAR] == JaarStatus.INGEDIEND
    with pytest.raises(ValidationError, match="Het jaar 2024 is ingediend"):
        boeking(a, datetime.date(JAAR, 3, 1))


def test_one_approved_afspraak_makes_the_year_vastgesteld(world):
    a = world.a
    ToetsingFactory(
        afspraak=AfspraakFactory(corporatie=a.corporatie, cooperatie=a.cooperatie),
        jaar=JAAR,
        status=ToetsingStatus.INGEDIEND,
    )
    assert gesloten(a.cooperatie)[JAAR] == JaarStatus.INGEDIEND
    toetsing = indienen(a)
    afspraken_services.toetsing_vaststellen(toetsing=toetsing, actor=a.beheerder)

    assert gesloten(a.cooperatie)[JAAR] == JaarStatus.VASTGESTELD


def test_an_approved_year_is_never_reopened_by_a_stale_status(world):
    a = world.a
    for status in (JaarStatus.INGEDIEND, None):
        services.gesloten_jaar_set(
            cooperatie_id=a.cooperatie.pk, jaar=2023, status=status
        )
        assert gesloten(a.cooperatie) == {2023: JaarStatus.VASTGESTELD}


@pytest.mark.parametrize("status", JaarStatus.values)
def test_ledger_and_member_writes_read_the_closed_year_record(world, status):
    """The refusal follows GeslotenJaar alone: closed without a toetsing, refused;
    opened again, allowed."""
    a = world.a
    services.gesloten_jaar_set(cooperatie_id=a.cooperatie.pk, jaar=2022, status=status)
    datum = datetime.date(2022, 5, 1)
    message = f"Het jaar 2022 is {JaarStatus(status).label}"

    with pytest.raises(ValidationError, match=message):
        boeking(a, datum)
    with pytest.raises(ValidationError, match=message):
        ledger_services.activiteit_create(
            cooperatie=a.cooperatie,
            datum=datum,
            titel="Moestuin",
            thema="groen",
            actor=a.bestuur,
        )
    with pytest.raises(ValidationError, match=message):
        services.lid_create(
            cooperatie=a.cooperatie, naam="Nieuw lid", lid_sinds=datum, actor=a.bestuur
        )

    if status == JaarStatus.INGEDIEND:
        services.gesloten_jaar_set(
            cooperatie_id=a.cooperatie.pk, jaar=2022, status=None
        )
        assert boeking(a, datum).datum == datum


def test_a_submitted_toetsing_without_its_record_locks_nothing(world):
    """The cooperatie and ledger apps read no toetsing: only the record counts."""
    a = world.a
    Toetsing.objects.filter(pk=a.toetsing.pk).update(status=ToetsingStatus.INGEDIEND)

    assert boeking(a, datetime.date(JAAR, 3, 1)).datum.year == JAAR


@pytest.mark.django_db(transaction=True)
def test_a_write_waiting_for_a_submission_meets_the_closed_year(world):
    """The submission holds the cooperatie's lock until it commits; a write dated
    in the year that waited for it is refused, never written behind it."""
    a = world.a
    submitted, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def submitter():
        try:
            with transaction.atomic():
                indienen(a)
                submitted.set()
                release.wait(10)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=submitter)
    thread.start()
    assert submitted.wait(10)
    threading.Timer(0.5, release.set).start()
    try:
        with pytest.raises(ValidationError, match="Het jaar 2024 is ingediend"):
            ledger_services.activiteit_create(
                cooperatie=a.cooperatie,
                datum=datetime.date(JAAR, 9, 1),
                titel="Te laat",
                thema="groen",
                actor=fresh(a.bestuur),
            )
    finally:
        release.set()
        thread.join(20)
    assert errors == []
    assert not Activiteit.objects.filter(titel="Te laat").exists()


# Ties -------------------------------------------------------------------------------


def test_an_overeenkomst_ties_its_corporatie_and_cooperatie(world):
    a = world.a
    cooperatie = CooperatieFactory(aangemeld_door=a.corporatie)
    gebouw = GebouwFactory(corporatie=a.corporatie)
    assert not Relatie.objects.filter(cooperatie=cooperatie).exists()

    overeenkomst = services.overeenkomst_create(
        gebouw=gebouw,
        cooperatie=cooperatie,
        soort=OvereenkomstSoort.HUUR,
        ingangsdatum=datetime.date(2024, 1, 1),
        actor=a.beheerder,
    )
    services.overeenkomst_end(
        overeenkomst=overeenkomst,
        einddatum=datetime.date(2024, 12, 31),
        actor=a.beheerder,
    )

    # An ended overeenkomst still ties them, as before.
    relatie = Relatie.objects.get(cooperatie=cooperatie)
    assert relatie.corporatie == a.corporatie
    assert list(relatie.gebouwen.all()) == []


def test_an_afspraak_ties_its_parties_with_the_gebouwen_it_names(world):
    a, b = world.a, world.b
    cooperatie = CooperatieFactory(aangemeld_door=b.corporatie)
    bestuur = RolFactory(bestuur=True, cooperatie=cooperatie).user
    eerste, tweede = (
        GebouwFactory(corporatie=b.corporatie),
        GebouwFactory(corporatie=b.corporatie),
    )

    afspraak = afspraken_services.afspraak_create(
        corporatie=b.corporatie,
        cooperatie=cooperatie,
        titel="Sociale inbreng",
        ingangsjaar=2024,
        gebouwen=[eerste],
        actor=b.beheerder,
    )
    relatie = Relatie.objects.get(corporatie=b.corporatie, cooperatie=cooperatie)
    assert set(relatie.gebouwen.all()) == {eerste}

    afspraken_services.afspraak_update(
        afspraak=afspraak, gebouwen=[tweede], actor=b.beheerder
    )
    assert set(relatie.gebouwen.all()) == {tweede}
    assert Relatie.objects.filter(cooperatie=cooperatie).count() == 1
    # The cooperatie's bestuur sees the gebouwen its afspraken name, and the
    # corporatie; another cooperatie's bestuur neither.
    assert set(Gebouw.objects.visible_to(fresh(bestuur))) == {tweede}
    assert set(Corporatie.objects.visible_to(fresh(bestuur))) == {b.corporatie}
    assert not Gebouw.objects.visible_to(fresh(a.bestuur)).filter(pk=tweede.pk)


def test_the_tie_is_what_tenancy_follows(world):
    """A cooperatie is in a corporatie's scope through its tie, and only then."""
    a, b = world.a, world.b
    cooperatie = CooperatieFactory()
    services.relatie_record(corporatie_id=b.corporatie.pk, cooperatie_id=cooperatie.pk)

    assert cooperatie in type(cooperatie).objects.visible_to(fresh(b.auditor))
    assert cooperatie not in type(cooperatie).objects.visible_to(fresh(a.beheerder))


# Migrations -------------------------------------------------------------------------

OLD = [("cooperatie", "0007_apitoken_verloopt_op_wachtwoord_kenmerk")]
OLD_AFSPRAKEN = ("afspraken", "0008_tekst_zonder_stuurtekens_en_begrensd")


@pytest.mark.django_db(transaction=True)
def test_the_migrations_fill_closed_years_and_ties_from_the_data():
    # `migrate` runs as the owner role where there is one (tests/database_roles).
    call_command("migrate", *OLD[0], verbosity=0)
    old = MigrationExecutor(connection).loader.project_state([*OLD, OLD_AFSPRAKEN]).apps
    model = old.get_model
    corporatie, andere = (
        model("cooperatie", "Corporatie").objects.create(
            naam=naam, kvk_nummer=kvk, plaats="Utrecht"
        )
        for naam, kvk in (
            ("Woonstichting Oost", "41000001"),
            ("Wonen West", "41000002"),
        )
    )
    coop_huur, coop_afspraak, coop_beide = (
        model("cooperatie", "Cooperatie").objects.create(
            naam=f"Coöperatie {i}", soort="woon", kvk_nummer=f"7100000{i}"
        )
        for i in range(3)
    )
    gebouwen = [
        model("cooperatie", "Gebouw").objects.create(
            corporatie=corporatie,
            complexnummer=f"C{i}",
            naam=f"Complex {i}",
            straat="Lindelaan",
            huisnummer=str(i),
            postcode="3511 AB",
            plaats="Utrecht",
            gemeentecode="GM0344",
            aantal_woningen=10,
        )
        for i in range(3)
    ]
    for gebouw, cooperatie, einddatum in (
        (gebouwen[0], coop_huur, None),
        (gebouwen[2], coop_beide, datetime.date(2021, 1, 1)),
    ):
        model("cooperatie", "Overeenkomst").objects.create(
            gebouw=gebouw,
            cooperatie=cooperatie,
            soort="huur",
            ingangsdatum=datetime.date(2020, 1, 1),
            einddatum=einddatum,
            aantal_woningen=10,
        )
    afspraken = model("afspraken", "Afspraak").objects
    toetsingen = model("afspraken", "Toetsing").objects
    met_gebouw = afspraken.create(
        corporatie=corporatie, cooperatie=coop_afspraak, titel="A", ingangsjaar=2022
    )
    met_gebouw.gebouwen.set([gebouwen[1]])
    tweede = afspraken.create(
        corporatie=corporatie, cooperatie=coop_afspraak, titel="B", ingangsjaar=2022
    )
    elders = afspraken.create(
        corporatie=andere, cooperatie=coop_beide, titel="C", ingangsjaar=2022
    )
    for afspraak, jaar, status in (
        (met_gebouw, 2022, "vastgesteld"),
        (tweede, 2022, "ingediend"),
        (met_gebouw, 2023, "teruggestuurd"),
        (tweede, 2023, "ingediend"),
        (met_gebouw, 2024, "open"),
        (elders, 2024, "ingediend"),
    ):
        toetsingen.create(afspraak=afspraak, jaar=jaar, status=status)

    call_command("migrate", verbosity=0)

    assert set(GeslotenJaar.objects.values_list("cooperatie_id", "jaar", "status")) == {
        (coop_afspraak.pk, 2022, JaarStatus.VASTGESTELD),
        (coop_afspraak.pk, 2023, JaarStatus.INGEDIEND),
        (coop_beide.pk, 2024, JaarStatus.INGEDIEND),
    }
    assert set(Relatie.objects.values_list("corporatie_id", "cooperatie_id")) == {
        (corporatie.pk, coop_huur.pk),
        (corporatie.pk, coop_beide.pk),
        (corporatie.pk, coop_afspraak.pk),
        (andere.pk, coop_beide.pk),
    }
    assert list(
        Relatie.objects.get(cooperatie_id=coop_afspraak.pk).gebouwen.values_list(
            "pk", flat=True
        )
    ) == [gebouwen[1].pk]
    assert not Relatie.objects.get(cooperatie_id=coop_huur.pk).gebouwen.exists()

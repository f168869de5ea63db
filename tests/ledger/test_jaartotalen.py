"""The activities' yearly totals and volunteer counts that database triggers keep
(`ledger.jaartotalen`): right after every kind of write, and checked and rebuilt
by `check_activiteittotalen`."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

import pytest

from kern.models import AuditEntry
from ledger import jaartotalen, totaalcontrole
from ledger.choices import Thema
from ledger.models import (
    Activiteit,
    ActiviteitJaartotaal,
    Vrijwilliger,
    VrijwilligerJaartelling,
)
from tests.cooperatie.factories import CooperatieFactory, LidFactory
from tests.ledger.factories import ActiviteitFactory

pytestmark = pytest.mark.django_db

THEMAS = [Thema.GROEN, Thema.ONTMOETING, Thema.OVERIG]
JAREN = [2023, 2024]


def assert_klopt() -> None:
    """The stored tables equal a recomputation from the activity rows."""
    assert totaalcontrole._opgeslagen() == totaalcontrole._berekend()


def _activiteit(rng: random.Random, cooperaties) -> Activiteit:
    return Activiteit(
        cooperatie=rng.choice(cooperaties),
        datum=datetime.date(rng.choice(JAREN), rng.randint(1, 12), rng.randint(1, 28)),
        titel="Activiteit",
        thema=rng.choice(THEMAS),
        open_voor_buurt=rng.random() < 0.5,
        deelnemers_buurt=rng.randint(0, 9),
        vrijwilligersuren=Decimal(rng.randint(0, 999)) / 100,
    )


def test_a_random_sequence_of_writes_keeps_the_totals(data_seed):
    """Creates, bulk inserts, updates (moving an activity to another
    cooperatie, year, thema or openness), queryset updates, deletes and
    volunteer changes in a seeded random order; after each step the tables
    equal a recomputation from scratch."""
    rng = random.Random(data_seed)
    print(f"seed {data_seed}")
    cooperaties = [CooperatieFactory(), CooperatieFactory()]
    leden = [LidFactory(cooperatie=rng.choice(cooperaties)) for _ in range(5)]
    for stap in range(120):
        activiteiten = list(Activiteit.objects.order_by("pk"))
        keuze = rng.choice(
            ["create", "bulk", "update", "queryset", "delete", "add", "remove"]
            if activiteiten
            else ["create", "bulk"]
        )
        if keuze == "create":
            _activiteit(rng, cooperaties).save()
        elif keuze == "bulk":
            Activiteit.objects.bulk_create(
                _activiteit(rng, cooperaties) for _ in range(rng.randint(1, 6))
            )
        elif keuze == "update":
            activiteit = rng.choice(activiteiten)
            nieuw = _activiteit(rng, cooperaties)
            for veld in rng.sample(jaartotalen.GETELD, rng.randint(1, 3)):
                setattr(activiteit, veld, getattr(nieuw, veld))
            activiteit.titel = f"Stap {stap}"
            activiteit.save()
        elif keuze == "queryset":
            ids = [a.pk for a in rng.sample(activiteiten, min(3, len(activiteiten)))]
            Activiteit.objects.filter(pk__in=ids).update(
                thema=rng.choice(THEMAS), datum=datetime.date(rng.choice(JAREN), 6, 1)
            )
        elif keuze == "delete":
            rng.choice(activiteiten).delete()
        elif keuze == "add":
            activiteit = rng.choice(activiteiten)
            activiteit.vrijwilligers.add(*rng.sample(leden, rng.randint(1, 3)))
        else:
            activiteit = rng.choice(activiteiten)
            activiteit.vrijwilligers.remove(*rng.sample(leden, rng.randint(1, 3)))
        assert_klopt(), f"after step {stap} ({keuze}), seed {data_seed}"
    assert ActiviteitJaartotaal.objects.exists()
    # Everything removed, the way the ORM removes it: nothing left over.
    Vrijwilliger.objects.filter(lid=leden[0]).delete()
    Activiteit.objects.all().delete()
    assert not ActiviteitJaartotaal.objects.exists()
    assert not VrijwilligerJaartelling.objects.exists()


def test_the_totals_carry_what_the_evaluation_sums(world):
    cooperatie = world.a.cooperatie
    lid = world.a.lid
    ActiviteitFactory(
        cooperatie=cooperatie,
        datum=datetime.date(2025, 2, 1),
        thema=Thema.GROEN,
        open_voor_buurt=False,
        deelnemers_buurt=3,
        vrijwilligersuren=Decimal("1.25"),
        vrijwilligers=[lid],
    )
    ActiviteitFactory(
        cooperatie=cooperatie,
        datum=datetime.date(2025, 11, 30),
        thema=Thema.GROEN,
        open_voor_buurt=False,
        deelnemers_buurt=2,
        vrijwilligersuren=Decimal("0.50"),
        vrijwilligers=[lid],
    )
    totaal = ActiviteitJaartotaal.objects.get(cooperatie=cooperatie, jaar=2025)
    assert (totaal.thema, totaal.open_voor_buurt, totaal.aantal) == ("groen", False, 2)
    assert totaal.vrijwilligersuren == Decimal("1.75")
    assert totaal.deelnemers_buurt == 5
    telling = VrijwilligerJaartelling.objects.get(cooperatie=cooperatie, jaar=2025)
    assert (telling.lid_id, telling.aantal) == (lid.pk, 2)


def _knoei(sql: str) -> None:
    """Change a table behind the triggers' back (as a restore of a damaged copy
    or a hand-made fix could)."""
    with connection.cursor() as cursor:
        cursor.execute(sql)


def test_check_reports_a_difference_and_herstel_rebuilds_and_journals(world):
    call_command("check_activiteittotalen")  # nothing to report: exits 0
    cooperatie = world.a.cooperatie
    _knoei(
        f"UPDATE {jaartotalen.TOTAAL} SET aantal = aantal + 1"
        f" WHERE cooperatie_id = {cooperatie.pk}"
    )
    _knoei(f"DELETE FROM {jaartotalen.TELLING} WHERE cooperatie_id = {cooperatie.pk}")
    jaar = world.a.activiteit.datum.year

    with pytest.raises(CommandError) as fout:
        call_command("check_activiteittotalen")
    assert str(fout.value) == "1 coöperatiejaar wijkt af; herstel met --herstel."
    assert totaalcontrole.verschillen() == [
        totaalcontrole.Verschil(cooperatie.pk, jaar, totalen=1, vrijwilligers=1)
    ]

    seq = AuditEntry.objects.count()
    call_command("check_activiteittotalen", "--herstel")
    assert_klopt()
    entry = AuditEntry.objects.order_by("-pk").first()
    assert AuditEntry.objects.count() == seq + 1
    assert (entry.action, entry.cooperatie_id) == (
        "activiteittotalen_herstel",
        cooperatie.pk,
    )
    assert entry.after == {"jaar": jaar, "totalen": 1, "vrijwilligers": 1}
    call_command("check_activiteittotalen")


@pytest.mark.django_db(transaction=True)
def test_a_migration_rebuilding_the_activity_table_keeps_the_triggers_on_sqlite():
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL keeps a table's triggers through ALTER TABLE")
    lid = LidFactory()
    ActiviteitFactory(cooperatie=lid.cooperatie, vrijwilligers=[lid])
    # As `migrate` runs a migration that adds a NOT NULL column to the
    # activities: SQLite rebuilds both tables the triggers join.
    jaartotalen.triggers_weg()
    with connection.schema_editor() as editor:
        editor._remake_table(Activiteit)
        editor._remake_table(Vrijwilliger)
    # A data migration's write meanwhile is counted when they come back.
    ActiviteitFactory(cooperatie=lid.cooperatie)
    assert sorted(jaartotalen.triggers_terug()) == sorted(jaartotalen.SQLITE_TRIGGERS)
    assert_klopt()
    assert jaartotalen.triggers_terug() == []
    ActiviteitFactory(cooperatie=lid.cooperatie, vrijwilligers=[lid])
    assert_klopt()

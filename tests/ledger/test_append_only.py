"""Bookings, journal entries and sealed reports are append-only, and a storno
cancels one booking exactly once."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction  # noqa: F401 (skipif)

import pytest

from afspraken.models import Rapport
from kern.immutable import ImmutableRowError
from kern.models import AuditEntry
from ledger import services
from ledger.models import Boeking
from tests.afspraken.factories import RapportFactory
from tests.cooperatie.factories import CooperatieFactory, RolFactory
from tests.ledger.factories import AuditEntryFactory, BoekingFactory
from tests.ledger.tamper import as_owner

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'",
    reason="the append-only trigger is PostgreSQL's",
)


@pytest.fixture(params=["boeking", "auditentry", "rapport"])
def row(request):
    factory = {
        "boeking": BoekingFactory,
        "auditentry": AuditEntryFactory,
        "rapport": RapportFactory,
    }[request.param]
    return factory()


def test_changing_an_existing_row_through_save_is_refused(row):
    row.created_at = row.timestamp = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    with pytest.raises(ImmutableRowError):
        row.save()


def test_deleting_a_row_through_the_instance_is_refused(row):
    with pytest.raises(ImmutableRowError):
        row.delete()
    assert type(row).objects.filter(pk=row.pk).exists()


def test_queryset_update_is_refused(row):
    with pytest.raises(ImmutableRowError):
        type(row).objects.filter(pk=row.pk).update(pk=row.pk)


def test_queryset_delete_is_refused(row):
    with pytest.raises(ImmutableRowError):
        type(row).objects.filter(pk=row.pk).delete()
    assert type(row).objects.filter(pk=row.pk).exists()


def test_bulk_update_is_refused(row):
    with pytest.raises(ImmutableRowError):
        type(row).objects.bulk_update([row], ["pk"])


@postgresql_only
@pytest.mark.parametrize(
    ("table", "statement"),
    [
        ("ledger_boeking", "UPDATE ledger_boeking SET bedrag = 1 WHERE id = %s"),
        ("ledger_boeking", "DELETE FROM ledger_boeking WHERE id = %s"),
        (
            "ledger_auditentry",
            "UPDATE ledger_auditentry SET action = 'x' WHERE id = %s",
        ),
        ("ledger_auditentry", "DELETE FROM ledger_auditentry WHERE id = %s"),
        (
            "afspraken_rapport",
            "UPDATE afspraken_rapport SET sha256 = 'x' WHERE id = %s",
        ),
        ("afspraken_rapport", "DELETE FROM afspraken_rapport WHERE id = %s"),
    ],
)
def test_raw_sql_update_and_delete_are_blocked_by_the_database(table, statement):
    model = {
        "ledger_boeking": (Boeking, BoekingFactory),
        "ledger_auditentry": (AuditEntry, AuditEntryFactory),
        "afspraken_rapport": (Rapport, RapportFactory),
    }[table]
    obj = model[1]()
    # As the owner role: the runtime role may not even try that
    # (tests/test_database_roles.py).
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        as_owner(statement, [obj.pk])
    assert model[0].objects.filter(pk=obj.pk).exists()


# Storno ---------------------------------------------------------------------------


@pytest.fixture
def bestuur_boeking():
    cooperatie = CooperatieFactory()
    bestuur = RolFactory(bestuur=True, cooperatie=cooperatie).user
    boeking = services.boeking_create(
        cooperatie=cooperatie,
        datum=datetime.date(2024, 5, 1),
        soort="uitgave",
        bedrag=Decimal("42.50"),
        omschrijving="Zaaigoed moestuin",
        actor=bestuur,
    )
    return bestuur, boeking


def test_storno_cancels_the_boeking_with_the_same_amount(bestuur_boeking):
    bestuur, boeking = bestuur_boeking
    storno = services.boeking_storno(
        boeking=boeking, actor=bestuur, omschrijving="Dubbel geboekt"
    )
    assert storno.corrigeert_id == boeking.pk
    assert (storno.soort, storno.bedrag, storno.datum) == (
        boeking.soort,
        Decimal("42.50"),
        boeking.datum,
    )
    assert storno.cooperatie_id == boeking.cooperatie_id
    entry = AuditEntry.objects.latest("seq")
    assert entry.action == "boeking_storno"
    assert entry.after["corrigeert"] == boeking.pk


def test_storno_twice_is_refused(bestuur_boeking):
    bestuur, boeking = bestuur_boeking
    services.boeking_storno(
        boeking=boeking, actor=bestuur, omschrijving="Dubbel geboekt"
    )
    entries = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        services.boeking_storno(
            boeking=boeking, actor=bestuur, omschrijving="Dubbel geboekt"
        )
    assert "al gestorneerd" in str(excinfo.value.message_dict["corrigeert"])
    assert Boeking.objects.filter(corrigeert=boeking).count() == 1
    assert AuditEntry.objects.count() == entries


def test_storno_of_a_storno_is_refused(bestuur_boeking):
    bestuur, boeking = bestuur_boeking
    storno = services.boeking_storno(
        boeking=boeking, actor=bestuur, omschrijving="Dubbel geboekt"
    )
    with pytest.raises(ValidationError) as excinfo:
        services.boeking_storno(
            boeking=storno, actor=bestuur, omschrijving="Dubbel geboekt"
        )
    assert "storno" in str(excinfo.value.message_dict["corrigeert"]).lower()
    assert not Boeking.objects.filter(corrigeert=storno).exists()


def test_second_storno_row_is_refused_by_the_database(bestuur_boeking):
    """Even past the service, one-to-one `corrigeert` allows one storno only."""
    bestuur, boeking = bestuur_boeking
    services.boeking_storno(
        boeking=boeking, actor=bestuur, omschrijving="Dubbel geboekt"
    )
    duplicate = Boeking(
        cooperatie_id=boeking.cooperatie_id,
        datum=boeking.datum,
        soort=boeking.soort,
        bedrag=boeking.bedrag,
        omschrijving="tweede storno",
        corrigeert=boeking,
    )
    with pytest.raises(DatabaseError), transaction.atomic():
        duplicate.save()

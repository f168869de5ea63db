"""`kern.inlezen.PerIds`: a query over the rows of some ids, compiled once and
run again with only the ids changed, reads what the queryset reads."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

import pytest

from cooperatie.models import Lid
from kern.inlezen import PerIds, of_ids
from ledger.models import Vrijwilliger
from tests.cooperatie.factories import CooperatieFactory, LidFactory
from tests.ledger.factories import ActiviteitFactory

pytestmark = pytest.mark.django_db


class Counted:
    """A query builder that counts how often it is asked."""

    def __init__(self, build):
        self.build = build
        self.calls = 0

    def __call__(self, ids):
        self.calls += 1
        return self.build(ids)


def _leden(ids):
    return of_ids(Lid.objects.all(), "cooperatie", ids).values_list(
        "cooperatie_id", "pk", "naam", "lid_sinds"
    )


def test_each_set_of_ids_reads_the_rows_the_queryset_reads(
    django_assert_num_queries,
):
    cooperaties = CooperatieFactory.create_batch(4)
    for cooperatie, n in zip(cooperaties, (3, 0, 2, 1), strict=True):
        LidFactory.create_batch(n, cooperatie=cooperatie)
    build = Counted(_leden)
    read = PerIds(build)
    ids = [c.pk for c in cooperaties]
    for keuze in itertools.chain(
        itertools.combinations(ids, 2), itertools.combinations(ids, 3), [ids]
    ):
        with django_assert_num_queries(1):
            rows = list(read(list(keuze)))
        assert rows == [list(row) for row in _leden(list(keuze))]
    # Compiled once per number of ids at most (once in all on PostgreSQL),
    # each time with a second build to see that only the ids change.
    assert build.calls <= 2 * 3


def test_a_query_with_a_parameter_that_changes_is_built_each_time():
    cooperatie = CooperatieFactory()
    LidFactory(cooperatie=cooperatie, lid_sinds=datetime.date(2020, 1, 1))
    peildata = iter(datetime.date(2019 + i, 6, 1) for i in range(100))

    def build(ids):
        # A parameter besides the ids that differs at every call, as the
        # time would.
        return (
            of_ids(Lid.objects.all(), "cooperatie", ids)
            .filter(lid_sinds__lte=next(peildata))
            .values_list("pk")
        )

    counted = Counted(build)
    read = PerIds(counted)
    # The first call builds it twice to compare, sees the date change, and
    # builds it a third time to run it; every later call builds it once.
    assert len(list(read([cooperatie.pk]))) == 1
    assert counted.calls == 3
    assert len(list(read([cooperatie.pk]))) == 1
    assert counted.calls == 4


def test_values_are_converted_as_the_queryset_converts_them():
    lid = LidFactory()
    activiteit = ActiviteitFactory(cooperatie=lid.cooperatie)
    Vrijwilliger.objects.create(activiteit=activiteit, lid=lid, uren=Decimal("2.50"))
    read = PerIds(
        lambda ids: of_ids(Vrijwilliger.objects.all(), "activiteit", ids).values_list(
            "activiteit_id", "uren"
        )
    )
    for _ in range(2):
        assert list(read([activiteit.pk])) == [[activiteit.pk, Decimal("2.50")]]
    assert str(next(iter(read([activiteit.pk])))[1]) == "2.50"
    assert list(read([])) == []

"""`kern.inlezen.Gecompileerd`: a query built from hashable arguments, compiled
once per combination of them, reads what the queryset reads, every time."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import connection  # noqa: F401 (skipif)
from django.db.models import Avg, Count, Sum

import pytest

from afspraken.models import Toetsing
from cooperatie.models import Lid
from kern import inlezen
from kern.inlezen import Gecompileerd
from ledger.models import Vrijwilliger
from tests.afspraken.factories import ToetsingFactory
from tests.cooperatie.factories import CooperatieFactory, LidFactory
from tests.ledger.factories import ActiviteitFactory

pytestmark = pytest.mark.django_db


class Counted:
    """A query builder that counts how often it is asked."""

    def __init__(self, build):
        self.build = build
        self.calls = 0

    def __call__(self, *args):
        self.calls += 1
        return self.build(*args)


def _leden(cooperatie_ids: tuple[int, ...], peildatum: datetime.date):
    return (
        Lid.objects.filter(cooperatie_id__in=cooperatie_ids, lid_sinds__lte=peildatum)
        .order_by("pk")
        .values_list("cooperatie_id", "pk", "naam", "lid_sinds")
    )


def test_each_combination_of_arguments_reads_the_rows_the_queryset_reads(
    django_assert_num_queries,
):
    cooperaties = CooperatieFactory.create_batch(3)
    for cooperatie, n in zip(cooperaties, (3, 0, 2), strict=True):
        for i in range(n):
            LidFactory(cooperatie=cooperatie, lid_sinds=datetime.date(2020 + i, 1, 1))
    build = Counted(_leden)
    read = Gecompileerd(build)
    ids = tuple(c.pk for c in cooperaties)
    combinations = [
        (ids, datetime.date(2021, 6, 1)),
        (ids[:2], datetime.date(2030, 1, 1)),
        (ids[1:], datetime.date(2019, 1, 1)),
    ]
    for args in combinations * 2:
        with django_assert_num_queries(1):
            rows = list(read(*args))
        assert rows == [list(row) for row in _leden(*args)]
    # Each combination built twice (to compare) on its first call, never after.
    assert build.calls == 2 * len(combinations)


def test_rows_are_read_anew_at_every_call():
    cooperatie = CooperatieFactory()
    read = Gecompileerd(_leden)
    args = ((cooperatie.pk,), datetime.date(2030, 1, 1))
    assert list(read(*args)) == []
    lid = LidFactory(cooperatie=cooperatie, lid_sinds=datetime.date(2024, 1, 1))
    assert [row[1] for row in read(*args)] == [lid.pk]
    lid.delete()
    assert list(read(*args)) == []


def test_a_query_that_depends_on_more_than_its_arguments_is_built_each_time():
    cooperatie = CooperatieFactory()
    LidFactory(cooperatie=cooperatie, lid_sinds=datetime.date(2021, 1, 1))
    peildata = iter(datetime.date(2019 + i, 6, 1) for i in range(100))

    def build(cooperatie_id):
        # A parameter besides the arguments that differs at every build, as
        # the time would.
        return Lid.objects.filter(
            cooperatie_id=cooperatie_id, lid_sinds__lte=next(peildata)
        ).values_list("pk")

    counted = Counted(build)
    read = Gecompileerd(counted)
    # The first call builds it twice to compare (peildata 2019 and 2020: not
    # yet a member), sees the date change, and runs a third build (2021: a
    # member); every later call builds it once.
    assert len(list(read(cooperatie.pk))) == 1
    assert counted.calls == 3
    assert len(list(read(cooperatie.pk))) == 1
    assert counted.calls == 4


def test_a_query_that_matches_nothing_is_built_each_time(django_assert_num_queries):
    counted = Counted(lambda ids: Lid.objects.filter(pk__in=ids).values_list("pk"))
    read = Gecompileerd(counted)
    for calls in (2, 3):
        # Django answers an empty `__in` without asking the database.
        with django_assert_num_queries(0):
            assert list(read(())) == []
        assert counted.calls == calls
    lid = LidFactory()
    with django_assert_num_queries(1):
        assert list(read((lid.pk,))) == [[lid.pk]]


def test_values_are_converted_as_the_queryset_converts_them():
    lid = LidFactory()
    activiteit = ActiviteitFactory(cooperatie=lid.cooperatie)
    Vrijwilliger.objects.create(activiteit=activiteit, lid=lid, uren=Decimal("2.50"))
    read = Gecompileerd(
        lambda activiteit_id: Vrijwilliger.objects.filter(
            activiteit_id=activiteit_id
        ).values_list("activiteit_id", "uren", "lid__lid_sinds")
    )
    for _ in range(2):
        ((activiteit_id, uren, lid_sinds),) = read(activiteit.pk)
        assert (activiteit_id, uren, lid_sinds) == (
            activiteit.pk,
            Decimal("2.50"),
            lid.lid_sinds,
        )
        assert str(uren) == "2.50"


def test_at_most_a_bounded_number_of_combinations_is_kept():
    cooperatie = CooperatieFactory()
    LidFactory(cooperatie=cooperatie, lid_sinds=datetime.date(2020, 1, 1))
    read = Gecompileerd(_leden)
    for i in range(inlezen._MAX_GECOMPILEERD * 3):
        peildatum = datetime.date(2000, 1, 1) + datetime.timedelta(days=i * 30)
        rows = list(read((cooperatie.pk,), peildatum))
        assert len(rows) == (peildatum >= datetime.date(2020, 1, 1))
        assert len(read._gecompileerd) <= inlezen._MAX_GECOMPILEERD


def test_rows_never_share_the_mutable_values_of_a_json_column():
    toetsingen = [
        ToetsingFactory(jaar=2024, snapshot={"regels": [1]}) for _ in range(2)
    ]
    read = Gecompileerd(
        lambda ids: (
            Toetsing.objects.filter(pk__in=ids)
            .order_by("pk")
            .values_list("pk", "snapshot", "jaar")
        )
    )
    for _ in range(2):
        rows = list(read(tuple(t.pk for t in toetsingen)))
        assert [row[1] for row in rows] == [{"regels": [1]}] * 2
        assert rows[0][1] is not rows[1][1]
        rows[0][1]["regels"].append(2)
        assert rows[1][1] == {"regels": [1]}


def test_decimals_are_read_as_the_queryset_reads_them_one_object_per_value():
    lid = LidFactory()
    uren = ["2.50", "2.50", "0.25", None, "2.50"]
    activiteiten = [ActiviteitFactory(cooperatie=lid.cooperatie) for _ in uren]
    for activiteit, waarde in zip(activiteiten, uren, strict=True):
        Vrijwilliger.objects.create(
            activiteit=activiteit,
            lid=lid,
            uren=None if waarde is None else Decimal(waarde),
        )

    def build(cooperatie_id: int):
        return (
            Vrijwilliger.objects.filter(activiteit__cooperatie_id=cooperatie_id)
            .order_by("activiteit_id")
            .values_list("activiteit_id", "uren", "activiteit__vrijwilligersuren")
        )

    def build_totals(cooperatie_id: int):
        return (
            Vrijwilliger.objects.filter(activiteit__cooperatie_id=cooperatie_id)
            .values("activiteit__cooperatie_id")
            .annotate(totaal=Sum("uren"), gemiddeld=Avg("uren"), n=Count("pk"))
            .order_by()
            .values_list("activiteit__cooperatie_id", "totaal", "gemiddeld", "n")
        )

    read, totals = Gecompileerd(build), Gecompileerd(build_totals)
    for _ in range(2):
        rows = list(read(lid.cooperatie_id))
        expected = [list(row) for row in build(lid.cooperatie_id)]
        assert rows == expected
        # The same type and the same text (places) as the queryset's values.
        for row, verwacht in zip(rows, expected, strict=True):
            assert [(type(v), str(v)) for v in row] == [
                (type(v), str(v)) for v in verwacht
            ]
        # Equal values of a column are one object (its hash computed once).
        assert rows[0][1] is rows[1][1] is rows[4][1]
        assert rows[3][1] is None
        # Aggregates keep their own types: a decimal sum, a float mean, a count.
        assert list(totals(lid.cooperatie_id)) == [
            list(row) for row in build_totals(lid.cooperatie_id)
        ]
        ((_, totaal, gemiddeld, n),) = totals(lid.cooperatie_id)
        assert (totaal, n) == (Decimal("7.75"), 5)
        assert type(totaal) is Decimal
        assert type(n) is int
        assert gemiddeld == pytest.approx(1.9375)


@pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="arrays are PostgreSQL's"
)
def test_an_array_of_decimals_reads_as_the_queryset_reads_it():
    from django.contrib.postgres.aggregates import ArrayAgg

    lid = LidFactory()
    for uren in ("2.50", "0.25"):
        Vrijwilliger.objects.create(
            activiteit=ActiviteitFactory(cooperatie=lid.cooperatie),
            lid=lid,
            uren=Decimal(uren),
        )

    def build(lid_id: int):
        return (
            Vrijwilliger.objects.filter(lid_id=lid_id)
            .values("lid_id")
            .annotate(alle_uren=ArrayAgg("uren", order_by="uren"), totaal=Sum("uren"))
            .order_by()
            .values_list("lid_id", "alle_uren", "totaal")
        )

    read = Gecompileerd(build)
    for _ in range(2):
        ((lid_id, uren, totaal),) = read(lid.pk)
        assert (lid_id, uren, totaal) == (
            lid.pk,
            [Decimal("0.25"), Decimal("2.50")],
            Decimal("2.75"),
        )
        assert [type(u) for u in uren] == [Decimal, Decimal]

"""`kern.inlezen.pipelined` and `Gecompileerd.send`: queries sent before their
rows are read give the rows the queryset gives, one query each, in any order
of reading; on PostgreSQL they travel in one pipeline."""

from __future__ import annotations

import datetime

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, transaction

import pytest

from cooperatie.models import Lid
from kern.inlezen import Gecompileerd, pipelined
from tests.cooperatie.factories import CooperatieFactory, LidFactory

pytestmark = pytest.mark.django_db


def _leden(cooperatie_ids: tuple[int, ...], peildatum: datetime.date):
    return (
        Lid.objects.filter(cooperatie_id__in=cooperatie_ids, lid_sinds__lte=peildatum)
        .order_by("pk")
        .values_list("cooperatie_id", "pk", "naam", "lid_sinds")
    )


def _in_pipeline() -> bool:
    """Whether the connection is in PostgreSQL's pipeline mode now."""
    from psycopg import pq

    return connection.connection.pgconn.pipeline_status != pq.PipelineStatus.OFF


def _cooperaties() -> tuple[int, ...]:
    cooperaties = CooperatieFactory.create_batch(3)
    for cooperatie, n in zip(cooperaties, (3, 0, 2), strict=True):
        for i in range(n):
            LidFactory(cooperatie=cooperatie, lid_sinds=datetime.date(2020 + i, 1, 1))
    return tuple(c.pk for c in cooperaties)


@pytest.mark.parametrize("order", [(0, 1, 2), (2, 0, 1), (1, 2, 0)])
def test_queries_sent_together_read_their_own_rows_in_any_order(
    order, django_assert_num_queries
):
    ids = _cooperaties()
    read = Gecompileerd(_leden)
    combinations = [
        (ids, datetime.date(2021, 6, 1)),
        (ids[:1], datetime.date(2030, 1, 1)),
        (ids[1:], datetime.date(2019, 1, 1)),  # no rows
    ]
    list(read(*combinations[0]))  # compiled: the pipeline sends only these
    with django_assert_num_queries(3), pipelined(DEFAULT_DB_ALIAS):
        if connection.vendor == "postgresql":
            assert _in_pipeline()
        sent = [read.send(*args) for args in combinations]
        rows = {i: list(sent[i]) for i in order}
    if connection.vendor == "postgresql":
        assert not _in_pipeline()
    for i, args in enumerate(combinations):
        assert rows[i] == [list(row) for row in _leden(*args)]
    assert [len(rows[i]) for i in range(3)] == [4, 3, 0]


def test_the_rows_of_a_sent_query_are_read_once():
    ids = _cooperaties()
    read = Gecompileerd(_leden)
    args = (ids, datetime.date(2030, 1, 1))
    sent = read.send(*args)
    rows = list(sent)
    assert len(rows) == 5
    with pytest.raises(RuntimeError, match="read once"):
        list(sent)
    assert list(read(*args)) == rows


def test_pipelined_holds_queries_of_other_code_and_nests():
    ids = _cooperaties()
    read = Gecompileerd(_leden)
    args = (ids, datetime.date(2030, 1, 1))
    with pipelined(DEFAULT_DB_ALIAS):
        sent = read.send(*args)
        # An ordinary queryset and a nested block inside the pipeline.
        assert Lid.objects.filter(cooperatie_id__in=ids).count() == 5
        with pipelined(DEFAULT_DB_ALIAS):
            assert len(list(read(*args))) == 5
        assert len(list(sent)) == 5
    assert Lid.objects.count() == 5


def test_an_error_in_a_pipelined_query_is_raised_and_the_connection_stays_usable():
    ids = _cooperaties()

    def read_a_missing_table() -> None:
        with (
            transaction.atomic(),
            pipelined(DEFAULT_DB_ALIAS),
            connection.cursor() as cursor,
        ):
            cursor.execute("SELECT naam FROM cooperatie_lid_that_is_not")
            cursor.fetchall()

    with pytest.raises(DatabaseError):
        read_a_missing_table()
    # The failed savepoint is rolled back; the connection reads again.
    assert len(list(Gecompileerd(_leden)(ids, datetime.date(2030, 1, 1)))) == 5


def test_an_error_of_a_query_left_unread_is_raised_as_django_s_when_the_block_ends():
    def send_a_query_and_leave_it() -> None:
        # In a savepoint, which the error rolls back.
        with transaction.atomic(), pipelined(DEFAULT_DB_ALIAS):
            cursor = connection.cursor()
            cursor.execute("SELECT naam FROM cooperatie_lid_that_is_not")

    with pytest.raises(DatabaseError):
        send_a_query_and_leave_it()
    assert Lid.objects.count() == 0


def test_waiting_for_the_answers_keeps_the_callers_transaction_and_the_rows():
    """`Answers.wait` takes in the answers of what was sent: the rows read
    after it are those of the queries sent before and after it, and the
    caller's transaction goes on (a row written in it is seen, and undone
    with it)."""
    ids = _cooperaties()
    read = Gecompileerd(_leden)
    args = (ids, datetime.date(2030, 1, 1))
    with transaction.atomic():
        LidFactory(cooperatie_id=ids[1], lid_sinds=datetime.date(2021, 1, 1))
        with pipelined(DEFAULT_DB_ALIAS) as answers:
            before = read.send(*args)
            answers.wait()
            if connection.vendor == "postgresql":
                assert _in_pipeline()
            after = read.send(*args)
            answers.wait()
            rows_after, rows_before = list(after), list(before)
        assert rows_before == rows_after == [list(row) for row in _leden(*args)]
        assert len(rows_before) == 6
        transaction.set_rollback(True)
    assert Lid.objects.filter(cooperatie_id__in=ids).count() == 5


def test_an_error_of_a_query_sent_before_the_wait_is_raised_there_as_django_s():
    ids = _cooperaties()
    caught = []

    def send_a_failing_query_and_wait() -> None:
        with transaction.atomic(), pipelined(DEFAULT_DB_ALIAS) as answers:
            cursor = connection.cursor()
            try:
                cursor.execute("SELECT naam FROM cooperatie_lid_that_is_not")
                answers.wait()
            except DatabaseError as error:  # Django's, within the block
                caught.append(error)
                raise

    with pytest.raises(DatabaseError):
        send_a_failing_query_and_wait()
    # In a pipeline the error comes with the answers, at the wait; elsewhere
    # the query failed when it ran.
    assert len(caught) == 1
    assert len(list(Gecompileerd(_leden)(ids, datetime.date(2030, 1, 1)))) == 5


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a pipeline is PostgreSQL's"
)
def test_the_wait_takes_in_the_answers_of_what_was_sent():
    ids = _cooperaties()
    with pipelined(DEFAULT_DB_ALIAS) as answers:
        cursor = connection.cursor()
        cursor.execute(
            "SELECT count(*) FROM cooperatie_lid WHERE cooperatie_id = ANY(%s)",
            [list(ids)],
        )
        assert cursor.cursor.pgresult is None  # sent, not answered yet
        answers.wait()
        assert cursor.cursor.pgresult is not None
        assert cursor.fetchall() == [(5,)]
    answers.wait()  # after the block: nothing to wait for

"""Many rows read at once, with less per-row work than iterating a queryset.

`rijen` converts each distinct value of a column once, `Instanties` makes model
instances without the per-field work of `Model.__init__`, and `VoorafGeladen`
holds related rows read for many instances as their prefetch cache. Used where
one read builds thousands of objects (`afspraken.selectors.corporatie_jaar`).
`IdsIn` filters on many ids read from the database as one
parameter where the database takes an array, and `PerIds` runs such a query
again with only its ids changed, compiled once. `Gecompileerd` keeps a query
compiled per key of the arguments it is built from, and sends it ahead of
reading its rows (`Gecompileerd.send`): within `pipelined`, PostgreSQL answers
the queries sent while Python reads the rows of earlier ones. It reads
PostgreSQL's numerics as text and makes one Decimal per distinct value of a
column, as it does with every converted column.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import F, JSONField, lookups, signals
from django.db.models.base import ModelState
from django.db.models.fields.files import FileDescriptor
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query_utils import DeferredAttribute
from django.db.models.sql.constants import MULTI


def rijen(queryset) -> Iterator[list]:
    """The rows of a `values_list` queryset whose columns hold immutable values
    (text, numbers, booleans, dates), converted as iterating the queryset would
    (the backend's and the field's converters) but each distinct value of a
    column once: thousands of rows repeat a handful of norms and flags."""
    compiler = queryset.query.get_compiler(queryset.db)
    chunks = compiler.execute_sql(MULTI)
    if chunks is None:
        return
    yield from _converted(compiler.connection, chunks, _converters(compiler))


def _converters(compiler) -> list[tuple]:
    """The compiled query's converters per column position."""
    fields = [s[0] for s in compiler.select[0 : compiler.col_count]]
    return list(compiler.get_converters(fields).items())


def kolomconversies(compiler) -> list[tuple]:
    """The converters of a compiled query's columns, for `geconverteerd`."""
    return _converters(compiler)


def geconverteerd(connection, rows, converters: list[tuple]) -> Iterator[list]:
    """Raw rows of a compiled query converted as `rijen` converts them."""
    return _converted(connection, (rows,), converters)


def _converted(connection, chunks, converters: list[tuple]) -> Iterator[list]:
    """The raw rows of `chunks` converted as `rijen` converts them (each
    distinct value of a column once, except in a JSON column: its dicts and
    lists are mutable, so every row gets its own)."""
    converters = [
        (pos, convs, expression, None if _veranderlijk(expression) else {})
        for pos, (convs, expression) in converters
    ]
    for chunk in chunks:
        for raw in chunk:
            row = list(raw)
            for pos, convs, expression, seen in converters:
                value = row[pos]
                keep = seen
                if seen is not None:
                    try:
                        row[pos] = seen[value]
                        continue
                    except KeyError:
                        pass
                    except TypeError:  # an unhashable value: converted each time
                        keep = None
                converted = value
                for converter in convs:
                    converted = converter(converted, expression, connection)
                row[pos] = converted
                if keep is not None:
                    keep[value] = converted
            yield row


def _veranderlijk(expression) -> bool:
    """Whether the column's values convert to mutable objects (a JSON field's
    dicts and lists), which rows may not share."""
    field = getattr(expression, "output_field", None)
    return isinstance(field, JSONField)


# Attribute descriptors that store a loaded value as is (in the instance's
# __dict__ under the field's attname).
_GEWONE_DESCRIPTORS = (DeferredAttribute, ForeignKeyDeferredAttribute, FileDescriptor)


class Instanties:
    """Model instances from rows of all the model's concrete fields, as
    `Model.from_db` makes them, without the per-field work of `Model.__init__`
    where that work only stores the values (no init signal listens, every field
    stores its value as is); otherwise through `from_db` itself."""

    def __init__(self, model, db: str) -> None:
        self.model = model
        self.db = db
        self.attnames = tuple(f.attname for f in model._meta.concrete_fields)
        self.snel = not (
            signals.pre_init.has_listeners(model)
            or signals.post_init.has_listeners(model)
        ) and all(
            type(model.__dict__.get(name)) in _GEWONE_DESCRIPTORS
            for name in self.attnames
        )

    def __call__(self, values):
        if not self.snel:
            return self.model.from_db(self.db, self.attnames, values)
        instance = self.model.__new__(self.model)
        state = ModelState()
        state.adding = False
        state.db = self.db
        instance._state = state
        instance.__dict__.update(zip(self.attnames, values, strict=True))
        return instance


class VoorafGeladen(dict):
    """A model instance's prefetch cache (`_prefetched_objects_cache`) holding
    rows read for many instances at once: the related manager's queryset of a
    relation is made when the relation is first read (`afspraak.gebouwen.all()`),
    as `prefetch_related` would have made it for every instance up front.

    A relation read ahead counts as cached (`in`, `get`), whether or not its
    queryset is made yet; removing it (as the manager does on add/remove, or
    `refresh_from_db`) drops the rows read, so the manager queries again."""

    def __init__(self, instance, rijen: dict[str, list]) -> None:
        super().__init__()
        self._instance = instance
        self._rijen = rijen

    def __contains__(self, naam: object) -> bool:
        return super().__contains__(naam) or naam in self._rijen

    def get(self, naam, default=None):
        try:
            return self[naam]
        except KeyError:
            return default

    def __delitem__(self, naam) -> None:
        if self._rijen.pop(naam, None) is None or super().__contains__(naam):
            super().__delitem__(naam)

    def pop(self, naam, *default):
        if self._rijen.pop(naam, None) is not None and not super().__contains__(naam):
            return None
        return super().pop(naam, *default)

    def clear(self) -> None:
        self._rijen.clear()
        super().clear()

    def __missing__(self, naam: str):
        rijen = self._rijen.pop(naam)  # KeyError: not read ahead, so query
        manager = getattr(self._instance, naam)
        queryset = manager._apply_rel_filters(
            manager.model._default_manager.get_queryset()
        )
        queryset._result_cache = rijen
        queryset._prefetch_done = True
        self[naam] = queryset
        return queryset


class IdsIn(lookups.In):
    """`IN` over ids just read from the database (a page's, a corporatie's
    coöperaties): integers as stored, so they are passed as parameters without
    Django's preparation of each value (which costs more than the query on a
    page of 500). PostgreSQL gets them as one array (`= ANY(%s)`), one
    parameter instead of one per id to parse and plan; integers as the text
    of that array, which is written at once (the driver would adapt the list
    id by id)."""

    def get_prep_lookup(self):
        return self.rhs

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        ids = list(self.rhs)
        if connection.vendor == "postgresql":
            try:
                text = "{" + ",".join(map(int.__repr__, ids)) + "}"
            except TypeError:  # not integers (e.g. UUIDs): the driver adapts them
                return f"{lhs} = ANY(%s)", (*lhs_params, ids)
            return f"{lhs} = ANY(%s::bigint[])", (*lhs_params, text)
        return f"{lhs} IN ({', '.join(['%s'] * len(ids))})", (*lhs_params, *ids)


def of_ids(queryset, lookup: str, ids: list):
    """`queryset.filter(<lookup>__in=ids)` for ids read from the database."""
    return queryset.filter(IdsIn(F(lookup), ids))


# Ids no row has: a query built with them shows where its ids go.
_PLAATSHOUDER = -(1 << 62)
# Compiled queries kept per PerIds (SQLite: one per number of ids).
_MAX_GECOMPILEERD = 64


class PerIds:
    """A `values_list` query over the rows of some ids (filtered with
    `of_ids`), compiled once and run again with only the ids changed.

    A list page reads its rows' relations (volunteers, evidence) with the same
    query on every page, and building and compiling that query costs several
    times what the database needs to answer it. `build(ids)` makes the
    queryset; apart from the ids it must make the same query every time (no
    parameter that changes between calls). PostgreSQL takes the ids as one
    array, so one compiled query serves every page; SQLite takes one parameter
    per id, so there is one per number of ids. Where the ids cannot be found
    in the compiled parameters, the query is built anew each time.
    """

    def __init__(self, build) -> None:
        self.build = build
        self._gecompileerd: dict[int | None, tuple | None] = {}

    def __call__(self, ids) -> Iterator[list]:
        return iter(self.send(ids))

    def send(self, ids) -> Sent:
        """The query sent; its rows are read when the result is iterated
        (within `pipelined`, the database answers it meanwhile). A query that
        is built anew (see above) runs when it is read."""
        ids = list(ids)
        gecompileerd = self._gecompileerd
        if None in gecompileerd:  # one for every number of ids
            entry = gecompileerd[None]
        elif len(ids) in gecompileerd:
            entry = gecompileerd[len(ids)]
        else:
            entry = self._compile(len(ids))
        if entry is None:
            return Sent(lambda: rijen(self.build(ids)))
        using, sql, params, plek, converters = entry
        if isinstance(plek, int):  # one array parameter
            try:
                array = "{" + ",".join(map(int.__repr__, ids)) + "}"
            except TypeError:  # not integers: as `IdsIn` passes them
                return Sent(lambda: rijen(self.build(ids)))
            waarden = list(params)
            waarden[plek] = array
        else:
            waarden = [*params[: plek.start], *ids, *params[plek.stop :]]
        # The connection of this thread (a compiler holds the one it was
        # compiled on).
        connection = connections[using]
        cursor = connection.cursor()
        try:
            cursor.execute(sql, waarden)
        except BaseException:
            cursor.close()
            raise
        return Sent(lambda: _fetched(connection, cursor, converters, False))

    def _compile(self, n: int) -> tuple | None:
        if not n:
            return None
        plaatshouders = [_PLAATSHOUDER - i for i in range(n)]
        queryset = self.build(plaatshouders)
        compiler = queryset.query.get_compiler(queryset.db)
        sql, params = compiler.as_sql()
        params = tuple(params)
        array = "{" + ",".join(map(int.__repr__, plaatshouders)) + "}"
        if params.count(array) == 1:
            key, plek = None, params.index(array)
        else:
            key, plek = n, _slice_of(params, plaatshouders)
        if plek is not None and not self._same_apart_from_ids(n, sql, params, plek):
            plek = None
        if len(self._gecompileerd) >= _MAX_GECOMPILEERD:
            self._gecompileerd.clear()
        entry = (
            None
            if plek is None
            else (queryset.db, sql, params, plek, _converters(compiler))
        )
        self._gecompileerd[key] = entry
        return entry

    def _same_apart_from_ids(self, n: int, sql: str, params: tuple, plek) -> bool:
        """Whether building the query again, with other ids, gives the same
        SQL and the same parameters apart from the ids (a parameter that
        changes between calls, such as the time, would be kept otherwise)."""
        andere = [_PLAATSHOUDER - n - i for i in range(n)]
        queryset = self.build(andere)
        sql_2, params_2 = queryset.query.get_compiler(queryset.db).as_sql()
        params_2 = tuple(params_2)
        if sql_2 != sql or len(params_2) != len(params):
            return False
        if isinstance(plek, int):
            overige = range(len(params))
            return all(params[i] == params_2[i] for i in overige if i != plek)
        return (
            params[: plek.start] == params_2[: plek.start]
            and params[plek.stop :] == params_2[plek.stop :]
            and list(params_2[plek]) == andere
        )


def _slice_of(params: tuple, ids: list) -> slice | None:
    """Where `ids` stand in `params`, one after the other, once (else None)."""
    n = len(ids)
    starts = [i for i in range(len(params) - n + 1) if list(params[i : i + n]) == ids]
    return slice(starts[0], starts[0] + n) if len(starts) == 1 else None


class Gecompileerd:
    """A `values_list` query built from hashable arguments, compiled once per
    combination of them and run again as compiled.

    A selector that reads a corporatie-year runs the same handful of queries
    on every visit, and building and compiling them costs a good part of what
    the database needs to answer them. `build(*args)` makes the queryset from
    its arguments alone (nothing else may change the query: no time, no
    setting); the first call with new arguments builds it twice and keeps it
    compiled only when both builds give the same SQL and parameters. A query
    that cannot be compiled up front (one that matches nothing, such as an
    empty `__in`) is built anew on every call. At most `_MAX_GECOMPILEERD`
    combinations are kept.
    """

    def __init__(self, build) -> None:
        self.build = build
        self._gecompileerd: dict[tuple, tuple | None] = {}

    def __call__(self, *args) -> Iterator[list]:
        """The rows, read now."""
        return iter(self.send(*args))

    def send(self, *args) -> Sent:
        """The query sent; its rows are read when the result is iterated
        (within `pipelined`, the database answers it meanwhile). A query that
        is built anew on every call (see above) runs when it is read."""
        try:
            entry = self._gecompileerd[args]
        except KeyError:
            entry = self._compile(args)
        if entry is None:
            return Sent(lambda: rijen(self.build(*args)))
        using, sql, params, converters, plain = entry
        # The connection of this thread (a compiler holds the one it was
        # compiled on).
        connection = connections[using]
        cursor = connection.cursor()
        try:
            als_tekst = _numeric_as_text(connection, cursor, plain)
            cursor.execute(sql, params)
        except BaseException:
            cursor.close()
            raise
        return Sent(lambda: _fetched(connection, cursor, converters, als_tekst))

    def _compile(self, args: tuple) -> tuple | None:
        queryset = self.build(*args)
        compiler = queryset.query.get_compiler(queryset.db)
        try:
            sql, params = compiler.as_sql()
            again = self.build(*args)
            sql_2, params_2 = again.query.get_compiler(again.db).as_sql()
        except EmptyResultSet:
            entry = None
        else:
            params = tuple(params)
            entry = (
                (
                    queryset.db,
                    sql,
                    params,
                    _converters(compiler),
                    _plain_columns(compiler),
                )
                if sql_2 == sql and tuple(params_2) == params
                else None
            )
        if len(self._gecompileerd) >= _MAX_GECOMPILEERD:
            self._gecompileerd.clear()
        self._gecompileerd[args] = entry
        return entry


def _fetched(connection, cursor, converters, als_tekst: bool) -> Iterator[list]:
    try:
        rows = cursor.fetchall()
        if als_tekst:
            converters = _with_numeric(converters, cursor.description)
    finally:
        cursor.close()
    return _converted(connection, (rows,), converters)


# PostgreSQL's numeric type, by its OID.
_NUMERIC_OID = 1700


def _numeric_as_text(connection, cursor, plain: bool) -> bool:
    """Whether the cursor reads numeric columns as their text, which it does
    on PostgreSQL with psycopg 3 for a query of plain columns: `_fetched`
    then makes one Decimal per distinct text of a column (`_converted`).
    psycopg makes a new Decimal of every value, and each new Decimal computes
    its hash the first time it is a key: an evaluation looks up thousands of
    norms. (A query with array or range columns keeps psycopg's loaders,
    which read their numeric elements with the cursor's numeric loader.)"""
    if connection.vendor != "postgresql" or not plain:
        return False
    adapters = getattr(cursor.cursor, "adapters", None)
    if adapters is None:  # psycopg2
        return False
    from psycopg.types.string import TextLoader

    adapters.register_loader(_NUMERIC_OID, TextLoader)
    return True


def _plain_columns(compiler) -> bool:
    """Whether no column of the compiled query is an array or a range (whose
    elements psycopg reads with the cursor's loader of their type)."""
    return not any(
        _internal_type(expression).endswith(("ArrayField", "RangeField"))
        for expression, _sql, _alias in compiler.select[: compiler.col_count]
    )


def _internal_type(expression) -> str:
    field = getattr(expression, "output_field", None)
    return field.get_internal_type() if field is not None else ""


def _decimal(value, expression, connection):
    return None if value is None else Decimal(value)


def _with_numeric(converters: list[tuple], description) -> list[tuple]:
    """The converters with, first at each numeric column read as text, its
    Decimal (as psycopg would make it)."""
    numeric = {
        pos for pos, column in enumerate(description) if column[1] == _NUMERIC_OID
    }
    if not numeric:
        return converters
    result = []
    for pos, (convs, expression) in converters:
        if pos in numeric:
            numeric.discard(pos)
            convs = [_decimal, *convs]
        result.append((pos, (convs, expression)))
    result.extend((pos, ([_decimal], None)) for pos in sorted(numeric))
    return result


class Sent:
    """A query sent by `Gecompileerd.send`: iterating it reads its rows (once)."""

    def __init__(self, read) -> None:
        self._read = read

    def __iter__(self) -> Iterator[list]:
        read, self._read = self._read, None
        if read is None:
            raise RuntimeError("the rows of a sent query are read once")
        return read()


@contextmanager
def pipelined(using: str) -> Iterator[Answers]:
    """Queries sent within the block (`Gecompileerd.send`) do not wait for each
    other: on PostgreSQL (psycopg 3's pipeline mode) the database works on
    the queries sent while Python reads the rows of earlier ones. Reading any
    query's rows waits until every query sent so far is answered, so a caller
    sends what it needs next before it works on the rows it has; the block's
    `Answers.wait` takes in the answers of what was sent without reading any
    rows, so that what is sent after it is not waited for by the next read.
    Other databases run each query as it is sent.

    For reads: the block neither starts nor ends a transaction (the queries
    sent run in the caller's, or in autocommit as one implicit transaction
    until the block ends or `Answers.wait`), and a caller reads every query
    it sends before the block ends. A query's error is raised where its rows
    are read, where the answers are waited for, or at the end of the block,
    as Django's database errors. The query metrics (`kern.metrics`) time the
    sending of a query, not its answer."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield Answers(None)
        return
    # The health check and any reconnect happen before the pipeline starts.
    with connection.cursor():
        pass
    raw = connection.connection
    pipeline = getattr(raw, "pipeline", None)  # psycopg 3, not psycopg2
    if pipeline is None or not _pipeline_supported():
        yield Answers(None)
        return
    # Errors that surface when the pipeline ends (a query sent and not read)
    # become Django's, as those raised where rows are read do.
    with connection.wrap_database_errors, pipeline() as psycopg_pipeline:
        answers = Answers(psycopg_pipeline, connection.wrap_database_errors)
        try:
            yield answers
        finally:
            answers._pipeline = None


class Answers:
    """The answers to the queries sent within a `pipelined` block."""

    def __init__(self, pipeline, errors=None) -> None:
        self._pipeline = pipeline
        self._errors = errors

    def wait(self) -> None:
        """Wait until every query sent so far is answered, reading no rows
        (a sync point of the pipeline: in autocommit it ends the implicit
        transaction of the statements before it). A query's error is raised
        here, as Django's. Nothing outside a pipeline, or once its block
        has ended."""
        if self._pipeline is not None:
            with self._errors:
                self._pipeline.sync()


def _pipeline_supported() -> bool:
    import psycopg

    return psycopg.Pipeline.is_supported()

"""Continuing a list after the last row seen (keyset paging).

A page reached by its number costs the rows before it: the database counts
past them (OFFSET) on every page, so walking a list of n pages reads about
n²/2 pages' worth of index entries. A `next` link therefore also carries the
position of the page's last row in the list's ordering, signed by the server
(`vervolg`); the next page then reads the rows after that position along the
list's index, and only them. The page number stays in the link, and the answer
is the one the page number gives: the same rows in the same order.

A position is only used where it means exactly that page:

- the list's ordering is a chain of plain, non-null fields of the model ending
  in its primary key (a total order, so "after this row" is well defined),
  none of them a person's data (`PERSONAL_FIELDS`: a link ends up in logs);
- the position was made for this list: the same path and parameters (filters,
  ordering, page size), the same user and the same ordering, for the page
  number it is given with.

Anywhere else (another page number, a changed filter, an ordering that is not
total) the page is read by its number, as without the parameter. A position
that is not the server's (altered, truncated, too long) answers 400 naming the
parameter.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core import signing
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import connections, models
from django.utils import translation

from kern import inlezen

PARAMETER = "vervolg"
# A position holds a few ordering values of bounded fields and a digest; a
# longer value is not one the server made.
MAX_LENGTH = 2000
_SALT = "kern.api.seek"

# Fields whose value survives the trip through JSON text in the link.
_FIELD_TYPES = (
    models.AutoField,
    models.BigAutoField,
    models.SmallAutoField,
    models.IntegerField,  # also the big, small and positive ones
    models.CharField,  # also slug, e-mail, url
    models.TextField,
    models.DateField,  # also DateTimeField
    models.DecimalField,
    models.BooleanField,
    models.UUIDField,
)


class InvalidPositionError(Exception):
    """The parameter's value is not a position this server made."""


@dataclass(frozen=True)
class Term:
    """One field of the ordering: its column in the page's rows."""

    field: models.Field
    descending: bool
    index: int  # position of its value in a fetched row

    @property
    def label(self) -> str:
        return ("-" if self.descending else "") + self.field.attname


def ordered_by_fields(query) -> bool:
    """Whether a query reads plain rows in an ordering of field names only
    (no annotations, extra columns or DISTINCT, no expressions)."""
    return not (
        query.annotations
        or query.extra
        or query.distinct
        or query.extra_order_by
        or not query.order_by
        or not all(isinstance(term, str) for term in query.order_by)
    )


def terms_of(queryset: models.QuerySet, columns: list[str]) -> list[Term] | None:
    """The ordering of `queryset` as seek terms over rows of `columns` (the
    primary key's attname first), or None where seeking would not give the
    same rows as the page number (an ordering that is not total, a nullable
    or related field, an expression)."""
    query = queryset.query
    if not ordered_by_fields(query):
        return None
    meta = queryset.model._meta
    # A position travels in a URL (and so into logs): never a person's data.
    personal = set(getattr(queryset.model, "PERSONAL_FIELDS", ()))
    terms: list[Term] = []
    for term in query.order_by:
        if term == "?":
            return None
        name = term.removeprefix("-")
        if "__" in name:
            return None
        try:
            field = meta.pk if name == "pk" else meta.get_field(name)
        except FieldDoesNotExist:
            return None
        if (
            not field.concrete
            or field.is_relation
            or field.null
            or not isinstance(field, _FIELD_TYPES)
            or field.attname not in columns
            or field.name in personal
        ):
            return None
        terms.append(Term(field, term.startswith("-"), columns.index(field.attname)))
        if field.primary_key:
            return terms  # what follows the primary key never decides
    return None


class After(models.Expression):
    """The rows after the row with these ordering values, in the ordering:
    for terms a, b, c (ascending) `a >= x AND (a > x OR (a = x AND b > y) OR
    (a = x AND b = y AND c > z))`; the leading bound alone is a range of the
    list's index to scan.

    Its SQL depends on the terms only: in place of each value it holds a
    `Slot`, filled in when the compiled query runs (`Plan`)."""

    conditional = True
    output_field = models.BooleanField()

    def __init__(self, terms: list[Term]):
        super().__init__()
        self.terms = terms
        self.columns: list = []

    def resolve_expression(
        self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False
    ):
        resolved = self.copy()
        resolved.columns = [
            models.F(term.field.attname).resolve_expression(
                query, allow_joins, reuse, summarize
            )
            for term in self.terms
        ]
        return resolved

    def as_sql(self, compiler, connection):
        columns = [compiler.compile(column)[0] for column in self.columns]
        values = [Slot(i) for i in range(len(self.terms))]
        alternatives, params = [], []
        for i, term in enumerate(self.terms):
            comparisons = [f"{columns[k]} = %s" for k in range(i)]
            comparisons.append(f"{columns[i]} {'<' if term.descending else '>'} %s")
            alternatives.append("(" + " AND ".join(comparisons) + ")")
            params.extend(values[: i + 1])
        bound = f"{columns[0]} {'<=' if self.terms[0].descending else '>='} %s"
        sql = f"({bound} AND ({' OR '.join(alternatives)}))"
        return sql, [values[0], *params]


@dataclass(frozen=True)
class Slot:
    """Where the value of ordering term `index` goes in a compiled query."""

    index: int


class Plan:
    """The query of the rows after a position in one list, compiled once:
    `After(terms)` with a `Slot` for each ordering value, filled in with the
    position's values on every run. Building and compiling the list's
    queryset costs more than the database needs to read a page."""

    def __init__(self, rows: models.QuerySet, terms: list[Term], limit: int):
        self.terms = terms
        self.limit = limit
        queryset = rows.filter(After(terms))[:limit]
        compiler = queryset.query.get_compiler(queryset.db)
        # Raises EmptyResultSet for a list that matches nothing.
        sql, params = compiler.as_sql()
        self.using = queryset.db
        self.sql = sql
        self.params = tuple(params)
        self.converters = inlezen.kolomconversies(compiler)
        self.labels = [term.label for term in terms]

    def rows(self, values: list[Any]) -> list:
        """The rows after the position with these ordering values."""
        # The connection of this thread (a compiler holds the one it was
        # compiled on).
        connection = connections[self.using]
        prepared = [
            term.field.get_db_prep_value(value, connection)
            for term, value in zip(self.terms, values, strict=True)
        ]
        params = [prepared[p.index] if isinstance(p, Slot) else p for p in self.params]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            raw = cursor.fetchall()
        if not self.converters:
            return raw
        return list(inlezen.geconverteerd(connection, raw, self.converters))


def list_key(request, terms: list[Term]) -> str:
    """What a position is bound to: the list (path and parameters other than
    the page and the position), the user, the ordering and the language (a
    date filter's value reads by the language's formats)."""
    params = sorted(
        (key, value)
        for key, values in request.query_params.lists()
        if key not in ("page", PARAMETER)
        for value in values
    )
    user = getattr(request, "user", None)
    material = json.dumps(
        [
            request.path,
            params,
            getattr(user, "pk", None),
            [term.label for term in terms],
            translation.get_language(),
        ],
        ensure_ascii=False,
    )
    return hashlib.sha256(material.encode()).hexdigest()[:24]


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bool | int | str) or value is None:
        return value
    return str(value)  # a UUID


def make(*, page: int, key: str, count: int, row: tuple, terms: list[Term]) -> str:
    """The signed position after `row`, for page number `page` of the list
    `key` (with its count as read)."""
    payload = {
        "p": page,
        "k": key,
        "n": count,
        "v": [_plain(row[term.index]) for term in terms],
    }
    return signing.Signer(salt=_SALT).sign_object(payload)


@dataclass(frozen=True)
class Position:
    page: int
    key: str
    count: int
    values: list[Any]

    def ordering_values(self, terms: list[Term]) -> list[Any]:
        """The values as the fields hold them."""
        if len(self.values) != len(terms):
            raise InvalidPositionError
        try:
            return [
                term.field.to_python(value)
                for term, value in zip(terms, self.values, strict=True)
            ]
        except (ValidationError, TypeError, ValueError) as exc:
            raise InvalidPositionError from exc


def read(token: str) -> Position:
    """The position in a `vervolg` value (raises `InvalidPositionError`)."""
    if len(token) > MAX_LENGTH:
        raise InvalidPositionError
    try:
        payload = signing.Signer(salt=_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError) as exc:
        # An altered value fails its signature; a valid signature over a
        # value that does not decode is not the server's either.
        raise InvalidPositionError from exc
    if not isinstance(payload, dict):
        raise InvalidPositionError
    page, key, count, values = (payload.get(k) for k in ("p", "k", "n", "v"))
    if not (
        isinstance(page, int)
        and isinstance(key, str)
        and isinstance(count, int)
        and isinstance(values, list)
    ):
        raise InvalidPositionError
    return Position(page=page, key=key, count=count, values=values)

"""List pages read as plain rows, without model instances.

A list only serialises what it reads, so a page is fetched with
`QuerySet.values()`, each relation the serializer shows (volunteers, evidence
files, receipts, …) in one query for the whole page, and every row is turned
into the JSON the resource's serializer gives — the same keys in the same
order, the same value formats — by a row function compiled once from that
serializer's own fields. The fields a view's field mask hides are null, as
`MaskedFields` makes them.

A field this cannot read from columns or relations (a method field, a model
property) is named by the view with a `Lean`, or the list keeps the serializer.
tests/api/test_lean.py holds both answers equal for every lean list.
"""

from __future__ import annotations

import contextlib
import operator
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import models, router

from rest_framework import serializers
from rest_framework.settings import api_settings

from kern.inlezen import PerIds, of_ids, pipelined

# Fields whose output is the stored value itself.
_AS_STORED = (
    serializers.BooleanField,
    serializers.IntegerField,
    serializers.CharField,  # also email, slug, url, regex
    serializers.ReadOnlyField,
)
# Fields whose output is their own formatting of the stored value.
_FORMATTED = (
    serializers.DecimalField,
    serializers.DateTimeField,
    serializers.FloatField,
    serializers.TimeField,
    serializers.UUIDField,
    serializers.DurationField,
)


class UnsupportedError(Exception):
    """The serializer has a field the lean path cannot read: keep the serializer."""


class Row(dict):
    """A fetched row by column name; its columns read as attributes too, as a
    field mask reads a model instance."""

    __slots__ = ()

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


@dataclass(frozen=True)
class Lean:
    """How the lean list reads a field its serializer reads otherwise.

    - `columns` are added to the page's query, and `value(*values)` makes the
      field's attribute from their values (without `value`: the one column's
      value itself);
    - or `fetch(ids)` reads the attribute of every row of the page in one
      query (by row id; a row it does not name gets `missing()`). Fields
      whose `fetch` is the same function share its one query: it then gives
      a tuple of such mappings, and `part` says which one is the field's.
      With `columns` too, `fetch` gets, instead of the ids, each row's values
      of those columns by row id (read with the page, not again). A fetch
      that sends its query and answers `Later` lets the database answer it
      while the page's rows are made.

    The field formats the attribute as it would (`to_representation`), unless
    `final`: then the value is the output itself (a method field's)."""

    columns: tuple[str, ...] = ()
    value: Callable[..., Any] | None = None
    fetch: Callable[[list], Any] | None = None
    missing: Callable[[], Any] = lambda: None
    final: bool = False
    part: int | None = None


def _decimal(drf_field, model_field):
    """A decimal's text as DRF writes it. The database gives the value with
    the model field's places, so when the serializer's field has the same
    places and digits (a ModelSerializer's own field) it is written as is;
    otherwise the field quantizes it."""
    same = (
        isinstance(model_field, models.DecimalField)
        and drf_field.decimal_places == model_field.decimal_places
        and drf_field.max_digits == model_field.max_digits
        and getattr(
            drf_field, "coerce_to_string", api_settings.COERCE_DECIMAL_TO_STRING
        )
        and not drf_field.localize
        and not drf_field.normalize_output
    )
    if not same:
        return _none_or(drf_field.to_representation)
    return _AS_TEXT


def _none_or(convert):
    return lambda value: None if value is None else convert(value)


# The output of a row without related rows, written inline for these
# `missing` factories. An empty list is the one empty tuple, which JSON writes
# as [] too: a new list per row would be a new object for the garbage
# collector to follow (lists always are), thousands on a page, kept alive until
# the answer is sent, so the collector's later passes would cross them all.
# An empty dict is not followed until something is put in it.
_EMPTY = {list: "()", tuple: "()", dict: "{}"}

# Markers: the row function writes these conversions inline.
_AS_TEXT = object()  # a decimal's text with its stored places: f"{value:f}"
_ISO_DATE = object()  # a date in ISO 8601: value.isoformat()


@dataclass
class _Related:
    name: str
    fetch: Callable[[list, Any], Any]  # (ids, mask) -> mapping (or tuple of them)
    missing: Callable[[], Any]
    convert: Callable[[Any], Any] | None
    key: Any = None  # relations with the same key share one fetch
    part: int | None = None
    with_rows: bool = False  # fetch(ids, mask, rows): the page's row tuples too


@dataclass
class LeanRows:
    """The compiled reading of one serializer over one model: rows are tuples
    of `columns` (the primary key first)."""

    model: type[models.Model]
    columns: list[str]
    related: list[_Related]
    masked: tuple[str, ...]
    make: Callable[..., dict] = field(repr=False)

    def values(self, queryset: models.QuerySet) -> models.QuerySet:
        """The queryset reading exactly the columns, row by row."""
        return queryset.prefetch_related(None).values_list(*self.columns)

    def named(self, rows: Iterable[tuple]) -> list[Row]:
        """The fetched rows by column name (read as instances are)."""
        columns = self.columns
        return [Row(zip(columns, row, strict=False)) for row in rows]

    def render(self, rows: Iterable[tuple], mask=None) -> list[dict]:
        """The serializer's output for the fetched rows (one query for each
        relation it shows, or group of relations sharing a fetch).

        A fetch may answer `Later`: its query is sent first, the rows are
        made while the database answers it (`kern.inlezen.pipelined`), and
        its values are then put in the rows that have any."""
        rows = rows if isinstance(rows, list) else list(rows)
        if not self.related:
            return self._made(rows, [], mask)
        with pipelined(router.db_for_read(self.model)):
            ids = [row[0] for row in rows]
            shared: dict[Any, Any] = {}
            fetched, later = [], []
            for related in self.related:
                key = related.key if related.key is not None else id(related)
                if key not in shared:
                    if not ids:
                        shared[key] = None
                    elif related.with_rows:
                        shared[key] = related.fetch(ids, mask, rows)
                    else:
                        shared[key] = related.fetch(ids, mask)
                result = shared[key]
                if isinstance(result, Later):
                    later.append((related, key))
                    result = {}
                elif result is None:
                    result = {}
                elif related.part is not None:
                    result = result[related.part]
                fetched.append(result)
            try:
                out = self._made(rows, fetched, None)
            except BaseException:
                # Read what was sent, so no query is left unread.
                for _related, key in later:
                    with contextlib.suppress(Exception):
                        shared[key].read()
                raise
            read: dict[Any, Any] = {}
            for related, key in later:
                if key not in read:
                    read[key] = shared[key].read()
                result = read[key]
                if result is None:
                    continue
                if related.part is not None:
                    result = result[related.part]
                if not result:
                    continue
                name, convert = related.name, related.convert
                for row, data in zip(rows, out, strict=True):
                    pk = row[0]
                    if pk in result:
                        value = result[pk]
                        data[name] = value if convert is None else convert(value)
        return self._masked(rows, out, mask)

    def _made(self, rows: list, fetched: list, mask) -> list[dict]:
        make = self.make
        return self._masked(rows, [make(row, *fetched) for row in rows], mask)

    def _masked(self, rows: list, out: list[dict], mask) -> list[dict]:
        """The rows with the fields the mask hides from them null."""
        if mask is not None and self.masked:
            columns = self.columns
            for row, data in zip(rows, out, strict=True):
                named = None
                for name in self.masked:
                    if name not in data:
                        continue
                    if named is None:
                        named = Row(zip(columns, row, strict=False))
                    if not mask.shows(named, name):
                        data[name] = None
        return out


class Later:
    """A relation's query sent, its values read after the page's rows are
    made: `read()` gives the mapping (or the tuple of mappings) a fetch would
    have answered."""

    __slots__ = ("read",)

    def __init__(self, read: Callable[[], Any]):
        self.read = read


def _getter(at: list[int]) -> Callable[[tuple], tuple]:
    """The values at these positions of a row, as a tuple."""
    if len(at) == 1:
        (i,) = at
        return lambda row: (row[i],)
    return operator.itemgetter(*at)


def _model_field(model, name: str):
    try:
        return model._meta.get_field(name)
    except Exception as exc:  # FieldDoesNotExist
        raise UnsupportedError(name) from exc


def _column_of(model, source: str) -> str:
    """The values() lookup of a plain field's source: a concrete field, or a
    path through forward relations that are never empty (`toetsing.jaar`)."""
    *hops, last = source.split(".")
    current = model
    for hop in hops:
        relation = _model_field(current, hop)
        if not (
            relation.concrete
            and (relation.many_to_one or relation.one_to_one)
            and not relation.null
        ):
            raise UnsupportedError(source)
        current = relation.related_model
    target = _model_field(current, last)
    if not target.concrete or target.is_relation:
        raise UnsupportedError(source)
    return "__".join([*hops, last])


def _source_field(model, source: str):
    *hops, last = source.split(".")
    for hop in hops:
        model = _model_field(model, hop).related_model
    return _model_field(model, last)


def _reverse_lookup(relation) -> str:
    """The lookup from the related model back to this one."""
    if relation.concrete:  # a forward many-to-many
        return relation.related_query_name()
    return relation.field.name


def _plain_convert(drf_field):
    """How a plain field's output is made from its stored value (None: as is)."""
    if isinstance(drf_field, serializers.ChoiceField):
        if isinstance(
            drf_field, serializers.MultipleChoiceField | serializers.FilePathField
        ):
            raise UnsupportedError(drf_field.field_name)
        return None
    if isinstance(drf_field, serializers.JSONField):
        if drf_field.binary:
            raise UnsupportedError(drf_field.field_name)
        return None
    if isinstance(drf_field, serializers.ListField):
        # A list of text, numbers or booleans stored as such (a JSON array):
        # its items come out as stored.
        if not isinstance(drf_field.child, _AS_STORED) or isinstance(
            drf_field.child, serializers.ReadOnlyField
        ):
            raise UnsupportedError(drf_field.field_name)
        return None
    if isinstance(drf_field, serializers.DateField):
        output = getattr(drf_field, "format", api_settings.DATE_FORMAT)
        if isinstance(output, str) and output.lower() == "iso-8601":
            return _ISO_DATE
        return _none_or(drf_field.to_representation)
    if isinstance(drf_field, _FORMATTED):
        return _none_or(drf_field.to_representation)
    if isinstance(drf_field, _AS_STORED):
        return None
    raise UnsupportedError(drf_field.field_name)


def _pk_only(relation_field) -> bool:
    """Whether a related field's output is the related row's id."""
    return (
        isinstance(relation_field, serializers.PrimaryKeyRelatedField)
        and relation_field.pk_field is None
        and type(relation_field).to_representation
        is serializers.PrimaryKeyRelatedField.to_representation
    )


def _many_ids(model, drf_field) -> Callable[[list, Any], dict]:
    """Ids of a to-many relation, ordered as the serializer's prefetch orders
    them (the related model's own ordering)."""
    if not _pk_only(drf_field.child_relation):
        raise UnsupportedError(drf_field.field_name)
    relation = _model_field(model, drf_field.source)
    if not (relation.many_to_many or relation.one_to_many):
        raise UnsupportedError(drf_field.field_name)
    target = relation.related_model
    back = _reverse_lookup(relation)

    read = PerIds(
        lambda ids: of_ids(target._default_manager.all(), back, ids).values_list(
            back, "pk"
        )
    )

    def fetch(ids, mask):
        sent = read.send(ids)

        def collect():
            found: dict[Any, list] = {}
            for parent, pk in sent:
                found.setdefault(parent, []).append(pk)
            return found

        return Later(collect)

    return fetch


def _nested_rows(model, drf_field) -> Callable[[list, Any], dict]:
    """Rows of a nested list serializer over a to-many relation."""
    relation = _model_field(model, drf_field.source)
    if not (relation.one_to_many or relation.many_to_many):
        raise UnsupportedError(drf_field.field_name)
    child = compile_rows(type(drf_field.child), relation.related_model)
    back = _reverse_lookup(relation)

    read = PerIds(
        lambda ids: of_ids(child.model._default_manager.all(), back, ids).values_list(
            *child.columns, back
        )
    )

    def fetch(ids, mask):
        sent = read.send(ids)

        def collect():
            found: dict[Any, list] = {}
            rows = list(sent)
            for row, data in zip(rows, child.render(rows, mask), strict=True):
                found.setdefault(row[-1], []).append(data)
            return found

        return Later(collect)

    return fetch


_COMPILED: dict[tuple, LeanRows] = {}


def compile_rows(
    serializer_class, model, overrides: Mapping[str, Lean] | None = None
) -> LeanRows:
    """The lean reading of `serializer_class` over `model` (raises
    `UnsupportedError` for a field it cannot read)."""
    overrides = dict(overrides or {})
    key = (serializer_class, model, tuple(sorted(overrides)))
    if key in _COMPILED:
        return _COMPILED[key]
    serializer = serializer_class()
    pk = model._meta.pk.attname
    columns: dict[str, int] = {pk: 0}
    related: list[_Related] = []
    namespace: dict[str, Any] = {}
    items: list[str] = []

    def column(name: str) -> str:
        """The row function's expression for a column's value."""
        if name not in columns:
            columns[name] = len(columns)
        return f"r[{columns[name]}]"

    def add_related(rel: _Related) -> str:
        i = len(related)
        related.append(rel)
        namespace[f"_m{i}"] = rel.missing
        value = f"(_f{i}[_pk] if _pk in _f{i} else _m{i}())"
        if rel.convert is None:
            if rel.missing in _EMPTY:
                value = f"(_f{i}[_pk] if _pk in _f{i} else {_EMPTY[rel.missing]})"
            return f"{rel.name!r}: {value}"
        namespace[f"_r{i}"] = rel.convert
        return f"{rel.name!r}: _r{i}({value})"

    for index, (name, drf_field) in enumerate(serializer.fields.items()):
        if drf_field.write_only:
            continue
        if name in overrides:
            lean = overrides[name]
            convert = None if lean.final else _none_or(drf_field.to_representation)
            if lean.fetch is not None and lean.columns:
                getter = _getter([int(column(c)[2:-1]) for c in lean.columns])

                def with_values(ids, mask, rows, f=lean.fetch, get=getter):
                    return f({row[0]: get(row) for row in rows})

                items.append(
                    add_related(
                        _Related(
                            name,
                            with_values,
                            lean.missing,
                            convert,
                            key=lean.fetch,
                            part=lean.part,
                            with_rows=True,
                        )
                    )
                )
                continue
            if lean.fetch is not None:
                user_fetch = lean.fetch
                items.append(
                    add_related(
                        _Related(
                            name,
                            lambda ids, mask, f=user_fetch: f(ids),
                            lean.missing,
                            convert,
                            key=user_fetch,
                            part=lean.part,
                        )
                    )
                )
                continue
            values = ", ".join(column(c) for c in lean.columns)
            if lean.value is None:
                if len(lean.columns) != 1:
                    raise UnsupportedError(name)
                expression = values
            else:
                namespace[f"_v{index}"] = lean.value
                expression = f"_v{index}({values})"
            if convert is not None:
                namespace[f"_c{index}"] = convert
                expression = f"_c{index}({expression})"
            items.append(f"{name!r}: {expression}")
            continue
        if isinstance(drf_field, serializers.SerializerMethodField):
            raise UnsupportedError(name)
        if isinstance(drf_field, serializers.ManyRelatedField):
            items.append(
                add_related(_Related(name, _many_ids(model, drf_field), list, None))
            )
            continue
        if isinstance(drf_field, serializers.ListSerializer):
            items.append(
                add_related(_Related(name, _nested_rows(model, drf_field), list, None))
            )
            continue
        if isinstance(drf_field, serializers.BaseSerializer):
            raise UnsupportedError(name)
        inline = None
        if isinstance(drf_field, serializers.RelatedField):
            if not _pk_only(drf_field) or "." in drf_field.source:
                raise UnsupportedError(name)
            relation = _model_field(model, drf_field.source)
            if not (
                relation.concrete and (relation.many_to_one or relation.one_to_one)
            ):
                raise UnsupportedError(name)
            source, convert = relation.attname, None
        else:
            if drf_field.source == "*":
                raise UnsupportedError(name)
            source = _column_of(model, drf_field.source)
            stored = _source_field(model, drf_field.source)
            if isinstance(drf_field, serializers.DecimalField):
                convert = _decimal(drf_field, stored)
                if convert is _AS_TEXT:
                    convert, inline = None, 'f"{%s:f}"'
            else:
                convert = _plain_convert(drf_field)
                if convert is _ISO_DATE:
                    convert, inline = None, "%s.isoformat()"
            if inline is not None and stored.null:
                inline = f"(None if %s is None else {inline})"
        value = column(source)
        if inline is not None:
            items.append(f"{name!r}: {inline.replace('%s', value)}")
        elif convert is None:
            items.append(f"{name!r}: {value}")
        else:
            namespace[f"_c{index}"] = convert
            items.append(f"{name!r}: _c{index}({value})")

    masked = tuple(getattr(serializer_class, "masked_fields", ()))
    if masked:
        # A mask reads the row as it would read the instance.
        for concrete in model._meta.concrete_fields:
            column(concrete.attname)
    arguments = "".join(f", _f{i}" for i in range(len(related)))
    source = (
        f"def make(r{arguments}):\n    _pk = r[0]\n    return {{{', '.join(items)}}}\n"
    )
    exec(compile(source, f"<lean {serializer_class.__name__}>", "exec"), namespace)
    compiled = LeanRows(
        model=model,
        columns=list(columns),
        related=related,
        masked=masked,
        make=namespace["make"],
    )
    _COMPILED[key] = compiled
    return compiled

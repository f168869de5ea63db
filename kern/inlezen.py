"""Many rows read at once, with less per-row work than iterating a queryset.

`rijen` converts each distinct value of a column once, `Instanties` makes model
instances without the per-field work of `Model.__init__`, and `VoorafGeladen`
holds related rows read for many instances as their prefetch cache. Used where
one read builds thousands of objects (`afspraken.selectors.corporatie_jaar`).
`Maker` makes frozen dataclass instances without the per-field work of their
`__init__`. `IdsIn` filters on many ids read from the database as one
parameter where the database takes an array.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from django.db.models import F, lookups, signals
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
    fields = [s[0] for s in compiler.select[0 : compiler.col_count]]
    converters = [
        (pos, convs, expression, {})
        for pos, (convs, expression) in compiler.get_converters(fields).items()
    ]
    connection = compiler.connection
    for chunk in chunks:
        for raw in chunk:
            row = list(raw)
            for pos, convs, expression, seen in converters:
                value = row[pos]
                try:
                    row[pos] = seen[value]
                except KeyError:
                    converted = value
                    for converter in convs:
                        converted = converter(converted, expression, connection)
                    seen[value] = row[pos] = converted
            yield row


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


class Maker:
    """Instances of a frozen dataclass from the values of all its fields in
    order, equal to `cls(*values)`, without the generated `__init__`'s
    `object.__setattr__` per field (for a class without `__post_init__`, slots
    or init-only fields; otherwise through `cls` itself)."""

    def __init__(self, cls) -> None:
        self.cls = cls
        fields = dataclasses.fields(cls)
        self.names = tuple(f.name for f in fields)
        self.snel = (
            not hasattr(cls, "__post_init__")
            and not hasattr(cls, "__slots__")
            and all(f.init for f in fields)
        )

    def __call__(self, *values):
        if not self.snel:
            return self.cls(*values)
        instance = object.__new__(self.cls)
        instance.__dict__.update(zip(self.names, values, strict=True))
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

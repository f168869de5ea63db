"""Whether objects may be written: Django's `full_clean()` of many objects of one
model at once, each violated constraint's message on its field.

The checks are Django's own, made in few queries: foreign keys looked up once for
all objects, check constraints of plain comparisons evaluated here, unique
constraints on fields checked per chunk of objects. `kern.writes` validates every
write with these before it saves.
"""

from __future__ import annotations

import contextlib
import datetime
import decimal
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DatabaseError, connections, models, router, transaction
from django.db.models import F, Q, Value
from django.db.models.constants import LOOKUP_SEP
from django.db.models.functions import Coalesce
from django.db.models.sql import Query
from django.db.models.sql.constants import SINGLE


def _condition_fields(condition: Q) -> list[str]:
    names: list[str] = []
    for child in condition.children:
        if isinstance(child, Q):
            names.extend(_condition_fields(child))
        else:
            names.append(child[0].split(LOOKUP_SEP)[0])
    return names


def constraint_field(model: type[models.Model], constraint) -> str:
    """The field a constraint's message belongs on (domain §8: every refusal names
    its field): the model's `CONSTRAINT_FIELDS` entry for it, else a unique
    constraint's last field (the one besides its scope), else the first field a
    check condition names."""
    overrides = getattr(model, "CONSTRAINT_FIELDS", {})
    if constraint.name in overrides:
        return overrides[constraint.name]
    if getattr(constraint, "fields", ()):
        return constraint.fields[-1]
    condition = getattr(constraint, "condition", None)
    names = _condition_fields(condition) if condition is not None else []
    return names[0] if names else NON_FIELD_ERRORS


def validate(instance: models.Model) -> None:
    """`full_clean()`, but with each violated constraint's message on its field
    instead of among the non-field errors (`validate_many` of one object)."""
    errors = validate_many([instance])
    if errors:
        raise errors[0]


CHUNK = 100
"""Objects whose constraints one query checks."""


def validate_many(instances: Sequence[models.Model]) -> dict[int, ValidationError]:
    """`full_clean()` of objects of one model, each violated constraint's
    message on its field: the errors by the object's index in `instances`.

    The checks are Django's own, but their queries do not grow with the
    objects: a foreign key's targets are looked up once for all objects, a
    check constraint's condition of plain comparisons is evaluated without a
    query (any other takes one query per CHUNK objects), and a unique
    constraint on fields takes one query per CHUNK objects; it counts the
    objects before it in the list as written, as writing them one after the
    other would. (A field declared `unique=True` is still checked object by
    object, as `full_clean` does, and only when it has a value.)"""
    instances = list(instances)
    if not instances:
        return {}
    model = type(instances[0])
    using = router.db_for_write(model, instance=instances[0])
    errors: list[dict[str, list]] = [{} for _ in instances]
    foreign_keys = [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.ForeignKey) and not f.remote_field.parent_link
    ]
    names = {f.name for f in foreign_keys}
    targets: dict[models.Field, dict[Any, list[int]]] = {f: {} for f in foreign_keys}
    # As full_clean(): the fields, the model's clean(), the unique fields.
    for index, instance in enumerate(instances):
        try:
            instance.clean_fields(exclude=names)
        except ValidationError as exc:
            errors[index] = exc.update_error_dict(errors[index])
        for field in foreign_keys:
            value = _clean_foreign_key(instance, field, errors[index])
            if value is not None:
                targets[field].setdefault(value, []).append(index)
        try:
            instance.clean()
        except ValidationError as exc:
            errors[index] = exc.update_error_dict(errors[index])
        try:
            instance.validate_unique(exclude=_failed(errors[index]))
        except ValidationError as exc:
            errors[index] = exc.update_error_dict(errors[index])
    for field, values in targets.items():
        _check_targets(field, values, instances, errors)
    # Constraints only for the fields that passed validation.
    excludes = [_failed(e) for e in errors]
    for model_class, constraints in instances[0].get_constraints():
        # What each object's conditions are checked against, made once.
        against = [
            _against(instance, model_class._meta, exclude)
            for instance, exclude in zip(instances, excludes, strict=True)
        ]
        for constraint in constraints:
            refused = _constraint_errors(
                model_class, constraint, instances, excludes, against, using
            )
            field = constraint_field(model_class, constraint)
            for index, exc in refused.items():
                errors[index].setdefault(field, []).extend(exc.error_list)
    return {
        index: ValidationError(found) for index, found in enumerate(errors) if found
    }


class _Against(dict):
    """What a condition is checked against, as Model._get_field_expression_map
    gives it, but with plain values (made into `Value(value, field)` only for
    a condition the database must evaluate)."""

    def __init__(self, values, fields):
        super().__init__(values)
        self.fields = fields

    def expression(self, name: str):
        value = self[name]
        if hasattr(value, "resolve_expression"):
            return value
        return Value(value, self.fields[name])


def _against(instance: models.Model, meta, exclude: set[str]):
    if any(f.generated for f in meta.local_concrete_fields):
        return instance._get_field_expression_map(meta, exclude)
    fields = {f.name: f for f in meta.local_concrete_fields if f.name not in exclude}
    values = {name: getattr(instance, f.attname) for name, f in fields.items()}
    if "pk" not in exclude:
        fields["pk"], values["pk"] = meta.pk, instance.pk
    return _Against(values, fields)


def _failed(errors: Mapping[str, Any]) -> set[str]:
    return {name for name in errors if name != NON_FIELD_ERRORS}


def _clean_foreign_key(instance: models.Model, field, errors: dict) -> Any:
    """A foreign key's `clean()` without its lookup of the target (done for
    all objects at once by `_check_targets`): the value to look up, or None."""
    raw = getattr(instance, field.attname)
    if field.blank and raw in field.empty_values:
        return None
    try:
        value = field.to_python(raw)
        models.Field.validate(field, value, instance)
        field.run_validators(value)
    except ValidationError as exc:
        errors.setdefault(field.name, []).extend(exc.error_list)
        return None
    setattr(instance, field.attname, value)
    return value


def _check_targets(field, values: Mapping[Any, list[int]], instances, errors) -> None:
    """`ForeignKey.validate`'s lookup for all objects: one query per field."""
    if not values:
        return
    remote = field.remote_field
    using = router.db_for_read(remote.model, instance=instances[0])
    wanted = list(values)
    found = set()
    for start in range(0, len(wanted), 500):
        found.update(
            remote.model._base_manager.using(using)
            .filter(**{f"{remote.field_name}__in": wanted[start : start + 500]})
            .complex_filter(field.get_limit_choices_to())
            .values_list(remote.field_name, flat=True)
        )
    for value, indexes in values.items():
        if value in found:
            continue
        for index in indexes:
            errors[index].setdefault(field.name, []).append(
                ValidationError(
                    field.error_messages["invalid"],
                    code="invalid",
                    params={
                        "model": remote.model._meta.verbose_name,
                        "pk": value,
                        "field": remote.field_name,
                        "value": value,
                    },
                )
            )


def _constraint_errors(
    model, constraint, instances, excludes, against, using
) -> dict[int, ValidationError]:
    """`constraint.validate()` for every object, in few queries where Django's
    check of the constraint can be batched, else object by object."""
    features = connections[using].features
    if (
        isinstance(constraint, models.CheckConstraint)
        and features.supports_comparing_boolean_expr
    ):
        condition = Q(constraint.condition)
        cases = [(condition, values) for values in against]
        return {
            index: ValidationError(
                constraint.get_violation_error_message(),
                code=constraint.violation_error_code,
            )
            for index, ok in enumerate(_q_checks(cases, using))
            if ok is False
        }
    if (
        isinstance(constraint, models.UniqueConstraint)
        and constraint.fields
        and not any(model._meta.get_field(f).generated for f in constraint.fields)
        and features.supports_comparing_boolean_expr
    ):
        return _unique_errors(model, constraint, instances, excludes, against, using)
    refused = {}
    for index, (instance, exclude) in enumerate(zip(instances, excludes, strict=True)):
        try:
            constraint.validate(model, instance, exclude=exclude, using=using)
        except ValidationError as exc:
            refused[index] = exc
    return refused


def _prefixed(node, prefix: str, names: set[str]):
    """A condition with every field it names prefixed (`lid_tot` becomes
    `<prefix>lid_tot`), collecting the names."""
    if isinstance(node, Q):
        return Q(
            *[_prefixed(child, prefix, names) for child in node.children],
            _connector=node.connector,
            _negated=node.negated,
        )
    if isinstance(node, tuple):
        lookup, value = node
        names.add(lookup.split(LOOKUP_SEP)[0])
        return (prefix + lookup, _prefixed_value(value, prefix, names))
    return _prefixed_value(node, prefix, names)


def _prefixed_value(node, prefix: str, names: set[str]):
    """A lookup's value or an expression, its field references prefixed."""
    if isinstance(node, Q):
        return _prefixed(node, prefix, names)
    if isinstance(node, F):
        names.add(node.name.split(LOOKUP_SEP)[0])
        return F(prefix + node.name)
    if hasattr(node, "get_source_expressions") and hasattr(node, "copy"):
        clone = node.copy()
        clone.set_source_expressions(
            [_prefixed_value(e, prefix, names) for e in node.get_source_expressions()]
        )
        return clone
    return node


class _NotInPythonError(Exception):
    """A condition the database must evaluate."""


# SQL comparisons of plain values; any NULL makes the result NULL (None).
_COMPARE = {
    "exact": lambda a, b: a == b,
    "gt": lambda a, b: a > b,
    "gte": lambda a, b: a >= b,
    "lt": lambda a, b: a < b,
    "lte": lambda a, b: a <= b,
}


def _plain(value, against: Mapping[str, Any]):
    """The plain value of a field reference or a constant."""
    if isinstance(value, F):
        if LOOKUP_SEP in value.name or value.name not in against:
            raise _NotInPythonError
        value = against[value.name]
    if isinstance(value, Value):
        value = value.value
    if hasattr(value, "resolve_expression"):
        raise _NotInPythonError
    if not (value is None or isinstance(value, _PLAIN_TYPES)):
        raise _NotInPythonError
    return value


_PLAIN_TYPES = (bool, int, str, decimal.Decimal, datetime.date, datetime.datetime)


def _in_python(node, against: Mapping[str, Any]):
    """A condition of plain comparisons of field values evaluated as SQL does
    (True, False, or None for NULL), or _NotInPythonError."""
    if isinstance(node, Q):
        results = [_in_python(child, against) for child in node.children]
        if node.connector == Q.AND:
            result = False if False in results else (None if None in results else True)
        else:
            result = True if True in results else (None if None in results else False)
        return (None if result is None else not result) if node.negated else result
    if not isinstance(node, tuple):
        raise _NotInPythonError
    lookup, value = node
    name, _sep, kind = lookup.partition(LOOKUP_SEP)
    kind = kind or "exact"
    if name not in against or LOOKUP_SEP in kind:
        raise _NotInPythonError
    left = _plain(against[name], against)
    if kind == "isnull":
        if not isinstance(value, bool):
            raise _NotInPythonError
        return (left is None) == value
    if kind not in _COMPARE:
        raise _NotInPythonError
    right = _plain(value, against)
    if isinstance(left, str) and kind != "exact":
        raise _NotInPythonError  # ordering of text is the database's collation
    if kind == "exact" and value is None:
        return left is None
    if left is None or right is None:
        return None
    if type(left) is not type(right) and not (
        isinstance(left, int | decimal.Decimal)
        and isinstance(right, int | decimal.Decimal)
    ):
        raise _NotInPythonError
    return _COMPARE[kind](left, right)


def _q_checks(cases: Sequence[tuple[Q, Mapping[str, Any]]], using) -> list:
    """`Q.check(against)` of many (condition, against) pairs: True or False
    per pair, None where the condition names a field that `against` lacks
    (where `check` raises FieldError). A condition of plain comparisons of
    plain values (`x__gte=0`, `a__gt=F("b")`, `x__isnull=True`, with SQL's NULL)
    is evaluated here; any other goes to the database, CHUNK per query."""
    results: list = [None] * len(cases)
    pending: list[int] = []
    for index, (condition, against) in enumerate(cases):
        names: set[str] = set()
        _prefixed(condition, "", names)
        if not names <= set(against):
            continue
        try:
            ok = _in_python(condition, against)
        except (_NotInPythonError, TypeError):
            pending.append(index)
            continue
        # As Q.check: Coalesce(condition, True).
        results[index] = ok is not False
    connection = connections[using]
    for start in range(0, len(pending), CHUNK):
        query = Query(None)
        selected = []
        for index in pending[start : start + CHUNK]:
            condition, against = cases[index]
            prefix, names = f"c{index}_", set()
            renamed = _prefixed(condition, prefix, names)
            for name in names:
                if isinstance(against, _Against):
                    value = against.expression(name)
                else:
                    value = against[name]
                    if not hasattr(value, "resolve_expression"):
                        value = Value(value)
                query.add_annotation(value, prefix + name, select=False)
            query.add_annotation(
                Coalesce(renamed, True, output_field=models.BooleanField()),
                f"ok{index}",
            )
            selected.append(index)
        context = (
            transaction.atomic(using=using)
            if connection.in_atomic_block
            else contextlib.nullcontext()
        )
        try:
            with context:
                row = query.get_compiler(using=using).execute_sql(SINGLE)
        except DatabaseError:
            # As Q.check(): a condition the database cannot evaluate passes.
            row = [True] * len(selected)
        for index, ok in zip(selected, row, strict=True):
            results[index] = bool(ok)
    return results


def _unique_errors(
    model, constraint, instances, excludes, against, using
) -> dict[int, ValidationError]:
    """`UniqueConstraint.validate()` (of a constraint on fields) for every
    object: one query per CHUNK objects, plus the objects before it in the
    list when it is new."""
    connection = connections[using]
    fields = [model._meta.get_field(name) for name in constraint.fields]
    candidates: list[tuple[int, tuple]] = []
    for index, (instance, exclude) in enumerate(zip(instances, excludes, strict=True)):
        if exclude and any(f.name in exclude for f in fields):
            continue
        values = tuple(getattr(instance, f.attname) for f in fields)
        if any(
            (constraint.nulls_distinct is not False and v is None)
            or (v == "" and connection.features.interprets_empty_strings_as_nulls)
            for v in values
        ):
            continue
        candidates.append((index, values))
    if constraint.condition and candidates:
        condition = Q(constraint.condition)
        cases = [(condition, against[i]) for i, _values in candidates]
        matches = _q_checks(cases, using)
        candidates = [c for c, ok in zip(candidates, matches, strict=True) if ok]
    refused: dict[int, ValidationError] = {}
    seen: dict[tuple, int] = {}
    for start in range(0, len(candidates), CHUNK):
        chunk = candidates[start : start + CHUNK]
        # One lookup per value of the leading fields (the cooperatie, say),
        # with the last field's values in a list.
        groups: dict[tuple, list] = {}
        lookup = Q(pk__in=[])
        for _index, values in chunk:
            if None in values:
                lookup |= Q(**{f.name: v for f, v in zip(fields, values, strict=True)})
            else:
                groups.setdefault(values[:-1], []).append(values[-1])
        for lead, last in groups.items():
            lookup |= Q(
                **{f.name: v for f, v in zip(fields, lead, strict=False)},
                **{f"{fields[-1].name}__in": last},
            )
        rows = model._default_manager.using(using).filter(lookup)
        if constraint.condition:
            rows = rows.filter(constraint.condition)
        existing: dict[tuple, set] = {}
        for pk, *values in rows.values_list("pk", *[f.attname for f in fields]):
            existing.setdefault(tuple(values), set()).add(pk)
        for index, values in chunk:
            instance = instances[index]
            own = (
                instance.pk
                if not instance._state.adding and instance._is_pk_set(model._meta)
                else None
            )
            if existing.get(values, set()) - {own} or values in seen:
                refused[index] = _unique_error(model, constraint, instance)
            if instance._state.adding and not excludes[index]:
                seen.setdefault(values, index)
    return refused


def _unique_error(model, constraint, instance) -> ValidationError:
    if constraint.violation_error_message == constraint.default_violation_error_message:
        message = instance.unique_error_message(model, constraint.fields)
        return ValidationError(message, code=message.code)
    return ValidationError(
        constraint.get_violation_error_message(), code=constraint.violation_error_code
    )

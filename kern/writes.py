"""The common steps of every service write: validate, save, journal.

Services decide *whether* a write is allowed and *what* it changes; these helpers
make sure each write is validated against the model's constraints and leaves
exactly one journal entry in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import journal

# The validation of writes lives in kern.rijcontrole; its public names stay
# reachable here, where the services look for them.
from .rijcontrole import CHUNK as CHUNK
from .rijcontrole import constraint_field as constraint_field
from .rijcontrole import validate, validate_many

M = TypeVar("M", bound=models.Model)


def _split(instance: models.Model, data: Mapping[str, Any]) -> tuple[dict, dict]:
    plain, m2m = {}, {}
    for name, value in data.items():
        try:
            field = instance._meta.get_field(name)
        except FieldDoesNotExist as exc:
            raise ValidationError({name: _("Onbekend veld.")}) from exc
        (m2m if field.many_to_many else plain)[name] = value
    return plain, m2m


def snapshot(
    instance: models.Model,
    fields: Iterable[str] | None = None,
    *,
    m2m: Mapping[str, Sequence[Any]] | None = None,
    extra: Mapping[str, Mapping[Any, Any]] | None = None,
) -> dict[str, Any]:
    """`journal.snapshot`, plus, for a many-to-many whose own through model
    declares a `JOURNAL_VALUE` (e.g. the hours per volunteer of an activity),
    the filled-in values per related id under `<field>_<value>`.

    `m2m` (related ids per many-to-many) and `extra` (those values per related
    id) give what the caller has just written, so that nothing is read back."""
    data = journal.snapshot(instance, fields, m2m=m2m)
    wanted = set(fields) if fields is not None else None
    for field in instance._meta.many_to_many if instance.pk is not None else ():
        through = field.remote_field.through
        value_name = getattr(through, "JOURNAL_VALUE", None)
        key = f"{field.name}_{value_name}"
        if not value_name or (wanted is not None and key not in wanted):
            continue
        if m2m is not None and field.name in m2m:
            given = (extra or {}).get(field.name) or {}
            value_field = through._meta.get_field(value_name)
            rows = [
                (pk, journal.stored(value_field, given.get(pk)))
                for pk in set(m2m[field.name])
            ]
            rows = [(pk, value) for pk, value in rows if value is not None]
        else:
            rows = list(
                through.objects.filter(
                    **{
                        field.m2m_field_name(): instance.pk,
                        f"{value_name}__isnull": False,
                    }
                )
                .values_list(f"{field.m2m_reverse_field_name()}_id", value_name)
                .order_by()
            )
        data[key] = {str(pk): journal._to_json(value) for pk, value in sorted(rows)}
    return data


def _journal_keys(model: type[models.Model], fields: Iterable[str]) -> set[str]:
    """`fields` and, for each many-to-many among them whose through model
    declares a `JOURNAL_VALUE`, that value's key in `snapshot`, so an update
    of the many-to-many journals those values too."""
    names = set(fields)
    for field in model._meta.many_to_many:
        extra = getattr(field.remote_field.through, "JOURNAL_VALUE", None)
        if extra and field.name in names:
            names.add(f"{field.name}_{extra}")
    return names


def refuse_row_count(rows: Sequence[Any], field: str, max_rows: int) -> None:
    """A write of many rows takes at least one and at most `max_rows`; else
    it is refused on `field`."""
    if len(rows) > max_rows:
        raise ValidationError(
            {
                field: ngettext(
                    "Hoogstens %(max)d rij tegelijk.",
                    "Hoogstens %(max)d rijen tegelijk.",
                    max_rows,
                )
                % {"max": max_rows}
            }
        )
    if not rows:
        raise ValidationError({field: _("Geef minstens één rij.")})


def refuse_unknown(data: Mapping[str, Any], allowed: Iterable[str]) -> None:
    """A new object takes only the fields a user sets (a model's
    `EDITABLE_FIELDS`): any other name is refused on its own field."""
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise ValidationError({name: _("Onbekend veld.") for name in unknown})


def create(
    instance: M,
    *,
    actor,
    action: str,
    m2m: Mapping[str, Iterable] | None = None,
    check: Callable[[M], None] | None = None,
    related: Callable[[M], None] | None = None,
) -> M:
    """Validate and insert a new object, set its many-to-many, journal it.

    `check` runs the service's own rules across rows (overlap, year lock) after
    the model's validation, and raises ValidationError to refuse. `related`
    writes the object's dependent rows (the values of a many-to-many's own
    through model) once its many-to-many are set, before it is journalled, so
    the entry holds them.
    """
    validate(instance)
    if check is not None:
        check(instance)
    instance.save()
    for name, values in (m2m or {}).items():
        getattr(instance, name).set(values)
    if related is not None:
        related(instance)
    journal.record(actor=actor, action=action, obj=instance, after=snapshot(instance))
    return instance


def prepare_many(
    rows: Sequence[Any], prepare: Callable[[Any], M], field: str
) -> list[M]:
    """The new objects of many rows, each made by `prepare(row)` (a service's
    own checks of one row, the same a single write makes, returning the object
    unsaved or raising ValidationError) and validated (`validate_many`, as
    `create` validates one). Every refused row is collected: a
    RowValidationError names them all by index; otherwise the objects, in the
    rows' order, ready for `create_many`."""
    prepared: dict[int, M] = {}
    refused: dict[int, ValidationError] = {}
    for index, row in enumerate(rows):
        try:
            prepared[index] = prepare(row)
        except ValidationError as exc:
            refused[index] = exc
    indexes = list(prepared)
    found = validate_many([prepared[index] for index in indexes])
    for position, exc in found.items():
        refused[indexes[position]] = exc
    if refused:
        raise RowValidationError(field, refused, len(rows))
    return [prepared[index] for index in range(len(rows))]


def _ids(values: Iterable) -> list:
    """Related objects or ids as ids, each once, in the order given."""
    return list(
        dict.fromkeys(v.pk if isinstance(v, models.Model) else v for v in values)
    )


def create_many(
    instances: Sequence[M],
    *,
    actor,
    action: str,
    m2m: Sequence[Mapping[str, Iterable]] | None = None,
    extra: Sequence[Mapping[str, Mapping[Any, Any]]] | None = None,
) -> list[M]:
    """Insert new objects of one model that passed `validate_many` (and the
    service's own checks), with their many-to-many, and journal each as
    `create` does, in few queries: one insert per table (the objects, the rows
    of each many-to-many) and one append to the journal (`journal.record_many`).

    `m2m`, per object: the related objects or ids per many-to-many field.
    `extra`, per object: for a many-to-many whose through model declares a
    `JOURNAL_VALUE`, that value per related id (e.g. a volunteer's hours).
    Call inside the service's transaction."""
    instances = list(instances)
    if not instances:
        return instances
    model = type(instances[0])
    # A new object has no related rows but these: nothing to read back.
    m2m = [
        {f.name: _ids((m or {}).get(f.name, ())) for f in model._meta.many_to_many}
        for m in m2m or [{}] * len(instances)
    ]
    extra = list(extra or [{}] * len(instances))
    model._default_manager.bulk_create(instances)
    if any(instance.pk is None for instance in instances):
        raise RuntimeError(f"{model._meta.label}: bulk_create returned no ids")
    for field in model._meta.many_to_many:
        through = field.remote_field.through
        value_name = getattr(through, "JOURNAL_VALUE", None)
        source = f"{field.m2m_field_name()}_id"
        target = f"{field.m2m_reverse_field_name()}_id"
        rows = [
            through(
                **{source: instance.pk, target: pk},
                **(
                    {value_name: values[field.name].get(pk)}
                    if value_name and field.name in values
                    else {}
                ),
            )
            for instance, related, values in zip(instances, m2m, extra, strict=True)
            for pk in related.get(field.name, ())
        ]
        if rows:
            through._default_manager.bulk_create(rows)
    journal.record_many(
        actor=actor,
        action=action,
        writes=[
            {"obj": instance, "after": snapshot(instance, m2m=related, extra=values)}
            for instance, related, values in zip(instances, m2m, extra, strict=True)
        ],
    )
    return instances


def update(
    instance: M,
    data: Mapping[str, Any],
    *,
    actor,
    action: str,
    allowed: Iterable[str],
    check: Callable[[M], None] | None = None,
    related: Callable[[M], None] | None = None,
) -> M:
    """Apply changed fields, validate, save, and journal the difference
    (`check` and `related` as for `create`)."""
    allowed = set(allowed)
    refused = sorted(set(data) - allowed)
    if refused:
        raise ValidationError(
            {name: _("Dit veld kan hier niet worden gewijzigd.") for name in refused}
        )
    plain, m2m = _split(instance, data)
    keys = _journal_keys(type(instance), data.keys())
    before = snapshot(instance, keys)
    for name, value in plain.items():
        setattr(instance, name, value)
    validate(instance)
    if check is not None:
        check(instance)
    instance.save()
    for name, values in m2m.items():
        getattr(instance, name).set(values)
    if related is not None:
        related(instance)
    old, new = journal.diff(before, snapshot(instance, keys))
    journal.record(actor=actor, action=action, obj=instance, before=old, after=new)
    return instance


def delete(instance: models.Model, *, actor, action: str) -> None:
    """Journal and delete an object (only for objects that may be deleted)."""
    before = snapshot(instance)
    tags = journal.scope_tags(instance)
    object_id, object_repr = instance.pk, str(instance)
    label = instance._meta.label_lower
    instance.delete()
    journal.record(
        actor=actor,
        action=action,
        object_type=label,
        object_id=object_id,
        object_repr=object_repr,
        before=before,
        corporatie_id=tags[0],
        cooperatie_id=tags[1],
    )


class RowValidationError(ValidationError):
    """Rows of a composite write (an object with its rows, written all or
    nothing) that were refused; nothing was written.

    `rows` maps a refused row's index, its place in the list the caller gave, to
    its ValidationError; `count` is the length of that list. As a plain
    ValidationError it is one list of messages under `field`, each naming its
    row, so a caller that does not read `rows` still says where.
    """

    def __init__(self, field: str, rows: Mapping[int, ValidationError], count: int):
        self.field = field
        self.rows = dict(sorted(rows.items()))
        self.count = count
        messages = [
            _("%(naam)s: %(fout)s")
            % {"naam": _("rij %(rij)s") % {"rij": index + 1}, "fout": message}
            for index, error in self.rows.items()
            for message in _named_messages(error)
        ]
        super().__init__({field: messages})


def _named_messages(error: ValidationError) -> list[str]:
    """The messages of a ValidationError, each with the field it is on."""
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    return [
        message if name == NON_FIELD_ERRORS else f"{name}: {message}"
        for name, messages in error.message_dict.items()
        for message in messages
    ]

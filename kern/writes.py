"""The common steps of every service write: validate, save, journal.

Services decide *whether* a write is allowed and *what* it changes; these helpers
make sure each write is validated against the model's constraints and leaves
exactly one journal entry in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import models, router
from django.db.models import Q
from django.db.models.constants import LOOKUP_SEP
from django.utils.translation import gettext as _

from . import journal

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
    instance: models.Model, fields: Iterable[str] | None = None
) -> dict[str, Any]:
    """`journal.snapshot`, plus, for a many-to-many whose own through model
    declares a `JOURNAL_VALUE` (e.g. the hours per volunteer of an activity),
    the filled-in values per related id under `<field>_<value>`."""
    data = journal.snapshot(instance, fields)
    wanted = set(fields) if fields is not None else None
    for field in instance._meta.many_to_many if instance.pk is not None else ():
        extra = getattr(field.remote_field.through, "JOURNAL_VALUE", None)
        key = f"{field.name}_{extra}"
        if extra and (wanted is None or key in wanted):
            rows = field.remote_field.through.objects.filter(
                **{field.m2m_field_name(): instance.pk, f"{extra}__isnull": False}
            ).values_list(f"{field.m2m_reverse_field_name()}_id", extra)
            data[key] = {
                str(pk): journal._to_json(value)
                for pk, value in sorted(rows.order_by())
            }
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


def refuse_unknown(data: Mapping[str, Any], allowed: Iterable[str]) -> None:
    """A new object takes only the fields a user sets (a model's
    `EDITABLE_FIELDS`): any other name is refused on its own field."""
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise ValidationError({name: _("Onbekend veld.") for name in unknown})


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
    instead of among the non-field errors."""
    errors: dict[str, list] = {}
    try:
        instance.full_clean(validate_constraints=False)
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    # Like full_clean: constraints only for the fields that passed validation.
    exclude = {name for name in errors if name != NON_FIELD_ERRORS}
    using = router.db_for_write(type(instance), instance=instance)
    for model_class, constraints in instance.get_constraints():
        for constraint in constraints:
            try:
                constraint.validate(model_class, instance, exclude=exclude, using=using)
            except ValidationError as exc:
                field = constraint_field(model_class, constraint)
                errors.setdefault(field, []).extend(exc.error_list)
    if errors:
        raise ValidationError(errors)


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

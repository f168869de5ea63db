"""Small helpers shared by the scoping and service tests."""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import models

import pytest

from kern import writes
from kern.models import AuditEntry


def public_services(module) -> set[str]:
    """Names of the service functions a services module defines."""
    return {
        name
        for name, value in vars(module).items()
        if callable(value)
        and not isinstance(value, type)  # its exceptions are no services
        and not name.startswith("_")
        and _defined_in(value, module)
    }


def _defined_in(value, module) -> bool:
    """Defined in `module`, or in a module of it when it is a package."""
    name = getattr(value, "__module__", "")
    return name == module.__name__ or name.startswith(f"{module.__name__}.")


def fresh(user):
    """The user read anew from the database, without a cached scope."""
    return type(user).objects.get(pk=user.pk)


def actor_of(world, name: str):
    """A user of the test world by name: `a.beheerder`, `b.bestuur`, `superuser`,
    `anonymous`."""
    if name == "anonymous":
        return AnonymousUser()
    if name == "superuser":
        return world.superuser
    tenant, role = name.split(".")
    return getattr(getattr(world, tenant), role)


def journal_mark() -> int:
    """A mark in the journal as a whole (the newest entry's id): each chain has
    its own numbers, so "what was written since" is told by id."""
    entry = AuditEntry.objects.order_by("-pk").first()
    return entry.pk if entry else 0


def page_text(response) -> str:
    """The page's HTML with its character references resolved. Templates escape
    an apostrophe as `&#x27;`, and generated names have them (`Kai van 't Erve`):
    compare names with this, so `in` does not fail and `not in` does not pass
    by chance."""
    return html.unescape(response.content.decode())


def entries_since(mark: int) -> list[AuditEntry]:
    """The journal entries written after `mark` (see journal_mark), oldest first."""
    return list(AuditEntry.objects.filter(pk__gt=mark).order_by("pk"))


def table_state(model: type[models.Model]) -> list[dict]:
    """Every row of a table as plain values, to prove that nothing changed."""
    rows = list(model._default_manager.order_by("pk").values())
    for field in model._meta.many_to_many:
        through = getattr(model, field.name).through
        rows.append({field.name: list(through.objects.order_by("pk").values())})
    return rows


def entry_json(entry: AuditEntry) -> str:
    """The whole stored entry as one JSON text, to search it for clear text."""
    values = AuditEntry.objects.filter(pk=entry.pk).values().get()
    return json.dumps(values, default=str, ensure_ascii=False)


def field_errors(exc: ValidationError) -> dict[str, list[str]]:
    """The messages of a ValidationError by field (non-field errors under
    `__all__`)."""
    if hasattr(exc, "error_dict"):
        return exc.message_dict
    return {NON_FIELD_ERRORS: exc.messages}


# Service cases -------------------------------------------------------------------

BEHEERDER_DENIED = (
    "a.auditor",
    "a.bestuur",
    "b.beheerder",
    "b.auditor",
    "b.bestuur",
    "anonymous",
)
BESTUUR_DENIED = (
    "a.beheerder",
    "a.auditor",
    "b.beheerder",
    "b.auditor",
    "b.bestuur",
    "anonymous",
)
SUPERUSER_DENIED = (
    "a.beheerder",
    "a.auditor",
    "a.bestuur",
    "b.beheerder",
    "anonymous",
)
BEHEERDER_OR_BESTUUR_DENIED = (
    "a.auditor",
    "b.beheerder",
    "b.auditor",
    "b.bestuur",
    "anonymous",
)


@dataclass(frozen=True)
class ServiceCase:
    """One service function called on tenant A's objects.

    `call(world, target, actor)` runs the service; `target(world)` gives (or makes)
    the object an update or delete acts on; `tags(world, obj)` the expected
    (corporatie_id, cooperatie_id) of the entry; `before`/`after` the expected
    before/after JSON (for a create: a subset of `after`).
    """

    id: str
    kind: str  # create | update | delete
    model: type[models.Model]
    action: str
    call: Callable[[Any, Any, Any], Any]
    allowed: tuple[str, ...]
    denied: tuple[str, ...]
    tags: Callable[[Any, Any], tuple[int | None, int | None]]
    target: Callable[[Any], Any] | None = None
    before: Callable[[Any, Any], dict | None] = lambda world, target: None
    after: Callable[[Any, Any], dict | None] = lambda world, obj: None


def success_params(cases):
    return [
        pytest.param(case, actor, id=f"{case.id}-{actor}")
        for case in cases
        for actor in case.allowed
    ]


def denied_params(cases):
    return [
        pytest.param(case, actor, id=f"{case.id}-{actor}")
        for case in cases
        for actor in case.denied
    ]


def check_success(world, case: ServiceCase, actor_name: str) -> AuditEntry:
    """Run the case and check its one journal entry and the stored row."""
    actor = actor_of(world, actor_name)
    target = case.target(world) if case.target else None
    expected_before = case.before(world, target)
    target_pk = target.pk if target is not None else None
    seq = journal_mark()

    result = case.call(world, target, actor)

    entries = entries_since(seq)
    assert len(entries) == 1, [e.action for e in entries]
    entry = entries[0]
    obj = target if case.kind == "delete" else result
    pk = target_pk if case.kind == "delete" else obj.pk
    assert entry.action == case.action
    assert entry.object_type == case.model._meta.label_lower
    assert entry.object_id == str(pk)
    assert (entry.corporatie_id, entry.cooperatie_id) == case.tags(world, obj)
    assert entry.actor_id == actor.pk
    assert entry.actor_name == actor.get_username()
    stored = case.model._default_manager.filter(pk=pk).first()
    if case.kind == "create":
        assert stored is not None
        assert entry.before is None
        assert set(entry.after) == set(writes.snapshot(stored))
        expected = case.after(world, obj)
        assert expected.items() <= entry.after.items()
    elif case.kind == "update":
        assert entry.before == expected_before
        assert entry.after == case.after(world, obj)
        assert writes.snapshot(stored, entry.after.keys()) == entry.after
    else:
        assert stored is None
        assert entry.after is None
        assert expected_before.items() <= entry.before.items()
    return entry


def check_denied(world, case: ServiceCase, actor_name: str) -> None:
    """The service refuses the actor and writes nothing at all."""
    actor = actor_of(world, actor_name)
    target = case.target(world) if case.target else None
    seq = journal_mark()
    rows = table_state(case.model)

    with pytest.raises(PermissionDenied):
        case.call(world, target, actor)

    assert entries_since(seq) == []
    assert table_state(case.model) == rows


def check_refused(call, field: str, *words: str, model=None) -> list[str]:
    """The call is refused with a message on `field` (containing `words`), and
    neither a row of `model` nor a journal entry is written."""
    seq = journal_mark()
    rows = table_state(model) if model is not None else None

    with pytest.raises(ValidationError) as excinfo:
        call()

    errors = field_errors(excinfo.value)
    assert field in errors, errors
    message = " ".join(errors[field])
    for word in words:
        assert word in message, message
    assert entries_since(seq) == []
    if model is not None:
        assert table_state(model) == rows
    return errors[field]

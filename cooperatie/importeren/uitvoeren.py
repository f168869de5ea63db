"""Steps 3 and 4 of the import: running the plan through the services.

The preview and the import take the very same steps: plan the rows, then run
them through the services, each refusal noted on its row: the changed members
through `lid_update`, in file order, the new ones all at once through
`lid_create_many` (the checks of `lid_create` for every row, then one insert and
one append to the journal), then the members to end through `lid_end`. The
preview runs them in a savepoint it always rolls back (members, journal
entries, chain heads and any `on_commit` callback registered inside go with
it); the import keeps them when no row was refused, and otherwise rolls back
all rows. So the preview cannot disagree with the
import about what the services accept.
"""

from __future__ import annotations

import copy
import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from kern import writes

from .. import services
from ..models import Cooperatie, Lid
from .kolommen import NEW, UPDATED, MemberImportError, RowError
from .lezen import ParsedFile
from .plannen import ImportPlan, PlanChangedError, errors_of, plan_rows


@dataclass
class ImportReport:
    """What an applied import changed."""

    created: list[Lid] = field(default_factory=list)
    updated: list[tuple[Lid, list[str]]] = field(default_factory=list)
    ended: list[Lid] = field(default_factory=list)
    unchanged: int = 0


def _run(plan: ImportPlan, *, actor) -> tuple[ImportReport, list[RowError]]:
    """Carry out the rows the plan accepted and end the members it names,
    through the services, inside the caller's transaction; the refusals are
    returned, each on its row (or member). The changed members go one by one
    (each service is atomic, so a refused row leaves nothing and the next row
    goes on); the new members all at once (`lid_create_many`: the checks of
    `lid_create` for every row, written only when none is refused). The
    services get copies: the plan's members keep their stored values for the
    preview to show."""
    report = ImportReport(unchanged=len(plan.unchanged))
    errors: list[RowError] = []
    for row in plan.rows:
        if row.action != UPDATED:
            continue
        try:
            lid = services.lid_update(
                lid=copy.copy(row.lid), actor=actor, **row.changes
            )
            report.updated.append((lid, row.changed_columns))
        except ValidationError as exc:
            errors += errors_of(exc, plan.parsed, row=row.number)
    new = [row for row in plan.rows if row.action == NEW]
    try:
        report.created = services.lid_create_many(
            cooperatie=plan.cooperatie, rows=[row.values for row in new], actor=actor
        )
    except writes.RowValidationError as exc:
        for index, error in exc.rows.items():
            errors += errors_of(error, plan.parsed, row=new[index].number)
    except ValidationError as exc:
        errors += errors_of(exc, plan.parsed, row=None)
    for lid in plan.to_end:
        try:
            report.ended.append(
                services.lid_end(lid=copy.copy(lid), lid_tot=plan.end_date, actor=actor)
            )
        except ValidationError as exc:
            errors += errors_of(exc, plan.parsed, row=None, member=lid.naam)
    errors.sort(key=lambda error: (error.row is None, error.row or 0))
    return report, errors


class _PreviewRollbackError(Exception):
    """Raised to roll back a preview's run of the services."""

    def __init__(self, plan: ImportPlan):
        self.plan = plan
        super().__init__("preview")


def _plan_and_run(
    *, expected: str | None = None, **options
) -> tuple[ImportPlan, ImportReport]:
    """Plan against the database as it is now and run the plan, inside the
    caller's transaction; raise MemberImportError if a row is refused, and
    PlanChangedError if the plan is not the `expected` one."""
    plan = plan_rows(**options)
    report, errors = _run(plan, actor=options["actor"])
    plan.add_errors(errors)
    if plan.errors:
        raise MemberImportError(plan.errors, plan)
    if expected is not None and plan.fingerprint() != expected:
        raise PlanChangedError(plan)
    return plan, report


def plan_import(
    *,
    cooperatie: Cooperatie,
    parsed: ParsedFile,
    actor,
    end_missing: bool = False,
    end_date: datetime.date | None = None,
) -> ImportPlan:
    """The preview: per row what the import will do, or every refusal (of the
    form, the matching and the services) by row and column. The services run
    and are rolled back: nothing is written."""
    try:
        with transaction.atomic():
            plan, _report = _plan_and_run(
                cooperatie=cooperatie,
                parsed=parsed,
                actor=actor,
                end_missing=end_missing,
                end_date=end_date,
            )
            raise _PreviewRollbackError(plan)
    except _PreviewRollbackError as preview:
        return preview.plan
    except MemberImportError as exc:
        return exc.plan


def apply_plan(plan: ImportPlan, *, actor) -> ImportReport:
    """Carry out a plan made earlier, all or nothing: a refusal by a service (the
    database changed since the plan was made) undoes every row and raises
    MemberImportError naming the row."""
    if plan.errors:
        raise MemberImportError(plan.errors, plan)
    with transaction.atomic():
        report, errors = _run(plan, actor=actor)
        if errors:
            plan.add_errors(errors)
            raise MemberImportError(plan.errors, plan)
        return report


def import_members(
    *,
    cooperatie: Cooperatie,
    parsed: ParsedFile,
    actor,
    end_missing: bool = False,
    end_date: datetime.date | None = None,
    expected: str | None = None,
) -> ImportReport:
    """Plan against the database as it is now and carry the plan out, in one
    transaction: what the user confirms is what lands, or nothing does.

    A refused row raises MemberImportError; with `expected` (the fingerprint of
    the plan a user confirmed), a plan that differs from it raises
    PlanChangedError. Either way nothing is written.
    """
    with transaction.atomic():
        _plan, report = _plan_and_run(
            cooperatie=cooperatie,
            parsed=parsed,
            actor=actor,
            end_missing=end_missing,
            end_date=end_date,
            expected=expected,
        )
        return report

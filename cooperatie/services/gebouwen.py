"""The writes of a corporatie's gebouwen, one at a time or many at once (an
import): atomic, keyword-only, permission-checked, one journal entry each.
Callers import them from `cooperatie.services`, as every write of the app."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from kern import writes
from kern.coordinaten import coordinaten_uit_rd
from kern.validators import normalize_code, normalize_postcode

from .. import permissions
from ..models import Corporatie, Gebouw
from ..verwijderbaar import gebouw_delete_refusal

MAX_ROWS = 2000
"""Most gebouwen written at once: every complex of a large corporatie."""


def _normalized(data: dict[str, Any]) -> dict[str, Any]:
    data = coordinaten_uit_rd(data)
    if data.get("postcode"):
        data = {**data, "postcode": normalize_postcode(data["postcode"])}
    for code in ("gemeentecode", "buurtcode", "clustercode"):
        if data.get(code):
            data = {**data, code: normalize_code(data[code])}
    if isinstance(data.get("bag_pand_id"), str):
        data = {**data, "bag_pand_id": data["bag_pand_id"].strip()}
    if "bag_verblijfsobject_ids" in data:
        ids = data["bag_verblijfsobject_ids"]
        if ids is None or ids == "":  # an empty form field: no ids
            data = {**data, "bag_verblijfsobject_ids": []}
        elif isinstance(ids, list):
            data = {
                **data,
                "bag_verblijfsobject_ids": [
                    i.strip() if isinstance(i, str) else i for i in ids
                ],
            }
    return data


@transaction.atomic
def gebouw_create(*, corporatie: Corporatie, actor, **data) -> Gebouw:
    """Register a gebouw of the corporatie; its location may be given in RD
    (`rd_x`, `rd_y`) and is stored in WGS84."""
    permissions.require_beheerder(actor, corporatie.pk)
    return writes.create(_new(corporatie, data), actor=actor, action="gebouw_create")


def _new(corporatie: Corporatie, data: Mapping[str, Any]) -> Gebouw:
    data = _normalized(dict(data))
    writes.refuse_unknown(data, Gebouw.EDITABLE_FIELDS)
    return Gebouw(corporatie=corporatie, **data)


@transaction.atomic
def gebouw_create_many(
    *, corporatie: Corporatie, rows: Sequence[Mapping[str, Any]], actor
) -> list[Gebouw]:
    """Register gebouwen of the corporatie, each as `gebouw_create` does (the
    same checks, one journal entry each), all or nothing: a refused row raises
    `kern.writes.RowValidationError` naming every refused row by its index,
    and nothing is written."""
    permissions.require_beheerder(actor, corporatie.pk)
    rows = list(rows)
    writes.refuse_row_count(rows, "gebouwen", MAX_ROWS)
    gebouwen = writes.prepare_many(rows, lambda row: _new(corporatie, row), "gebouwen")
    return writes.create_many(gebouwen, actor=actor, action="gebouw_create")


@transaction.atomic
def gebouw_update(*, gebouw: Gebouw, actor, **data) -> Gebouw:
    permissions.require_beheerder(actor, gebouw.corporatie_id)
    return writes.update(
        gebouw,
        _normalized(data),
        actor=actor,
        action="gebouw_update",
        allowed=Gebouw.EDITABLE_FIELDS,
    )


@transaction.atomic
def gebouw_delete(*, gebouw: Gebouw, actor) -> None:
    """Remove a gebouw registered by mistake; refused once contracts refer to it."""
    permissions.require_beheerder(actor, gebouw.corporatie_id)
    refusal = gebouw_delete_refusal(gebouw)
    if refusal:
        raise ValidationError(refusal)
    writes.delete(gebouw, actor=actor, action="gebouw_delete")

"""Bulk create: POST a list of objects to `<resource>/bulk/`, written all or
nothing through the resource's bulk service.

Each object is the body a single create takes and is validated by the same
serializer, so the same scoping holds: an owner outside the caller's scope is a
field error, a role that may not write is 403. All objects name one owner (the
service writes one cooperatie's rows). Errors come back by index: a list as
long as the request, with each object's field errors (an empty object for an
accepted one; as an object of the refused indexes where the API gives a list's
errors so), whether the serializer or the service refused it; nothing is
written then.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings

from kern import writes

MAX_BULK = 1000
"""Most objects one bulk request takes."""


def _by_index(errors: dict[int, Any], count: int) -> dict | list:
    """Errors by index in the shape DRF gives a list's errors: the refused
    objects by index, or a list with an empty object for each accepted one."""
    if api_settings.LIST_SERIALIZER_ERRORS_AS_DICT:
        return dict(sorted(errors.items()))
    return [errors.get(index, {}) for index in range(count)]


class BulkCreateMixin:
    """A `bulk` action (POST a list) through `bulk_service(<owner_field>=owner,
    rows=[...], actor=...)`; `owner_field` names the serializer field every
    object must share."""

    bulk_service: Callable[..., list] | None = None
    owner_field = "cooperatie"

    # Not a page of a list: no pagination (nor its parameters) in the schema,
    # and the 201 is the plain array of what was written.
    @action(
        detail=False,
        methods=["post"],
        url_path="bulk",
        pagination_class=None,
        filter_backends=[],
    )
    def bulk(self, request, *args, **kwargs):
        items = request.data
        if not isinstance(items, list):
            raise exceptions.ValidationError(
                {"non_field_errors": [_("Verkeerd type: verwacht een lijst.")]}
            )
        if not items:
            raise exceptions.ValidationError(
                {"non_field_errors": [_("Geef minstens één object.")]}
            )
        if len(items) > MAX_BULK:
            raise exceptions.ValidationError(
                {
                    "non_field_errors": [
                        _("Hoogstens %(max)s objecten per aanvraag.")
                        % {"max": MAX_BULK}
                    ]
                }
            )
        serializer = self.get_serializer(data=items, many=True)
        if not serializer.is_valid():
            raise exceptions.ValidationError(detail=serializer.errors)
        rows = [dict(item) for item in serializer.validated_data]
        owner = rows[0][self.owner_field]
        other = {
            index: {
                self.owner_field: [
                    _("Alle objecten moeten bij dezelfde %(naam)s horen.")
                    % {"naam": self.owner_field}
                ]
            }
            for index, row in enumerate(rows)
            if row[self.owner_field] != owner
        }
        if other:
            raise exceptions.ValidationError(detail=_by_index(other, len(rows)))
        for row in rows:
            del row[self.owner_field]
        service = type(self).bulk_service
        try:
            created = service(
                **{self.owner_field: owner}, rows=rows, actor=request.user
            )
        except writes.RowValidationError as exc:
            errors = {i: as_serializer_error(e) for i, e in exc.rows.items()}
            raise exceptions.ValidationError(
                detail=_by_index(errors, exc.count)
            ) from exc
        objects = self.get_queryset().filter(pk__in=[obj.pk for obj in created])
        by_pk = {obj.pk: obj for obj in objects}
        data = self.get_serializer([by_pk[obj.pk] for obj in created], many=True).data
        return Response(data, status=status.HTTP_201_CREATED)

"""The shared shape of every API endpoint.

- Querysets come from `Model.objects.visible_to(request.user)`: objects outside the
  user's scope do not exist (404), in every list, detail and related-field input.
- Writes go through the services. Whether the user's role may write at all is
  decided before the body is read (`kern.api.permissions`): a role that may not
  gets 403 for any body, never field errors. Every error is problem details
  (`kern.api.problems`).
- Mutable resources carry an ETag; PUT/PATCH with a stale `If-Match` answer 412.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections, models, transaction
from django.http import Http404, QueryDict
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.response import Response

from kern import journal, writes
from kern.geheugen import gc_paused
from kern.scoping import scope_of

from . import lean as lean_rows
from . import seek
from .filtering import ApiFilterBackend, ApiOrderingFilter, FieldMask
from .oauth import ClientScoped
from .permissions import WriteGate
from .problems import PreconditionFailed
from .schema import AutoSchema

# Serializers --------------------------------------------------------------------


def _json_types(field) -> tuple[type, ...] | None:
    """The JSON types the schema states for a field's input (None: any)."""
    if isinstance(field, serializers.BooleanField):
        return (bool,)
    if isinstance(field, serializers.IntegerField | serializers.RelatedField):
        return (int,)
    if isinstance(field, serializers.FloatField):
        return (int, float)
    if isinstance(field, serializers.ManyRelatedField | serializers.ListField):
        return (list,)
    if isinstance(field, serializers.ChoiceField):
        # A TextChoices or IntegerChoices member is plain text or a number in JSON.
        plain = (bool, str, int, float)
        kinds = {
            next((t for t in plain if isinstance(k, t)), type(k)) for k in field.choices
        }
        return tuple(kinds) or None
    if isinstance(
        field,
        serializers.CharField
        | serializers.DecimalField
        | serializers.DateField
        | serializers.DateTimeField,
    ):
        return (str,)
    return None


def _has_type(value, types: tuple[type, ...]) -> bool:
    if isinstance(value, bool):
        return bool in types
    if int in types and isinstance(value, float):
        return value.is_integer()
    return isinstance(value, types)


class StrictJSONTypes:
    """JSON input must have the types the schema states. DRF would read 0 as the
    text "0", "5" as the number 5, or 12.5 as a money amount (a float: money is
    sent as text). Form input (only text) keeps DRF's reading."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping) and not isinstance(data, QueryDict):
            errors = {}
            for name, field in self.fields.items():
                if field.read_only or field.source == "*" or name not in data:
                    continue
                value, types = data[name], _json_types(field)
                if value is None or types is None:
                    continue
                if not _has_type(value, types):
                    errors[name] = [
                        _("Verkeerd type: verwacht %(type)s.")
                        % {"type": _type_name(types)}
                    ]
                elif isinstance(field, serializers.ManyRelatedField) and not all(
                    _has_type(item, (int,)) for item in value
                ):
                    errors[name] = [_("Verkeerd type: verwacht een lijst van ids.")]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


def _type_name(types: tuple[type, ...]) -> str:
    names = {bool: "true of false", int: "een geheel getal", float: "een getal"}
    names |= {str: "tekst", list: "een lijst"}
    return " of ".join(dict.fromkeys(names.get(t, t.__name__) for t in types))


class MaskedFields:
    """Fields listed in `masked_fields` are null where the view's field mask
    (`ScopedViewSet.get_field_mask`, in the context as `field_mask`) does not
    show them to the requesting user."""

    masked_fields: tuple[str, ...] = ()

    def to_representation(self, instance):
        data = super().to_representation(instance)
        mask = self.context.get("field_mask")
        if mask is not None:
            for name in self.masked_fields:
                if name in data and not mask.shows(instance, name):
                    data[name] = None
        return data


class Serializer(StrictJSONTypes, serializers.Serializer):
    pass


class ModelSerializer(MaskedFields, StrictJSONTypes, serializers.ModelSerializer):
    pass


# Fields -------------------------------------------------------------------------


class ScopedRelatedField(serializers.PrimaryKeyRelatedField):
    """A related-object input limited to what the requesting user may see, so
    another tenant's object is a field error ("does not exist"), never attached."""

    def __init__(self, model=None, **kwargs):
        self.model = model
        if not kwargs.get("read_only"):
            kwargs.setdefault("queryset", model.objects.all() if model else None)
        super().__init__(**kwargs)

    def get_queryset(self):
        queryset = super().get_queryset()
        request = self.context.get("request")
        return queryset.visible_to(request.user if request else None)


# ETags --------------------------------------------------------------------------


def etag_of(obj) -> str:
    """A strong ETag over the object's stored fields (the journal's view of it)."""
    digest = hashlib.sha256(journal.canonical_json(writes.snapshot(obj)).encode())
    return f'"{digest.hexdigest()[:32]}"'


def _matches(header: str, current: str) -> bool:
    tags = [t.strip().removeprefix("W/") for t in header.split(",")]
    return "*" in tags or current in tags


# Viewsets -----------------------------------------------------------------------


_LEAN: dict[tuple[type, type], lean_rows.LeanRows | None] = {}


class ScopedViewSet(ClientScoped, viewsets.GenericViewSet):
    """Queryset from `visible_to`; subclasses name the model and the related rows
    their serializer reads (so a list costs the same queries for 3 rows or 300),
    and the resource group a machine client needs a scope of (`scope_group`)."""

    model = None
    schema = AutoSchema()
    filter_backends = (ApiFilterBackend, ApiOrderingFilter)
    # Any path segment reaches the view, so an id that is no number is the same
    # JSON 404 as an id that does not exist (not Django's HTML page).
    lookup_value_regex = "[^/]+"
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()
    # Who may write, per action (`kern.api.permissions`): checked before the
    # body is read.
    writers = None

    def get_permissions(self):
        return [*super().get_permissions(), WriteGate()]

    def get_object(self):
        try:
            return super().get_object()
        except Http404:
            name = capfirst(self.model._meta.verbose_name)
            raise exceptions.NotFound(
                _("%(object)s niet gevonden.") % {"object": name}
            ) from None

    def get_field_mask(self) -> FieldMask | None:
        """Which fields of which rows the requesting user may not see (None:
        the user sees every field of every row they reach). The serializer shows
        such a field as null, and the filters, the search and the ordering may
        not read it (`ApiFilterBackend`, `ApiOrderingFilter`): one rule for
        every resource, see docs/security.md."""
        return None

    def field_mask(self) -> FieldMask | None:
        """`get_field_mask()`, worked out once per request."""
        if not hasattr(self, "_field_mask"):
            self._field_mask = self.get_field_mask()
        return self._field_mask

    def etag_for(self, instance) -> str:
        """The ETag of the object as this user sees it: `etag_of`, unless the
        field mask hides a field of it, then a tag of its own, so that a user
        who sees less never has the tag of the full answer (nor a cache the
        full answer under it)."""
        tag = etag_of(instance)
        mask = self.field_mask()
        if mask is None:
            return tag
        hidden = [
            name
            for name in getattr(mask, "masked_fields", ())
            if not mask.shows(instance, name)
        ]
        if not hidden:
            return tag
        digest = hashlib.sha256(f"{tag}|{','.join(hidden)}".encode()).hexdigest()
        return f'"{digest[:32]}"'

    def finalize_response(self, request, response, *args, **kwargs):
        # The answer depends on who asks (by session or by token): a cache
        # keeps it per user, never serving one user's answer to another.
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_vary_headers(response, ("Authorization", "Cookie"))
        return response

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["field_mask"] = self.field_mask()
        return context

    def get_queryset(self):
        queryset = self.model.objects.visible_to(self.request.user)
        if self.select_related:
            queryset = queryset.select_related(*self.select_related)
        if self.prefetch_related:
            queryset = queryset.prefetch_related(*self.prefetch_related)
        return queryset.order_by(*self.model._meta.ordering or ["pk"], "pk")


class ReadViewSet(mixins.ListModelMixin, ScopedViewSet):
    """List and retrieve; the retrieve answer carries an ETag.

    A list page is read as plain rows and rendered by the serializer's lean
    reading (`kern.api.lean`): the same JSON without a model instance per row.
    `lean` names how to read the fields the serializer does not read from
    columns or relations; None keeps the serializer for the list."""

    lean: Mapping[str, lean_rows.Lean] | None = {}
    # Whether the query of a page after a `vervolg` position is kept compiled
    # between requests (`seek.Plan`, see `plan_key`). Only for a list whose
    # rows follow from the user's scope and the query parameters alone:
    # `get_queryset` and the filters read nothing else (not the time, not the
    # user beyond their scope, no database rows while validating a value).
    plans_kept = False

    def lean_reading(self) -> lean_rows.LeanRows | None:
        """The compiled lean reading of the list's serializer, or None."""
        if self.lean is None:
            return None
        key = (type(self), self.get_serializer_class())
        if key not in _LEAN:
            try:
                _LEAN[key] = lean_rows.compile_rows(key[1], self.model, self.lean)
            except lean_rows.UnsupportedError:
                _LEAN[key] = None
        return _LEAN[key]

    def plan_key(self) -> tuple | None:
        """What decides the query of this request's page after a position, or
        None where it is not kept: the view, its serializer and URL
        arguments, the user and their scope as read now (a revoked role
        changes it), the parameters other than the page and the position,
        and the language (a date filter reads its value by the language's
        formats). A field mask (which depends on more than the scope)
        keeps none."""
        request = self.request
        if (
            not self.plans_kept
            or not request.query_params.get(seek.PARAMETER)
            or self.field_mask() is not None
        ):
            return None
        page = getattr(self.paginator, "page_query_param", "page")
        params = tuple(
            sorted(
                (name, tuple(values))
                for name, values in request.query_params.lists()
                if name not in (page, seek.PARAMETER)
            )
        )
        user = request.user
        return (
            type(self),
            self.get_serializer_class(),
            tuple(sorted(self.kwargs.items())),
            request.version,
            getattr(user, "pk", None),
            scope_of(user),
            params,
            translation.get_language(),
        )

    def list(self, request, *args, **kwargs):
        reading = self.lean_reading()
        if reading is None:
            return super().list(request, *args, **kwargs)
        if self.paginator is None:
            queryset = self.filter_queryset(self.get_queryset())
            return Response(reading.render(reading.values(queryset), self.field_mask()))

        def rows():
            return reading.values(self.filter_queryset(self.get_queryset()))

        key = self.plan_key()
        plan = _kept_plan(key) if key is not None else None
        if plan is not None:
            # The queryset is built only if the page is not read after the
            # position (it was validated for the request that made the plan).
            paged = _PagedById(None, reading, build=rows, plan=plan)
        else:
            paged = _PagedById.of(rows(), reading)
            if key is not None and isinstance(paged, _PagedById):
                paged.keep = functools.partial(_keep_plan, key)
        # A page is bounded (kern.api.pagination): build it without cycle searches.
        with gc_paused():
            page = self.paginate_queryset(paged)
            data = reading.render(page, self.field_mask())
        return self.get_paginated_response(data)

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        response = Response(self.get_serializer(instance).data)
        response["ETag"] = self.etag_for(instance)
        return response


# Compiled queries of later pages (`seek.Plan`) by `ReadViewSet.plan_key`,
# the least recently used dropped first.
_PLANS: OrderedDict[tuple, seek.Plan] = OrderedDict()
_MAX_PLANS = 512


def _kept_plan(key: tuple) -> seek.Plan | None:
    plan = _PLANS.get(key)
    if plan is not None:
        with contextlib.suppress(KeyError):  # dropped by another thread
            _PLANS.move_to_end(key)
    return plan


def _keep_plan(key: tuple, plan: seek.Plan) -> None:
    _PLANS[key] = plan
    while len(_PLANS) > _MAX_PLANS:
        try:
            _PLANS.popitem(last=False)
        except KeyError:  # emptied by another thread
            break


class _PagedById:
    """A lean list's rows as the paginator reads them: a page is read by the
    ids of its rows first (a subquery the list's index answers, so an OFFSET
    skips index entries, not whole rows), then those rows by id, in the list's
    order; one query. The count is the list's own. The rows after a position
    are read with a compiled `seek.Plan`, kept by the view (`keep`) or given
    by it; with a plan, the queryset is built (`build`) only when needed."""

    def __init__(
        self,
        rows: models.QuerySet | None,
        reading: lean_rows.LeanRows,
        *,
        build: Callable[[], models.QuerySet] | None = None,
        plan: seek.Plan | None = None,
    ):
        self._rows = rows
        self._build = build
        self.reading = reading
        self.plan = plan
        self.keep: Callable[[seek.Plan], None] | None = None
        self.ordered = True

    @property
    def rows(self) -> models.QuerySet:
        if self._rows is None:
            self._rows = self._build()
        return self._rows

    @classmethod
    def of(cls, rows: models.QuerySet, reading: lean_rows.LeanRows):
        """The rows paged by id where that reads the same rows in the same
        order (plain field ordering, no annotations or distinct), else as is."""
        if (
            not seek.ordered_by_fields(rows.query)
            or not connections[rows.db].features.allow_sliced_subqueries_with_in
        ):
            return rows
        return cls(rows, reading)

    def count(self) -> int:
        return self.rows.count()

    def __len__(self) -> int:
        return self.count()

    def _by_ids(self, window: slice) -> models.QuerySet:
        ids = self.rows.values_list("pk")[window]
        model = self.rows.model
        queryset = model._base_manager.using(self.rows.db).filter(pk__in=ids)
        return self.reading.values(queryset.order_by(*self.rows.query.order_by))

    def __getitem__(self, window: slice) -> list:
        return list(self._by_ids(window))

    def seek_terms(self) -> list[seek.Term] | None:
        """The list's ordering as seek terms over its rows (None: not total)."""
        if self.plan is not None:
            return self.plan.terms
        return seek.terms_of(self.rows, self.reading.columns)

    def after(self, terms: list[seek.Term], values: list, limit: int) -> list:
        """At most `limit` rows after the row with these ordering values: a
        range of the list's index, without the rows before it."""
        plan = self.plan
        if (
            plan is None
            or plan.limit != limit
            or plan.labels != [term.label for term in terms]
        ):
            try:
                plan = self.plan = seek.Plan(self.rows, terms, limit)
            except EmptyResultSet:  # a list that matches nothing
                return []
            if self.keep is not None:
                self.keep(plan)
        return plan.rows(values)

    def window_with_count(self, window: slice) -> tuple[list, int | None]:
        """The rows of the window and the list's count, in one query (the
        count as a subquery the database answers once); the count is None
        when the window holds no rows. The first window is the list's first
        rows, read along its index as a later page is (no ids to skip)."""
        total = self.rows.order_by().values_list(
            models.Func(
                models.F("pk"), function="COUNT", output_field=models.IntegerField()
            )
        )
        count = models.Subquery(total)
        if window.start:
            rows = list(self._by_ids(window).annotate(_total=count))
        else:
            rows = list(self.rows.annotate(_total=count)[window])
        if not rows:
            return [], None
        return [row[:-1] for row in rows], rows[0][-1]


# The write mixins name their services, as the admin does (kern.admin_services):
#
#     create_service = services.gebouw_create  # (actor=..., **data)
#     update_service = services.gebouw_update  # (gebouw=row, actor=..., **data)
#     delete_service = services.gebouw_delete  # (gebouw=row, actor=...)
#
# The row goes under `instance_kwarg`, by default the model name. A viewset whose
# write is more than one service call overrides `create_object`, `update_object`
# or `delete_object` instead. (The mixins' docstrings are notes for developers;
# what an endpoint does for its user is declared with its viewset, see
# kern/api/beschrijvingen.py.)


def _service(view, kind: str) -> Callable[..., Any]:
    # Looked up on the class, so a plain function assigned there stays unbound.
    service = getattr(type(view), f"{kind}_service", None)
    if service is None:  # pragma: no cover
        raise NotImplementedError(f"{type(view).__name__} names no {kind}_service")
    return service


def _row_kwargs(view, instance: models.Model) -> dict[str, models.Model]:
    return {view.instance_kwarg or view.model._meta.model_name: instance}


class CreateMixin:
    """POST through `create_object(data, actor)`, a call of the create service."""

    create_service: Callable[..., Any] | None = None

    def create_object(self, data: dict[str, Any], actor):
        return _service(self, "create")(actor=actor, **data)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        obj = self.create_object(dict(serializer.validated_data), request.user)
        obj = self.get_queryset().get(pk=obj.pk)
        response = Response(
            self.get_serializer(obj).data, status=status.HTTP_201_CREATED
        )
        response["ETag"] = etag_of(obj)
        return response


class UpdateMixin:
    """PUT/PATCH through `update_object(instance, data, actor)`, with If-Match.

    The row is locked while the ETag is compared and the service writes, so of N
    concurrent updates carrying the same ETag exactly one wins; the rest get 412.
    """

    update_service: Callable[..., Any] | None = None
    instance_kwarg: str | None = None

    def update_object(self, instance, data: dict[str, Any], actor):
        return _service(self, "update")(
            **_row_kwargs(self, instance), actor=actor, **data
        )

    def update(self, request, *args, partial=False, **kwargs):
        with transaction.atomic():
            instance = self.get_object()
            instance = type(instance).objects.select_for_update().get(pk=instance.pk)
            if_match = request.headers.get("If-Match")
            if if_match and not (
                _matches(if_match, etag_of(instance))
                or _matches(if_match, self.etag_for(instance))
            ):
                raise PreconditionFailed
            serializer = self.get_serializer(
                instance, data=request.data, partial=partial
            )
            serializer.is_valid(raise_exception=True)
            self.update_object(instance, dict(serializer.validated_data), request.user)
        obj = self.get_queryset().get(pk=instance.pk)
        response = Response(self.get_serializer(obj).data)
        response["ETag"] = etag_of(obj)
        return response

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)


class DestroyMixin:
    """DELETE through `delete_object(instance, actor)`, a call of the delete service."""

    delete_service: Callable[..., Any] | None = None
    instance_kwarg: str | None = None

    def delete_object(self, instance, actor):
        _service(self, "delete")(**_row_kwargs(self, instance), actor=actor)

    def destroy(self, request, *args, **kwargs):
        self.delete_object(self.get_object(), request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

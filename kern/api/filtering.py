"""The API's reading of filter and ordering parameters (its own module, like
pagination).

Filters never reach what the serializer hides. A view's field mask
(`ScopedViewSet.get_field_mask`) names the fields hidden from the requesting user
on some row they reach. For that user those fields do not exist as parameters:

- a filter that reads a hidden field filters nothing (its value is still
  checked: a malformed one answers 400, as for anyone, which tells nothing);
- an ordering term on a hidden field is ignored (an ordering term the view does
  not offer at all answers 400 naming the terms it offers, as for anyone);
- the search `q` searches only the fields the user sees.

So the answer is the same with and without such a parameter, whatever the
hidden values are; and a query the schema allows still succeeds (no 400 that
the schema cannot state per user).

Which filter reads which field, and the narrowing itself, are in
`kern.filtering`, shared with the filter forms of the UI lists.
"""

from __future__ import annotations

import copy
import re
from typing import Protocol

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

import django_filters as filters
from django_filters.filters import FilterMethod, QuerySetRequestMixin
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter

from kern.filtering import narrow_to_visible, root_field

BOOLEANS = frozenset({"true", "false", "True", "False", "1", "0"})


class FieldMask(Protocol):
    """Which fields of which rows one user may not see."""

    def shows(self, instance, field: str) -> bool: ...

    def hidden_fields(self) -> frozenset[str]: ...


def _hidden_fields(view) -> frozenset[str]:
    mask = view.field_mask() if hasattr(view, "field_mask") else None
    return mask.hidden_fields() if mask is not None else frozenset()


def _ignore(queryset, value):
    return queryset


class _CopiedShallow(dict):
    """A filterset's filters, copied one level deep where django-filter copies
    them whole for every request: a filterset sets only attributes of its own
    copies (its model, itself as their parent; the API's `_ignore`), never
    what they share (their arguments and labels). A filter by a method of
    its filterset calls it through an object bound to the filter: the copy
    gets one bound to itself."""

    def __deepcopy__(self, memo):
        copies = {}
        for name, filter_ in self.items():
            copied = copies[name] = copy.copy(filter_)
            if isinstance(copied.__dict__.get("filter"), FilterMethod):
                copied.filter = FilterMethod(copied)
        return copies


_FILTERSET_CLASSES: dict[type, type] = {}


def _request_class(filterset_class: type) -> type:
    """The filterset class as the API instantiates it per request: the same
    filters, copied shallow (`_CopiedShallow`)."""
    made = _FILTERSET_CLASSES.get(filterset_class)
    if made is None:
        made = type(
            filterset_class.__name__,
            (filterset_class,),
            {
                "__module__": filterset_class.__module__,
                "__qualname__": filterset_class.__qualname__,
                "__doc__": filterset_class.__doc__,
            },
        )
        made.base_filters = _CopiedShallow(made.base_filters)
        _FILTERSET_CLASSES[filterset_class] = made
    return made


# The form class of each filterset class whose filters' fields do not depend
# on the request (django-filter builds it anew for every filterset).
_FORM_CLASSES: dict[tuple, type] = {}


def _bind_form(filterset) -> None:
    """Give the filterset its form from the form class built once for its
    class (its fields are copied per form, as Django's forms do)."""
    if any(isinstance(f, QuerySetRequestMixin) for f in filterset.filters.values()):
        return  # a field whose choices may depend on the request
    key = (type(filterset), tuple(filterset.filters))
    form_class = _FORM_CLASSES.get(key)
    if form_class is None:
        form_class = _FORM_CLASSES[key] = filterset.get_form_class()
    if filterset.is_bound:
        filterset._form = form_class(filterset.data, prefix=filterset.form_prefix)
    else:
        filterset._form = form_class(prefix=filterset.form_prefix)


class ApiFilterBackend(DjangoFilterBackend):
    """django-filter, read strictly: a filter given twice, a typed filter given
    empty, or a yes/no filter given another word than true/false answers 400
    naming the parameter. (The forms of the UI keep django-filter's leniency,
    where an empty field means "any".) Text filters may be empty."""

    def filter_queryset(self, request, queryset, view):
        # No database stores or compares a NUL character in text.
        nul = [name for name, value in request.query_params.items() if "\x00" in value]
        if nul:
            raise ValidationError(
                {name: [_("Null-tekens zijn niet toegestaan.")] for name in nul}
            )
        return super().filter_queryset(request, queryset, view)

    def get_filterset_class(self, view, queryset=None):
        filterset_class = super().get_filterset_class(view, queryset)
        return None if filterset_class is None else _request_class(filterset_class)

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is None:
            return None
        _bind_form(filterset)
        for name in narrow_to_visible(filterset, _hidden_fields(view)):
            # Its value is still checked (a malformed one is a 400, which
            # depends on the value alone), but it filters nothing.
            filterset.filters[name].filter = _ignore
        errors = {}
        for name, filter_ in filterset.filters.items():
            values = request.query_params.getlist(name)
            if not values:
                continue
            if len(values) > 1:
                errors[name] = [_("Geef deze parameter hoogstens één keer.")]
            elif isinstance(filter_, filters.CharFilter):
                continue
            elif not values[0].strip():
                errors[name] = [_("Geef een waarde, of laat de parameter weg.")]
            elif (
                isinstance(filter_, filters.BooleanFilter) and values[0] not in BOOLEANS
            ):
                errors[name] = [_("Geef true of false.")]
        if errors:
            raise ValidationError(errors)
        return filterset


class ApiOrderingFilter(OrderingFilter):
    """DRF's ordering, where a term the view does not offer answers 400 naming
    the parameter and the terms it offers (DRF would ignore it), and a term on
    a field hidden from the user is ignored. The schema states the offered
    terms as the parameter's pattern."""

    ordering_description = gettext_lazy(
        "Sorteervolgorde: een of meer van de velden in het patroon, gescheiden "
        "door komma's; een - ervoor sorteert aflopend."
    )

    def offered(self, view) -> list[str]:
        """The field names the view lets a client order on."""
        queryset = view.model.objects.none() if getattr(view, "model", None) else None
        return [name for name, _label in self.get_valid_fields(queryset, view)]

    def get_ordering(self, request, queryset, view):
        values = request.query_params.getlist(self.ordering_param)
        if len(values) > 1:
            raise ValidationError(
                {self.ordering_param: [_("Geef deze parameter hoogstens één keer.")]}
            )
        if values:
            offered = self.offered(view)
            terms = values[0].split(",")
            unknown = [term for term in terms if term.removeprefix("-") not in offered]
            if unknown:
                shown = ", ".join(repr(term[:50]) for term in unknown[:5])
                raise ValidationError(
                    {
                        self.ordering_param: [
                            _(
                                "De sortering moet een of meer van %(velden)s "
                                "zijn, gescheiden door komma's (met - ervoor: "
                                "aflopend); onbekend: %(termen)s."
                            )
                            % {"velden": ", ".join(offered), "termen": shown}
                        ]
                    }
                )
        return super().get_ordering(request, queryset, view)

    def filter_queryset(self, request, queryset, view):
        ordering = self.get_ordering(request, queryset, view)
        if not ordering:
            return queryset
        # Rows equal on the asked fields follow their id, as in the default
        # ordering: the same order on every page and every database (and a
        # total order, so a page can continue after a row, kern.api.seek).
        return queryset.order_by(*ordering, "pk")

    def remove_invalid_fields(self, queryset, fields, view, request):
        hidden = _hidden_fields(view)
        return [term for term in fields if root_field(term) not in hidden]

    def get_schema_operation_parameters(self, view):
        term = "-?(?:" + "|".join(re.escape(name) for name in self.offered(view)) + ")"
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": str(self.ordering_description),
                "schema": {"type": "string", "pattern": f"^{term}(?:,{term})*$"},
            }
        ]

"""The API's reading of filter parameters (its own module, like pagination)."""

from django.utils.translation import gettext as _

import django_filters as filters
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError

BOOLEANS = frozenset({"true", "false", "True", "False", "1", "0"})


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

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is None:
            return None
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

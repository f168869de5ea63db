"""Paging of every list endpoint (its own module: DRF imports it while loading
its generic views)."""

from django.core.paginator import Page as DjangoPage
from django.core.paginator import Paginator as DjangoPaginator
from django.utils.translation import gettext as _

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

# Past this an OFFSET overflows the database's integer; such a page is past
# the end of any list, which Django's own path answers after a count.
_LARGEST_OFFSET = 2**62


class Page(DjangoPage):
    """Django's page, iterated as its list of rows (Django's goes through
    `__getitem__` row by row)."""

    def __iter__(self):
        if not isinstance(self.object_list, list):
            self.object_list = list(self.object_list)
        return iter(self.object_list)


class Paginator(DjangoPaginator):
    """Django's paginator; a list that can read a window of rows together with
    its count (`window_with_count`, the API's lean lists) is read in one query
    instead of a count and then the rows."""

    def _get_page(self, *args, **kwargs):
        return Page(*args, **kwargs)

    def page(self, number):
        window_with_count = getattr(self.object_list, "window_with_count", None)
        if window_with_count is None or self.orphans or "count" in self.__dict__:
            return super().page(number)
        try:
            number = int(number)
        except (TypeError, ValueError):
            return super().page(number)  # Django's own error for the number
        bottom = (number - 1) * self.per_page
        if number < 1 or bottom >= _LARGEST_OFFSET:
            return super().page(number)  # Django's error, or its 404 past the end
        rows, count = window_with_count(slice(bottom, bottom + self.per_page))
        if count is None:
            if number > 1:
                return super().page(number)  # past the end: Django's 404
            count = 0  # the first page is empty: so is the list
        self.__dict__["count"] = count  # Paginator.count is a cached property
        return self._get_page(rows, number, self)


class Pagination(PageNumberPagination):
    """Page numbers from 1, at most 500 rows a page (a larger `page_size` is
    capped). Unlike DRF's default, a `page_size` or `page` that is not a positive
    whole number answers 400 naming the parameter, instead of being silently
    replaced by the default."""

    django_paginator_class = Paginator
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    last_page_strings = ()

    def _one_value(self, request, name: str) -> str | None:
        values = request.query_params.getlist(name)
        if not values:
            return None
        if len(values) > 1 or not values[0].strip():
            raise ValidationError({name: [_("Geef één geheel getal.")]})
        return values[0]

    def get_page_size(self, request):
        raw = self._one_value(request, self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if size < 1:
            raise ValidationError(
                {self.page_size_query_param: [_("Een geheel getal vanaf 1.")]}
            )
        return min(size, self.max_page_size)

    def paginate_queryset(self, queryset, request, view=None):
        self._one_value(request, self.page_query_param)
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response_schema(self, schema):
        page = super().get_paginated_response_schema(schema)
        page["description"] = _("Eén pagina van een lijst.")
        fields = {
            "count": _("Het aantal rijen van de hele lijst, over alle pagina's."),
            "next": _("Het adres van de volgende pagina; null op de laatste."),
            "previous": _("Het adres van de vorige pagina; null op de eerste."),
            "results": _("De rijen van deze pagina, in de volgorde van de lijst."),
        }
        for name, text in fields.items():
            page["properties"][name]["description"] = text
        return page

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
                parameter["description"] = _(
                    "Paginanummer, vanaf 1; een pagina voorbij de laatste "
                    "antwoordt 404."
                )
            elif parameter["name"] == self.page_size_query_param:
                parameter["schema"]["minimum"] = 1
                parameter["description"] = _(
                    "Rijen per pagina (standaard %(standaard)s, hoogstens "
                    "%(hoogstens)s: meer wordt %(hoogstens)s)."
                ) % {"standaard": self.page_size, "hoogstens": self.max_page_size}
        return parameters

"""Paging of every list endpoint (its own module: DRF imports it while loading
its generic views)."""

from urllib import parse

from django.core.paginator import InvalidPage
from django.core.paginator import Page as DjangoPage
from django.core.paginator import Paginator as DjangoPaginator
from django.utils.translation import gettext as _

from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination

from . import seek

# Past this an OFFSET overflows the database's integer; such a page is past
# the end of any list, which Django's own path answers after a count.
_LARGEST_OFFSET = 2**62


class Page(DjangoPage):
    """Django's page, iterated as its list of rows (Django's goes through
    `__getitem__` row by row). A page read after a position (`kern.api.seek`)
    knows from its rows whether another page follows (`more`)."""

    more: bool | None = None

    def __iter__(self):
        if not isinstance(self.object_list, list):
            self.object_list = list(self.object_list)
        return iter(self.object_list)

    def has_next(self):
        return super().has_next() if self.more is None else self.more

    def next_page_number(self):
        return super().next_page_number() if self.more is None else self.number + 1


class Paginator(DjangoPaginator):
    """Django's paginator; a list that can read a window of rows together with
    its count (`window_with_count`, the API's lean lists) is read in one query
    instead of a count and then the rows."""

    # (seek terms, ordering values, count) of the row before page `number`.
    position: tuple[int, list, list, int] | None = None

    def _get_page(self, *args, **kwargs):
        return Page(*args, **kwargs)

    def page(self, number):
        if self.position is not None and str(number).strip() == str(self.position[0]):
            number, terms, values, count = self.position
            rows = self.object_list.after(terms, values, self.per_page + 1)
            if rows:  # else the list changed: the page by its number
                self.__dict__["count"] = count
                page = self._get_page(rows[: self.per_page], number, self)
                page.more = len(rows) > self.per_page
                return page
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
    # The ordering's seek terms of the list being paged (None: pages by
    # number only) and what its positions are bound to (`kern.api.seek`).
    seek_terms = None
    seek_key = None

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
        """DRF's page by number; after a position made for this page of this
        list (`kern.api.seek`), the rows after it."""
        self._one_value(request, self.page_query_param)
        position = self._position(request)
        self.request = request
        paginator = self.django_paginator_class(queryset, self.get_page_size(request))
        number = self.get_page_number(request, paginator)
        terms_of = getattr(queryset, "seek_terms", None)
        self.seek_terms = terms_of() if terms_of is not None else None
        if self.seek_terms is not None:
            self.seek_key = seek.list_key(request, self.seek_terms)
            if (
                position is not None
                and position.key == self.seek_key
                and str(position.page) == str(number).strip()
            ):
                try:
                    values = position.ordering_values(self.seek_terms)
                except seek.InvalidPositionError:
                    raise self._invalid_position() from None
                paginator.position = (
                    position.page,
                    self.seek_terms,
                    values,
                    position.count,
                )
        try:
            self.page = paginator.page(number)
        except InvalidPage as exc:
            raise NotFound(
                self.invalid_page_message.format(page_number=number, message=exc)
            ) from None
        if paginator.num_pages > 1 and self.template is not None:
            self.display_page_controls = True
        return list(self.page)

    def _position(self, request) -> seek.Position | None:
        """The `vervolg` position, checked (400 naming it if not the server's)."""
        # Empty, as an empty filter: not given.
        values = [v for v in request.query_params.getlist(seek.PARAMETER) if v]
        if not values:
            return None
        if len(values) > 1:
            raise ValidationError(
                {seek.PARAMETER: [_("Geef deze parameter hoogstens één keer.")]}
            )
        if len(values[0]) > seek.MAX_LENGTH:
            raise self._invalid_position()
        try:
            return seek.read(values[0])
        except seek.InvalidPositionError:
            # Not a position this server made (altered, cut off): it only
            # spares the database work, so the page is read by its number.
            return None

    def _invalid_position(self) -> ValidationError:
        return ValidationError(
            {
                seek.PARAMETER: [
                    _(
                        "Een vervolg mag hoogstens %(max)s tekens lang zijn: neem "
                        "de next-link ongewijzigd over, of laat de parameter weg."
                    )
                    % {"max": seek.MAX_LENGTH}
                ]
            }
        )

    def get_next_link(self):
        if not self.page.has_next():
            return None
        rows = self.page.object_list
        token = None
        if self.seek_terms is not None and rows:
            token = seek.make(
                page=self.page.number + 1,
                key=self.seek_key,
                count=self.page.paginator.count,
                row=rows[-1],
                terms=self.seek_terms,
            )
        return self._link(self.page.next_page_number(), token)

    def get_previous_link(self):
        if not self.page.has_previous():
            return None
        return self._link(self.page.previous_page_number(), None)

    def _link(self, number: int, token: str | None) -> str:
        """This request's address for page `number` (none for the first, as
        DRF writes it), continuing after `token` if any; one pass over the
        query string where DRF's links take one per parameter."""
        scheme, netloc, path, query, fragment = parse.urlsplit(
            self.request.build_absolute_uri()
        )
        params = parse.parse_qs(query, keep_blank_values=True)
        params.pop(seek.PARAMETER, None)
        params.pop(self.page_query_param, None)
        if number != 1:
            params[self.page_query_param] = [str(number)]
        if token is not None:
            params[seek.PARAMETER] = [token]
        query = parse.urlencode(sorted(params.items()), doseq=True)
        return parse.urlunsplit((scheme, netloc, path, query, fragment))

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
        parameters.append(
            {
                "name": seek.PARAMETER,
                "required": False,
                "in": "query",
                "description": _(
                    "Waar de volgende pagina begint: de waarde uit de next-link, "
                    "ongewijzigd. Zo leest de server de pagina na de laatste rij "
                    "van de vorige, zonder de rijen ervoor; count blijft dan het "
                    "aantal van de eerste pagina. Zonder deze parameter geldt "
                    "het paginanummer; een waarde die de server niet gaf "
                    "antwoordt 400."
                ),
                "schema": {"type": "string", "maxLength": seek.MAX_LENGTH},
            }
        )
        return parameters

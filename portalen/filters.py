"""The filter forms above the lists of the portals: the API's FilterSets, shown
as a page's form.

A list page filters with the FilterSet of its resource, as the API does, so a
page and the API select alike:

    filters = GebouwListFilter(request.GET, in_portal(request, Gebouw.objects),
                               request=request, choices={...})
    rows = filters.qs            # render filters.form above the list

`PageFilter`, put before the FilterSet in a subclass, adds only what the page
shows:

- `page_fields`: the filters the page offers, in order (the page reads no other
  parameter);
- `params`: the page's query parameter of a filter where it is not the API's
  name (bookmarked addresses keep working);
- `labels`, `help_texts`, `widgets`: Dutch labels and the widgets of a page;
- `choices` (per instance): a filter shown as a choice of the values present;
- `defaults`: the value of a filter the address leaves out (and the one used
  when the given value is refused);
- `hidden` (per instance): the fields the user may not see on some row of the
  list; their filters are not offered and the search skips them, as in the
  API (`kern.filtering`).

Bad input is an error on its form field; the other filters still apply.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kern.filtering import narrow_to_visible


def search_input() -> forms.TextInput:
    return forms.TextInput(attrs={"type": "search"})


class PageFilter:
    """A FilterSet as the filter form of a list page (see the module)."""

    label = ""  # the form's name for assistive technology ("Gebouwen filteren")
    page_fields: tuple[str, ...] = ()
    params: dict[str, str] = {}
    labels: dict = {}
    help_texts: dict = {}
    widgets: dict = {}
    defaults: dict[str, str] = {}

    def __init__(
        self, data, queryset, *, request=None, hidden=frozenset(), choices=None
    ):
        self.given = data
        if data is not None:
            missing = {
                param: value
                for param, value in self.defaults.items()
                if not data.get(param)
            }
            if missing:
                data = data.copy()
                data.update(missing)
        super().__init__(data, queryset=queryset, request=request)
        left_out = narrow_to_visible(self, frozenset(hidden))
        choices = choices or {}
        offered = {}
        for name in self.page_fields:
            if name in left_out:
                continue
            filter_ = self.filters[name]
            param = self.params.get(name, name)
            if name in self.labels:
                filter_.label = self.labels[name]
            if name in self.help_texts:
                filter_.extra["help_text"] = self.help_texts[name]
            if name in self.widgets:
                filter_.extra["widget"] = self.widgets[name]
            if param in choices:
                _as_choice(filter_, choices[param])
            offered[param] = filter_
        self.filters = offered

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        for param in self.defaults:
            if param in self.form.errors:
                queryset = self.filters[param].filter(queryset, self.value(param))
        return queryset

    def value(self, param: str):
        """The value a filter selects on: the valid one given, else the
        default."""
        if param in self.errors or param not in self.form.cleaned_data:
            default = self.defaults.get(param)
            return None if default is None else self.form.fields[param].clean(default)
        return self.form.cleaned_data[param]

    @property
    def active(self) -> bool:
        """Whether the address sets any of the page's filters."""
        return self.given is not None and any(
            self.given.get(param) for param in self.filters
        )


def _as_choice(filter_, choices) -> None:
    """Show `filter_` as a choice of `choices` (with the blank choice first,
    when there is one); a value outside them is an error on the field."""
    numeric = issubclass(filter_.field_class, forms.IntegerField)
    extra = {
        key: filter_.extra[key]
        for key in ("required", "help_text", "widget")
        if key in filter_.extra
    }
    filter_.field_class = forms.TypedChoiceField
    # A number filter's bound (django-filter's) would compare the raw text.
    filter_.get_max_validator = lambda: None
    filter_.extra = extra | {
        "choices": choices,
        "coerce": int if numeric else str,
        "empty_value": None,
    }


def choices_of(objects, empty_label, label=str) -> list[tuple]:
    """A blank choice (`empty_label`), then one per object: its pk (a value
    itself for plain values) and its label."""
    return [
        ("", empty_label),
        *((getattr(obj, "pk", obj), label(obj)) for obj in objects),
    ]


# The gebouw filter of the beheerder's lists ----------------------------------------

# Up to this many gebouwen a list offers them as a choice; above it the filter is
# a search by complexnummer (a list of hundreds of options helps no one, and
# building it would cost what the corporatie holds, not what the page shows).
GEBOUW_KEUZE_MAX = 50


def gebouw_keuzes(gebouwen) -> list[tuple] | None:
    """The choices of a gebouw filter over `gebouwen` (a queryset: the gebouwen
    the list can show something for), or None when there are more than
    `GEBOUW_KEUZE_MAX` (then the filter takes a complexnummer). One query that
    reads at most GEBOUW_KEUZE_MAX + 1 rows."""
    rows = list(
        gebouwen.order_by("complexnummer", "pk").values_list(
            "pk", "complexnummer", "naam"
        )[: GEBOUW_KEUZE_MAX + 1]
    )
    if len(rows) > GEBOUW_KEUZE_MAX:
        return None
    return [("", _("alle gebouwen")), *((pk, f"{nr} {naam}") for pk, nr, naam in rows)]


COMPLEXNUMMER_HELP = _("Complexnummer van het gebouw, bijvoorbeeld C0012.")


def complexnummer_field(label) -> forms.CharField:
    """The gebouw filter as a search by complexnummer (see `gebouw_keuzes`)."""
    return forms.CharField(
        label=label,
        required=False,
        max_length=40,
        help_text=COMPLEXNUMMER_HELP,
        widget=search_input(),
    )

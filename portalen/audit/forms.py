"""The filters of the auditor's journal browser."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

import django_filters as filters

from kern.formatting import datum
from kern.forms import date_input
from ledger.filtersets import JournaalFilter
from portalen.filters import PageFilter, search_input


class JournaalDateField(forms.DateField):
    """A day to filter the journal on; years outside 1900–9998 are refused
    (they cannot be turned into a time range)."""

    def clean(self, value):
        day = super().clean(value)
        if day is not None and not 1900 <= day.year <= 9998:
            raise forms.ValidationError(
                _("Kies een datum tussen 1900 en 9998."), code="range"
            )
        return day


class JournaalDateFilter(filters.DateFilter):
    field_class = JournaalDateField


class JournaalForm(forms.Form):
    """The journal's filter form: a period must not end before it starts."""

    def clean(self):
        cleaned = super().clean()
        van, tot = cleaned.get("van"), cleaned.get("tot")
        if van and tot and tot < van:
            self.add_error(
                "tot",
                _("De einddatum mag niet vóór de begindatum (%(van)s) liggen.")
                % {"van": datum(van)},
            )
        return cleaned


def _start_of_day(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of `day` in the site's time zone (Europe/Amsterdam)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class JournaalListFilter(PageFilter, JournaalFilter):
    """Narrow the journal by period, action, object type, user and object text.

    Action and object type are the API's `action` and `object_type` (as `actie`
    and `objectsoort`, offered as the values present). The rest is the page's
    own: whole days in Europe/Amsterdam (the API takes moments, `sinds` and
    `tot`), and a search in the user or in the object apart (the API's `q`
    searches action, object and user at once)."""

    label = _("Journaal filteren")

    van = JournaalDateFilter(label=_("Van"), method="filter_van")
    tot = JournaalDateFilter(label=_("Tot en met"), method="filter_tot")
    gebruiker = filters.CharFilter(
        label=_("Gebruiker"),
        field_name="actor_name",
        lookup_expr="icontains",
        max_length=150,
    )
    zoek = filters.CharFilter(
        label=_("Object bevat"),
        field_name="object_repr",
        lookup_expr="icontains",
        max_length=200,
    )
    method_fields = {"van": ("timestamp",), "tot": ("timestamp",)}

    class Meta(JournaalFilter.Meta):
        form = JournaalForm

    page_fields = ("van", "tot", "action", "object_type", "gebruiker", "zoek")
    params = {"action": "actie", "object_type": "objectsoort"}
    labels = {"action": _("Actie"), "object_type": _("Objectsoort")}
    widgets = {
        "van": date_input(),
        "tot": date_input(),
        "gebruiker": search_input(),
        "zoek": search_input(),
    }

    def filter_van(self, queryset, name, value):
        return queryset.filter(timestamp__gte=_start_of_day(value))

    def filter_tot(self, queryset, name, value):
        day_after = value + datetime.timedelta(days=1)
        return queryset.filter(timestamp__lt=_start_of_day(day_after))

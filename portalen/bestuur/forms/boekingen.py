"""Forms of the bestuur's money book: bookings, storno, the list's filter.

The forms only shape and parse input; every rule (year lock, a booking
cancelled once) stays in `ledger.services`, whose refusals the views put back
on these forms.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

import django_filters as filters

from cooperatie.filtersets import JaarFilter
from kern import formatting
from kern.forms import BedragField
from ledger.filtersets import BoekingFilter
from ledger.models import Activiteit, Boeking
from portalen.bestuur.forms.activiteiten import (
    _date_input,
    _JaarKeuze,
    _model_field,
)
from portalen.filters import search_input

ZOEK_MAX_LENGTH = 100
"""Characters of a search in the money book; a longer one is an error."""


class BoekingListFilter(_JaarKeuze, BoekingFilter):
    """The year above the money book. Unlike the API's `jaar` (the booking's
    date), the page shows the bookings that count for the year: a storno in
    the year of the booking it cancels, as the totals and the toetsing count."""

    label = _("Boekingen filteren")

    jaar = JaarFilter(method="filter_voor_jaar")
    method_fields = {"jaar": ("datum", "corrigeert")}
    q = filters.CharFilter(method="search", max_length=ZOEK_MAX_LENGTH)
    page_fields = ("jaar", "q")
    params = {"q": "zoek"}
    labels = {**_JaarKeuze.labels, "q": _("Zoeken")}
    help_texts = {"q": _("Woorden uit de omschrijving.")}
    widgets = {"q": search_input()}

    def filter_voor_jaar(self, queryset, name, value):
        return queryset.voor_jaar(value)


class ActiviteitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Activiteit) -> str:
        return f"{formatting.datum(obj.datum)} {obj.titel}"


class BoekingForm(forms.Form):
    """A new entry in the money book."""

    datum = _model_field(Boeking, "datum", widget=_date_input())
    soort = forms.ChoiceField(
        label=_("Soort"),
        choices=Boeking._meta.get_field("soort").choices,
        widget=forms.RadioSelect,
    )
    bedrag = _model_field(
        Boeking,
        "bedrag",
        form_class=BedragField,
        help_text=_("In euro, altijd positief, bijv. 12,50 of 1.234,50."),
    )
    omschrijving = _model_field(Boeking, "omschrijving")
    activiteit = ActiviteitChoiceField(
        queryset=Activiteit.objects.none(),
        required=False,
        label=_("Activiteit"),
        empty_label=_("— geen —"),
        help_text=_("De activiteit waarvoor het geld is uitgegeven of ontvangen."),
    )

    def __init__(self, *args, activiteiten, **kwargs):
        """`activiteiten`: the cooperatie's activities the booking may name
        (those of open years)."""
        super().__init__(*args, **kwargs)
        self.fields["activiteit"].queryset = activiteiten.order_by("-datum", "titel")


class StornoForm(forms.Form):
    """The details of a storno (a counter-entry that cancels a booking): its
    reason (required) and optionally its date."""

    datum = forms.DateField(
        label=_("Datum van de storno"),
        required=False,
        widget=_date_input(),
        help_text=_("Leeg laten: de datum van de oorspronkelijke boeking."),
    )
    omschrijving = forms.CharField(
        label=_("Reden"),
        max_length=300,
        error_messages={"required": _("Een reden voor de storno moet ingevuld zijn.")},
        help_text=_("Waarom de boeking wordt teruggedraaid, bijv. “dubbel geboekt”."),
    )


class BonForm(forms.Form):
    """A receipt to attach to a booking: a photo or a PDF."""

    bestand = forms.FileField(
        label=_("Bon"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf"}),
        help_text=_("Een foto (JPEG, PNG, GIF, WebP) of PDF van de bon of factuur."),
    )
    omschrijving = forms.CharField(
        label=_("Omschrijving"),
        required=False,
        max_length=200,
        help_text=_("Optioneel, bijv. “kassabon Albert Heijn”."),
    )

"""Forms of the bestuur's member pages and of the member import (the member form
itself is `cooperatie.forms.LidForm`). They only check the input's shape; the
services decide and write."""

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

import django_filters as filters

from cooperatie.filtersets import LidFilter
from cooperatie.importeren import MAX_BYTES
from kern.forms import date_input
from portalen.filters import PageFilter, search_input


class LidEndForm(forms.Form):
    """The end date of a membership."""

    lid_tot = forms.DateField(
        label=_("Einddatum"),
        widget=date_input(),
        help_text=_(
            "De eerste dag dat het huishouden geen lid meer is. Een bestuursfunctie "
            "vervalt dan ook."
        ),
    )


class LidListFilter(PageFilter, LidFilter):
    """Which members the list shows: the API's search (as `zoek`) and a status
    relative to today that only the page offers (current members include those
    who join or leave later; the API has `actief_op`, a date)."""

    label = _("Leden filteren")

    HUIDIG = "huidig"
    VOORMALIG = "voormalig"
    ALLE = "alle"

    status = filters.ChoiceFilter(
        label=_("Leden"),
        choices=[
            (HUIDIG, _("huidige leden")),
            (VOORMALIG, _("oud-leden")),
            (ALLE, _("alle")),
        ],
        empty_label=None,
        method="filter_status",
    )
    method_fields = {"status": ("lid_tot",)}

    page_fields = ("status", "q")
    params = {"q": "zoek"}
    labels = {"q": _("Zoeken")}
    help_texts = {"q": _("Naam, e-mail, telefoon of adres.")}
    widgets = {"q": search_input()}
    defaults = {"status": HUIDIG}

    def filter_status(self, queryset, name, value):
        vandaag = timezone.localdate()
        if value == self.HUIDIG:
            return queryset.filter(Q(lid_tot__isnull=True) | Q(lid_tot__gt=vandaag))
        if value == self.VOORMALIG:
            return queryset.filter(lid_tot__lte=vandaag)
        return queryset


class ImportForm(forms.Form):
    """Step 1 of the import: the file and what to do with absent members."""

    bestand = forms.FileField(
        label=_("Bestand"),
        help_text=_(
            "Een CSV-bestand (met ; of , gescheiden) of een Excel-bestand (.xlsx), "
            "met de kolommen hieronder. Hoogstens 2 MB."
        ),
        widget=forms.FileInput(
            attrs={
                "accept": ".csv,.txt,.xlsx,text/csv,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )
    beeindig_ontbrekende = forms.BooleanField(
        label=_("Leden die niet in het bestand staan beëindigen"),
        required=False,
        initial=False,
        help_text=_(
            "Huidige leden die niet in het bestand voorkomen, krijgen de einddatum "
            "hieronder. Zet dit alleen aan als het bestand de hele ledenlijst bevat; "
            "de controle vraagt dan nog een bevestiging."
        ),
    )
    einddatum = forms.DateField(
        label=_("Einddatum voor leden die niet in het bestand staan"),
        widget=date_input(),
        required=False,
        help_text=_("De eerste dag dat zij geen lid meer zijn."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["einddatum"].initial = timezone.localdate()

    def clean_bestand(self):
        bestand = self.cleaned_data["bestand"]
        if bestand.size > MAX_BYTES:
            raise forms.ValidationError(
                _("Het bestand mag hoogstens %(mb)s MB groot zijn."),
                params={"mb": MAX_BYTES // (1024 * 1024)},
                code="too_big",
            )
        name = bestand.name.lower()
        if not name.endswith((".csv", ".txt", ".xlsx")):
            raise forms.ValidationError(
                _("Kies een .csv- of .xlsx-bestand."), code="extension"
            )
        return bestand

    def clean(self):
        cleaned = super().clean()
        missing = not cleaned.get("einddatum") and "einddatum" not in self.errors
        if cleaned.get("beeindig_ontbrekende") and missing:
            self.add_error(
                "einddatum", _("Vul de einddatum in, of zet het beëindigen uit.")
            )
        return cleaned

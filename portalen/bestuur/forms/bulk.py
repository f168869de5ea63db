"""Forms of the bestuur's bulk entry: repeating an activity, and the upload of
an activity or booking file. They only shape input; the rules stay in
`ledger.services` and `ledger.importeren`."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kern.forms import date_input
from kern.tabelimport import MAX_BYTES
from kern.validators import latest_date
from ledger.choices import Herhaling


class HerhalenForm(forms.Form):
    """How often, and until when, an activity comes back."""

    herhaling = forms.ChoiceField(
        label=_("Hoe vaak"),
        choices=Herhaling.choices,
        initial=Herhaling.WEKELIJKS,
        widget=forms.RadioSelect,
    )
    tot = forms.DateField(
        label=_("Tot en met"),
        widget=date_input(),
        help_text=_(
            "De laatste dag waarop de activiteit mag terugkomen. Elke herhaling "
            "wordt een eigen activiteit, die u daarna apart kunt aanpassen."
        ),
    )

    def __init__(self, *args, activiteit, **kwargs):
        self.activiteit = activiteit
        super().__init__(*args, **kwargs)

    def clean_tot(self):
        tot = self.cleaned_data["tot"]
        if tot <= self.activiteit.datum:
            raise forms.ValidationError(
                _("De einddatum moet na de datum van de activiteit liggen."),
                code="too_early",
            )
        if tot > latest_date():
            raise forms.ValidationError(
                _("De einddatum mag hoogstens tot eind volgend jaar liggen."),
                code="too_late",
            )
        return tot


class BulkImportForm(forms.Form):
    """Step 1 of an import: the file."""

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

    def clean_bestand(self):
        bestand = self.cleaned_data["bestand"]
        if bestand.size > MAX_BYTES:
            raise forms.ValidationError(
                _("Het bestand mag hoogstens %(mb)s MB groot zijn."),
                params={"mb": MAX_BYTES // (1024 * 1024)},
                code="too_big",
            )
        if not bestand.name.lower().endswith((".csv", ".txt", ".xlsx")):
            raise forms.ValidationError(
                _("Kies een .csv- of .xlsx-bestand."), code="extension"
            )
        return bestand

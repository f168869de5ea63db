"""Forms of the bestuur's member pages and of the member import. They only check
the input's shape; the services (`lid_create`, `lid_update`, `lid_end`) decide and
write."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..choices import Bestuursfunctie
from ..models import Lid
from .beheer import ServiceModelForm


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class LidForm(ServiceModelForm):
    """A member's data: the fields a user sets (`Lid.EDITABLE_FIELDS`), read by
    the member pages and, row by row, by the import. `lid_tot` is only on the
    form of a former member (to correct the date) and of an imported row; a
    current member is ended on its own page."""

    bestuursfunctie = forms.ChoiceField(
        label=_("Bestuursfunctie"),
        choices=[("", _("geen")), *Bestuursfunctie.choices],
        required=False,
        help_text=_("Alleen voor leden van het bestuur."),
    )

    class Meta:
        model = Lid
        fields = Lid.EDITABLE_FIELDS
        widgets = {
            "lid_sinds": _date_widget(),
            "lid_tot": _date_widget(),
            "doelgroep": forms.RadioSelect,
            "email": forms.EmailInput(attrs={"autocomplete": "off"}),
            "telefoon": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        }
        error_messages = {
            "lid_sinds": {
                "required": _("Vul de datum in waarop het lidmaatschap begon.")
            },
        }

    def __init__(self, *args, with_lid_tot: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_lid_tot:
            del self.fields["lid_tot"]
        else:
            self.fields["lid_tot"].help_text = _(
                "Eerste dag dat het huishouden geen lid meer is. Maak leeg als het "
                "huishouden weer lid is."
            )


class LidEndForm(forms.Form):
    """The end date of a membership."""

    lid_tot = forms.DateField(
        label=_("Einddatum"),
        widget=_date_widget(),
        help_text=_(
            "De eerste dag dat het huishouden geen lid meer is. Een bestuursfunctie "
            "vervalt dan ook."
        ),
    )


class LedenFilterForm(forms.Form):
    """Which members the list shows."""

    HUIDIG = "huidig"
    VOORMALIG = "voormalig"
    ALLE = "alle"

    status = forms.ChoiceField(
        label=_("Leden"),
        choices=[
            (HUIDIG, _("huidige leden")),
            (VOORMALIG, _("oud-leden")),
            (ALLE, _("alle")),
        ],
        required=False,
    )
    zoek = forms.CharField(
        label=_("Zoeken"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
        help_text=_("Naam, e-mail, telefoon of adres."),
    )


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
        initial=True,
        help_text=_(
            "Huidige leden die niet in het bestand voorkomen, krijgen de einddatum "
            "hieronder. Zet dit uit als het bestand maar een deel van de leden bevat."
        ),
    )
    einddatum = forms.DateField(
        label=_("Einddatum voor leden die niet in het bestand staan"),
        widget=_date_widget(),
        required=False,
        help_text=_("De eerste dag dat zij geen lid meer zijn."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["einddatum"].initial = timezone.localdate()

    def clean_bestand(self):
        # The importer validates its rows with LidForm above, so it is imported
        # here, when a file is checked, not when this module loads.
        from ..importeren import MAX_BYTES

        bestand = self.cleaned_data["bestand"]
        if bestand.size > MAX_BYTES:
            raise forms.ValidationError(
                _("Het bestand is groter dan %(mb)s MB."),
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

"""Forms of the beheerder's pages for gebouwen, coöperaties and overeenkomsten.

The forms only parse input; every rule (formats, uniqueness, overlap, scope) is
checked by the service the view calls, whose refusals land on these forms through
`portalen.ui.apply_errors`.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from cooperatie.models import Cooperatie, Gebouw, Overeenkomst
from kern.forms import ServiceModelForm, date_input


class GebouwForm(ServiceModelForm):
    class Meta:
        model = Gebouw
        fields = Gebouw.EDITABLE_FIELDS
        help_texts = {
            "complexnummer": _("Uniek binnen uw corporatie."),
            "postcode": _("Bijvoorbeeld 1234 AB."),
            "gemeentecode": _("GM gevolgd door 4 cijfers, bijvoorbeeld GM0363."),
            "buurtcode": _(
                "CBS-buurtcode: BU, 4 cijfers en 4 cijfers of hoofdletters, "
                "bijvoorbeeld BU03630000. Vul dan ook het kaartjaar in."
            ),
        }


class GebouwFilterForm(forms.Form):
    """The filters above the list of gebouwen (GET)."""

    q = forms.CharField(
        label=_("Zoeken"),
        required=False,
        help_text=_("Complexnummer, naam, adres of buurtcode."),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    gemeente = forms.ChoiceField(label=_("Gemeente"), required=False)

    def __init__(self, *args, gemeentecodes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gemeente"].choices = [
            ("", _("alle gemeenten")),
            *[(code, code) for code in gemeentecodes],
        ]


class CooperatieForm(ServiceModelForm):
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = Cooperatie
        fields = Cooperatie.EDITABLE_FIELDS
        widgets = {"opgericht_op": date_input()}
        help_texts = {"kvk_nummer": _("8 cijfers.")}


class OvereenkomstForm(ServiceModelForm):
    """A new overeenkomst: gebouw and coöperatie from the portal only."""

    class Meta:
        model = Overeenkomst
        fields = ("gebouw", "cooperatie", *Overeenkomst.EDITABLE_FIELDS)
        widgets = {"ingangsdatum": date_input(), "einddatum": date_input()}
        help_texts = {
            "aantal_woningen": _("Leeg: alle woningen van het gebouw."),
        }

    def __init__(self, *args, gebouwen, cooperaties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gebouw"].queryset = gebouwen
        self.fields["cooperatie"].queryset = cooperaties
        self.fields["aantal_woningen"].required = False


class OvereenkomstEditForm(ServiceModelForm):
    """An existing overeenkomst: gebouw and coöperatie stay as they are."""

    class Meta:
        model = Overeenkomst
        fields = Overeenkomst.EDITABLE_FIELDS
        widgets = {"ingangsdatum": date_input(), "einddatum": date_input()}


class OvereenkomstEndForm(forms.Form):
    einddatum = forms.DateField(
        label=_("Einddatum"),
        help_text=_("De laatste dag van de overeenkomst."),
        widget=date_input(),
    )


class OvereenkomstFilterForm(forms.Form):
    """The filters above the list of overeenkomsten (GET)."""

    LOPEND = "lopend"
    BEEINDIGD = "beeindigd"

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("alle")),
            (LOPEND, _("lopend")),
            (BEEINDIGD, _("beëindigd")),
        ],
    )
    cooperatie = forms.ModelChoiceField(
        label=_("Coöperatie"),
        required=False,
        queryset=Cooperatie.objects.none(),
        empty_label=_("alle coöperaties"),
    )
    gebouw = forms.ModelChoiceField(
        label=_("Gebouw"),
        required=False,
        queryset=Gebouw.objects.none(),
        empty_label=_("alle gebouwen"),
    )

    def __init__(self, *args, gebouwen, cooperaties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gebouw"].queryset = gebouwen
        self.fields["cooperatie"].queryset = cooperaties

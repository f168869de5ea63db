"""The member form: a member's data as a user sets it. The bestuur's member pages
and, row by row, the member import validate with it; the services (`lid_create`,
`lid_update`, `lid_end`) decide and write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kern.forms import ServiceModelForm, date_input

from .choices import Bestuursfunctie
from .models import Lid


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
            "lid_sinds": date_input(),
            "lid_tot": date_input(),
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

"""Forms of the beheerder's prestatieafspraak pages: the prestatieafspraak and,
in the same form, the rows of its targets (doelen). The forms only parse; the
services in `afspraken.services` decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from afspraken.models import MAX_DOELEN, Prestatieafspraak, Prestatiedoel
from afspraken.services import DOEL_FIELDS
from kern.forms import ServiceModelForm

# Blank rows offered under the stored targets.
EXTRA_DOELEN = 3


class PrestatieafspraakForm(ServiceModelForm):
    class Meta:
        model = Prestatieafspraak
        fields = (
            "gemeentecode",
            "titel",
            "ingangsjaar",
            "eindjaar",
            "huurdersorganisatie",
        )
        help_texts = {
            "ingangsjaar": _("Het eerste jaar waarin de prestatieafspraak geldt."),
        }

    def clean_gemeentecode(self):
        return self.cleaned_data["gemeentecode"].strip().upper()


class PrestatiedoelForm(forms.ModelForm):
    """One target row; a row left empty is skipped."""

    class Meta:
        model = Prestatiedoel
        fields = DOEL_FIELDS

    def _post_clean(self):
        pass  # the service validates the row


class BaseDoelFormSet(forms.BaseFormSet):
    def rows(self) -> list[forms.Form]:
        """The stored and the filled rows not ticked off, in their order."""
        stored = self.initial_form_count()
        return [
            row
            for index, row in enumerate(self.forms)
            if (index < stored or row.has_changed())
            and not row.cleaned_data.get("DELETE", False)
        ]

    def doelen(self) -> list[dict]:
        """`rows()` as the service takes them (it keeps a stored target that
        did not change)."""
        return [
            {name: row.cleaned_data.get(name) for name in DOEL_FIELDS}
            for row in self.rows()
        ]


DoelFormSet = forms.formset_factory(
    PrestatiedoelForm,
    formset=BaseDoelFormSet,
    extra=EXTRA_DOELEN,
    can_delete=True,
    max_num=MAX_DOELEN,
    validate_max=True,
    absolute_max=MAX_DOELEN,
)


def doel_initial(prestatieafspraak: Prestatieafspraak | None) -> list[dict]:
    if prestatieafspraak is None:
        return []
    return list(
        prestatieafspraak.doelen.order_by("volgorde", "pk").values(*DOEL_FIELDS)
    )

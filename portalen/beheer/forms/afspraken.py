"""Forms of the beheerder's afspraak pages: the afspraak and, in the same form,
a formset of its toezeggingen.

As everywhere in the UI, the forms only parse input; the services in
`afspraken.services` decide, and their refusals land on these forms (per row for
the toezeggingen) through `portalen.ui.apply_errors`.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext_lazy as _

from afspraken.filtersets import AfspraakFilter
from afspraken.models import Afspraak, Toezegging
from afspraken.selectors import SPEC_FIELDS
from kern.forms import ServiceModelForm, date_input
from portalen.filters import PageFilter

# Blank rows offered under the existing toezeggingen (more after saving).
EXTRA_TOEZEGGINGEN = 3


class AfspraakForm(ServiceModelForm):
    """An afspraak's own fields; the coöperatie only when it is new (the service
    does not move an afspraak to another coöperatie)."""

    class Meta:
        model = Afspraak
        fields = (
            "cooperatie",
            "titel",
            "ondertekend_op",
            "ingangsjaar",
            "eindjaar",
            "prestatieafspraak",
            "prestatieafspraak_kenmerk",
            "indienen_maand",
            "indienen_dag",
            "gebouwen",
        )
        widgets = {
            "ondertekend_op": date_input(),
            "gebouwen": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "ingangsjaar": _("Het eerste jaar waarin de afspraak geldt."),
            "gebouwen": _("De gebouwen van uw corporatie waarover de afspraak gaat."),
        }

    # The deadline has a default (1 April): left empty, the stored day stays.
    TERMIJN_FIELDS = ("indienen_maand", "indienen_dag")

    def __init__(self, *args, gebouwen, prestatieafspraken, cooperaties=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gebouwen"].queryset = gebouwen
        self.fields["prestatieafspraak"].queryset = prestatieafspraken
        for name in self.TERMIJN_FIELDS:
            self.fields[name].required = False
        if cooperaties is None:
            del self.fields["cooperatie"]
        else:
            self.fields["cooperatie"].queryset = cooperaties

    def clean_indienen_maand(self):
        return self.cleaned_data["indienen_maand"] or self.instance.indienen_maand

    def clean_indienen_dag(self):
        return self.cleaned_data["indienen_dag"] or self.instance.indienen_dag


class ToezeggingForm(ServiceModelForm):
    """One toezegging row. A norm or 'deels vanaf' left empty takes the model's
    default (a kwalitatief clause needs no norm)."""

    DEFAULTED = ("norm", "deels_vanaf")

    class Meta:
        model = Toezegging
        fields = SPEC_FIELDS
        help_texts = {
            "norm": _(
                "Bij 'minimaal' de ondergrens, bij 'maximaal' de bovengrens; "
                "bij kwalitatief niet nodig."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.DEFAULTED:
            self.fields[name].required = False

    def clean(self):
        cleaned = super().clean()
        for name in self.DEFAULTED:
            if name in cleaned and cleaned[name] is None:
                cleaned[name] = Toezegging._meta.get_field(name).get_default()
        return cleaned

    def spec(self, *, changed_only: bool) -> dict:
        """The clause's values for the service: all of them, or the changed."""
        names = [n for n in SPEC_FIELDS if not changed_only or n in self.changed_data]
        return {name: self.cleaned_data[name] for name in names}


class BaseToezeggingFormSet(BaseInlineFormSet):
    """The rows of one afspraak. A row's hidden id must name a toezegging of
    this afspraak (Django accepts any toezegging id there)."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields[self._pk_field.name].queryset = self.get_queryset()

    def clean(self):
        super().clean()
        if any(
            name in row.errors
            for row in self.forms
            for name in (self._pk_field.name, self.fk.name)
        ):
            raise ValidationError(
                _(
                    "Een toezegging in dit formulier hoort niet (meer) bij deze "
                    "afspraak. Laad de pagina opnieuw."
                )
            )


ToezeggingFormSet = inlineformset_factory(
    Afspraak,
    Toezegging,
    form=ToezeggingForm,
    formset=BaseToezeggingFormSet,
    fields=SPEC_FIELDS,
    extra=EXTRA_TOEZEGGINGEN,
    can_delete=True,
    can_delete_extra=False,
)


class AfspraakListFilter(PageFilter, AfspraakFilter):
    """The filters above the list of afspraken: the API's coöperatie and year."""

    label = _("Afspraken filteren")

    page_fields = ("cooperatie", "jaar")
    labels = {"cooperatie": _("Coöperatie"), "jaar": _("Loopt in jaar")}

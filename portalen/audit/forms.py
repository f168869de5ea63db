"""The filters of the auditor's journal browser."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kern.formatting import datum

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


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


class JournaalFilterForm(forms.Form):
    """Narrow the journal by period, action, object type, user and object text.
    The action and object type choices are the ones present in the visible
    journal, passed in by the view."""

    van = JournaalDateField(label=_("Van"), required=False, widget=DATE_WIDGET)
    tot = JournaalDateField(label=_("Tot en met"), required=False, widget=DATE_WIDGET)
    actie = forms.ChoiceField(label=_("Actie"), required=False)
    objectsoort = forms.ChoiceField(label=_("Objectsoort"), required=False)
    gebruiker = forms.CharField(
        label=_("Gebruiker"),
        required=False,
        max_length=150,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    zoek = forms.CharField(
        label=_("Object bevat"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search"}),
    )

    def __init__(self, *args, acties=(), objectsoorten=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actie"].choices = [
            ("", _("Alle acties")),
            *((actie, actie) for actie in acties),
        ]
        self.fields["objectsoort"].choices = [
            ("", _("Alle objectsoorten")),
            *objectsoorten,
        ]

    def clean(self):
        cleaned = super().clean()
        van, tot = cleaned.get("van"), cleaned.get("tot")
        if van and tot and tot < van:
            self.add_error(
                "tot",
                _("De einddatum ligt vóór de begindatum (%(van)s).")
                % {"van": datum(van)},
            )
        return cleaned

    def active_filters(self) -> dict:
        """The valid, filled-in filters (an invalid field is left out)."""
        data = getattr(self, "cleaned_data", {})
        return {key: value for key, value in data.items() if value not in (None, "")}

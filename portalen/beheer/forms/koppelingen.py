"""The form to register a machine client: a name and its scopes, offered from
the one declaration of the API's scopes (`kern.api.scopes`)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kern.api.scopes import SCOPES, scope_label
from kern.validators import validate_single_line


def scope_choices() -> list[tuple[str, str]]:
    """Every scope with what it allows, in the language of the page."""
    return [(scope, f"{scope_label(scope)} ({scope})") for scope in SCOPES]


class KoppelingForm(forms.Form):
    naam = forms.CharField(
        label=_("Naam"),
        max_length=100,
        validators=[validate_single_line],
        help_text=_("Welk systeem de koppeling gebruikt, bijv. het ERP-pakket."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        choices=scope_choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Welke gegevens de koppeling mag lezen of wijzigen; kies niet meer "
            "dan zij nodig heeft. Een scope voor wijzigen geeft ook leestoegang."
        ),
    )

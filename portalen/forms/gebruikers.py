"""Forms of the access pages: inviting someone to a role by e-mail.

The forms only parse input: who may invite to which role is decided by
`cooperatie.uitnodigingen`, whose refusals land on these forms.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cooperatie.choices import RolSoort

BESTUUR_PREFIX = "bestuur:"


class BestuurUitnodigenForm(forms.Form):
    """Invite a fellow board member: only the address (the role is fixed)."""

    email = forms.EmailField(
        label=_("E-mailadres"),
        max_length=254,
        help_text=_("De uitnodiging met de link gaat naar dit adres."),
    )


class UitnodigenForm(BestuurUitnodigenForm):
    """Invite someone as beheerder or auditor of the corporatie, or to the board
    of one of the coöperaties in its reach (`cooperaties`)."""

    rol = forms.ChoiceField(label=_("Rol"))

    def __init__(self, *args, corporatie, cooperaties, **kwargs):
        super().__init__(*args, **kwargs)
        self.corporatie = corporatie
        self.cooperaties = {str(c.pk): c for c in cooperaties}
        self.fields["rol"].choices = [
            ("", _("kies een rol")),
            (
                RolSoort.BEHEERDER.value,
                _("beheerder van %(naam)s") % {"naam": corporatie},
            ),
            (RolSoort.AUDITOR.value, _("auditor van %(naam)s") % {"naam": corporatie}),
            (
                _("Bestuur van een coöperatie"),
                [
                    (f"{BESTUUR_PREFIX}{pk}", _("bestuur van %(naam)s") % {"naam": c})
                    for pk, c in self.cooperaties.items()
                ],
            ),
        ]

    def role_kwargs(self) -> dict:
        """The chosen role as the service's arguments (soort and organisation)."""
        rol = self.cleaned_data["rol"]
        if rol.startswith(BESTUUR_PREFIX):
            return {
                "soort": RolSoort.BESTUUR,
                "cooperatie": self.cooperaties[rol.removeprefix(BESTUUR_PREFIX)],
            }
        return {"soort": rol, "corporatie": self.corporatie}

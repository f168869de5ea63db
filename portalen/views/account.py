"""The signed-in user's own settings: language and notification mail."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from kern.accounts import accountinstelling_of, accountinstelling_update
from kern.models import Accountinstelling
from portalen.aanmelding import set_language_cookie


class AccountinstellingForm(forms.ModelForm):
    class Meta:
        model = Accountinstelling
        fields = ["taal", "meldingen_per_mail"]


@login_required
def instellingen(request):
    instelling = accountinstelling_of(request.user)
    form = AccountinstellingForm(request.POST or None, instance=instelling)
    if request.method == "POST" and form.is_valid():
        instelling = accountinstelling_update(
            user=request.user,
            actor=request.user,
            **{name: form.cleaned_data[name] for name in form.fields},
        )
        translation.activate(instelling.taal)
        messages.success(request, _("Uw instellingen zijn opgeslagen."))
        response = redirect("account-instellingen")
        set_language_cookie(response, instelling.taal)
        return response
    return render(request, "account/instellingen.html", {"form": form})

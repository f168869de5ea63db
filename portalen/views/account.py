"""The signed-in user's own settings: language and notification mail."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from kern.accounts import accountinstelling_of, accountinstelling_update
from kern.models import Accountinstelling


class AccountinstellingForm(forms.ModelForm):
    class Meta:
        model = Accountinstelling
        fields = ["taal", "meldingen_per_mail"]


def set_language_cookie(response, taal: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        taal,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


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

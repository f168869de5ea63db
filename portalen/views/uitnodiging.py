"""Accepting an invitation through the link in its mail (`/uitnodiging/<token>/`).

Anyone with the link reaches the page: an anonymous invitee makes an account
(the invitation's e-mail address, a username and password of their choice), a
signed-in user takes the role up with their own account when it has the
invited address (else the page says to sign out first). A link that leads to
no open invitation answers with a page that says why (410, or 404 when unknown).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from cooperatie import uitnodigingen
from cooperatie.choices import RolSoort
from portalen.ui import apply_errors


class AccountForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("Gebruikersnaam"), max_length=150)
    password1 = forms.CharField(
        label=gettext_lazy("Wachtwoord"), widget=forms.PasswordInput, strip=False
    )
    password2 = forms.CharField(
        label=gettext_lazy("Wachtwoord (nogmaals)"),
        widget=forms.PasswordInput,
        strip=False,
    )

    def __init__(self, *args, email: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean_username(self):
        username = get_user_model().normalize_username(self.cleaned_data["username"])
        field = get_user_model()._meta.get_field("username")
        for validator in field.validators:
            validator(username)
        return username

    def clean(self):
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("De twee wachtwoorden moeten gelijk zijn."))
        elif first:
            user = get_user_model()(username=data.get("username", ""), email=self.email)
            try:
                validate_password(first, user)
            except ValidationError as exc:
                self.add_error("password1", exc)
        return data


def _start_url(rol) -> str:
    if rol.soort == RolSoort.BESTUUR:
        return reverse("bestuur-start", args=[rol.cooperatie_id])
    if rol.soort == RolSoort.AUDITOR:
        return reverse("audit-start", args=[rol.corporatie_id])
    return reverse("beheer-start", args=[rol.corporatie_id])


def _invalid(request, reden: str | None):
    return render(
        request,
        "uitnodiging/ongeldig.html",
        {"reden": reden},
        status=404 if reden is None else 410,
    )


@never_cache
@sensitive_post_parameters("password1", "password2")
def uitnodiging(request, token: str):
    try:
        invitation = uitnodigingen.open_uitnodiging(token)
    except uitnodigingen.UitnodigingOngeldigError as exc:
        return _invalid(request, exc.reden)
    context = {"uitnodiging": invitation}
    if request.user.is_authenticated:
        context["geadresseerd"] = uitnodigingen.is_addressed_to(
            invitation, request.user
        )
        if request.method == "POST" and context["geadresseerd"]:
            try:
                rol = uitnodigingen.uitnodiging_accept(token=token, user=request.user)
            except uitnodigingen.UitnodigingOngeldigError as exc:
                return _invalid(request, exc.reden)
            except PermissionDenied as exc:
                messages.error(request, str(exc))
                return redirect(request.path)
            messages.success(request, _("U heeft de uitnodiging aangenomen."))
            return redirect(_start_url(rol))
        return render(request, "uitnodiging/aannemen.html", context)
    if uitnodigingen.account_exists_for(invitation):
        context["login_url"] = (
            reverse("login") + "?" + urlencode({"next": request.path})
        )
        return render(request, "uitnodiging/aanmelden.html", context)
    form = AccountForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = uitnodigingen.uitnodiging_accept_new_account(
                token=token,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password1"],
            )
        except uitnodigingen.UitnodigingOngeldigError as exc:
            return _invalid(request, exc.reden)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Uw account is gemaakt."))
            rol = user.rollen.get()
            return redirect(_start_url(rol))
    context["form"] = form
    return render(request, "uitnodiging/account.html", context)

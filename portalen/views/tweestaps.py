"""The second factor in the browser: the code step of signing in, and the
account page where a user enrols an authenticator app, makes new recovery
codes or removes the factor (kern.tweestaps does the work)."""

from __future__ import annotations

import base64

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

import qrcode
import qrcode.image.svg
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response

from cooperatie.sso import SsoGeweigerdError
from kern import tweestaps
from kern.security_log import log_second_factor
from portalen import aanmelding, oidc


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=tweestaps.MAX_INVOER,
        help_text=gettext_lazy(
            "De zes cijfers die uw authenticator-app nu toont, of een van uw "
            "herstelcodes."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "off"}
        ),
    )

    def clean_code(self):
        code = self.cleaned_data["code"]
        if tweestaps.parse_code(code) is None:
            raise forms.ValidationError(
                _("De code moet zes cijfers of een herstelcode (4 × 4 tekens) zijn.")
            )
        return code


class BevestigingForm(forms.Form):
    """The proof before a change of the factor: a code, or the password in a
    session that gave a code (`kern.tweestaps.confirm_identity`)."""

    bevestiging = forms.CharField(
        label=gettext_lazy("Code uit uw app of uw wachtwoord"),
        max_length=1024,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, code_gegeven: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not code_gegeven:
            self.fields["bevestiging"].label = _("Code uit uw app of een herstelcode")


def _safe_next(request, url: str | None) -> str:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return "/"


@never_cache
@sensitive_post_parameters("code")
def login_code(request):
    """The second step of signing in: the code of the user's second factor.
    Wrong codes count twice: on the device (django-otp waits longer after each)
    and as failed sign-ins for the lockout of username and address (axes)."""
    wacht = aanmelding.waiting(request)
    user = (
        get_user_model().objects.filter(pk=wacht["user"], is_active=True).first()
        if wacht
        else None
    )
    if user is None:
        messages.info(request, _("Uw aanmelding is verlopen; meld u opnieuw aan."))
        return redirect("login")
    credentials = {"username": user.get_username()}
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        if not AxesProxyHandler.is_allowed(request, credentials):
            return get_lockout_response(request, None, credentials)
        if form.is_valid():
            try:
                soort = tweestaps.code_verify(user=user, code=form.cleaned_data["code"])
            except tweestaps.CodeGeweigerdError as exc:
                form.add_error("code", str(exc))
            else:
                try:
                    aanmelding.sign_in(
                        request,
                        user,
                        backend=wacht["backend"],
                        tweede_factor=soort,
                        sso=wacht.get("sso"),
                    )
                except SsoGeweigerdError as exc:
                    # Another identity was bound to the account meanwhile.
                    oidc.refuse(request, exc)
                    request.session.pop(aanmelding.SESSIE_WACHT, None)
                    messages.error(request, str(exc))
                    return redirect("login")
                if soort == tweestaps.HERSTELCODE:
                    # A lost app, or someone else with the codes: worth a look.
                    log_second_factor(request, "recovery_code_used", user, warning=True)
                    messages.warning(
                        request,
                        _(
                            "U heeft een herstelcode gebruikt; er zijn er nog "
                            "%(aantal)s. Maak nieuwe aan op de pagina "
                            "Tweestapsverificatie."
                        )
                        % {"aantal": tweestaps.open_herstelcodes(user)},
                    )
                response = redirect(_safe_next(request, wacht.get("next")))
                return aanmelding.welcome(request, user, response)
        log_second_factor(request, "wrong_code", user, warning=True)
        user_login_failed.send(
            sender=__name__, credentials=credentials, request=request
        )
    # A refused code re-renders the form with its error, as every form page
    # does (200: the page itself is fine).
    return render(request, "registration/login_code.html", {"form": form})


def _qr_data_uri(device) -> str:
    """The QR code of the app's setup link, as an SVG data URI made here (no
    image service, no script)."""
    image = qrcode.make(
        device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8
    )
    svg = image.to_string()
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode()


def _next_of(request) -> str:
    return _safe_next(request, request.GET.get("next") or request.POST.get("next"))


def _codes_page(request, codes: list[str]):
    return render(
        request,
        "account/herstelcodes.html",
        {"codes": codes, "next": _next_of(request)},
    )


@never_cache
@login_required
@sensitive_post_parameters("code", "bevestiging")
def instellen(request):
    """The account page of the second factor: state, enrolment, new recovery
    codes, removal."""
    user = request.user
    code_gegeven = aanmelding.code_given(request)
    actie = request.POST.get("actie", "") if request.method == "POST" else ""
    code_form = CodeForm(request.POST if actie == "bevestigen" else None)
    herstel_form = BevestigingForm(
        request.POST if actie == "herstelcodes" else None,
        prefix="herstel",
        code_gegeven=code_gegeven,
    )
    uit_form = BevestigingForm(
        request.POST if actie == "verwijderen" else None,
        prefix="uit",
        code_gegeven=code_gegeven,
    )
    try:
        if actie == "start":
            tweestaps.totp_start(user=user)
            return redirect(request.get_full_path())
        if actie == "bevestigen" and code_form.is_valid():
            codes = tweestaps.totp_confirm(
                user=user, code=code_form.cleaned_data["code"]
            )
            # This session gave the code; every other one ends.
            aanmelding.keep_session(request)
            request.session[aanmelding.SESSIE_TWEESTAPS] = tweestaps.TOTP
            log_second_factor(request, "enrolled", user)
            messages.success(request, _("Tweestapsverificatie staat aan."))
            return _codes_page(request, codes)
        if actie == "herstelcodes" and herstel_form.is_valid():
            codes = tweestaps.herstelcodes_regenerate(
                user=user,
                bevestiging=herstel_form.cleaned_data["bevestiging"],
                code_gegeven=code_gegeven,
            )
            log_second_factor(request, "recovery_codes_renewed", user)
            messages.success(request, _("Uw nieuwe herstelcodes staan hieronder."))
            return _codes_page(request, codes)
        if actie == "verwijderen" and uit_form.is_valid():
            tweestaps.tweestaps_remove(
                user=user,
                bevestiging=uit_form.cleaned_data["bevestiging"],
                code_gegeven=code_gegeven,
            )
            aanmelding.keep_session(request)
            request.session.pop(aanmelding.SESSIE_TWEESTAPS, None)
            log_second_factor(request, "removed", user)
            messages.success(request, _("Tweestapsverificatie staat uit."))
            return redirect("account-tweestaps")
    except tweestaps.CodeGeweigerdError as exc:
        if actie == "start":
            messages.error(request, str(exc))
            return redirect("account-tweestaps")
        form = {"bevestigen": code_form, "herstelcodes": herstel_form}.get(
            actie, uit_form
        )
        form.add_error(_field_of(form), str(exc))
        log_second_factor(request, "wrong_code", user, warning=True)
    device = tweestaps.totp_of(user)
    nieuw = None if device else tweestaps.totp_of(user, confirmed=False)
    context = {
        "device": device,
        "nieuw": nieuw,
        "qr": _qr_data_uri(nieuw) if nieuw else "",
        "geheim": tweestaps.secret_of(nieuw) if nieuw else "",
        "open_herstelcodes": tweestaps.open_herstelcodes(user) if device else 0,
        "verplicht": aanmelding.second_factor_required(user),
        "code_form": code_form,
        "herstel_form": herstel_form,
        "uit_form": uit_form,
        "next": _next_of(request),
    }
    return render(request, "account/tweestaps.html", context)


def _field_of(form) -> str:
    return "code" if "code" in form.fields else "bevestiging"

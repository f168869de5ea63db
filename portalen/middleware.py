"""What every signed-in request passes: the user's sign-in epoch (a session
from before the second factor or the password changed is signed out), the
identity provider's renewed consent (a session from single sign-on), then the
second factor where MFA_VERPLICHT_VOOR requires one."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY, logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from kern import tweestaps
from kern.security_log import log_second_factor

from . import aanmelding, oidc


class AanmeldtijdperkMiddleware:
    """A signed-in session at an older sign-in epoch than its user's
    (`aanmelding.session_current`) is signed out: the second factor was
    enrolled or removed, the operator reset it, or the password changed,
    in another session or the admin. One query a signed-in request, whatever
    session store holds the session."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and not aanmelding.session_current(request):
            log_second_factor(request, "session_outdated", request.user)
            logout(request)
            messages.info(
                request,
                _("De beveiliging van uw account is gewijzigd; meld u opnieuw aan."),
            )
            return redirect_to_login(request.get_full_path())
        return self.get_response(request)


class SsoHercontroleMiddleware:
    """A session signed in through the provider is checked there again when
    its time has come (`oidc.hercontrole`); when the provider refuses, the
    session ends and the browser goes to the login page. Which sessions are
    checked follows from the backend that signed them in, not from the check's
    own keys: a session that lost them is checked at once (and, without its
    refresh token, ends)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if (
            session.get(BACKEND_SESSION_KEY) == aanmelding.OIDC_BACKEND
            and request.user.is_authenticated
            and oidc.check_due(session)
            and not oidc.hercontrole(request)
        ):
            logout(request)
            messages.warning(
                request,
                _("Uw aanmelding via %(naam)s geldt niet meer; meld u opnieuw aan.")
                % {"naam": settings.OIDC_NAAM},
            )
            return redirect_to_login(request.get_full_path())
        return self.get_response(request)


def _exempt(path: str) -> bool:
    """Pages every signed-in user still reaches: signing out, the code step,
    the language switch and static files (those exactly, static files by
    prefix)."""
    vrij = (reverse("logout"), reverse("login-code"), reverse("set_language"))
    return path in vrij or path.startswith("/" + settings.STATIC_URL.lstrip("/"))


class TweestapsVerplichtMiddleware:
    """A user MFA_VERPLICHT_VOOR names, signed in without a second factor, is
    sent to enrol one on every page until they have; one who has a factor but
    whose session never gave its code is signed out to sign in with it (also
    on the enrolment page, where the password would otherwise remove the
    factor)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.MFA_VERPLICHT_VOOR
            and request.user.is_authenticated
            and not aanmelding.second_factor_proven(request)
            and not _exempt(request.path)
            and aanmelding.second_factor_required(request.user)
        ):
            if tweestaps.has_factor(request.user):
                logout(request)
                messages.info(request, _("Meld u opnieuw aan, met uw code."))
                return redirect_to_login(request.get_full_path())
            if request.path != reverse("account-tweestaps"):
                return redirect(
                    reverse("account-tweestaps")
                    + "?"
                    + urlencode({"next": request.get_full_path()})
                )
        return self.get_response(request)

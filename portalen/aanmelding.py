"""The last steps of every sign-in (password, identity provider, code): the
second factor asked for when the user has one, the session signed in, the
greeting and the user's language.

A user with a second factor is not signed in after the password (or the
provider): the session holds a half-done sign-in (`SESSIE_WACHT`: who, through
which backend, where to), for a few minutes, until the code step completes it.
`SESSIE_TWEESTAPS` records how this session proved the second factor, and
`SESSIE_TIJDPERK` the user's sign-in epoch (`kern.aanmeldtijdperk`) the
session is at: when the epoch goes up (a factor enrolled or removed, the
operator's reset, a new password) every session still at an older one is
signed out (`middleware.AanmeldtijdperkMiddleware`), apart from the one that
made the change itself (`keep_session`).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _

from cooperatie.choices import RolSoort
from cooperatie.models import Rol
from cooperatie.sso import ssoidentiteit_bind
from kern import tweestaps
from kern.aanmeldtijdperk import aanmeldtijdperk_of

from . import oidc

SESSIE_WACHT = "aanmelding_wacht"
SESSIE_TWEESTAPS = "tweestaps"
SESSIE_TIJDPERK = "aanmeldtijdperk"
# How long a half-done sign-in waits for its code, in seconds.
WACHT_SECONDEN = 5 * 60
OIDC_BACKEND = "portalen.oidc.Backend"


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


def welcome(request, user, response):
    """The greeting, in the language the user chose in their settings."""
    if hasattr(user, "accountinstelling"):
        translation.activate(user.accountinstelling.taal)
        set_language_cookie(response, user.accountinstelling.taal)
    messages.success(request, _("Welkom, %(naam)s.") % {"naam": user.get_username()})
    return response


def sign_in(
    request, user, *, backend: str, tweede_factor: str = "", sso: dict | None = None
) -> None:
    """Sign the session in; `tweede_factor` says how it proved a second factor
    (kern.tweestaps.TOTP or HERSTELCODE, "oidc"), empty when it did not. `sso`
    holds the provider's keys of a sign-in through it (`oidc.SESSIE_SLEUTELS`:
    the refresh token, the check's moment, the identity); every other sign-in
    keeps none. A sign-in through the provider first binds its identity to
    the account (`cooperatie.sso.ssoidentiteit_bind`), or is refused with
    SsoGeweigerdError when the account has another one: nothing is signed in
    then."""
    if backend == OIDC_BACKEND:
        identiteit = (sso or {}).get(oidc.SESSIE_IDENTITEIT) or {}
        ssoidentiteit_bind(
            user=user, issuer=identiteit.get("issuer"), sub=identiteit.get("sub")
        )
    login(request, user, backend=backend)
    for key in oidc.SESSIE_SLEUTELS:
        request.session.pop(key, None)
    if backend == OIDC_BACKEND:
        request.session.update(sso or {})
    request.session.pop(SESSIE_WACHT, None)
    request.session[SESSIE_TIJDPERK] = aanmeldtijdperk_of(user)
    if tweede_factor:
        request.session[SESSIE_TWEESTAPS] = tweede_factor


def session_current(request) -> bool:
    """Whether the signed-in session is at the user's sign-in epoch (one
    signed in before epochs were kept counts as at 0)."""
    return request.session.get(SESSIE_TIJDPERK, 0) == aanmeldtijdperk_of(request.user)


def keep_session(request) -> None:
    """The session made a change that raised the user's epoch by one (see
    the module's docstring): it goes on at the new one. When the epoch went
    up more meanwhile (a change elsewhere), it stays behind and is signed
    out."""
    nieuw = request.session.get(SESSIE_TIJDPERK, 0) + 1
    if aanmeldtijdperk_of(request.user) == nieuw:
        request.session[SESSIE_TIJDPERK] = nieuw


def hold_for_code(
    request, user, *, backend: str, next_url: str, sso: dict | None = None
):
    """Keep the half-done sign-in (with the provider's keys of a sign-in
    through it, apart from those of a session signed in already) and send the
    browser to the code step. The session gets a new key first: one that
    someone else planted in the browser does not hold the sign-in."""
    request.session.cycle_key()
    request.session[SESSIE_WACHT] = {
        "user": user.pk,
        "backend": backend,
        "next": next_url,
        "sinds": time.time(),
        "sso": sso or {},
    }
    return redirect("login-code")


def waiting(request) -> dict | None:
    """The half-done sign-in of this session, if it has not expired."""
    wacht = request.session.get(SESSIE_WACHT)
    if not isinstance(wacht, dict):
        return None
    if time.time() - wacht.get("sinds", 0) > WACHT_SECONDEN:
        request.session.pop(SESSIE_WACHT, None)
        return None
    return wacht


def second_factor_required(user) -> bool:
    """Whether MFA_VERPLICHT_VOOR names the user (as superuser or by a role)."""
    verplicht = settings.MFA_VERPLICHT_VOOR
    if not verplicht or not user.is_authenticated:
        return False
    if user.is_superuser and "superuser" in verplicht:
        return True
    soorten = [s for s in RolSoort.values if s in verplicht]
    return bool(soorten) and Rol.objects.filter(user=user, soort__in=soorten).exists()


def second_factor_proven(request) -> bool:
    return bool(request.session.get(SESSIE_TWEESTAPS))


def code_given(request) -> bool:
    """Whether this session gave a code of the user's own factor (at sign-in
    or at enrolment); the provider's MFA is no code of it."""
    return request.session.get(SESSIE_TWEESTAPS) in (
        tweestaps.TOTP,
        tweestaps.HERSTELCODE,
    )


def needs_code(user) -> bool:
    return tweestaps.has_factor(user)

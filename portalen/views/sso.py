"""Signing in through the identity provider: the start (off to the provider)
and the callback (back with a code). Both answer 404 when single sign-on is
not configured."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect

from mozilla_django_oidc import views as oidc_views

from cooperatie.sso import SsoGeweigerdError
from portalen import aanmelding, oidc


def _require_configured() -> None:
    if not oidc.configured():
        raise Http404


class StartView(oidc_views.OIDCAuthenticationRequestView):
    """Off to the provider's authorization endpoint (state, nonce and PKCE in
    the session)."""

    def __init__(self, *args, **kwargs):
        # Endpoints come from discovery at request time, not from settings.
        oidc_views.View.__init__(self, *args, **kwargs)

    def get(self, request):
        _require_configured()
        try:
            self.OIDC_OP_AUTH_ENDPOINT = oidc.provider()["authorization_endpoint"]
        except oidc.ProviderError as exc:
            oidc.log_refused(request, "provider", type(exc).__name__)
            messages.error(request, oidc.refusal_message(request))
            return redirect("login")
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)


class CallbackView(oidc_views.OIDCAuthenticationCallbackView):
    """Back from the provider: the backend decides who signs in; a user with
    a second factor then gives a code, unless the provider vouched for one
    (OIDC_MFA_VERTROUWD and "mfa" in the ID token's `amr`).

    The backend puts this sign-in's tokens in the session; they are taken out
    again at once, and the session gets back the keys it held of its own
    sign-in through the provider: a failed callback (which anyone can link to)
    or one waiting for its code leaves a signed-in session as it was."""

    def get(self, request):
        _require_configured()
        self.eerder = {
            key: request.session[key]
            for key in oidc.SESSIE_SLEUTELS
            if key in request.session
        }
        if request.GET.get("error"):
            # The provider's refusal: its state is spent, and a session signed
            # in already stays so (mozilla-django-oidc would sign it out, on
            # a GET anyone can send the browser to).
            states = request.session.get("oidc_states")
            state = request.GET.get("state", "")
            if isinstance(states, dict) and state in states:
                del states[state]
                request.session.modified = True
            return self.login_failure()
        return super().get(request)

    def _tokens(self) -> dict:
        """This sign-in's keys, out of the session, which gets its own back."""
        session = self.request.session
        sso = {key: session.pop(key) for key in oidc.SESSIE_SLEUTELS if key in session}
        session.update(self.eerder)
        return sso

    def login_failure(self):
        self._tokens()
        messages.error(self.request, oidc.refusal_message(self.request))
        return redirect("login")

    def login_success(self):
        request, user = self.request, self.user
        sso = self._tokens()
        mfa_by_provider = settings.OIDC_MFA_VERTROUWD and bool(
            sso.get(oidc.SESSIE_AMR_MFA)
        )
        oidc.schedule_check(sso)
        if aanmelding.needs_code(user) and not mfa_by_provider:
            return aanmelding.hold_for_code(
                request,
                user,
                backend=aanmelding.OIDC_BACKEND,
                next_url=self.success_url,
                sso=sso,
            )
        try:
            aanmelding.sign_in(
                request,
                user,
                backend=aanmelding.OIDC_BACKEND,
                tweede_factor="oidc" if mfa_by_provider else "",
                sso=sso,
            )
        except SsoGeweigerdError as exc:
            oidc.refuse(request, exc)
            return self.login_failure()
        return aanmelding.welcome(request, user, redirect(self.success_url))

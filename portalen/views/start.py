"""The start page and the choice of portal."""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kern.aanmeldtijdperk import aanmeldtijdperk_raise
from portalen import aanmelding, oidc
from portalen.ui import portals_of


def home(request):
    """Anonymous: what the product is. Signed in with one portal: that portal's
    start page. With several roles: the user chooses."""
    if not request.user.is_authenticated:
        return render(request, "home.html")
    portals = portals_of(request.user)
    if len(portals) == 1 and not request.user.is_superuser:
        return redirect(portals[0].start_url)
    return render(request, "start.html", {"portals": portals})


class LoginView(auth_views.LoginView):
    """Signing in with a password (and then the code of a second factor, when
    the user has one), or through the identity provider when configured; a
    greeting after success."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sso_naam"] = settings.OIDC_NAAM if oidc.configured() else ""
        return context

    def form_valid(self, form):
        user = form.get_user()
        if aanmelding.needs_code(user):
            return aanmelding.hold_for_code(
                self.request,
                user,
                backend=user.backend,
                next_url=self.get_success_url(),
            )
        aanmelding.sign_in(self.request, user, backend=user.backend)
        # Pages follow the language the user chose in their settings, if any.
        return aanmelding.welcome(
            self.request, user, HttpResponseRedirect(self.get_success_url())
        )


def admin_login(request, extra_context=None):
    """The admin's login page, in place of its own: that form signs in with the
    password alone (also from a session signed in as someone else), so every
    sign-in goes through ours, with the second factor. A user the admin admits
    goes on to it."""
    if admin.site.has_permission(request):
        return redirect("admin:index")
    return redirect_to_login(request.get_full_path())


class LogoutView(auth_views.LogoutView):
    """Signing out (POST only), with a confirmation."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("U bent afgemeld."))
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """Changing one's password; the user stays signed in, every other session
    of theirs ends (Django's session hash, and the sign-in epoch raised)."""

    def form_valid(self, form):
        response = super().form_valid(form)
        aanmeldtijdperk_raise(user=self.request.user)
        aanmelding.keep_session(self.request)
        messages.success(self.request, _("Uw wachtwoord is gewijzigd."))
        return response

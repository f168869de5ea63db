"""The start page and the choice of portal."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from portalen.ui import portals_of

from .account import set_language_cookie


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
    """Signing in, with a greeting after success."""

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.get_user()
        # Pages follow the language the user chose in their settings, if any.
        if hasattr(user, "accountinstelling"):
            translation.activate(user.accountinstelling.taal)
            set_language_cookie(response, user.accountinstelling.taal)
        messages.success(
            self.request, _("Welkom, %(naam)s.") % {"naam": user.get_username()}
        )
        return response


class LogoutView(auth_views.LogoutView):
    """Signing out (POST only), with a confirmation."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("U bent afgemeld."))
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """Changing one's password; the user stays signed in."""

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Uw wachtwoord is gewijzigd."))
        return response

"""The start page and the choice of portal."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

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
    """Signing in, with a greeting after success."""

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(
            self.request,
            _("Welkom, %(naam)s.") % {"naam": form.get_user().get_username()},
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

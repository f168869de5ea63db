"""The beheerder's page of machine clients (API-koppelingen): the corporatie's
clients with their client id and scopes, the form to register one, and the
button to revoke one.

Registering calls `cooperatie.koppelingen.apiclient_create`; its answer is the
page itself with the client id and the secret, shown this once: the secret is
not put in a message or the session (a message may travel in a cookie), and
the answer is not cached. Revoking calls `apiclient_revoke`.
"""

from __future__ import annotations

from django.urls import path, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from cooperatie import koppelingen
from cooperatie.models import ApiClient
from portalen.beheer.forms.koppelingen import KoppelingForm
from portalen.generiek import ServiceActionView, ServiceCreateView
from portalen.ui import beheer_view, in_portal


class Koppelingen(ServiceCreateView):
    """The corporatie's clients, and the form to register one (POST)."""

    portal = beheer_view
    form_class = KoppelingForm
    template_name = "beheer/koppelingen.html"
    service = koppelingen.apiclient_create
    organisatie_kwarg = "corporatie"
    success_url = "koppelingen"

    def succeed(self, result):
        client, secret = result
        response = self.render(form=self.form_class(), nieuw=client, geheim=secret)
        add_never_cache_headers(response)
        return response

    def get_context_data(self, **context):
        clients = list(
            in_portal(self.request, ApiClient.objects).order_by(
                "revoked_at", "-created_at", "-pk"
            )
        )
        return super().get_context_data(
            koppelingen=[c for c in clients if c.revoked_at is None],
            ingetrokken=[c for c in clients if c.revoked_at is not None],
            token_url=self.request.build_absolute_uri(reverse("oauth-token")),
            **context,
        )


class Intrekken(ServiceActionView):
    """Revoke a client: its tokens stop working at once (POST only)."""

    portal = beheer_view
    queryset = ApiClient.objects
    url_kwarg = "apiclient_id"
    object_name = "client"
    service = koppelingen.apiclient_revoke
    success_url = "koppelingen"

    def success_message(self, client):
        return _(
            "De koppeling %(naam)s is ingetrokken; haar tokens werken niet meer."
        ) % {"naam": client.naam}


urlpatterns = [
    path("koppelingen/", Koppelingen.as_view(), name="beheer-koppelingen"),
    path(
        "koppelingen/<int:apiclient_id>/intrekken/",
        Intrekken.as_view(),
        name="beheer-koppeling-intrekken",
    ),
]

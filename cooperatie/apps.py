from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CooperatieConfig(AppConfig):
    name = "cooperatie"
    verbose_name = _("Coöperaties en gebouwen")

    def ready(self):
        # The roles and the ties between organisations are this app's, so it
        # tells kern who a user is (kern.scoping reads no app above it).
        from kern.scoping import register_scope_provider

        from .scope import cooperatie_ids_of_corporaties, scope_of

        register_scope_provider(
            scope_of=scope_of, cooperaties_of_corporaties=cooperatie_ids_of_corporaties
        )

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KernConfig(AppConfig):
    name = "kern"
    verbose_name = _("Kern")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from . import checks  # noqa: F401  (registers the deploy check)
        from .metrics import instrument_connection

        connection_created.connect(instrument_connection)

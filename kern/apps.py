from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KernConfig(AppConfig):
    name = "kern"
    verbose_name = _("Kern")

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the deploy check)

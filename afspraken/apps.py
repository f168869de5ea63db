from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AfsprakenConfig(AppConfig):
    name = "afspraken"
    verbose_name = _("Afspraken en toetsing")

    def ready(self) -> None:
        from kern import journal

        from . import rapporten

        # verify_ledger checks every sealed report against its chain.
        journal.register_check(rapporten.verify_sealed_reports)

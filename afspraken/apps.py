from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AfsprakenConfig(AppConfig):
    name = "afspraken"
    verbose_name = _("Afspraken en toetsing")

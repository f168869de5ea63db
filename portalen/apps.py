from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalenConfig(AppConfig):
    """What the portals share: the portal lookup (`ui`), the start and login pages,
    and the pages of the yearly cycle that more than one portal shows (a toetsing,
    reports)."""

    name = "portalen"
    verbose_name = _("Portalen")

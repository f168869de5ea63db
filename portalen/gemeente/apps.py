from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GemeentePortaalConfig(AppConfig):
    name = "portalen.gemeente"
    label = "portaal_gemeente"
    verbose_name = _("Gemeenteportaal")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BestuurPortaalConfig(AppConfig):
    name = "portalen.bestuur"
    label = "portaal_bestuur"
    verbose_name = _("Bestuursportaal")

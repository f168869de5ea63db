from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BeheerPortaalConfig(AppConfig):
    name = "portalen.beheer"
    label = "portaal_beheer"
    verbose_name = _("Beheerdersportaal")

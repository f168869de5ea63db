from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditPortaalConfig(AppConfig):
    name = "portalen.audit"
    label = "portaal_audit"
    verbose_name = _("Auditorportaal")

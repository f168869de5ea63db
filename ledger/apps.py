from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_migrate
from django.utils.translation import gettext_lazy as _


def _triggers_weg(sender, using, **kwargs):
    from . import jaartotalen

    jaartotalen.triggers_weg(using)


def _triggers_terug(sender, using, **kwargs):
    from . import jaartotalen

    jaartotalen.triggers_terug(using)


class LedgerConfig(AppConfig):
    name = "ledger"
    verbose_name = _("Activiteiten en boekingen")

    def ready(self):
        # SQLite rebuilds a table for many schema changes (copy, drop,
        # rename), which the activity totals' triggers would break: `migrate`
        # runs without them and puts them back (ledger/jaartotalen.py).
        pre_migrate.connect(_triggers_weg, sender=self)
        post_migrate.connect(_triggers_terug, sender=self)

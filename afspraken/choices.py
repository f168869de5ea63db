"""Choice lists of the afspraken app (values are contract, labels are Dutch)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .indicatoren import INDICATOREN

# The stored codes and labels come from the one table of indicators; members are
# named after the code (`Indicator.AANTAL_ACTIVITEITEN`).
Indicator = models.TextChoices(
    "Indicator",
    [(d.code.upper(), (d.code, d.label)) for d in INDICATOREN],
    module=__name__,
)


class Richting(models.TextChoices):
    MINIMAAL = "minimaal", _("minimaal")
    MAXIMAAL = "maximaal", _("maximaal")


class ToetsingStatus(models.TextChoices):
    OPEN = "open", _("open")
    INGEDIEND = "ingediend", _("ingediend")
    TERUGGESTUURD = "teruggestuurd", _("teruggestuurd")
    VASTGESTELD = "vastgesteld", _("vastgesteld")


# A submitted or approved year: its measurements are frozen in the snapshot and
# the cooperatie's data of that year is locked.
LOCKED_STATUSES = (ToetsingStatus.INGEDIEND, ToetsingStatus.VASTGESTELD)


class Verdict(models.TextChoices):
    NAGEKOMEN = "nagekomen", _("nagekomen")
    DEELS = "deels", _("deels nagekomen")
    NIET_NAGEKOMEN = "niet_nagekomen", _("niet nagekomen")
    TE_BEOORDELEN = "te_beoordelen", _("te beoordelen")


class JaarparameterCode(models.TextChoices):
    DAEB_INKOMENSGRENS_EEN = (
        "daeb_inkomensgrens_eenpersoons",
        _("DAEB-inkomensgrens eenpersoonshuishouden"),
    )
    DAEB_INKOMENSGRENS_MEER = (
        "daeb_inkomensgrens_meerpersoons",
        _("DAEB-inkomensgrens meerpersoonshuishouden"),
    )
    AFTOPPINGSGRENS_LAAG = (
        "aftoppingsgrens_laag",
        _("aftoppingsgrens (laag, 1–2 personen)"),
    )
    AFTOPPINGSGRENS_HOOG = (
        "aftoppingsgrens_hoog",
        _("aftoppingsgrens (hoog, 3+ personen)"),
    )
    LEEFBAARHEID_MAX_PER_DAEB_WONING = (
        "leefbaarheid_max_per_daeb_woning",
        _("leefbaarheidsuitgaven: maximum per DAEB-woning"),
    )

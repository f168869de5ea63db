"""Choice lists of the ledger app (values are contract, labels are Dutch)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Thema(models.TextChoices):
    ONTMOETING = "ontmoeting", _("ontmoeting")
    GROEN = "groen", _("groen")
    DUURZAAMHEID = "duurzaamheid", _("duurzaamheid")
    TAAL_EDUCATIE = "taal_educatie", _("taal en educatie")
    VOEDSEL_ARMOEDE = "voedsel_armoede", _("voedsel en armoede")
    KUNST_CULTUUR = "kunst_cultuur", _("kunst en cultuur")
    ZORG_VOOR_ELKAAR = "zorg_voor_elkaar", _("zorg voor elkaar")
    SCHOON_VEILIG = "schoon_veilig", _("schoon en veilig")
    OVERIG = "overig", _("overig")


class BoekingSoort(models.TextChoices):
    BUDGET = "budget", _("budget ontvangen")
    UITGAVE = "uitgave", _("uitgave")


class Herhaling(models.TextChoices):
    """How often an activity is repeated."""

    WEKELIJKS = "wekelijks", _("elke week")
    TWEEWEKELIJKS = "tweewekelijks", _("elke twee weken")
    MAANDELIJKS = "maandelijks", _("elke maand")

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


class WoningwetSignaal(models.TextChoices):
    """A flag on an activity against the Woningwet's rule for leefbaarheid work
    ("in de directe omgeving, voor huurder en met partners"): a hint, never a
    refusal (ledger.woningwet)."""

    NIET_OPEN_GEEN_PARTNERS = (
        "niet_open_geen_partners",
        _("niet open voor de buurt en geen partners"),
    )
    BUITEN_DE_BUURT = "buiten_de_buurt", _("buiten de buurt")

"""Choice lists of the cooperatie app (values are contract, labels are Dutch)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Daeb(models.TextChoices):
    DAEB = "daeb", _("DAEB")
    NIET_DAEB = "niet_daeb", _("niet-DAEB")
    GEMENGD = "gemengd", _("gemengd")


class CooperatieSoort(models.TextChoices):
    WOON = "woon", _("wooncoöperatie")
    BEHEER = "beheer", _("beheercoöperatie")


class Rechtsvorm(models.TextChoices):
    VERENIGING = "vereniging", _("vereniging")
    COOPERATIE = "cooperatie", _("coöperatie")
    STICHTING = "stichting", _("stichting")


class OvereenkomstSoort(models.TextChoices):
    HUUR = "huur", _("huurovereenkomst")
    BEHEER = "beheer", _("beheerovereenkomst")


class Bestuursfunctie(models.TextChoices):
    VOORZITTER = "voorzitter", _("voorzitter")
    SECRETARIS = "secretaris", _("secretaris")
    PENNINGMEESTER = "penningmeester", _("penningmeester")
    BESTUURSLID = "bestuurslid", _("bestuurslid")


class Doelgroep(models.TextChoices):
    JA = "ja", _("ja")
    NEE = "nee", _("nee")
    ONBEKEND = "onbekend", _("onbekend")


class RolSoort(models.TextChoices):
    BEHEERDER = "beheerder", _("beheerder")
    AUDITOR = "auditor", _("auditor")
    BESTUUR = "bestuur", _("bestuur")
    GEMEENTE = "gemeente", _("gemeente")


CORPORATIE_ROLLEN = (RolSoort.BEHEERDER, RolSoort.AUDITOR)

# The roles an invitation can grant: a gemeente role only the platform
# operator grants, in the admin (an invitation names no gemeente).
UITNODIGING_ROLLEN = [
    (value, label) for value, label in RolSoort.choices if value != RolSoort.GEMEENTE
]


class UitnodigingStatus(models.TextChoices):
    """Where an invitation stands (`uitnodigingen.status_of`); not stored, but
    worked out from its moments."""

    OPEN = "open", _("open")
    VERLOPEN = "verlopen", _("verlopen")
    GEBRUIKT = "gebruikt", _("aangenomen")
    INGETROKKEN = "ingetrokken", _("ingetrokken")


class JaarStatus(models.TextChoices):
    """Why a year of a cooperatie is closed: a toetsing of it was submitted, or
    approved (the same values and labels as the toetsing's status)."""

    INGEDIEND = "ingediend", _("ingediend")
    VASTGESTELD = "vastgesteld", _("vastgesteld")

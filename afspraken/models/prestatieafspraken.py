"""The municipal performance agreements (prestatieafspraken) a corporatie makes
with a gemeente and the tenants' organisation, and the liveability targets
they set. An afspraak with a coöperatie refers to one of them."""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from kern.scoping import Tenancy
from kern.validators import (
    GEMEENTECODE_REGEX,
    gemeentecode_validator,
    validate_single_line,
)
from ledger.choices import Thema

from .. import evaluatie
from ..querysets import PrestatieafspraakQuerySet, PrestatiedoelQuerySet
from .afspraken import JAAR_VALIDATORS


def looptijd(ingangsjaar: int, eindjaar: int | None) -> str:
    """The years of a prestatieafspraak: "2025", "2024–2027", "vanaf 2024"."""
    if eindjaar is None:
        return _gettext("vanaf %(jaar)s") % {"jaar": ingangsjaar}
    if eindjaar == ingangsjaar:
        return str(ingangsjaar)
    return f"{ingangsjaar}–{eindjaar}"


# The most targets (doelen) one prestatieafspraak holds: a short list of what
# matters for liveability, not the whole municipal agreement.
MAX_DOELEN = 20


class Prestatieafspraak(models.Model):
    """The yearly or multi-year performance agreement between a gemeente, a
    corporatie and the tenants' organisation (Woningwet art. 44), as far as it
    concerns liveability: its gemeente, years, parties and signed document."""

    corporatie = models.ForeignKey(
        "cooperatie.Corporatie",
        verbose_name=_("corporatie"),
        on_delete=models.PROTECT,
        related_name="prestatieafspraken",
    )
    gemeentecode = models.CharField(
        _("gemeentecode"),
        max_length=6,
        validators=[gemeentecode_validator],
        help_text=_("De CBS-code van de gemeente, bijv. GM0344."),
    )
    titel = models.CharField(
        _("titel"), max_length=200, validators=[validate_single_line]
    )
    ingangsjaar = models.PositiveSmallIntegerField(
        _("ingangsjaar"), validators=JAAR_VALIDATORS
    )
    eindjaar = models.PositiveSmallIntegerField(
        _("eindjaar"),
        null=True,
        blank=True,
        validators=JAAR_VALIDATORS,
        help_text=_(
            "Laatste jaar waarin de prestatieafspraak geldt (gelijk aan het "
            "ingangsjaar voor één jaar); leeg voor onbepaald."
        ),
    )
    huurdersorganisatie = models.CharField(
        _("huurdersorganisatie"),
        max_length=200,
        blank=True,
        validators=[validate_single_line],
        help_text=_("De naam van de huurdersorganisatie die meetekende."),
    )
    document = models.FileField(
        _("ondertekend document"), upload_to="prestatieafspraken/%Y/", blank=True
    )

    CONSTRAINT_FIELDS = {"prestatieafspraak_eindjaar_na_ingangsjaar": "eindjaar"}

    tenancy = Tenancy(corporatie="corporatie")

    objects = PrestatieafspraakQuerySet.as_manager()

    class Meta:
        verbose_name = _("prestatieafspraak")
        verbose_name_plural = _("prestatieafspraken")
        ordering = ["corporatie", "gemeentecode", "-ingangsjaar", "titel"]
        constraints = [
            models.CheckConstraint(
                condition=Q(eindjaar__isnull=True) | Q(eindjaar__gte=F("ingangsjaar")),
                name="prestatieafspraak_eindjaar_na_ingangsjaar",
                violation_error_message=_(
                    "Het eindjaar mag niet vóór het ingangsjaar liggen."
                ),
            ),
            models.CheckConstraint(
                condition=Q(gemeentecode__regex=GEMEENTECODE_REGEX),
                name="prestatieafspraak_gemeentecode_formaat",
                violation_error_message=_(
                    "Een gemeentecode moet de vorm GM gevolgd door 4 cijfers hebben."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.titel} ({self.gemeentecode}, {self.looptijd})"

    @property
    def looptijd(self) -> str:
        """The years: "2025", "2024–2027", "vanaf 2024"."""
        return looptijd(self.ingangsjaar, self.eindjaar)

    def loopt_in(self, jaar: int) -> bool:
        return evaluatie.loopt_in(self.ingangsjaar, self.eindjaar, jaar)


class Prestatiedoel(models.Model):
    """One liveability theme and target of a prestatieafspraak ("200 uur
    buurtbemiddeling per jaar"): what the gemeente and the corporatie agreed
    to work on, optionally with a figure."""

    prestatieafspraak = models.ForeignKey(
        Prestatieafspraak,
        verbose_name=_("prestatieafspraak"),
        on_delete=models.CASCADE,
        related_name="doelen",
    )
    thema = models.CharField(_("thema"), max_length=20, choices=Thema.choices)
    omschrijving = models.CharField(
        _("omschrijving"), max_length=300, validators=[validate_single_line]
    )
    streefwaarde = models.DecimalField(
        _("streefwaarde"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    eenheid = models.CharField(
        _("eenheid"),
        max_length=40,
        blank=True,
        validators=[validate_single_line],
        help_text=_("Bijv. uren, woningen, activiteiten of euro."),
    )
    volgorde = models.PositiveSmallIntegerField(_("volgorde"), default=0)

    CONSTRAINT_FIELDS = {"prestatiedoel_eenheid_bij_streefwaarde": "eenheid"}

    tenancy = Tenancy(corporatie="prestatieafspraak__corporatie")

    objects = PrestatiedoelQuerySet.as_manager()

    class Meta:
        verbose_name = _("prestatiedoel")
        verbose_name_plural = _("prestatiedoelen")
        ordering = ["prestatieafspraak", "volgorde", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(streefwaarde__isnull=True) | Q(streefwaarde__gte=0),
                name="prestatiedoel_streefwaarde_niet_negatief",
                violation_error_message=_("De streefwaarde moet nul of meer zijn."),
            ),
            models.CheckConstraint(
                condition=Q(streefwaarde__isnull=True) | ~Q(eenheid=""),
                name="prestatiedoel_eenheid_bij_streefwaarde",
                violation_error_message=_("Een streefwaarde moet een eenheid hebben."),
            ),
        ]

    def __str__(self) -> str:
        return self.omschrijving

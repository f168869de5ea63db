"""What the cooperative did and spent, and the journal of every change."""

from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from kern.immutable import AppendOnlyModel
from kern.scoping import Tenancy
from kern.validators import (
    BUURTCODE_REGEX,
    OMSCHRIJVING_MAX_LENGTH,
    buurtcode_validator,
    multi_line_validators,
    validate_plausible_date,
    validate_single_line,
)

from .choices import BoekingSoort, Thema
from .querysets import (
    ActiviteitQuerySet,
    BijlageQuerySet,
    BoekingQuerySet,
    BonQuerySet,
    VrijwilligerQuerySet,
)


class Activiteit(models.Model):
    """An activity the cooperative organised (taallessen, moestuin, weggeefwinkel…)."""

    # The fields a user sets: the one list the services, forms and serializers
    # read.
    EDITABLE_FIELDS = (
        "datum",
        "titel",
        "thema",
        "omschrijving",
        "open_voor_buurt",
        "deelnemers_leden",
        "deelnemers_buurt",
        "vrijwilligersuren",
        "vrijwilligers",
        "partners",
        "buurtcode",
    )

    cooperatie = models.ForeignKey(
        "cooperatie.Cooperatie",
        verbose_name=_("coöperatie"),
        on_delete=models.PROTECT,
        related_name="activiteiten",
    )
    datum = models.DateField(_("datum"), validators=[validate_plausible_date])
    titel = models.CharField(
        _("titel"), max_length=200, validators=[validate_single_line]
    )
    thema = models.CharField(_("thema"), max_length=20, choices=Thema.choices)
    omschrijving = models.TextField(
        _("omschrijving"),
        blank=True,
        max_length=OMSCHRIJVING_MAX_LENGTH,
        validators=multi_line_validators(OMSCHRIJVING_MAX_LENGTH),
    )
    open_voor_buurt = models.BooleanField(_("open voor de buurt"), default=False)
    deelnemers_leden = models.PositiveIntegerField(_("deelnemers (leden)"), default=0)
    deelnemers_buurt = models.PositiveIntegerField(
        _("deelnemers uit de buurt"),
        default=0,
        help_text=_("Deelnemers die geen lid zijn."),
    )
    vrijwilligersuren = models.DecimalField(
        _("vrijwilligersuren"), max_digits=8, decimal_places=2, default=0
    )
    vrijwilligers = models.ManyToManyField(
        "cooperatie.Lid",
        verbose_name=_("vrijwilligers"),
        related_name="activiteiten_als_vrijwilliger",
        blank=True,
        through="Vrijwilliger",
    )
    partners = models.CharField(
        _("partners"), max_length=300, blank=True, validators=[validate_single_line]
    )
    buurtcode = models.CharField(
        _("buurtcode"),
        max_length=10,
        blank=True,
        validators=[buurtcode_validator],
        help_text=_(
            "CBS-buurtcode van de plek waar de activiteit was, als die bekend is."
        ),
    )
    created_at = models.DateTimeField(_("aangemaakt op"), db_default=Now())

    tenancy = Tenancy(cooperatie="cooperatie")

    objects = ActiviteitQuerySet.as_manager()

    class Meta:
        verbose_name = _("activiteit")
        verbose_name_plural = _("activiteiten")
        ordering = ["-datum", "titel"]
        indexes = [
            models.Index(fields=["cooperatie", "datum"]),
            # A cooperatie's list in its own order, paged without sorting.
            models.Index(
                fields=["cooperatie", "-datum", "titel", "id"],
                name="activiteit_lijstvolgorde",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(vrijwilligersuren__gte=0),
                name="activiteit_vrijwilligersuren_niet_negatief",
                violation_error_message=_(
                    "Het aantal vrijwilligersuren moet nul of meer zijn."
                ),
            ),
            models.CheckConstraint(
                condition=Q(deelnemers_leden__gte=0, deelnemers_buurt__gte=0),
                name="activiteit_deelnemers_niet_negatief",
                violation_error_message=_(
                    "Aantallen deelnemers moeten nul of meer zijn."
                ),
            ),
            models.CheckConstraint(
                condition=Q(buurtcode="") | Q(buurtcode__regex=BUURTCODE_REGEX),
                name="activiteit_buurtcode_formaat",
                violation_error_message=_(
                    "Een buurtcode moet de vorm BU, 4 cijfers en 4 cijfers of "
                    "hoofdletters hebben."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.datum} {self.titel}"

    @property
    def vrijwilligers_uren(self) -> dict[str, Decimal]:
        """The hours per volunteer (member id → hours) where the activity's
        hours are split; empty when they are not (prefetch
        `vrijwilligerschappen` for lists)."""
        return {
            str(rij.lid_id): rij.uren
            for rij in self.vrijwilligerschappen.all()
            if rij.uren is not None
        }


class Vrijwilliger(models.Model):
    """A member who volunteered in an activity, with the hours they gave when the
    board splits the activity's `vrijwilligersuren` per volunteer (optional; when
    given for one volunteer, given for all, summing to the activity's hours)."""

    activiteit = models.ForeignKey(
        Activiteit,
        verbose_name=_("activiteit"),
        on_delete=models.CASCADE,
        related_name="vrijwilligerschappen",
    )
    lid = models.ForeignKey(
        "cooperatie.Lid",
        verbose_name=_("lid"),
        on_delete=models.CASCADE,
        related_name="vrijwilligerschappen",
    )
    uren = models.DecimalField(
        _("uren"), max_digits=6, decimal_places=2, null=True, blank=True
    )

    # The activity's journal entry records the hours per volunteer as
    # `vrijwilligers_uren` (kern.writes.snapshot).
    JOURNAL_VALUE = "uren"

    tenancy = Tenancy(cooperatie="activiteit__cooperatie")

    objects = VrijwilligerQuerySet.as_manager()

    class Meta:
        verbose_name = _("vrijwilliger")
        verbose_name_plural = _("vrijwilligers")
        # The table of the earlier implicit many-to-many, rows kept.
        db_table = "ledger_activiteit_vrijwilligers"
        ordering = ["activiteit", "lid"]
        constraints = [
            models.UniqueConstraint(
                fields=["activiteit", "lid"],
                name="vrijwilliger_eenmaal_per_activiteit",
                violation_error_message=_(
                    "Een lid mag maar één keer vrijwilliger van een activiteit zijn."
                ),
            ),
            models.CheckConstraint(
                condition=Q(uren__isnull=True) | Q(uren__gte=0),
                name="vrijwilliger_uren_niet_negatief",
                violation_error_message=_(
                    "Het aantal uren van een vrijwilliger moet nul of meer zijn."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activiteit_id}: {self.lid_id}"


ORIGINAL_NAME_MAX_LENGTH = 120
"""Characters kept of an uploaded file's own name (shown, never used to store)."""


class Bewijsbestand(models.Model):
    """Evidence: a photo, a receipt or a PDF, recognised by its content. Stored
    under a random name made from its type; the name it had on the uploader's
    device is kept (cleaned and bounded) only to show it."""

    bestand = models.FileField(_("bestand"), upload_to="bijlagen/%Y/%m/")
    omschrijving = models.CharField(
        _("omschrijving"), max_length=200, blank=True, validators=[validate_single_line]
    )
    oorspronkelijke_naam = models.CharField(
        _("oorspronkelijke naam"),
        max_length=ORIGINAL_NAME_MAX_LENGTH,
        blank=True,
        default="",
        validators=[validate_single_line],
        help_text=_("De naam van het bestand bij het uploaden."),
    )
    content_type = models.CharField(_("soort bestand"), max_length=50)
    grootte = models.PositiveIntegerField(_("grootte (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_at = models.DateTimeField(_("aangemaakt op"), db_default=Now())

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.omschrijving or self.naam

    @property
    def naam(self) -> str:
        """The name to show: the uploaded file's own name, else the stored one."""
        return self.oorspronkelijke_naam or self.bestand.name.rsplit("/", 1)[-1]


class Bijlage(Bewijsbestand):
    """Evidence for an activity: a photo, a receipt or a PDF."""

    activiteit = models.ForeignKey(
        Activiteit,
        verbose_name=_("activiteit"),
        on_delete=models.CASCADE,
        related_name="bijlagen",
    )

    tenancy = Tenancy(cooperatie="activiteit__cooperatie")

    objects = BijlageQuerySet.as_manager()

    class Meta:
        verbose_name = _("bijlage")
        verbose_name_plural = _("bijlagen")
        ordering = ["activiteit", "pk"]


class Boeking(AppendOnlyModel):
    """An entry in the cooperative's money book. Never updated or deleted: a mistake
    is fixed by a storno (a counter-entry with `corrigeert`) plus a new boeking."""

    cooperatie = models.ForeignKey(
        "cooperatie.Cooperatie",
        verbose_name=_("coöperatie"),
        on_delete=models.PROTECT,
        related_name="boekingen",
    )
    datum = models.DateField(_("datum"), validators=[validate_plausible_date])
    soort = models.CharField(_("soort"), max_length=10, choices=BoekingSoort.choices)
    bedrag = models.DecimalField(
        _("bedrag (euro)"),
        max_digits=12,
        decimal_places=2,
        help_text=_("Altijd positief; een storno draait de boeking terug."),
    )
    omschrijving = models.CharField(
        _("omschrijving"), max_length=300, validators=[validate_single_line]
    )
    activiteit = models.ForeignKey(
        Activiteit,
        verbose_name=_("activiteit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="boekingen",
    )
    corrigeert = models.OneToOneField(
        "self",
        verbose_name=_("corrigeert (storno van)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="storno",
    )
    created_at = models.DateTimeField(_("aangemaakt op"), db_default=Now())

    tenancy = Tenancy(cooperatie="cooperatie")

    objects = BoekingQuerySet.as_manager()

    class Meta:
        verbose_name = _("boeking")
        verbose_name_plural = _("boekingen")
        ordering = ["-datum", "-pk"]
        indexes = [models.Index(fields=["cooperatie", "datum"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(bedrag__gt=0),
                name="boeking_bedrag_positief",
                violation_error_message=_("Het bedrag moet groter dan nul zijn."),
            ),
            models.CheckConstraint(
                condition=Q(corrigeert__isnull=True) | ~Q(corrigeert=F("pk")),
                name="boeking_storno_niet_van_zichzelf",
                violation_error_message=_("Een boeking mag zichzelf niet corrigeren."),
            ),
        ]

    def __str__(self) -> str:
        prefix = "storno " if self.corrigeert_id else ""
        return f"{self.datum} {prefix}{self.get_soort_display()} € {self.bedrag}"

    @property
    def is_storno(self) -> bool:
        return self.corrigeert_id is not None


class Bon(Bewijsbestand):
    """A receipt (or other evidence) of a booking. Added and removed only while
    the booking's year is open, like the booking itself."""

    boeking = models.ForeignKey(
        Boeking,
        verbose_name=_("boeking"),
        on_delete=models.PROTECT,
        related_name="bonnen",
    )

    tenancy = Tenancy(cooperatie="boeking__cooperatie")

    objects = BonQuerySet.as_manager()

    class Meta:
        verbose_name = _("bon")
        verbose_name_plural = _("bonnen")
        ordering = ["boeking", "pk"]

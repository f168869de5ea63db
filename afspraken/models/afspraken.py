"""Agreements, their measurable clauses, the yearly assessment and sealed reports."""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from kern.immutable import AppendOnlyModel, ImmutableRowError
from kern.scoping import Tenancy
from kern.validators import (
    TOELICHTING_MAX_LENGTH,
    multi_line_validators,
    validate_single_line,
)
from ledger.choices import Thema

from .. import evaluatie, termijnen
from ..choices import (
    Indicator,
    JaarparameterCode,
    Richting,
    ToetsingStatus,
    Verdict,
)
from ..indicatoren import ACTIVITEIT_INDICATOREN
from ..querysets import (
    AfspraakQuerySet,
    BeoordelingQuerySet,
    JaarparameterQuerySet,
    RapportQuerySet,
    ToetsingQuerySet,
    ToezeggingQuerySet,
)

JAAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]
MAANDEN = list(MONTHS.items())


class Afspraak(models.Model):
    """The agreement between a corporatie and a cooperatie on the cooperative's
    social contribution (sociale inbreng), for a span of years."""

    corporatie = models.ForeignKey(
        "cooperatie.Corporatie",
        verbose_name=_("corporatie"),
        on_delete=models.PROTECT,
        related_name="afspraken",
    )
    cooperatie = models.ForeignKey(
        "cooperatie.Cooperatie",
        verbose_name=_("coöperatie"),
        on_delete=models.PROTECT,
        related_name="afspraken",
    )
    gebouwen = models.ManyToManyField(
        "cooperatie.Gebouw",
        verbose_name=_("gebouwen"),
        related_name="afspraken",
        blank=True,
    )
    titel = models.CharField(
        _("titel"), max_length=200, validators=[validate_single_line]
    )
    ondertekend_op = models.DateField(_("ondertekend op"), null=True, blank=True)
    ingangsjaar = models.PositiveSmallIntegerField(
        _("ingangsjaar"), validators=JAAR_VALIDATORS
    )
    eindjaar = models.PositiveSmallIntegerField(
        _("eindjaar"),
        null=True,
        blank=True,
        validators=JAAR_VALIDATORS,
        help_text=_("Laatste jaar waarin de afspraak geldt; leeg voor onbepaald."),
    )
    document = models.FileField(
        _("ondertekend document"), upload_to="afspraken/%Y/", blank=True
    )
    prestatieafspraak = models.ForeignKey(
        "afspraken.Prestatieafspraak",
        verbose_name=_("prestatieafspraak"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="afspraken",
        help_text=_(
            "De prestatieafspraak met de gemeente waaraan deze afspraak bijdraagt."
        ),
    )
    prestatieafspraak_kenmerk = models.CharField(
        _("kenmerk prestatieafspraak"),
        max_length=300,
        blank=True,
        validators=[validate_single_line],
        help_text=_(
            "Verwijzing in tekst naar de gemeentelijke prestatieafspraken, bijv. "
            "een artikel of kenmerk."
        ),
    )

    indienen_maand = models.PositiveSmallIntegerField(
        _("uiterlijk indienen: maand"),
        default=termijnen.STANDAARD_MAAND,
        choices=MAANDEN,
        help_text=_(
            "De maand van het volgende jaar waarin het jaar uiterlijk binnen moet zijn."
        ),
    )
    indienen_dag = models.PositiveSmallIntegerField(
        _("uiterlijk indienen: dag"),
        default=termijnen.STANDAARD_DAG,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
        help_text=_(
            "De dag van die maand; standaard 1 april van het jaar na het "
            "getoetste jaar."
        ),
    )

    CONSTRAINT_FIELDS = {
        "afspraak_eindjaar_na_ingangsjaar": "eindjaar",
        "afspraak_indiendag_bestaat": "indienen_dag",
    }

    tenancy = Tenancy(corporatie="corporatie", cooperatie="cooperatie")

    objects = AfspraakQuerySet.as_manager()

    class Meta:
        verbose_name = _("afspraak")
        verbose_name_plural = _("afspraken")
        ordering = ["corporatie", "cooperatie", "ingangsjaar"]
        constraints = [
            models.CheckConstraint(
                condition=Q(eindjaar__isnull=True) | Q(eindjaar__gte=F("ingangsjaar")),
                name="afspraak_eindjaar_na_ingangsjaar",
                violation_error_message=_(
                    "Het eindjaar mag niet vóór het ingangsjaar liggen."
                ),
            ),
            models.CheckConstraint(
                condition=Q(indienen_maand__gte=1, indienen_maand__lte=12)
                & Q(indienen_dag__gte=1)
                & (
                    Q(indienen_maand=2, indienen_dag__lte=28)
                    | Q(indienen_maand__in=[4, 6, 9, 11], indienen_dag__lte=30)
                    | Q(
                        indienen_maand__in=[1, 3, 5, 7, 8, 10, 12], indienen_dag__lte=31
                    )
                ),
                name="afspraak_indiendag_bestaat",
                violation_error_message=_(
                    "De dag voor uiterlijk indienen moet in die maand bestaan "
                    "(29 februari kan niet)."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.titel

    def loopt_in(self, jaar: int) -> bool:
        return evaluatie.loopt_in(self.ingangsjaar, self.eindjaar, jaar)

    def uiterlijk_indienen(self, jaar: int) -> datetime.date:
        """The last day on which year `jaar` of this afspraak may be submitted."""
        return termijnen.uiterlijk_indienen(
            jaar, self.indienen_maand, self.indienen_dag
        )


class Toezegging(models.Model):
    """One measurable clause of an afspraak: an indicator with a norm."""

    afspraak = models.ForeignKey(
        Afspraak,
        verbose_name=_("afspraak"),
        on_delete=models.CASCADE,
        related_name="toezeggingen",
    )
    omschrijving = models.CharField(
        _("omschrijving"), max_length=300, validators=[validate_single_line]
    )
    indicator = models.CharField(
        _("indicator"), max_length=32, choices=Indicator.choices
    )
    norm = models.DecimalField(_("norm"), max_digits=12, decimal_places=2, default=0)
    richting = models.CharField(
        _("richting"),
        max_length=10,
        choices=Richting.choices,
        default=Richting.MINIMAAL,
    )
    deels_vanaf = models.DecimalField(
        _("deels vanaf (%)"),
        max_digits=5,
        decimal_places=2,
        default=75,
        help_text=_("Percentage van de norm dat nog als 'deels' telt."),
    )
    zwaarwegend = models.BooleanField(_("zwaarwegend"), default=True)
    thema = models.CharField(
        _("thema"),
        max_length=20,
        choices=Thema.choices,
        blank=True,
        help_text=_("Telt alleen activiteiten met dit thema (leeg: alle)."),
    )
    alleen_open_voor_buurt = models.BooleanField(
        _("alleen open voor de buurt"),
        default=False,
        help_text=_("Telt alleen activiteiten die open waren voor de buurt."),
    )
    volgorde = models.PositiveSmallIntegerField(_("volgorde"), default=0)

    CONSTRAINT_FIELDS = {"toezegging_filters_alleen_bij_activiteiten": "thema"}

    tenancy = Tenancy(
        corporatie="afspraak__corporatie", cooperatie="afspraak__cooperatie"
    )

    objects = ToezeggingQuerySet.as_manager()

    class Meta:
        verbose_name = _("toezegging")
        verbose_name_plural = _("toezeggingen")
        ordering = ["afspraak", "volgorde", "pk"]
        indexes = [
            # The toezeggingen of afspraken in their order, read without sorting.
            models.Index(
                fields=["afspraak", "volgorde", "id"], name="toezegging_volgorde"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(norm__gte=0),
                name="toezegging_norm_niet_negatief",
                violation_error_message=_("De norm moet nul of meer zijn."),
            ),
            models.CheckConstraint(
                condition=Q(deels_vanaf__gte=0, deels_vanaf__lte=100),
                name="toezegging_deels_vanaf_percentage",
                violation_error_message=_(
                    "'Deels vanaf' moet een percentage tussen 0 en 100 zijn."
                ),
            ),
            models.CheckConstraint(
                condition=Q(thema="", alleen_open_voor_buurt=False)
                | Q(indicator__in=ACTIVITEIT_INDICATOREN),
                name="toezegging_filters_alleen_bij_activiteiten",
                violation_error_message=_(
                    "Thema en 'alleen open voor de buurt' mogen alleen bij "
                    "indicatoren over activiteiten worden gebruikt."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.omschrijving


def _door(verbose_name) -> models.ForeignKey:
    """The user who took a step of the yearly cycle; the step stays recorded
    (without its user) when that user is removed."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )


class Toetsing(models.Model):
    """The yearly assessment of one afspraak (domain §4)."""

    afspraak = models.ForeignKey(
        Afspraak,
        verbose_name=_("afspraak"),
        on_delete=models.PROTECT,
        related_name="toetsingen",
    )
    jaar = models.PositiveSmallIntegerField(_("jaar"), validators=JAAR_VALIDATORS)
    status = models.CharField(
        _("status"),
        max_length=14,
        choices=ToetsingStatus.choices,
        default=ToetsingStatus.OPEN,
    )
    snapshot = models.JSONField(_("resultaat"), null=True, blank=True)
    verdict = models.CharField(
        _("oordeel"), max_length=16, choices=Verdict.choices, blank=True
    )
    toelichting = models.TextField(
        _("toelichting"),
        blank=True,
        max_length=TOELICHTING_MAX_LENGTH,
        validators=multi_line_validators(TOELICHTING_MAX_LENGTH),
    )
    ingediend_door = _door(_("ingediend door"))
    ingediend_op = models.DateTimeField(_("ingediend op"), null=True, blank=True)
    teruggestuurd_door = _door(_("teruggestuurd door"))
    teruggestuurd_op = models.DateTimeField(
        _("teruggestuurd op"), null=True, blank=True
    )
    teruggestuurd_reden = models.TextField(
        _("reden van terugsturen"),
        blank=True,
        max_length=TOELICHTING_MAX_LENGTH,
        validators=multi_line_validators(TOELICHTING_MAX_LENGTH),
    )
    vastgesteld_door = _door(_("vastgesteld door"))
    vastgesteld_op = models.DateTimeField(_("vastgesteld op"), null=True, blank=True)

    tenancy = Tenancy(
        corporatie="afspraak__corporatie", cooperatie="afspraak__cooperatie"
    )

    objects = ToetsingQuerySet.as_manager()

    class Meta:
        verbose_name = _("toetsing")
        verbose_name_plural = _("toetsingen")
        ordering = ["-jaar", "afspraak"]
        constraints = [
            models.UniqueConstraint(
                fields=["afspraak", "jaar"],
                name="toetsing_uniek_per_afspraak_en_jaar",
                violation_error_message=_(
                    "Een afspraak mag per jaar maar één toetsing hebben: er is al"
                    " een toetsing voor deze afspraak in dit jaar."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.afspraak} – {self.jaar}"

    # What a vastgestelde toetsing fixes for good (also guarded by a PostgreSQL
    # trigger, migration 0005).
    SEALED_FIELDS = ("afspraak_id", "jaar", "status", "snapshot", "verdict")

    def save(self, *args, **kwargs):
        if not self._state.adding and self.pk is not None:
            stored = (
                type(self)
                .objects.filter(pk=self.pk)
                .values(*self.SEALED_FIELDS)
                .first()
            )
            if (
                stored
                and stored["status"] == ToetsingStatus.VASTGESTELD
                and any(
                    stored[name] != getattr(self, name) for name in self.SEALED_FIELDS
                )
            ):
                raise ImmutableRowError(
                    _("Een vastgestelde toetsing verandert niet meer.")
                )
        super().save(*args, **kwargs)

    @property
    def uiterlijk_indienen(self) -> datetime.date:
        return self.afspraak.uiterlijk_indienen(self.jaar)

    def te_laat(self, vandaag: datetime.date | None = None) -> bool:
        """Past its deadline while still with the bestuur (today, Amsterdam time,
        unless `vandaag` says otherwise)."""
        return termijnen.te_laat(
            self.status,
            self.uiterlijk_indienen,
            vandaag or timezone.localdate(),
        )


class Beoordeling(models.Model):
    """The beheerder's assessment of a kwalitatief toezegging in one toetsing."""

    toetsing = models.ForeignKey(
        Toetsing,
        verbose_name=_("toetsing"),
        on_delete=models.CASCADE,
        related_name="beoordelingen",
    )
    toezegging = models.ForeignKey(
        Toezegging,
        verbose_name=_("toezegging"),
        on_delete=models.PROTECT,
        related_name="beoordelingen",
    )
    oordeel = models.CharField(
        _("oordeel"),
        max_length=16,
        choices=[
            (Verdict.NAGEKOMEN, Verdict.NAGEKOMEN.label),
            (Verdict.DEELS, Verdict.DEELS.label),
            (Verdict.NIET_NAGEKOMEN, Verdict.NIET_NAGEKOMEN.label),
        ],
    )
    toelichting = models.TextField(
        _("toelichting"),
        max_length=TOELICHTING_MAX_LENGTH,
        validators=multi_line_validators(TOELICHTING_MAX_LENGTH),
    )
    beoordeeld_door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("beoordeeld door"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    beoordeeld_op = models.DateTimeField(_("beoordeeld op"), db_default=Now())

    tenancy = Tenancy(
        corporatie="toetsing__afspraak__corporatie",
        cooperatie="toetsing__afspraak__cooperatie",
    )

    objects = BeoordelingQuerySet.as_manager()

    class Meta:
        verbose_name = _("beoordeling")
        verbose_name_plural = _("beoordelingen")
        ordering = ["toetsing", "toezegging"]
        constraints = [
            models.UniqueConstraint(
                fields=["toetsing", "toezegging"],
                name="beoordeling_een_per_toezegging",
                violation_error_message=_(
                    "Een toezegging mag per toetsing maar één keer beoordeeld "
                    "worden: deze toezegging is in deze toetsing al beoordeeld."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(toelichting=""),
                name="beoordeling_toelichting_verplicht",
                violation_error_message=_(
                    "Een beoordeling moet een toelichting hebben."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.toezegging}: {self.get_oordeel_display()}"


class Rapport(AppendOnlyModel):
    """A sealed nalevingsrapport: the PDF of one vastgestelde toetsing and the
    SHA-256 of its bytes. Immutable."""

    toetsing = models.ForeignKey(
        Toetsing,
        verbose_name=_("toetsing"),
        on_delete=models.PROTECT,
        related_name="rapporten",
    )
    pdf = models.FileField(_("PDF"), upload_to="rapporten/%Y/")
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    journaal_hash = models.CharField(
        _("journaalhash bij verzegeling"), max_length=64, blank=True
    )
    journaal_keten = models.CharField(
        _("journaalketen"),
        max_length=40,
        blank=True,
        help_text=_("De keten van de corporatie waarin de verzegeling staat."),
    )
    journaal_seq = models.PositiveBigIntegerField(
        _("journaalregel bij verzegeling"), null=True, blank=True
    )
    cooperatie_journaal_seq = models.PositiveBigIntegerField(
        _("journaalregel coöperatie bij verzegeling"), null=True, blank=True
    )
    cooperatie_journaal_hash = models.CharField(
        _("journaalhash coöperatie bij verzegeling"), max_length=64, blank=True
    )
    taal = models.CharField(
        _("taal"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="nl",
        help_text=_(
            "De taal waarin het rapport is opgemaakt: die van wie het verzegelde."
        ),
    )
    created_at = models.DateTimeField(_("aangemaakt op"), db_default=Now())
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("aangemaakt door"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    tenancy = Tenancy(
        corporatie="toetsing__afspraak__corporatie",
        cooperatie="toetsing__afspraak__cooperatie",
    )

    objects = RapportQuerySet.as_manager()

    class Meta:
        verbose_name = _("nalevingsrapport")
        verbose_name_plural = _("nalevingsrapporten")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["sha256"],
                name="rapport_sha256_uniek",
                violation_error_message=_(
                    "Een rapport mag maar één keer verzegeld worden: dit rapport "
                    "is al verzegeld."
                ),
            ),
            models.UniqueConstraint(
                fields=["toetsing"],
                name="rapport_een_per_toetsing",
                violation_error_message=_(
                    "Een toetsing mag maar één verzegeld rapport hebben: deze "
                    "toetsing heeft al een verzegeld rapport."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.toetsing} ({self.sha256[:12]}…)"


class Jaarparameter(models.Model):
    """A legal figure that changes per year (DAEB income limit, aftoppingsgrens),
    with its source. Read per year, never a constant in code."""

    jaar = models.PositiveSmallIntegerField(_("jaar"), validators=JAAR_VALIDATORS)
    code = models.CharField(_("code"), max_length=40, choices=JaarparameterCode.choices)
    waarde = models.DecimalField(_("waarde"), max_digits=12, decimal_places=2)
    bron = models.TextField(
        _("bron"),
        max_length=TOELICHTING_MAX_LENGTH,
        validators=multi_line_validators(TOELICHTING_MAX_LENGTH),
    )

    objects = JaarparameterQuerySet.as_manager()

    class Meta:
        verbose_name = _("jaarparameter")
        verbose_name_plural = _("jaarparameters")
        ordering = ["code", "-jaar"]
        constraints = [
            models.UniqueConstraint(
                fields=["jaar", "code"],
                name="jaarparameter_uniek_per_jaar",
                violation_error_message=_(
                    "Een parameter mag per jaar maar één keer vastgelegd worden: "
                    "deze parameter is voor dit jaar al vastgelegd."
                ),
            ),
            models.CheckConstraint(
                condition=Q(waarde__gt=0),
                name="jaarparameter_waarde_positief",
                violation_error_message=_("De waarde moet groter dan nul zijn."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_code_display()} {self.jaar}: {self.waarde}"

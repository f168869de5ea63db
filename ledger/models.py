"""What the cooperative did and spent, and the journal of every change."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from cooperatie.validators import (
    OMSCHRIJVING_MAX_LENGTH,
    multi_line_validators,
    validate_plausible_date,
    validate_single_line,
)
from kern.scoping import Tenancy

from .choices import BoekingSoort, Thema
from .immutable import AppendOnlyModel
from .querysets import (
    ActiviteitQuerySet,
    AuditEntryQuerySet,
    BijlageQuerySet,
    BoekingQuerySet,
)


class Activiteit(models.Model):
    """An activity the cooperative organised (taallessen, moestuin, weggeefwinkel…)."""

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
    )
    partners = models.CharField(
        _("partners"), max_length=300, blank=True, validators=[validate_single_line]
    )
    created_at = models.DateTimeField(_("aangemaakt op"), db_default=Now())

    tenancy = Tenancy(cooperatie="cooperatie")

    objects = ActiviteitQuerySet.as_manager()

    class Meta:
        verbose_name = _("activiteit")
        verbose_name_plural = _("activiteiten")
        ordering = ["-datum", "titel"]
        indexes = [models.Index(fields=["cooperatie", "datum"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(vrijwilligersuren__gte=0),
                name="activiteit_vrijwilligersuren_niet_negatief",
                violation_error_message=_(
                    "Het aantal vrijwilligersuren is nul of meer."
                ),
            ),
            models.CheckConstraint(
                condition=Q(deelnemers_leden__gte=0, deelnemers_buurt__gte=0),
                name="activiteit_deelnemers_niet_negatief",
                violation_error_message=_("Aantallen deelnemers zijn nul of meer."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.datum} {self.titel}"


class Bijlage(models.Model):
    """Evidence for an activity: a photo, a receipt or a PDF."""

    activiteit = models.ForeignKey(
        Activiteit,
        verbose_name=_("activiteit"),
        on_delete=models.CASCADE,
        related_name="bijlagen",
    )
    bestand = models.FileField(_("bestand"), upload_to="bijlagen/%Y/%m/")
    omschrijving = models.CharField(
        _("omschrijving"), max_length=200, blank=True, validators=[validate_single_line]
    )
    content_type = models.CharField(_("soort bestand"), max_length=50)
    grootte = models.PositiveIntegerField(_("grootte (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_at = models.DateTimeField(_("aangemaakt op"), db_default=Now())

    tenancy = Tenancy(cooperatie="activiteit__cooperatie")

    objects = BijlageQuerySet.as_manager()

    class Meta:
        verbose_name = _("bijlage")
        verbose_name_plural = _("bijlagen")
        ordering = ["activiteit", "pk"]

    def __str__(self) -> str:
        return self.omschrijving or self.bestand.name.rsplit("/", 1)[-1]


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
                violation_error_message=_("Het bedrag is groter dan nul."),
            ),
            models.CheckConstraint(
                condition=Q(corrigeert__isnull=True) | ~Q(corrigeert=F("pk")),
                name="boeking_storno_niet_van_zichzelf",
                violation_error_message=_("Een boeking kan zichzelf niet corrigeren."),
            ),
        ]

    def __str__(self) -> str:
        prefix = "storno " if self.corrigeert_id else ""
        return f"{self.datum} {prefix}{self.get_soort_display()} € {self.bedrag}"

    @property
    def is_storno(self) -> bool:
        return self.corrigeert_id is not None


class AuditEntry(AppendOnlyModel):
    """One entry of the journal: the append-only, hash-chained audit trail.

    `hash` is SHA-256 over `prev_hash` and the canonical JSON of the entry (see
    `ledger.journal`). Personal member data is never stored in clear text.
    """

    keten = models.CharField(
        _("keten"),
        max_length=40,
        help_text=_(
            "De keten van de organisatie wier gegevens de regel wijzigt: "
            "corporatie:<id>, cooperatie:<id> of platform."
        ),
    )
    seq = models.PositiveBigIntegerField(_("volgnummer"))
    timestamp = models.DateTimeField(_("tijdstip"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gebruiker"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_name = models.CharField(_("naam gebruiker"), max_length=150)
    action = models.CharField(_("actie"), max_length=60)
    object_type = models.CharField(_("objectsoort"), max_length=60)
    object_id = models.CharField(_("object-id"), max_length=40, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    corporatie_id = models.BigIntegerField(_("corporatie-id"), null=True, blank=True)
    cooperatie_id = models.BigIntegerField(_("coöperatie-id"), null=True, blank=True)
    before = models.JSONField(_("voor"), null=True, blank=True)
    after = models.JSONField(_("na"), null=True, blank=True)
    request_id = models.CharField(_("request-id"), max_length=64, blank=True)
    prev_hash = models.CharField(_("vorige hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("journaalregel")
        verbose_name_plural = _("journaal")
        ordering = ["keten", "seq"]
        constraints = [
            models.UniqueConstraint(
                fields=["keten", "seq"],
                name="journaal_keten_seq_uniek",
                violation_error_message=_(
                    "Een volgnummer komt in een keten maar één keer voor."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["timestamp"]),
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["corporatie_id"]),
            models.Index(fields=["cooperatie_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.keten} #{self.seq} {self.action} {self.object_repr}"


class AuditChainHead(models.Model):
    """The head of one chain of the journal. Writers of that chain lock its row
    (SELECT … FOR UPDATE on PostgreSQL), so each chain stays linear under
    concurrent commits while writers of other organisations never wait; it also
    lets `verify_ledger` notice that entries were removed from the end."""

    keten = models.CharField(_("keten"), max_length=40, unique=True)
    seq = models.PositiveBigIntegerField(_("volgnummer"), default=0)
    hash = models.CharField(_("hash"), max_length=64, default="0" * 64)

    # The runtime database role updates heads but never deletes one
    # (ledger/dbroles.py).
    RUNTIME_DELETE = False

    class Meta:
        verbose_name = _("journaalkop")
        verbose_name_plural = _("journaalkoppen")
        ordering = ["keten"]

    def __str__(self) -> str:
        return f"{self.keten} #{self.seq} {self.hash[:12]}…"


class AuditChainVerification(models.Model):
    """How far a chain was last verified: the auditor's journal page continues
    from here, so its cost grows with the new entries, not with the journal.
    A cache of work done, never evidence: `verify_ledger` always walks whole
    chains and checks them against signed checkpoints."""

    keten = models.CharField(_("keten"), max_length=40, unique=True)
    seq = models.PositiveBigIntegerField(_("volgnummer"))
    hash = models.CharField(_("hash"), max_length=64)
    verified_at = models.DateTimeField(_("geverifieerd op"))

    # A cache: a backup leaves it out, a restored database verifies afresh.
    IN_BACKUP = False

    class Meta:
        verbose_name = _("ketenverificatie")
        verbose_name_plural = _("ketenverificaties")
        ordering = ["keten"]

    def __str__(self) -> str:
        return f"{self.keten} #{self.seq}"


class JournaalCheckpoint(AppendOnlyModel):
    """The heads of one or more chains at a moment, signed with the Ed25519 key
    outside the database (settings.JOURNAAL_SLEUTEL). Made at every sealing (the
    auditor's bundle carries it) and by `export_checkpoint`. A rebuilt or
    truncated chain no longer holds a checkpointed head."""

    created_at = models.DateTimeField(_("aangemaakt op"))
    inhoud = models.TextField(
        _("inhoud"), help_text=_("De ondertekende JSON, precies zoals ondertekend.")
    )
    sleutel = models.CharField(_("publieke sleutel (hex)"), max_length=64)
    handtekening = models.CharField(_("handtekening (hex)"), max_length=128)
    aanleiding = models.CharField(
        _("aanleiding"),
        max_length=60,
        blank=True,
        db_index=True,
        help_text=_("Waarvoor het checkpoint is gemaakt, bijv. afspraken.rapport:12."),
    )

    class Meta:
        verbose_name = _("journaalcheckpoint")
        verbose_name_plural = _("journaalcheckpoints")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"checkpoint {self.created_at:%Y-%m-%d %H:%M} ({self.sleutel[:12]}…)"

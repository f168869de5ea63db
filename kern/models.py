"""The platform's own rows: the journal (hash-chained entries, chain heads,
verification marks, signed checkpoints).

The tables keep the names they had in the ledger app (``db_table``), so the
append-only triggers and every chain survive the move.
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from .immutable import AppendOnlyModel
from .querysets import AuditEntryQuerySet


class AuditEntry(AppendOnlyModel):
    """One entry of the journal: the append-only, hash-chained audit trail.

    `hash` is SHA-256 over `prev_hash` and the canonical JSON of the entry (see
    `kern.journal`). Personal member data is never stored in clear text.
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
        db_table = "ledger_auditentry"
        verbose_name = _("journaalregel")
        verbose_name_plural = _("journaal")
        ordering = ["keten", "seq"]
        constraints = [
            models.UniqueConstraint(
                fields=["keten", "seq"],
                name="journaal_keten_seq_uniek",
                violation_error_message=_(
                    "Een volgnummer mag in een keten maar één keer voorkomen."
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
        db_table = "ledger_auditchainhead"
        verbose_name = _("journaalkop")
        verbose_name_plural = _("journaalkoppen")
        ordering = ["keten"]

    def __str__(self) -> str:
        return f"{self.keten} #{self.seq} {self.hash[:12]}…"


class AuditChainVerification(models.Model):
    """How far a chain was last verified: the auditor's journal page continues
    from here, so its cost grows with the new entries, not with the journal.
    Signed with the journal key (kern.checkpoints.sign_mark): the runtime role
    can rewrite this row, so a mark whose signature does not verify is not
    trusted and the check starts from a signed checkpoint or the chain's
    first entry instead. `verify_ledger` always walks whole chains."""

    keten = models.CharField(_("keten"), max_length=40, unique=True)
    seq = models.PositiveBigIntegerField(_("volgnummer"))
    hash = models.CharField(_("hash"), max_length=64)
    verified_at = models.DateTimeField(_("geverifieerd op"))
    handtekening = models.CharField(
        _("handtekening (hex)"),
        max_length=128,
        blank=True,
        help_text=_(
            "Ed25519-handtekening met de journaalsleutel over keten, volgnummer, "
            "hash en tijdstip; zonder geldige handtekening telt de markering niet."
        ),
    )

    # A cache: a backup leaves it out, a restored database verifies afresh.
    IN_BACKUP = False

    class Meta:
        db_table = "ledger_auditchainverification"
        verbose_name = _("ketenverificatie")
        verbose_name_plural = _("ketenverificaties")
        ordering = ["keten"]

    def __str__(self) -> str:
        return f"{self.keten} #{self.seq}"


class AuditCheckpoint(AppendOnlyModel):
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
        db_table = "ledger_journaalcheckpoint"
        verbose_name = _("journaalcheckpoint")
        verbose_name_plural = _("journaalcheckpoints")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"checkpoint {self.created_at:%Y-%m-%d %H:%M} ({self.sleutel[:12]}…)"


class Accountinstelling(models.Model):
    """A user's own settings: the language of mail sent to them and whether they
    want notification mail (invitations and password mail are always sent)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gebruiker"),
        on_delete=models.CASCADE,
        related_name="accountinstelling",
    )
    taal = models.CharField(
        _("taal"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("De taal van de pagina's en van de e-mail die u ontvangt."),
    )
    meldingen_per_mail = models.BooleanField(
        _("meldingen per e-mail"),
        default=True,
        help_text=_(
            "Berichten over indienen, terugsturen en vaststellen, herinneringen "
            "aan termijnen en het weekoverzicht. Uitnodigingen en e-mail over uw "
            "wachtwoord ontvangt u altijd."
        ),
    )
    updated_at = models.DateTimeField(_("gewijzigd op"), auto_now=True)

    class Meta:
        verbose_name = _("accountinstelling")
        verbose_name_plural = _("accountinstellingen")

    def __str__(self) -> str:
        return f"{_('instellingen')} (gebruiker #{self.user_id})"


class Verzending(models.Model):
    """A message that must go out once: its key is recorded in the transaction
    that queues it, so a second run (a timer firing twice, two workers) finds the
    key and sends nothing (`kern.mail.once`)."""

    sleutel = models.CharField(_("sleutel"), max_length=200, unique=True)
    created_at = models.DateTimeField(_("verzonden op"), auto_now_add=True)

    class Meta:
        verbose_name = _("verzending")
        verbose_name_plural = _("verzendingen")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.sleutel


class Herstelcode(models.Model):
    """A one-time recovery code of a user's second factor, for when the
    authenticator app is lost. Only a SHA-256 of the code is stored (the code
    has some 80 random bits); the code itself is shown once, when it is made."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gebruiker"),
        on_delete=models.CASCADE,
        related_name="herstelcodes",
    )
    code_hash = models.CharField(_("hash van de code"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("aangemaakt op"), db_default=Now())
    gebruikt_op = models.DateTimeField(_("gebruikt op"), null=True, blank=True)

    class Meta:
        verbose_name = _("herstelcode")
        verbose_name_plural = _("herstelcodes")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "code_hash"],
                name="herstelcode_uniek_per_gebruiker",
                violation_error_message=_(
                    "Een herstelcode mag per gebruiker maar één keer voorkomen."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{_('herstelcode')} (gebruiker #{self.user_id})"


class Aanmeldtijdperk(models.Model):
    """A number per user that goes up whenever how the user signs in changes:
    a second factor enrolled or removed (also by the platform operator), a new
    password. Every signed-in session holds the number it began at (or that
    the change it made itself brought it to); a session with another number
    is signed out on its next request (`portalen.middleware`), whichever
    session store holds it. A user without a row is at 0."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gebruiker"),
        on_delete=models.CASCADE,
        related_name="aanmeldtijdperk",
    )
    nummer = models.PositiveBigIntegerField(_("nummer"), default=0)
    gewijzigd_op = models.DateTimeField(_("gewijzigd op"), auto_now=True)

    class Meta:
        verbose_name = _("aanmeldtijdperk")
        verbose_name_plural = _("aanmeldtijdperken")

    def __str__(self) -> str:
        return f"{_('aanmeldtijdperk')} {self.nummer} (gebruiker #{self.user_id})"

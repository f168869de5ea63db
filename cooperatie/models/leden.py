"""The members of a cooperatie, and the log of who read their data."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from kern.scoping import Tenancy
from kern.validators import validate_single_line

from ..choices import Bestuursfunctie, Doelgroep
from ..querysets import LidQuerySet
from .organisaties import Cooperatie


class Lid(models.Model):
    """A member (household) of a cooperatie.

    Name, contact details, address and doelgroep are personal data: only the
    cooperatie's own bestuur sees them (see `cooperatie.permissions`). The journal
    stores digests of them salted with `journaal_salt`; wiping that salt (the
    erasure of AVG art. 17) unlinks the digests without breaking the chain.
    """

    PERSONAL_FIELDS = ("naam", "email", "telefoon", "adres", "doelgroep")
    EDITABLE_FIELDS = (
        "naam",
        "email",
        "telefoon",
        "adres",
        "lid_sinds",
        "lid_tot",
        "bestuursfunctie",
        "doelgroep",
    )

    cooperatie = models.ForeignKey(
        Cooperatie,
        verbose_name=_("coöperatie"),
        on_delete=models.PROTECT,
        related_name="leden",
    )
    naam = models.CharField(
        _("naam"), max_length=200, validators=[validate_single_line]
    )
    email = models.EmailField(
        _("e-mail"), blank=True, validators=[validate_single_line]
    )
    telefoon = models.CharField(
        _("telefoon"), max_length=20, blank=True, validators=[validate_single_line]
    )
    adres = models.CharField(
        _("adres"),
        max_length=200,
        blank=True,
        validators=[validate_single_line],
        help_text=_("Straat en huisnummer van de woning, bijv. Kastanjelaan 12-3."),
    )
    lid_sinds = models.DateField(_("lid sinds"))
    lid_tot = models.DateField(
        _("lid tot"),
        null=True,
        blank=True,
        help_text=_("Eerste dag dat het huishouden geen lid meer is."),
    )
    bestuursfunctie = models.CharField(
        _("bestuursfunctie"),
        max_length=16,
        choices=Bestuursfunctie.choices,
        blank=True,
    )
    doelgroep = models.CharField(
        _("doelgroep"),
        max_length=10,
        choices=Doelgroep.choices,
        default=Doelgroep.ONBEKEND,
        help_text=_(
            "Inkomen op of onder de DAEB-grens van dat jaar. Nooit een bedrag."
        ),
    )
    journaal_salt = models.CharField(
        _("journaalzout"),
        max_length=32,
        editable=False,
        default="",
    )
    geanonimiseerd_op = models.DateTimeField(
        _("geanonimiseerd op"), null=True, blank=True, editable=False
    )

    tenancy = Tenancy(cooperatie="cooperatie")
    objects = LidQuerySet.as_manager()

    class Meta:
        verbose_name = _("lid")
        verbose_name_plural = _("leden")
        ordering = ["cooperatie", "naam"]
        constraints = [
            models.CheckConstraint(
                condition=Q(lid_tot__isnull=True) | Q(lid_tot__gt=F("lid_sinds")),
                name="lid_tot_na_lid_sinds",
                violation_error_message=_(
                    "Het lidmaatschap moet eindigen na de dag waarop het begon."
                ),
            ),
            models.UniqueConstraint(
                fields=["cooperatie", "email"],
                condition=~Q(email=""),
                name="lid_email_uniek_per_cooperatie",
                violation_error_message=_(
                    "Een e-mailadres mag per coöperatie maar bij één lid horen: "
                    "deze coöperatie heeft al een lid met dit e-mailadres."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{_('lid')} #{self.pk}" if self.pk else str(_("nieuw lid"))

    @staticmethod
    def new_salt() -> str:
        return secrets.token_hex(16)

    def is_lid_op(self, peildatum) -> bool:
        """Whether this member counts on the given peildatum (domain §3)."""
        return self.lid_sinds <= peildatum and (
            self.lid_tot is None or self.lid_tot > peildatum
        )


class LedenInzage(models.Model):
    """One read of member data (AVG accountability): who, when, which cooperatie,
    through what and how many rows. Never the member data itself. Written by
    `cooperatie.privacy.log_inzage`; append-only in practice (no service changes
    or deletes a row)."""

    class Bron(models.TextChoices):
        PAGINA = "pagina", _("ledenpagina")
        EXPORT = "export", _("export ledenlijst")
        API = "api", _("API")
        IMPORT = "import", _("import")
        ACTIVITEIT = "activiteit", _("vrijwilligerslijst activiteit")
        AVG_EXPORT = "avg_export", _("gegevens van één lid (AVG)")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gebruiker"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    username = models.CharField(_("gebruikersnaam"), max_length=150)
    timestamp = models.DateTimeField(_("tijdstip"), db_default=Now())
    cooperatie = models.ForeignKey(
        Cooperatie,
        verbose_name=_("coöperatie"),
        on_delete=models.PROTECT,
        related_name="leden_inzagen",
    )
    bron = models.CharField(_("bron"), max_length=12, choices=Bron.choices)
    aantal = models.PositiveIntegerField(_("aantal rijen"), default=0)

    class Meta:
        verbose_name = _("inzage ledengegevens")
        verbose_name_plural = _("inzagen ledengegevens")
        ordering = ["-timestamp", "-pk"]
        indexes = [models.Index(fields=["cooperatie", "timestamp"])]

    def __str__(self) -> str:
        return f"{self.username} · {self.get_bron_display()} · {self.aantal}"

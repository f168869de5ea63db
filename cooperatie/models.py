"""Organisations, buildings, contracts, members and roles."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kern.scoping import ScopedQuerySet, Tenancy
from kern.validators import (
    BUURTCODE_REGEX,
    GEMEENTECODE_REGEX,
    KVK_REGEX,
    POSTCODE_REGEX,
    buurtcode_validator,
    gemeentecode_validator,
    kvk_validator,
    postcode_validator,
    validate_single_line,
)

from .choices import (
    Bestuursfunctie,
    CooperatieSoort,
    Daeb,
    Doelgroep,
    JaarStatus,
    OvereenkomstSoort,
    Rechtsvorm,
    RolSoort,
)
from .querysets import (
    ApiTokenQuerySet,
    CooperatieQuerySet,
    CorporatieQuerySet,
    GebouwQuerySet,
    LidQuerySet,
    OvereenkomstQuerySet,
    RolQuerySet,
)


class Corporatie(models.Model):
    """A housing corporation (woningcorporatie) that owns buildings."""

    # The fields a user sets: the one list the services, forms, serializers and
    # admin of each model read (likewise below).
    EDITABLE_FIELDS = ("naam", "kvk_nummer", "plaats")

    naam = models.CharField(
        _("naam"), max_length=200, validators=[validate_single_line]
    )
    kvk_nummer = models.CharField(
        _("KvK-nummer"), max_length=8, validators=[kvk_validator]
    )
    plaats = models.CharField(
        _("plaats"), max_length=100, validators=[validate_single_line]
    )

    tenancy = Tenancy(corporatie="pk")
    objects = CorporatieQuerySet.as_manager()

    class Meta:
        verbose_name = _("corporatie")
        verbose_name_plural = _("corporaties")
        ordering = ["naam"]
        constraints = [
            models.UniqueConstraint(
                fields=["kvk_nummer"],
                name="corporatie_kvk_nummer_uniek",
                violation_error_message=_(
                    "Er is al een corporatie met dit KvK-nummer."
                ),
            ),
            models.CheckConstraint(
                condition=Q(kvk_nummer__regex=KVK_REGEX),
                name="corporatie_kvk_nummer_formaat",
                violation_error_message=_(
                    "Een KvK-nummer bestaat uit precies 8 cijfers."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.naam


class Gebouw(models.Model):
    """A building or complex of homes owned by a corporatie."""

    EDITABLE_FIELDS = (
        "complexnummer",
        "naam",
        "straat",
        "huisnummer",
        "postcode",
        "plaats",
        "gemeentecode",
        "buurtcode",
        "kaartjaar",
        "aantal_woningen",
        "bouwjaar",
        "daeb",
    )

    corporatie = models.ForeignKey(
        Corporatie,
        verbose_name=_("corporatie"),
        on_delete=models.PROTECT,
        related_name="gebouwen",
    )
    complexnummer = models.CharField(
        _("complexnummer"), max_length=20, validators=[validate_single_line]
    )
    naam = models.CharField(
        _("naam"), max_length=200, validators=[validate_single_line]
    )
    straat = models.CharField(
        _("straat"), max_length=200, validators=[validate_single_line]
    )
    huisnummer = models.CharField(
        _("huisnummer"), max_length=20, validators=[validate_single_line]
    )
    postcode = models.CharField(
        _("postcode"), max_length=7, validators=[postcode_validator]
    )
    plaats = models.CharField(
        _("plaats"), max_length=100, validators=[validate_single_line]
    )
    gemeentecode = models.CharField(
        _("gemeentecode"), max_length=6, validators=[gemeentecode_validator]
    )
    buurtcode = models.CharField(
        _("buurtcode"), max_length=10, blank=True, validators=[buurtcode_validator]
    )
    kaartjaar = models.PositiveSmallIntegerField(
        _("kaartjaar"),
        null=True,
        blank=True,
        help_text=_("Jaar van de CBS-wijk- en buurtkaart waarin de buurtcode geldt."),
    )
    aantal_woningen = models.PositiveIntegerField(_("aantal woningen"))
    bouwjaar = models.PositiveSmallIntegerField(_("bouwjaar"), null=True, blank=True)
    daeb = models.CharField(
        _("DAEB"), max_length=10, choices=Daeb.choices, default=Daeb.DAEB
    )

    # Refusals of a missing kaartjaar belong on the kaartjaar (see kern.writes).
    CONSTRAINT_FIELDS = {"gebouw_buurtcode_met_kaartjaar": "kaartjaar"}

    tenancy = Tenancy(corporatie="corporatie")
    objects = GebouwQuerySet.as_manager()

    class Meta:
        verbose_name = _("gebouw")
        verbose_name_plural = _("gebouwen")
        ordering = ["corporatie__naam", "complexnummer"]
        constraints = [
            models.UniqueConstraint(
                fields=["corporatie", "complexnummer"],
                name="gebouw_complexnummer_uniek_per_corporatie",
                violation_error_message=_(
                    "Deze corporatie heeft al een gebouw met dit complexnummer."
                ),
            ),
            models.CheckConstraint(
                condition=Q(postcode__regex=POSTCODE_REGEX),
                name="gebouw_postcode_formaat",
                violation_error_message=_("Een postcode heeft de vorm 1234 AB."),
            ),
            models.CheckConstraint(
                condition=Q(gemeentecode__regex=GEMEENTECODE_REGEX),
                name="gebouw_gemeentecode_formaat",
                violation_error_message=_(
                    "Een gemeentecode heeft de vorm GM gevolgd door 4 cijfers."
                ),
            ),
            models.CheckConstraint(
                condition=Q(buurtcode="") | Q(buurtcode__regex=BUURTCODE_REGEX),
                name="gebouw_buurtcode_formaat",
                violation_error_message=_(
                    "Een buurtcode heeft de vorm BU, 4 cijfers en 4 cijfers of "
                    "hoofdletters."
                ),
            ),
            models.CheckConstraint(
                condition=Q(buurtcode="") | Q(kaartjaar__isnull=False),
                name="gebouw_buurtcode_met_kaartjaar",
                violation_error_message=_(
                    "Een buurtcode wordt altijd met het kaartjaar vastgelegd."
                ),
            ),
            models.CheckConstraint(
                condition=Q(aantal_woningen__gt=0),
                name="gebouw_aantal_woningen_positief",
                violation_error_message=_("Een gebouw heeft minstens één woning."),
            ),
            models.CheckConstraint(
                condition=Q(bouwjaar__isnull=True)
                | Q(bouwjaar__gte=1200, bouwjaar__lte=2100),
                name="gebouw_bouwjaar_plausibel",
                violation_error_message=_(
                    "Het bouwjaar moet tussen 1200 en 2100 liggen."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.complexnummer} {self.naam}"

    @property
    def adres(self) -> str:
        return f"{self.straat} {self.huisnummer}, {self.postcode} {self.plaats}"


class Cooperatie(models.Model):
    """A wooncoöperatie or beheercoöperatie of tenants."""

    EDITABLE_FIELDS = (
        "naam",
        "soort",
        "kvk_nummer",
        "rechtsvorm",
        "opgericht_op",
        "email",
        "website",
    )

    naam = models.CharField(
        _("naam"), max_length=200, validators=[validate_single_line]
    )
    soort = models.CharField(_("soort"), max_length=10, choices=CooperatieSoort.choices)
    kvk_nummer = models.CharField(
        _("KvK-nummer"), max_length=8, validators=[kvk_validator]
    )
    rechtsvorm = models.CharField(
        _("rechtsvorm"),
        max_length=12,
        choices=Rechtsvorm.choices,
        default=Rechtsvorm.VERENIGING,
    )
    opgericht_op = models.DateField(_("opgericht op"), null=True, blank=True)
    email = models.EmailField(
        _("e-mail"), blank=True, validators=[validate_single_line]
    )
    website = models.URLField(
        _("website"), blank=True, validators=[validate_single_line]
    )
    aangemeld_door = models.ForeignKey(
        Corporatie,
        verbose_name=_("aangemeld door"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="aangemelde_cooperaties",
        help_text=_(
            "De corporatie die de coöperatie registreerde; zij ziet de coöperatie "
            "ook voordat er een overeenkomst of afspraak is."
        ),
    )

    tenancy = Tenancy(cooperatie="pk")
    objects = CooperatieQuerySet.as_manager()

    class Meta:
        verbose_name = _("coöperatie")
        verbose_name_plural = _("coöperaties")
        ordering = ["naam"]
        constraints = [
            models.UniqueConstraint(
                fields=["kvk_nummer"],
                name="cooperatie_kvk_nummer_uniek",
                violation_error_message=_(
                    "Er is al een coöperatie met dit KvK-nummer."
                ),
            ),
            models.CheckConstraint(
                condition=Q(kvk_nummer__regex=KVK_REGEX),
                name="cooperatie_kvk_nummer_formaat",
                violation_error_message=_(
                    "Een KvK-nummer bestaat uit precies 8 cijfers."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.naam


class Overeenkomst(models.Model):
    """The lease or management contract that lets a gebouw to a cooperatie.

    One gebouw has at most one overeenkomst on any date; the model validates this on
    every database and PostgreSQL also enforces it with an exclusion constraint
    (migration 0002).
    """

    # Gebouw and cooperatie are set when it is made and stay.
    EDITABLE_FIELDS = ("soort", "ingangsdatum", "einddatum", "aantal_woningen")

    gebouw = models.ForeignKey(
        Gebouw,
        verbose_name=_("gebouw"),
        on_delete=models.PROTECT,
        related_name="overeenkomsten",
    )
    cooperatie = models.ForeignKey(
        Cooperatie,
        verbose_name=_("coöperatie"),
        on_delete=models.PROTECT,
        related_name="overeenkomsten",
    )
    soort = models.CharField(
        _("soort"), max_length=10, choices=OvereenkomstSoort.choices
    )
    ingangsdatum = models.DateField(_("ingangsdatum"))
    einddatum = models.DateField(
        _("einddatum"),
        null=True,
        blank=True,
        help_text=_("Laatste dag van de overeenkomst; leeg voor onbepaalde tijd."),
    )
    aantal_woningen = models.PositiveIntegerField(_("aantal woningen"))

    tenancy = Tenancy(corporatie="gebouw__corporatie", cooperatie="cooperatie")
    objects = OvereenkomstQuerySet.as_manager()

    class Meta:
        verbose_name = _("overeenkomst")
        verbose_name_plural = _("overeenkomsten")
        ordering = ["gebouw", "ingangsdatum"]
        constraints = [
            models.CheckConstraint(
                condition=Q(einddatum__isnull=True)
                | Q(einddatum__gte=F("ingangsdatum")),
                name="overeenkomst_einddatum_na_ingangsdatum",
                violation_error_message=_(
                    "De einddatum ligt niet vóór de ingangsdatum."
                ),
            ),
            models.CheckConstraint(
                condition=Q(aantal_woningen__gt=0),
                name="overeenkomst_aantal_woningen_positief",
                violation_error_message=_(
                    "Een overeenkomst betreft minstens één woning."
                ),
            ),
        ]

    def __str__(self) -> str:
        eind = self.einddatum.isoformat() if self.einddatum else "…"
        return f"{self.gebouw} – {self.cooperatie} ({self.ingangsdatum}–{eind})"

    def overlapping(self) -> models.QuerySet["Overeenkomst"]:
        """Other overeenkomsten of the same gebouw whose period meets this one."""
        others = Overeenkomst.objects.filter(gebouw_id=self.gebouw_id).exclude(
            pk=self.pk
        )
        others = others.filter(
            Q(einddatum__isnull=True) | Q(einddatum__gte=self.ingangsdatum)
        )
        if self.einddatum is not None:
            others = others.filter(ingangsdatum__lte=self.einddatum)
        return others


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
                    "Het lidmaatschap eindigt na de dag waarop het begon."
                ),
            ),
            models.UniqueConstraint(
                fields=["cooperatie", "email"],
                condition=~Q(email=""),
                name="lid_email_uniek_per_cooperatie",
                violation_error_message=_(
                    "Deze coöperatie heeft al een lid met dit e-mailadres."
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


class Rol(models.Model):
    """A role a user holds: beheerder or auditor of a corporatie, or bestuur of a
    cooperatie. A user may hold several."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gebruiker"),
        on_delete=models.CASCADE,
        related_name="rollen",
    )
    soort = models.CharField(_("soort"), max_length=10, choices=RolSoort.choices)
    corporatie = models.ForeignKey(
        Corporatie,
        verbose_name=_("corporatie"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="rollen",
    )
    cooperatie = models.ForeignKey(
        Cooperatie,
        verbose_name=_("coöperatie"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="rollen",
    )
    created_at = models.DateTimeField(_("aangemaakt op"), db_default=Now())

    CONSTRAINT_FIELDS = {"rol_scope_past_bij_soort": "soort"}

    # A role belongs to the organisation it grants a role in.
    tenancy = Tenancy(corporatie="corporatie", cooperatie="cooperatie")
    objects = RolQuerySet.as_manager()

    class Meta:
        verbose_name = _("rol")
        verbose_name_plural = _("rollen")
        ordering = ["user", "soort"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        soort__in=[RolSoort.BEHEERDER, RolSoort.AUDITOR],
                        corporatie__isnull=False,
                        cooperatie__isnull=True,
                    )
                    | Q(
                        soort=RolSoort.BESTUUR,
                        corporatie__isnull=True,
                        cooperatie__isnull=False,
                    )
                ),
                name="rol_scope_past_bij_soort",
                violation_error_message=_(
                    "Een beheerder of auditor hoort bij een corporatie, een "
                    "bestuurder bij een coöperatie (en niet bij beide)."
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "soort", "corporatie"],
                condition=Q(corporatie__isnull=False),
                name="rol_uniek_per_corporatie",
                violation_error_message=_(
                    "Deze gebruiker heeft deze rol al bij deze corporatie."
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "soort", "cooperatie"],
                condition=Q(cooperatie__isnull=False),
                name="rol_uniek_per_cooperatie",
                violation_error_message=_(
                    "Deze gebruiker heeft deze rol al bij deze coöperatie."
                ),
            ),
        ]

    def __str__(self) -> str:
        target = self.corporatie or self.cooperatie
        # No user name here: this text also goes into the journal, which
        # auditors read.
        return f"{self.get_soort_display()} – {target} (gebruiker #{self.user_id})"


class ApiToken(models.Model):
    """A token a user makes for scripts (ERP, BI) and can revoke.

    Only a SHA-256 of the key is stored; the key itself is shown once, when the
    token is made. The token acts with its user's roles, until it is revoked, it
    expires (`verloopt_op`, settings.API_TOKEN_GELDIGHEID_DAGEN after it was made)
    or its user's password changes (`wachtwoord_kenmerk`, see
    `services.apitoken_authenticate`).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gebruiker"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    naam = models.CharField(
        _("naam"),
        max_length=100,
        validators=[validate_single_line],
        help_text=_("Waarvoor de token dient."),
    )
    prefix = models.CharField(_("begin van de sleutel"), max_length=8, editable=False)
    key_hash = models.CharField(_("hash van de sleutel"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("aangemaakt op"), db_default=Now())
    last_used_at = models.DateTimeField(_("laatst gebruikt"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("ingetrokken op"), null=True, blank=True)
    verloopt_op = models.DateTimeField(
        _("verloopt op"),
        editable=False,
        help_text=_("Na dit moment werkt de token niet meer."),
    )
    wachtwoord_kenmerk = models.CharField(
        _("kenmerk van het wachtwoord"),
        max_length=64,
        editable=False,
        help_text=_("Na een nieuw wachtwoord werkt de token niet meer."),
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API-token")
        verbose_name_plural = _("API-tokens")
        ordering = ["user", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["key_hash"],
                name="apitoken_key_hash_uniek",
                violation_error_message=_("Deze sleutel bestaat al."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.naam} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        """Not revoked and not expired (the password check needs the user)."""
        return self.revoked_at is None and self.verloopt_op > timezone.now()


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


class GeslotenJaar(models.Model):
    """A closed year of a cooperatie: a toetsing of that year was ingediend or
    vastgesteld (domain §4), so its activities, bookings and member changes of
    that year are refused (`cooperatie.jaarslot`).

    The afspraken services keep it, in the transaction of the transition that
    closes, reopens or approves the year; the cooperatie and ledger apps only
    read it. A derived record, not journaled: the transition's entry is."""

    cooperatie = models.ForeignKey(
        Cooperatie,
        verbose_name=_("coöperatie"),
        on_delete=models.CASCADE,
        related_name="gesloten_jaren",
    )
    jaar = models.PositiveSmallIntegerField(_("jaar"))
    status = models.CharField(_("status"), max_length=12, choices=JaarStatus.choices)

    tenancy = Tenancy(cooperatie="cooperatie")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("gesloten jaar")
        verbose_name_plural = _("gesloten jaren")
        ordering = ["cooperatie", "-jaar"]
        constraints = [
            models.UniqueConstraint(
                fields=["cooperatie", "jaar"],
                name="gesloten_jaar_uniek_per_cooperatie",
                violation_error_message=_(
                    "Dit jaar van deze coöperatie is al gesloten."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cooperatie} {self.jaar} ({self.get_status_display()})"


class Relatie(models.Model):
    """A corporatie and a cooperatie that are tied: an overeenkomst on one of the
    corporatie's gebouwen or an afspraak between them links them. The cooperatie
    is then in the corporatie's scope and the corporatie in the bestuur's
    (`cooperatie.scope`), also after the overeenkomst or afspraak ended.

    The services that make overeenkomsten and afspraken keep it, in their
    transaction; `gebouwen` are the gebouwen the afspraken between the two name,
    which the cooperatie's bestuur sees. A derived record, not journaled: the
    overeenkomst's or afspraak's entry is."""

    corporatie = models.ForeignKey(
        Corporatie,
        verbose_name=_("corporatie"),
        on_delete=models.CASCADE,
        related_name="relaties",
    )
    cooperatie = models.ForeignKey(
        Cooperatie,
        verbose_name=_("coöperatie"),
        on_delete=models.CASCADE,
        related_name="relaties",
    )
    gebouwen = models.ManyToManyField(
        Gebouw,
        verbose_name=_("gebouwen in afspraken"),
        related_name="+",
        blank=True,
    )

    tenancy = Tenancy(corporatie="corporatie", cooperatie="cooperatie")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("relatie")
        verbose_name_plural = _("relaties")
        ordering = ["corporatie", "cooperatie"]
        constraints = [
            models.UniqueConstraint(
                fields=["corporatie", "cooperatie"],
                name="relatie_uniek_per_paar",
                violation_error_message=_(
                    "Deze corporatie en coöperatie hebben al een relatie."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.corporatie} – {self.cooperatie}"

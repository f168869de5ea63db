"""Access: the roles users hold, the invitations to them, the API tokens users
make, the machine clients (OAuth2) a corporatie registers, and the identities
at the identity provider accounts sign in with."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from oauth2_provider.settings import oauth2_settings

from kern.api.scopes import validate_scopes
from kern.scoping import Tenancy
from kern.validators import (
    GEMEENTECODE_REGEX,
    gemeentecode_validator,
    validate_single_line,
)

from ..choices import UITNODIGING_ROLLEN, RolSoort
from ..querysets import (
    ApiClientQuerySet,
    ApiTokenQuerySet,
    RolQuerySet,
    UitnodigingQuerySet,
)
from .organisaties import Cooperatie, Corporatie

# The scope of a role or invitation on an organisation (not a gemeente role).
ROL_SCOPE = Q(
    soort__in=[RolSoort.BEHEERDER, RolSoort.AUDITOR],
    corporatie__isnull=False,
    cooperatie__isnull=True,
) | Q(
    soort=RolSoort.BESTUUR,
    corporatie__isnull=True,
    cooperatie__isnull=False,
)


class Rol(models.Model):
    """A role a user holds: beheerder or auditor of a corporatie, bestuur of a
    cooperatie, or gemeente (read-only, the roll-up of one gemeente by its CBS
    code). A user may hold several."""

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
    gemeentecode = models.CharField(
        _("gemeentecode"),
        max_length=6,
        blank=True,
        default="",
        validators=[validate_single_line, gemeentecode_validator],
        help_text=_("Alleen bij een gemeenterol: de CBS-code, GM en 4 cijfers."),
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
                    (ROL_SCOPE & Q(gemeentecode=""))
                    | Q(
                        soort=RolSoort.GEMEENTE,
                        corporatie__isnull=True,
                        cooperatie__isnull=True,
                        gemeentecode__regex=GEMEENTECODE_REGEX,
                    )
                ),
                name="rol_scope_past_bij_soort",
                violation_error_message=_(
                    "Een beheerder of auditor hoort bij een corporatie, een "
                    "bestuurder bij een coöperatie, een gemeenterol bij een "
                    "gemeentecode (en bij niets anders)."
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "soort", "gemeentecode"],
                condition=Q(soort=RolSoort.GEMEENTE),
                name="rol_uniek_per_gemeente",
                violation_error_message=_(
                    "Een gebruiker mag een gemeenterol maar één keer per gemeente "
                    "hebben: deze gebruiker heeft deze rol al bij deze gemeente."
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "soort", "corporatie"],
                condition=Q(corporatie__isnull=False),
                name="rol_uniek_per_corporatie",
                violation_error_message=_(
                    "Een gebruiker mag een rol maar één keer per corporatie "
                    "hebben: deze gebruiker heeft deze rol al bij deze "
                    "corporatie."
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "soort", "cooperatie"],
                condition=Q(cooperatie__isnull=False),
                name="rol_uniek_per_cooperatie",
                violation_error_message=_(
                    "Een gebruiker mag een rol maar één keer per coöperatie "
                    "hebben: deze gebruiker heeft deze rol al bij deze "
                    "coöperatie."
                ),
            ),
        ]

    def __str__(self) -> str:
        target = self.corporatie or self.cooperatie or self.gemeentecode
        # No user name here: this text also goes into the journal, which
        # auditors read.
        return f"{self.get_soort_display()} – {target} (gebruiker #{self.user_id})"


class Uitnodiging(models.Model):
    """An invitation by e-mail to take up a role (the role it would grant: the
    same soort and scope as a Rol).

    Only a SHA-256 of the token is stored; the token itself is only in the link
    the mail holds. An invitation is open until it is accepted, withdrawn or
    expires (`verloopt_op`); sending it again makes a new token, so the old link
    no longer works. The e-mail address is personal: the journal holds a digest
    of it salted with `journaal_salt`.
    """

    PERSONAL_FIELDS = ("email",)

    email = models.EmailField(_("e-mail"), validators=[validate_single_line])
    soort = models.CharField(_("soort"), max_length=10, choices=UITNODIGING_ROLLEN)
    corporatie = models.ForeignKey(
        Corporatie,
        verbose_name=_("corporatie"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="uitnodigingen",
    )
    cooperatie = models.ForeignKey(
        Cooperatie,
        verbose_name=_("coöperatie"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="uitnodigingen",
    )
    uitgenodigd_door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uitgenodigd door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    key_hash = models.CharField(_("hash van de sleutel"), max_length=64, editable=False)
    journaal_salt = models.CharField(max_length=32, editable=False)
    created_at = models.DateTimeField(_("aangemaakt op"), db_default=Now())
    verloopt_op = models.DateTimeField(_("verloopt op"), editable=False)
    geaccepteerd_op = models.DateTimeField(
        _("aangenomen op"), null=True, blank=True, editable=False
    )
    geaccepteerd_door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("aangenomen door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    ingetrokken_op = models.DateTimeField(
        _("ingetrokken op"), null=True, blank=True, editable=False
    )

    CONSTRAINT_FIELDS = {"uitnodiging_scope_past_bij_soort": "soort"}

    tenancy = Tenancy(corporatie="corporatie", cooperatie="cooperatie")
    objects = UitnodigingQuerySet.as_manager()

    class Meta:
        verbose_name = _("uitnodiging")
        verbose_name_plural = _("uitnodigingen")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=ROL_SCOPE,
                name="uitnodiging_scope_past_bij_soort",
                violation_error_message=_(
                    "Een beheerder of auditor hoort bij een corporatie, een "
                    "bestuurder bij een coöperatie (en niet bij beide)."
                ),
            ),
            models.UniqueConstraint(
                fields=["key_hash"],
                name="uitnodiging_key_hash_uniek",
                violation_error_message=_(
                    "Een token mag maar één keer voorkomen: deze token bestaat al."
                ),
            ),
        ]

    def __str__(self) -> str:
        # No address here: this text also goes into the journal.
        target = self.corporatie or self.cooperatie
        return f"{self.get_soort_display()} – {target} (uitnodiging #{self.pk})"

    @property
    def is_open(self) -> bool:
        """Neither accepted nor withdrawn nor expired."""
        return (
            self.geaccepteerd_op is None
            and self.ingetrokken_op is None
            and self.verloopt_op > timezone.now()
        )


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
                violation_error_message=_(
                    "Een sleutel mag maar één keer voorkomen: deze sleutel bestaat al."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.naam} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        """Not revoked and not expired (the password check needs the user)."""
        return self.revoked_at is None and self.verloopt_op > timezone.now()


class ApiClient(models.Model):
    """A machine client (an ERP or BI tool) that a beheerder registers for its
    corporatie: OAuth2 client credentials with scopes per resource group
    (`kern.api.scopes`).

    The OAuth2 side is django-oauth-toolkit's: `applicatie` holds the client id
    and a hash of the secret (the secret itself is shown once, when the client
    is registered) and issues the short-lived access tokens. The client acts as
    `gebruiker`, an account of its own that cannot sign in and holds no role:
    its scope is the corporatie's, as its beheerder has it (`cooperatie.scope`),
    and the journal names it by that account's name. Revoking the client
    removes the application and its tokens, so they stop working at once.
    """

    corporatie = models.ForeignKey(
        Corporatie,
        verbose_name=_("corporatie"),
        on_delete=models.CASCADE,
        related_name="api_clients",
    )
    naam = models.CharField(
        _("naam"),
        max_length=100,
        validators=[validate_single_line],
        help_text=_("Welk systeem de koppeling gebruikt, bijv. het ERP-pakket."),
    )
    scopes = models.JSONField(
        _("scopes"),
        default=list,
        validators=[validate_scopes],
        help_text=_("Welke gegevens de koppeling mag lezen of wijzigen."),
    )
    client_id = models.CharField(_("client-id"), max_length=100, editable=False)
    applicatie = models.OneToOneField(
        oauth2_settings.APPLICATION_MODEL,
        verbose_name=_("OAuth2-applicatie"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="api_client",
        editable=False,
    )
    gebruiker = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account van de koppeling"),
        on_delete=models.PROTECT,
        related_name="api_client",
        editable=False,
    )
    aangemaakt_door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("aangemaakt door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("aangemaakt op"), db_default=Now())
    revoked_at = models.DateTimeField(
        _("ingetrokken op"), null=True, blank=True, editable=False
    )

    tenancy = Tenancy(corporatie="corporatie")
    objects = ApiClientQuerySet.as_manager()

    class Meta:
        verbose_name = _("API-koppeling")
        verbose_name_plural = _("API-koppelingen")
        ordering = ["corporatie", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["client_id"],
                name="apiclient_client_id_uniek",
                violation_error_message=_(
                    "Een client-id mag maar één keer voorkomen: deze client-id "
                    "bestaat al."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.naam} ({self.client_id[:8]}…)"


class SsoIdentiteit(models.Model):
    """The identity at the identity provider (its issuer and the `sub` it
    gives the person) that an account signs in with through single sign-on:
    recorded at the account's first completed sign-in through the provider.
    From then on that identity signs the account in, also when the provider's
    e-mail address for it changes, and another identity with the account's
    address is refused (`cooperatie.sso`): an address the provider gave to
    someone else does not take the account over. The platform operator can
    remove the link in the admin (journaled); the next sign-in records one
    anew.

    `sub` is personal (the provider's number for a person): the journal holds
    a digest of it, salted with `journaal_salt`.
    """

    PERSONAL_FIELDS = ("sub",)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gebruiker"),
        on_delete=models.CASCADE,
        related_name="sso_identiteiten",
    )
    issuer = models.CharField(
        _("aanmelddienst (issuer)"), max_length=255, editable=False
    )
    sub = models.CharField(
        _("identiteit bij de aanmelddienst (sub)"), max_length=255, editable=False
    )
    journaal_salt = models.CharField(max_length=32, editable=False)
    created_at = models.DateTimeField(_("gekoppeld op"), db_default=Now())

    class Meta:
        verbose_name = _("SSO-identiteit")
        verbose_name_plural = _("SSO-identiteiten")
        ordering = ["user", "issuer"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "sub"],
                name="ssoidentiteit_uniek",
                violation_error_message=_(
                    "Een identiteit bij een aanmelddienst mag maar bij één "
                    "account horen."
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "issuer"],
                name="ssoidentiteit_een_per_aanmelddienst",
                violation_error_message=_(
                    "Een account mag per aanmelddienst maar één identiteit hebben."
                ),
            ),
        ]

    def __str__(self) -> str:
        # No sub here: this text also goes into the journal.
        return f"{_('SSO-identiteit')} (gebruiker #{self.user_id})"

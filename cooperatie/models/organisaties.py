"""The organisations and what binds them: corporaties, their gebouwen, the
cooperaties and the overeenkomsten that let a gebouw to a cooperatie."""

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kern.scoping import Tenancy
from kern.validators import (
    BAG_PAND_REGEX,
    BAG_VERBLIJFSOBJECTEN_MAX,
    BUURTCODE_REGEX,
    GEMEENTECODE_REGEX,
    KVK_REGEX,
    POSTCODE_REGEX,
    bag_pand_validator,
    buurtcode_validator,
    clustercode_validator,
    gemeentecode_validator,
    kvk_validator,
    postcode_validator,
    validate_bag_verblijfsobject_ids,
    validate_single_line,
)

from ..choices import CooperatieSoort, Daeb, OvereenkomstSoort, Rechtsvorm
from ..querysets import (
    CooperatieQuerySet,
    CorporatieQuerySet,
    GebouwQuerySet,
    OvereenkomstQuerySet,
)


def _kvk_constraints(prefix: str, unique_message) -> list[models.BaseConstraint]:
    """An organisation's KvK-nummer: 8 digits, and unique among its kind."""
    return [
        models.UniqueConstraint(
            fields=["kvk_nummer"],
            name=f"{prefix}_kvk_nummer_uniek",
            violation_error_message=unique_message,
        ),
        models.CheckConstraint(
            condition=Q(kvk_nummer__regex=KVK_REGEX),
            name=f"{prefix}_kvk_nummer_formaat",
            violation_error_message=_(
                "Een KvK-nummer moet uit precies 8 cijfers bestaan."
            ),
        ),
    ]


# Where a gebouw's coordinates (WGS84) may lie: the European Netherlands,
# generously. Every gebouw of a toegelaten instelling lies there; the Caribbean
# Netherlands have none, and the RD grid does not reach them.
LATITUDE_RANGE = (Decimal("50.7"), Decimal("53.7"))
LONGITUDE_RANGE = (Decimal("3.2"), Decimal("7.3"))


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
        constraints = _kvk_constraints(
            "corporatie",
            _(
                "Een KvK-nummer mag maar bij één corporatie horen: er is al een "
                "corporatie met dit KvK-nummer."
            ),
        )

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
        "bag_pand_id",
        "bag_verblijfsobject_ids",
        "clustercode",
        "latitude",
        "longitude",
    )
    # What a write takes besides: the location in RD, which the service
    # converts to latitude and longitude (kern.coordinaten).
    CONVERTED_FIELDS = ("rd_x", "rd_y")

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
    bag_pand_id = models.CharField(
        _("BAG-pand-id"),
        max_length=16,
        blank=True,
        validators=[bag_pand_validator],
        help_text=_(
            "Identificatie van het pand in de BAG: 16 cijfers, beginnend met de 4 "
            "cijfers van de gemeentecode van het gebouw."
        ),
    )
    bag_verblijfsobject_ids = models.JSONField(
        _("BAG-verblijfsobject-ids"),
        default=list,
        blank=True,
        validators=[validate_bag_verblijfsobject_ids],
        help_text=_(
            "Identificaties van de verblijfsobjecten (woningen) in de BAG: elk 16 "
            "cijfers, beginnend met de 4 cijfers van de gemeentecode."
        ),
    )
    clustercode = models.CharField(
        _("clustercode"),
        max_length=20,
        blank=True,
        validators=[clustercode_validator],
        help_text=_("De code van het cluster in de eigen systemen (VERA)."),
    )
    latitude = models.DecimalField(
        _("breedtegraad"),
        max_digits=8,
        decimal_places=6,
        null=True,
        blank=True,
        help_text=_("Noorderbreedte in graden (WGS84), bijv. 52.155172."),
    )
    longitude = models.DecimalField(
        _("lengtegraad"),
        max_digits=8,
        decimal_places=6,
        null=True,
        blank=True,
        help_text=_("Oosterlengte in graden (WGS84), bijv. 5.387204."),
    )

    # Refusals of a missing kaartjaar belong on the kaartjaar (see kern.writes).
    CONSTRAINT_FIELDS = {
        "gebouw_buurtcode_met_kaartjaar": "kaartjaar",
        "gebouw_coordinaten_samen": "longitude",
    }

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
                    "Een complexnummer mag per corporatie maar één keer "
                    "voorkomen: deze corporatie heeft al een gebouw met dit "
                    "complexnummer."
                ),
            ),
            models.CheckConstraint(
                condition=Q(postcode__regex=POSTCODE_REGEX),
                name="gebouw_postcode_formaat",
                violation_error_message=_("Een postcode moet de vorm 1234 AB hebben."),
            ),
            models.CheckConstraint(
                condition=Q(gemeentecode__regex=GEMEENTECODE_REGEX),
                name="gebouw_gemeentecode_formaat",
                violation_error_message=_(
                    "Een gemeentecode moet de vorm GM gevolgd door 4 cijfers hebben."
                ),
            ),
            models.CheckConstraint(
                condition=Q(buurtcode="") | Q(buurtcode__regex=BUURTCODE_REGEX),
                name="gebouw_buurtcode_formaat",
                violation_error_message=_(
                    "Een buurtcode moet de vorm BU, 4 cijfers en 4 cijfers of "
                    "hoofdletters hebben."
                ),
            ),
            models.CheckConstraint(
                condition=Q(buurtcode="") | Q(kaartjaar__isnull=False),
                name="gebouw_buurtcode_met_kaartjaar",
                violation_error_message=_(
                    "Een buurtcode moet altijd met het kaartjaar worden vastgelegd."
                ),
            ),
            models.CheckConstraint(
                condition=Q(aantal_woningen__gt=0),
                name="gebouw_aantal_woningen_positief",
                violation_error_message=_(
                    "Een gebouw moet minstens één woning hebben."
                ),
            ),
            models.CheckConstraint(
                condition=Q(bouwjaar__isnull=True)
                | Q(bouwjaar__gte=1200, bouwjaar__lte=2100),
                name="gebouw_bouwjaar_plausibel",
                violation_error_message=_(
                    "Het bouwjaar moet tussen 1200 en 2100 liggen."
                ),
            ),
            models.CheckConstraint(
                condition=Q(bag_pand_id="") | Q(bag_pand_id__regex=BAG_PAND_REGEX),
                name="gebouw_bag_pand_id_formaat",
                violation_error_message=bag_pand_validator.message,
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True)
                | Q(latitude__gte=LATITUDE_RANGE[0], latitude__lte=LATITUDE_RANGE[1]),
                name="gebouw_latitude_in_nederland",
                violation_error_message=_(
                    "De breedtegraad moet tussen 50,7 en 53,7 liggen (Nederland)."
                ),
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True)
                | Q(
                    longitude__gte=LONGITUDE_RANGE[0],
                    longitude__lte=LONGITUDE_RANGE[1],
                ),
                name="gebouw_longitude_in_nederland",
                violation_error_message=_(
                    "De lengtegraad moet tussen 3,2 en 7,3 liggen (Nederland)."
                ),
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="gebouw_coordinaten_samen",
                violation_error_message=_(
                    "Breedtegraad en lengtegraad moeten samen worden ingevuld, of "
                    "allebei leeg blijven."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.complexnummer} {self.naam}"

    def clean(self):
        """A BAG id begins with the 4 digits of the gemeente that registered the
        object: the gebouw's gemeentecode (a gebouw always has one)."""
        if not re.match(GEMEENTECODE_REGEX, self.gemeentecode or ""):
            return  # refused on the gemeentecode itself
        cijfers = self.gemeentecode[2:]
        params = {"cijfers": cijfers, "gemeentecode": self.gemeentecode}
        errors = {}
        if self.bag_pand_id and not self.bag_pand_id.startswith(cijfers):
            errors["bag_pand_id"] = ValidationError(
                _(
                    "Het BAG-pand-id moet met de gemeentecode van het gebouw "
                    "beginnen: %(cijfers)s (van %(gemeentecode)s)."
                ),
                code="bag_gemeente",
                params=params,
            )
        ids = self.bag_verblijfsobject_ids
        if isinstance(ids, list) and len(ids) <= BAG_VERBLIJFSOBJECTEN_MAX:
            wrong = [i for i in ids if isinstance(i, str) and not i.startswith(cijfers)]
            if wrong:
                errors["bag_verblijfsobject_ids"] = ValidationError(
                    _(
                        "Elk BAG-verblijfsobject-id moet met de gemeentecode van "
                        "het gebouw beginnen: %(cijfers)s (van %(gemeentecode)s); "
                        "niet zo: %(ids)s."
                    ),
                    code="bag_gemeente",
                    params={
                        **params,
                        "ids": ", ".join(repr(i[:20]) for i in wrong[:5]),
                    },
                )
        if errors:
            raise ValidationError(errors)

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
        constraints = _kvk_constraints(
            "cooperatie",
            _(
                "Een KvK-nummer mag maar bij één coöperatie horen: er is al een "
                "coöperatie met dit KvK-nummer."
            ),
        )

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
                    "De einddatum mag niet vóór de ingangsdatum liggen."
                ),
            ),
            models.CheckConstraint(
                condition=Q(aantal_woningen__gt=0),
                name="overeenkomst_aantal_woningen_positief",
                violation_error_message=_(
                    "Een overeenkomst moet minstens één woning betreffen."
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

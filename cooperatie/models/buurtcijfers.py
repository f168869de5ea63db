"""Figures per CBS buurt from public sources: the Leefbaarometer scores and a
few CBS key figures ("Kerncijfers wijken en buurten"). Reference data, not a
tenant's: every signed-in user may read them, only the platform operator
imports them (`manage.py import_buurtcijfers`, docs/buurtcijfers.md)."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kern.validators import buurtcode_validator, validate_single_line

from ..querysets import BuurtcijfersQuerySet

EERSTE_JAAR = 1990
LAATSTE_JAAR = 2100

JAAR_VALIDATORS = [MinValueValidator(EERSTE_JAAR), MaxValueValidator(LAATSTE_JAAR)]

# The Leefbaarometer 3.0 total score lies around 4 (nationally 3.3 to 5);
# the deviation and the dimensions are differences from the national level,
# well within ±2. The bounds refuse a misread column, not an odd buurt.
SCORE_MAX = Decimal("10")
AFWIJKING_MAX = Decimal("5")


def _score(label):
    return models.DecimalField(
        label,
        max_digits=7,
        decimal_places=4,
        validators=[
            MinValueValidator(Decimal("0")),
            MaxValueValidator(SCORE_MAX),
        ],
    )


def _afwijking(label):
    return models.DecimalField(
        label,
        max_digits=7,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(-AFWIJKING_MAX),
            MaxValueValidator(AFWIJKING_MAX),
        ],
    )


def _aantal(label):
    """A count of a buurt; empty when CBS does not publish it."""
    return models.PositiveIntegerField(
        label, null=True, blank=True, validators=[MaxValueValidator(1_000_000)]
    )


def _cijfer(label, maximum: int):
    """A figure of a buurt with one decimal, from 0 to `maximum`; empty when
    CBS does not publish it."""
    return models.DecimalField(
        label,
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(maximum)],
    )


def _jaar_binnen(naam: str, veld: str):
    return models.CheckConstraint(
        condition=Q(**{f"{veld}__gte": EERSTE_JAAR, f"{veld}__lte": LAATSTE_JAAR}),
        name=naam,
        violation_error_message=_("Het jaar moet tussen 1990 en 2100 liggen."),
    )


class Leefbaarometerscore(models.Model):
    """The Leefbaarometer score of one buurt in one measurement year, as one
    publication (`versie`) of the Leefbaarometer computed it: each
    publication recomputes earlier years, so the version is part of the key."""

    buurtcode = models.CharField(
        _("buurtcode"), max_length=10, validators=[buurtcode_validator]
    )
    meetjaar = models.PositiveSmallIntegerField(
        _("meetjaar"), validators=JAAR_VALIDATORS
    )
    versie = models.CharField(
        _("versie"), max_length=40, validators=[validate_single_line]
    )
    totaal = _score(_("totaalscore"))
    afwijking = _afwijking(_("afwijking van het landelijk gemiddelde"))
    woningen = _afwijking(_("woningvoorraad"))
    fysieke_omgeving = _afwijking(_("fysieke omgeving"))
    voorzieningen = _afwijking(_("voorzieningen"))
    sociale_samenhang = _afwijking(_("sociale samenhang"))
    onveiligheid = _afwijking(_("overlast en onveiligheid"))

    objects = BuurtcijfersQuerySet.as_manager()

    class Meta:
        verbose_name = _("Leefbaarometerscore")
        verbose_name_plural = _("Leefbaarometerscores")
        ordering = ["buurtcode", "meetjaar", "versie"]
        constraints = [
            models.UniqueConstraint(
                fields=["buurtcode", "meetjaar", "versie"],
                name="leefbaarometerscore_uniek",
                violation_error_message=_(
                    "Een buurt mag per meetjaar en versie maar één score hebben."
                ),
            ),
            _jaar_binnen("leefbaarometerscore_meetjaar", "meetjaar"),
            models.CheckConstraint(
                condition=Q(totaal__gte=0, totaal__lte=SCORE_MAX),
                name="leefbaarometerscore_totaal_binnen",
                violation_error_message=_("De totaalscore moet tussen 0 en 10 liggen."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.buurtcode} {self.meetjaar} ({self.versie}): {self.totaal}"


class Buurtkerncijfers(models.Model):
    """A few CBS key figures of one buurt in one year ("Kerncijfers wijken en
    buurten"), those that say something about liveability. A figure CBS keeps
    secret or does not have is empty."""

    buurtcode = models.CharField(
        _("buurtcode"), max_length=10, validators=[buurtcode_validator]
    )
    jaar = models.PositiveSmallIntegerField(_("jaar"), validators=JAAR_VALIDATORS)
    aantal_inwoners = _aantal(_("aantal inwoners"))
    aantal_huishoudens = _aantal(_("aantal huishoudens"))
    woningvoorraad = _aantal(_("woningvoorraad"))
    percentage_koopwoningen = _cijfer(_("koopwoningen (%)"), 100)
    percentage_corporatiewoningen = _cijfer(
        _("huurwoningen in bezit van een corporatie (%)"), 100
    )
    gemiddeld_inkomen_per_inwoner = _cijfer(
        _("gemiddeld inkomen per inwoner (× € 1.000)"), 10_000
    )

    objects = BuurtcijfersQuerySet.as_manager()

    class Meta:
        verbose_name = _("kerncijfers van een buurt")
        verbose_name_plural = _("kerncijfers van buurten")
        ordering = ["buurtcode", "jaar"]
        constraints = [
            models.UniqueConstraint(
                fields=["buurtcode", "jaar"],
                name="buurtkerncijfers_uniek",
                violation_error_message=_(
                    "Een buurt mag per jaar maar één regel kerncijfers hebben."
                ),
            ),
            _jaar_binnen("buurtkerncijfers_jaar", "jaar"),
        ]

    def __str__(self) -> str:
        return f"{self.buurtcode} {self.jaar}"

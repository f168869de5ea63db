"""Records the services derive and keep in their transaction, not journaled
themselves: the closed years of a cooperatie and the corporatie-cooperatie ties."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from kern.scoping import ScopedQuerySet, Tenancy

from ..choices import JaarStatus
from .organisaties import Cooperatie, Corporatie, Gebouw


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
                    "Een jaar van een coöperatie mag maar één keer gesloten "
                    "worden: dit jaar is al gesloten."
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
                    "Een corporatie en een coöperatie mogen maar één relatie "
                    "hebben: deze relatie bestaat al."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.corporatie} – {self.cooperatie}"

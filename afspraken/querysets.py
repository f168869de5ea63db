"""Chainable querysets of the afspraken app, with tenancy in `visible_to`."""

from __future__ import annotations

from django.apps import apps
from django.db.models import Exists, OuterRef, Q

from kern.immutable import AppendOnlyQuerySet
from kern.scoping import OpenbaarQuerySet, ScopedQuerySet


class AfspraakQuerySet(ScopedQuerySet):
    def lopend_in(self, jaar: int) -> AfspraakQuerySet:
        """Afspraken that run in the year (ingangsjaar ≤ jaar ≤ eindjaar or open)."""
        return self.filter(ingangsjaar__lte=jaar).filter(
            Q(eindjaar__isnull=True) | Q(eindjaar__gte=jaar)
        )

    def in_gemeente(self, gemeentecode: str) -> AfspraakQuerySet:
        """Afspraken in a gemeente's territory: one of their gebouwen lies in
        it, or, for an afspraak that names no gebouw, its coöperatie has an
        overeenkomst on a gebouw of its corporatie in it (`afspraken.gemeente`
        narrows that to the overeenkomsten running in a year)."""
        Gebouw = apps.get_model("cooperatie", "Gebouw")
        Overeenkomst = apps.get_model("cooperatie", "Overeenkomst")
        eigen = self.model.gebouwen.through.objects.filter(
            gebouw__gemeentecode=gemeentecode
        ).values("afspraak_id")
        zonder_gebouwen = ~Exists(
            self.model.gebouwen.through.objects.filter(afspraak_id=OuterRef("pk"))
        )
        via_overeenkomst = Exists(
            Overeenkomst.objects.filter(
                cooperatie_id=OuterRef("cooperatie_id"),
                gebouw__in=Gebouw.objects.filter(
                    gemeentecode=gemeentecode,
                    corporatie_id=OuterRef(OuterRef("corporatie_id")),
                ),
            )
        )
        return self.filter(Q(pk__in=eigen) | (zonder_gebouwen & via_overeenkomst))


class ToezeggingQuerySet(ScopedQuerySet):
    pass


class ToetsingQuerySet(ScopedQuerySet):
    def in_jaar(self, jaar: int) -> ToetsingQuerySet:
        return self.filter(jaar=jaar)


class BeoordelingQuerySet(ScopedQuerySet):
    pass


class RapportQuerySet(AppendOnlyQuerySet, ScopedQuerySet):
    """Sealed reports: scoped, and never changed or deleted."""


class JaarparameterQuerySet(OpenbaarQuerySet):
    """Legal figures are public knowledge: every signed-in user reads them."""

    def geldend(self, jaar: int, code: str):
        """The value in force in the year, or None."""
        row = self.filter(jaar=jaar, code=code).first()
        return row.waarde if row else None

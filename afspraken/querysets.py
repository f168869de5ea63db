"""Chainable querysets of the afspraken app, with tenancy in `visible_to`."""

from __future__ import annotations

from django.db.models import Q

from kern.immutable import AppendOnlyQuerySet
from kern.scoping import OpenbaarQuerySet, ScopedQuerySet


class AfspraakQuerySet(ScopedQuerySet):
    def lopend_in(self, jaar: int) -> AfspraakQuerySet:
        """Afspraken that run in the year (ingangsjaar ≤ jaar ≤ eindjaar or open)."""
        return self.filter(ingangsjaar__lte=jaar).filter(
            Q(eindjaar__isnull=True) | Q(eindjaar__gte=jaar)
        )


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

"""Chainable querysets of the ledger app, with tenancy in `visible_to`."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import ExtractYear

from kern.immutable import AppendOnlyQuerySet
from kern.scoping import ScopedQuerySet


def jaar_range(jaar: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(jaar, 1, 1), datetime.date(jaar, 12, 31)


def _in_gesloten_jaar(datum: str = "datum") -> Exists:
    """Whether the row's date falls in a closed year of its cooperatie."""
    from cooperatie.models import GeslotenJaar

    return Exists(
        GeslotenJaar.objects.filter(
            cooperatie_id=OuterRef("cooperatie_id"),
            jaar=ExtractYear(OuterRef(datum)),
        )
    )


class ActiviteitQuerySet(ScopedQuerySet):
    def in_jaar(self, jaar: int) -> ActiviteitQuerySet:
        return self.filter(datum__range=jaar_range(jaar))

    def in_open_jaren(self) -> ActiviteitQuerySet:
        """The activities dated in a year their cooperatie has not closed
        (neither ingediend nor vastgesteld): those a booking may still name."""
        return self.exclude(_in_gesloten_jaar())


class BijlageQuerySet(ScopedQuerySet):
    pass


class VrijwilligerQuerySet(ScopedQuerySet):
    def in_jaar(self, jaar: int) -> VrijwilligerQuerySet:
        return self.filter(activiteit__datum__range=jaar_range(jaar))


class BonQuerySet(ScopedQuerySet):
    pass


class BoekingQuerySet(AppendOnlyQuerySet, ScopedQuerySet):
    """Bookings: scoped, and never changed or deleted (storno instead)."""

    def in_jaar(self, jaar: int) -> BoekingQuerySet:
        return self.filter(datum__range=jaar_range(jaar))

    def voor_jaar(self, jaar: int) -> BoekingQuerySet:
        """The bookings that count for the year (domain §5): those dated in it,
        except storno's, plus the storno's of those bookings, whenever dated — a
        storno counts against the year of the boeking it cancels."""
        return self.filter(
            Q(corrigeert__isnull=True, datum__range=jaar_range(jaar))
            | Q(corrigeert__isnull=False, corrigeert__datum__range=jaar_range(jaar))
        )

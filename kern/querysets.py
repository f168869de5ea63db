"""The journal's queryset."""

from __future__ import annotations

from django.db.models import Q

from .immutable import AppendOnlyQuerySet
from .scoping import Scope, ScopedQuerySet, cooperaties_of_corporaties


class AuditEntryQuerySet(AppendOnlyQuerySet, ScopedQuerySet):
    """The journal. An entry carries the corporatie and cooperatie it concerns.

    A corporatie's beheerder and auditor see entries tagged with their corporatie,
    and untagged-corporatie entries (leden, activities, bookings) of cooperaties in
    their scope; a bestuur sees entries of its own cooperatie that concern no
    corporatie or that concern its own afspraken.
    """

    def scope_q(self, scope: Scope) -> Q:
        q = Q(pk__in=[])
        if scope.corporaties:
            q |= Q(corporatie_id__in=scope.corporaties) | Q(
                corporatie_id__isnull=True,
                cooperatie_id__in=cooperaties_of_corporaties(scope.corporaties),
            )
        if scope.bestuur_cooperaties:
            q |= Q(cooperatie_id__in=scope.bestuur_cooperaties)
        return q

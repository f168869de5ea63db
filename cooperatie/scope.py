"""Tenancy: which corporaties and cooperaties a user's roles reach.

This module and the `visible_to(user)` methods built on it are the single place
where tenancy is decided (domain §1). The API and the UI only call `visible_to`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db.models import Q, QuerySet

from .choices import RolSoort

_CACHE_ATTR = "_coop_scope"


@dataclass(frozen=True)
class Scope:
    """The reach of one user's roles."""

    is_superuser: bool
    beheerder_corporaties: frozenset[int]
    auditor_corporaties: frozenset[int]
    bestuur_cooperaties: frozenset[int]

    @property
    def corporaties(self) -> frozenset[int]:
        """Corporaties the user reads as beheerder or auditor."""
        return self.beheerder_corporaties | self.auditor_corporaties

    @property
    def is_empty(self) -> bool:
        return not (self.is_superuser or self.corporaties or self.bestuur_cooperaties)


EMPTY = Scope(False, frozenset(), frozenset(), frozenset())


def scope_of(user) -> Scope:
    """The user's scope, read once per user object (one query)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return EMPTY
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    beheerder, auditor, bestuur = set(), set(), set()
    Rol = apps.get_model("cooperatie", "Rol")
    for soort, corporatie_id, cooperatie_id in Rol.objects.filter(
        user_id=user.pk
    ).values_list("soort", "corporatie_id", "cooperatie_id"):
        if soort == RolSoort.BEHEERDER:
            beheerder.add(corporatie_id)
        elif soort == RolSoort.AUDITOR:
            auditor.add(corporatie_id)
        elif soort == RolSoort.BESTUUR:
            bestuur.add(cooperatie_id)
    scope = Scope(
        is_superuser=user.is_superuser,
        beheerder_corporaties=frozenset(beheerder),
        auditor_corporaties=frozenset(auditor),
        bestuur_cooperaties=frozenset(bestuur),
    )
    setattr(user, _CACHE_ATTR, scope)
    return scope


def forget_scope(user) -> None:
    """Drop the cached scope, after the user's roles changed."""
    if user is not None and hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def cooperatie_ids_of_corporaties(corporatie_ids) -> QuerySet:
    """Subquery of the cooperaties in the scope of these corporaties.

    A cooperatie belongs to a corporatie's scope when it has an overeenkomst on one
    of its gebouwen, an afspraak with it, or was registered by it.
    """
    Cooperatie = apps.get_model("cooperatie", "Cooperatie")
    Overeenkomst = apps.get_model("cooperatie", "Overeenkomst")
    Afspraak = apps.get_model("afspraken", "Afspraak")
    ids = list(corporatie_ids)
    return Cooperatie.objects.filter(
        Q(aangemeld_door_id__in=ids)
        | Q(
            pk__in=Overeenkomst.objects.filter(gebouw__corporatie_id__in=ids).values(
                "cooperatie_id"
            )
        )
        | Q(
            pk__in=Afspraak.objects.filter(corporatie_id__in=ids).values(
                "cooperatie_id"
            )
        )
    ).values("pk")


def corporatie_ids_of_cooperaties(cooperatie_ids) -> QuerySet:
    """Subquery of the corporaties whose scope holds any of these cooperaties."""
    Corporatie = apps.get_model("cooperatie", "Corporatie")
    Cooperatie = apps.get_model("cooperatie", "Cooperatie")
    Overeenkomst = apps.get_model("cooperatie", "Overeenkomst")
    Afspraak = apps.get_model("afspraken", "Afspraak")
    ids = list(cooperatie_ids)
    return Corporatie.objects.filter(
        Q(pk__in=Cooperatie.objects.filter(pk__in=ids).values("aangemeld_door_id"))
        | Q(
            pk__in=Overeenkomst.objects.filter(cooperatie_id__in=ids).values(
                "gebouw__corporatie_id"
            )
        )
        | Q(
            pk__in=Afspraak.objects.filter(cooperatie_id__in=ids).values(
                "corporatie_id"
            )
        )
    ).values("pk")


def visible_cooperaties_q(scope: Scope, field: str = "cooperatie_id") -> Q:
    """Q on `field` (a cooperatie id) for the cooperaties the scope reaches."""
    q = Q(pk__in=[])
    if scope.corporaties:
        q |= Q(**{f"{field}__in": cooperatie_ids_of_corporaties(scope.corporaties)})
    if scope.bestuur_cooperaties:
        q |= Q(**{f"{field}__in": scope.bestuur_cooperaties})
    return q

"""Tenancy: which corporaties and cooperaties a user's roles reach.

The cooperatie app keeps the roles (`Rol`) and the ties of corporaties and
cooperaties (`Relatie`), so it answers the two questions of kern's scope provider
(`kern.scoping.register_scope_provider`, registered in `CooperatieConfig.ready`):
a user's `Scope`, and the cooperaties in a corporatie's scope. With each model's
tenancy declaration, `visible_to(user)` (`kern.scoping.ScopedQuerySet`) is the
single place where tenancy is decided (domain §1); the API and the UI only call
`visible_to`.
"""

from __future__ import annotations

from django.apps import apps
from django.db.models import BigIntegerField, CharField, Q, QuerySet, Value

from kern.scoping import EMPTY, Scope

from .choices import RolSoort

_CACHE_ATTR = "_coop_scope"


def scope_of(user) -> Scope:
    """The user's scope, read once per user object (one query)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return EMPTY
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    beheerder, auditor, bestuur, gemeenten = set(), set(), set(), set()
    for soort, corporatie_id, cooperatie_id, gemeentecode in _roles(user):
        if soort == RolSoort.BEHEERDER:
            beheerder.add(corporatie_id)
        elif soort == RolSoort.AUDITOR:
            auditor.add(corporatie_id)
        elif soort == RolSoort.BESTUUR:
            bestuur.add(cooperatie_id)
        elif soort == RolSoort.GEMEENTE:
            gemeenten.add(gemeentecode)
    scope = Scope(
        is_superuser=user.is_superuser,
        beheerder_corporaties=frozenset(beheerder),
        auditor_corporaties=frozenset(auditor),
        bestuur_cooperaties=frozenset(bestuur),
        gemeenten=frozenset(gemeenten),
    )
    setattr(user, _CACHE_ATTR, scope)
    return scope


def _roles(user) -> QuerySet:
    """(soort, corporatie id, cooperatie id, gemeentecode) of each role of the
    user, in one
    query. The account of a machine client (`ApiClient.gebruiker`) holds no
    role: while the client is not revoked, it reaches its corporatie as that
    corporatie's beheerder does, and nothing else."""
    Rol = apps.get_model("cooperatie", "Rol")
    ApiClient = apps.get_model("cooperatie", "ApiClient")
    roles = (
        Rol.objects.filter(user_id=user.pk)
        .order_by()
        .values_list("soort", "corporatie_id", "cooperatie_id", "gemeentecode")
    )
    client = (
        ApiClient.objects.filter(gebruiker_id=user.pk, revoked_at__isnull=True)
        .order_by()
        .values_list(
            Value(RolSoort.BEHEERDER.value, output_field=CharField()),
            "corporatie_id",
            Value(None, output_field=BigIntegerField()),
            Value("", output_field=CharField()),
        )
    )
    return roles.union(client, all=True)


def forget_scope(user) -> None:
    """Drop the cached scope, after the user's roles changed."""
    if user is not None and hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def cooperatie_ids_of_corporaties(corporatie_ids) -> QuerySet:
    """Subquery of the cooperaties in the scope of these corporaties.

    A cooperatie belongs to a corporatie's scope when the two are tied (a
    `Relatie`: an overeenkomst on one of its gebouwen or an afspraak links
    them), or when the corporatie registered it.
    """
    Cooperatie = apps.get_model("cooperatie", "Cooperatie")
    Relatie = apps.get_model("cooperatie", "Relatie")
    ids = list(corporatie_ids)
    return Cooperatie.objects.filter(
        Q(aangemeld_door_id__in=ids)
        | Q(
            pk__in=Relatie.objects.filter(corporatie_id__in=ids).values("cooperatie_id")
        )
    ).values("pk")


def corporatie_ids_of_cooperaties(cooperatie_ids) -> QuerySet:
    """Subquery of the corporaties whose scope holds any of these cooperaties."""
    Corporatie = apps.get_model("cooperatie", "Corporatie")
    Cooperatie = apps.get_model("cooperatie", "Cooperatie")
    Relatie = apps.get_model("cooperatie", "Relatie")
    ids = list(cooperatie_ids)
    return Corporatie.objects.filter(
        Q(pk__in=Cooperatie.objects.filter(pk__in=ids).values("aangemeld_door_id"))
        | Q(
            pk__in=Relatie.objects.filter(cooperatie_id__in=ids).values("corporatie_id")
        )
    ).values("pk")

"""Tenancy, declared once per model: how a row reaches its organisations.

A model of tenant data names the paths (ORM lookups) from its rows to the
corporatie and to the cooperatie they belong to::

    class Toetsing(models.Model):
        tenancy = Tenancy(
            corporatie="afspraak__corporatie", cooperatie="afspraak__cooperatie"
        )

Everything that must know a row's organisations derives it from that one
declaration: the rows a user reaches (`Tenancy.reached_q`, behind every
`visible_to`), the rows of one organisation's portal (the same rule for one
organisation), and the journal: an entry's scope tags (`Tenancy.tags`) and the
organisation whose chain it joins (`Tenancy.keten`). The path ``"pk"`` is the
organisation itself. A model without a declaration belongs to no organisation.

The reach of a user is a `Scope`: the corporaties they read as beheerder or
auditor, the cooperaties whose bestuur they are, and the gemeenten (CBS codes)
whose roll-up they read. A gemeente reaches no tenant row through the
declarations: only a queryset that opens something to a gemeente says so in
its `scope_q` (names of corporaties, gebouwen in the gemeente); everything else
stays out of reach. `ScopedQuerySet.visible_to`
filters a model's rows by it, over the declaration. Which organisations a user's
roles reach, and which cooperaties are tied to a corporatie, only the app that
keeps roles and ties knows: it registers itself once as the scope provider
(`register_scope_provider`, the cooperatie app in its `AppConfig.ready()`).
Without a provider every question about a user's reach fails loudly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core import checks
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import models
from django.db.models import Q

CORPORATIE = "corporatie"
COOPERATIE = "cooperatie"


@dataclass(frozen=True)
class Tenancy:
    """The paths from a model's rows to their corporatie and their cooperatie
    (None: the rows have none)."""

    corporatie: str | None = None
    cooperatie: str | None = None

    @property
    def keten(self) -> str | None:
        """Whose journal chain an entry on this model joins: the corporatie's for
        what a corporatie agrees and decides (the model reaches a corporatie); the
        cooperatie's for a cooperatie's own data (it reaches only a cooperatie);
        None for a model of neither (the platform chain)."""
        if self.corporatie is not None:
            return CORPORATIE
        if self.cooperatie is not None:
            return COOPERATIE
        return None

    def reached_q(
        self,
        *,
        corporaties: Iterable[int],
        cooperaties_of_corporaties: Any,
        bestuur_cooperaties: Iterable[int],
    ) -> Q:
        """The rows reached from these organisations.

        From `corporaties`: the rows of those corporaties, or, for a model that
        reaches only a cooperatie, the rows of the cooperaties tied to them
        (`cooperaties_of_corporaties`, ids or a subquery). From
        `bestuur_cooperaties`: the rows of those cooperaties.
        """
        q = Q(pk__in=[])
        if corporaties:
            if self.corporatie is not None:
                q |= Q(**{f"{self.corporatie}__in": corporaties})
            elif self.cooperatie is not None:
                q |= Q(**{f"{self.cooperatie}__in": cooperaties_of_corporaties})
        if bestuur_cooperaties and self.cooperatie is not None:
            q |= Q(**{f"{self.cooperatie}__in": bestuur_cooperaties})
        return q

    def tags(self, obj) -> tuple[int | None, int | None]:
        """The ids of the corporatie and the cooperatie `obj` belongs to."""
        return _resolve(obj, self.corporatie), _resolve(obj, self.cooperatie)


NONE = Tenancy()


def tenancy_of(model) -> Tenancy:
    """The declaration of a model (a class, an instance or an "app.model"
    label); an empty one for a model without one or an unknown label."""
    if isinstance(model, str):
        try:
            model = apps.get_model(model)
        except (LookupError, ValueError):
            return NONE
    return getattr(model, "tenancy", NONE)


def _resolve(obj, path: str | None) -> Any:
    if path is None:
        return None
    *hops, last = path.split("__")
    value = obj
    for hop in hops:
        value = getattr(value, hop, None)
        if value is None:
            return None
    if last == "pk":
        return value.pk
    return getattr(value, value._meta.get_field(last).attname)


def path_error(model, path: str) -> str | None:
    """Why `path` does not lead from `model` to a row's organisation, or None."""
    current = model
    *hops, last = path.split("__")
    try:
        for hop in hops:
            field = current._meta.get_field(hop)
            if not field.is_relation or field.many_to_many:
                return f"{hop} is not a single relation"
            current = field.related_model
        if last != "pk":
            current._meta.get_field(last)
    except FieldDoesNotExist as exc:
        return str(exc)
    return None


@checks.register(checks.Tags.models)
def check_tenancy_paths(app_configs=None, **kwargs) -> list[checks.Error]:
    """Every declared path leads through the model's fields."""
    errors = []
    for model in apps.get_models():
        tenancy = tenancy_of(model)
        for path in (tenancy.corporatie, tenancy.cooperatie):
            reason = path and path_error(model, path)
            if reason:
                errors.append(
                    checks.Error(
                        f"tenancy path {path!r}: {reason}",
                        obj=model,
                        id="kern.E001",
                    )
                )
    return errors


# Who the user is ------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """The reach of one user's roles."""

    is_superuser: bool
    beheerder_corporaties: frozenset[int]
    auditor_corporaties: frozenset[int]
    bestuur_cooperaties: frozenset[int]
    gemeenten: frozenset[str] = frozenset()

    @property
    def corporaties(self) -> frozenset[int]:
        """Corporaties the user reads as beheerder or auditor."""
        return self.beheerder_corporaties | self.auditor_corporaties

    @property
    def is_empty(self) -> bool:
        return not (
            self.is_superuser
            or self.corporaties
            or self.bestuur_cooperaties
            or self.gemeenten
        )

    @classmethod
    def of_organisatie(
        cls, *, corporatie_id: int | None = None, cooperatie_id: int | None = None
    ) -> Scope:
        """The reach of one organisation: a corporatie's, as its beheerder has
        it, or a cooperatie's, as its bestuur has it."""
        return cls(
            is_superuser=False,
            beheerder_corporaties=frozenset({corporatie_id} - {None}),
            auditor_corporaties=frozenset(),
            bestuur_cooperaties=frozenset({cooperatie_id} - {None}),
        )


EMPTY = Scope(False, frozenset(), frozenset(), frozenset())


@dataclass(frozen=True)
class ScopeProvider:
    """What the app of roles and ties answers: a user's scope, and the
    cooperaties tied to some corporaties (ids or a subquery of pks)."""

    scope_of: Callable[[Any], Scope]
    cooperaties_of_corporaties: Callable[[Iterable[int]], Any]


_provider: ScopeProvider | None = None


def register_scope_provider(
    *,
    scope_of: Callable[[Any], Scope],
    cooperaties_of_corporaties: Callable[[Iterable[int]], Any],
) -> None:
    """Make these functions answer who a user is; once per process (registering
    the same functions again is harmless, other ones are refused)."""
    global _provider
    provider = ScopeProvider(scope_of, cooperaties_of_corporaties)
    if _provider is not None and _provider != provider:
        raise ImproperlyConfigured(
            f"A scope provider is already registered ({_provider}); "
            "there must be exactly one."
        )
    _provider = provider


def scope_provider() -> ScopeProvider:
    """The registered provider; without one, no reach can be decided."""
    if _provider is None:
        raise ImproperlyConfigured(
            "No scope provider is registered, so no user's reach can be decided: "
            "an installed app must call kern.scoping.register_scope_provider() "
            "in its AppConfig.ready() (the cooperatie app does)."
        )
    return _provider


@checks.register(checks.Tags.security)
def check_scope_provider(app_configs=None, **kwargs) -> list[checks.Error]:
    """An app answers who a user is (else every `visible_to` fails)."""
    if _provider is not None:
        return []
    return [
        checks.Error(
            "no scope provider is registered",
            hint="call kern.scoping.register_scope_provider() in an AppConfig.ready()",
            id="kern.E002",
        )
    ]


def scope_of(user) -> Scope:
    """The user's scope, as the provider reads it from their roles."""
    return scope_provider().scope_of(user)


def cooperaties_of_corporaties(corporatie_ids: Iterable[int]) -> Any:
    """The cooperaties tied to these corporaties (a subquery of pks)."""
    return scope_provider().cooperaties_of_corporaties(corporatie_ids)


def reached_q(tenancy: Tenancy, scope: Scope) -> Q:
    """Q on a model with this tenancy for the rows the scope reaches: a
    corporatie's rows for its beheerders and auditors (for cooperatie data: the
    rows of the cooperaties in its scope), a cooperatie's rows for its bestuur."""
    provider = scope_provider()  # none registered: fail loudly, whoever asks
    # The subquery of a corporatie's cooperaties only where it is read: a
    # bestuur's scope, or a model tied to a corporatie itself, needs none.
    needs_cooperaties = (
        scope.corporaties
        and tenancy.corporatie is None
        and tenancy.cooperatie is not None
    )
    return tenancy.reached_q(
        corporaties=scope.corporaties,
        cooperaties_of_corporaties=(
            provider.cooperaties_of_corporaties(scope.corporaties)
            if needs_cooperaties
            else ()
        ),
        bestuur_cooperaties=scope.bestuur_cooperaties,
    )


class ScopedQuerySet(models.QuerySet):
    """A queryset that knows which rows a user may see.

    `scope_q(scope)` follows the model's tenancy declaration; a subclass only
    adds a reach the declaration cannot say. The filter uses subqueries, never
    joins that duplicate rows, so `visible_to` composes with any other filter.
    """

    def scope_q(self, scope: Scope) -> Q:
        return reached_q(tenancy_of(self.model), scope)

    def visible_to(self, user) -> ScopedQuerySet:
        scope = scope_of(user)
        if scope.is_superuser:
            return self
        if scope.is_empty:
            return self.none()
        return self.filter(self.scope_q(scope))


class OpenbaarQuerySet(ScopedQuerySet):
    """Public figures (legal parameters, figures per buurt): every signed-in,
    active user reads every row."""

    def visible_to(self, user) -> OpenbaarQuerySet:
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self

    def scope_q(self, scope: Scope) -> Q:
        return Q()

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

Who the user is and which organisations their roles reach is the cooperatie app's
(`cooperatie.scope`); this module only knows paths.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core import checks
from django.core.exceptions import FieldDoesNotExist
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

"""Whether the user's role may write at all, decided before the body is read.

A viewset names who may do each of its writes (`writers`): the roles whose
holders may (beheerder, bestuur; the platform operator always may), per action,
or None for an action that every signed-in user may ask (the service decides,
as for one's own API tokens). A user without such a role gets 403 whatever the
body holds, so a refused write never tells which fields it would have accepted.

- A create (no object yet) needs the role for some organisation: a bestuur
  may not create a corporatie, a beheerder may try to create a gebouw (for a
  corporatie outside its reach the related field is an error, as if the
  corporatie did not exist).
- A write on an object needs the role for the object's own organisations,
  reached as `visible_to` reaches them (the model's tenancy declaration), after
  the object was found in the user's scope (else 404, whatever the role).

The services check the exact rule again (which corporatie, which state);
this gate only answers sooner. Methods a route does not take answer 405, not
403. A write action without a declaration is a configuration error.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

from rest_framework.permissions import SAFE_METHODS, BasePermission

from kern.scoping import Scope, scope_of

Writers = frozenset[str] | None
"""The roles that may do a write (an empty set: the platform operator only);
None: every signed-in user may ask."""

BEHEERDER: Writers = frozenset({"beheerder"})
BESTUUR: Writers = frozenset({"bestuur"})
SUPERUSER_ONLY: Writers = frozenset()


def _roles(view, action: str) -> Writers:
    declared: Writers | Mapping[str, Writers] | None = getattr(view, "writers", None)
    if isinstance(declared, Mapping):
        if action not in declared:
            raise ImproperlyConfigured(
                f"{type(view).__name__}.writers names no rule for {action!r}"
            )
        return declared[action]
    if declared is None:
        raise ImproperlyConfigured(f"{type(view).__name__} declares no writers")
    return declared


def _allowed(scope: Scope, roles: frozenset[str]) -> Scope:
    """The part of the user's scope that these roles give."""
    return Scope(
        is_superuser=scope.is_superuser,
        beheerder_corporaties=(
            scope.beheerder_corporaties if roles >= BEHEERDER else frozenset()
        ),
        auditor_corporaties=frozenset(),
        bestuur_cooperaties=(
            scope.bestuur_cooperaties if roles >= BESTUUR else frozenset()
        ),
    )


class WriteGate(BasePermission):
    """403 for a write the user's roles can never make (see the module)."""

    def _roles(self, request, view) -> Writers:
        # The action of the request's method (an OPTIONS request asks for
        # each method in turn, under the action "metadata").
        action = getattr(view, "action_map", {}).get(request.method.lower())
        if request.method in SAFE_METHODS or action is None:
            return None  # a read, or a method the route does not take (405)
        return _roles(view, action)

    def has_permission(self, request, view) -> bool:
        roles = self._roles(request, view)
        lookup = getattr(view, "lookup_url_kwarg", None) or view.lookup_field
        if roles is None or lookup in view.kwargs:
            # A route of one object: first whether it is in the user's scope
            # (404), then the role for it (`has_object_permission`).
            return True
        allowed = _allowed(scope_of(request.user), roles)
        return not allowed.is_empty

    def has_object_permission(self, request, view, obj) -> bool:
        roles = self._roles(request, view)
        if roles is None:
            return True
        allowed = _allowed(scope_of(request.user), roles)
        if allowed.is_superuser:
            return True
        if allowed.is_empty:
            return False
        rows = type(obj).objects.all()
        return rows.filter(pk=obj.pk).filter(rows.scope_q(allowed)).exists()

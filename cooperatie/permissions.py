"""Who may do what (domain §1). Services call these before every write; the API
and UI use the same functions to decide between 403 and allowing an action."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from .scope import cooperatie_ids_of_corporaties, scope_of


def deny(message: str) -> PermissionDenied:
    return PermissionDenied(message)


def is_beheerder_of(user, corporatie_id: int | None) -> bool:
    scope = scope_of(user)
    return scope.is_superuser or corporatie_id in scope.beheerder_corporaties


def is_bestuur_of(user, cooperatie_id: int | None) -> bool:
    scope = scope_of(user)
    return scope.is_superuser or cooperatie_id in scope.bestuur_cooperaties


def beheert_cooperatie(user, cooperatie_id: int | None) -> bool:
    """Whether the user is beheerder of a corporatie with this cooperatie in scope."""
    return cooperatie_id in beheerde_cooperaties(user, [cooperatie_id])


def beheerde_cooperaties(user, cooperatie_ids: Iterable[int | None]) -> set:
    """Those of `cooperatie_ids` that the user manages (`beheert_cooperatie` for
    each), decided in one query at most, however many ids."""
    ids = set(cooperatie_ids)
    scope = scope_of(user)
    if scope.is_superuser:
        return ids
    ids.discard(None)
    if not scope.beheerder_corporaties or not ids:
        return set()
    return set(
        cooperatie_ids_of_corporaties(scope.beheerder_corporaties)
        .filter(pk__in=ids)
        .values_list("pk", flat=True)
    )


def require_superuser(user) -> None:
    if not scope_of(user).is_superuser:
        raise deny(_("Alleen de platformbeheerder mag dit."))


def require_beheerder(user, corporatie_id: int | None) -> None:
    if not is_beheerder_of(user, corporatie_id):
        raise deny(_("Alleen een beheerder van deze corporatie mag dit."))


def require_bestuur(user, cooperatie_id: int | None) -> None:
    if not is_bestuur_of(user, cooperatie_id):
        raise deny(_("Alleen het bestuur van deze coöperatie mag dit."))


def require_beheerder_or_bestuur(user, cooperatie_id: int | None) -> None:
    if not (
        is_bestuur_of(user, cooperatie_id) or beheert_cooperatie(user, cooperatie_id)
    ):
        raise deny(
            _("Alleen het bestuur of een beheerder van deze coöperatie mag dit.")
        )


def require_visible(user, obj, field: str) -> None:
    """Refuse to link an object the user cannot see, as if it did not exist.

    Linking a cooperatie to a corporatie (an overeenkomst or afspraak) brings it
    into that corporatie's scope, so it must already be within the actor's reach.
    """
    if not type(obj).objects.visible_to(user).filter(pk=obj.pk).exists():
        raise ValidationError(
            {field: _("Onbekend object: het bestaat niet of valt buiten uw bereik.")}
        )


def can_see_personal_data(user, lid) -> bool:
    """Name, contact details, address and doelgroep of one member: the
    cooperatie's own bestuur only (and the platform operator)."""
    return _eigen_bestuur(user, lid.cooperatie_id)


def _eigen_bestuur(user, cooperatie_id: int | None) -> bool:
    """The rule of `can_see_personal_data`, by cooperatie (no query)."""
    return is_bestuur_of(user, cooperatie_id)


def can_see_name_and_function(user, lid) -> bool:
    """A beheerder also sees the names and functions of board members."""
    if can_see_personal_data(user, lid):
        return True
    return bool(lid.bestuursfunctie) and beheert_cooperatie(user, lid.cooperatie_id)


def bestuur_zichtbaar(user, cooperatie_ids: Iterable[int]) -> set[int]:
    """Those of `cooperatie_ids` whose board members (members with a
    bestuursfunctie) the user may see by name and function: what
    `can_see_name_and_function` decides for such a member, for a whole page of
    cooperaties in one query at most."""
    ids = set(cooperatie_ids)
    eigen = {pk for pk in ids if _eigen_bestuur(user, pk)}
    return eigen | beheerde_cooperaties(user, ids - eigen)

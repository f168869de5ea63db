"""The OAuth2 scopes of the API: one declaration of its resource groups.

A machine client (an ERP or BI tool with OAuth2 client credentials) reaches a
resource only with the scope of the resource's group, named in the style of the
sector's VERA API: ``Coopsturing.<Group>.Read`` for reading and, for a group
that takes writes from a client, ``Coopsturing.<Group>.Write``. Everything
that names scopes reads them from here: the settings
(`OAUTH2_PROVIDER["SCOPES"]`), the permission every API view applies
(`kern.api.oauth.ClientScopePermission`), the schema's security scheme and each
operation's requirement, and the registration of a client (API and portal).

A viewset declares its group (`scope_group`); a view without one is closed to
machine clients (personal tokens, invitations, roles, the clients themselves).
The write scope includes reading. A client acts with the rights of its
corporatie's beheerder role, so a group has a write scope only where a
beheerder may write: activities, bookings and members are kept by the
cooperatie's bestuur and legal figures by the platform operator, so those
groups are read-only for clients (`tests/api/test_permission_matrix.py` holds
this against the matrix).

Pure data: the settings import this module before the apps are loaded.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

PREFIX = "Coopsturing"
READ = "Read"
WRITE = "Write"


@dataclass(frozen=True)
class ResourceGroup:
    """A resource group: its name in the scopes, what it covers, and whether a
    client may write it."""

    name: str
    label: Promise
    writable: bool = False

    @property
    def read(self) -> str:
        return f"{PREFIX}.{self.name}.{READ}"

    @property
    def write(self) -> str | None:
        return f"{PREFIX}.{self.name}.{WRITE}" if self.writable else None


GROUPS: tuple[ResourceGroup, ...] = (
    ResourceGroup("Corporaties", _("de eigen corporatie"), writable=True),
    ResourceGroup("Gebouwen", _("gebouwen"), writable=True),
    ResourceGroup("Cooperaties", _("coöperaties"), writable=True),
    ResourceGroup("Overeenkomsten", _("huur- en beheerovereenkomsten"), writable=True),
    ResourceGroup("Leden", _("bestuursleden van coöperaties (naam en functie)")),
    ResourceGroup("Afspraken", _("afspraken en hun toezeggingen"), writable=True),
    ResourceGroup("Activiteiten", _("activiteiten en hun bewijsstukken")),
    ResourceGroup("Boekingen", _("boekingen en hun bonnen")),
    ResourceGroup("Toetsingen", _("toetsingen (de jaarcyclus)"), writable=True),
    ResourceGroup("Rapporten", _("verzegelde nalevingsrapporten")),
    ResourceGroup("Jaarparameters", _("jaarparameters")),
    ResourceGroup("Journaal", _("het journaal")),
)

BY_NAME: dict[str, ResourceGroup] = {group.name: group for group in GROUPS}


def scope_label(scope: str) -> str:
    """What a scope allows, in the active language (the scope itself when it
    is no scope of the declaration)."""
    group = BY_NAME.get(scope.split(".")[1] if scope.count(".") == 2 else "")
    if group is None or scope not in (group.read, group.write):
        return scope
    if scope == group.write:
        return gettext("%(wat)s lezen en wijzigen") % {"wat": group.label}
    return gettext("%(wat)s lezen") % {"wat": group.label}


# Translated when read: the settings hold these labels from start-up on.
_lazy_label = lazy(scope_label, str)

# Every scope with what it allows, in the declaration's order.
SCOPES: dict[str, Promise] = {
    scope: _lazy_label(scope)
    for group in GROUPS
    for scope in (group.read, group.write)
    if scope
}


def accepted_scopes(group_name: str | None, *, writes: bool) -> tuple[str, ...]:
    """The scopes of which a request on a view of this group needs one: for a
    read the read scope or the write scope (who may write may read), for a
    write the write scope. None at all: no client may do this (the view has no
    group, or the group takes no writes from clients)."""
    group = BY_NAME.get(group_name or "")
    if group is None:
        return ()
    if writes:
        return (group.write,) if group.write else ()
    return (group.read, group.write) if group.write else (group.read,)


def validate_scopes(value) -> None:
    """A client's scopes: a non-empty list of scopes of the declaration, each
    once."""
    if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
        raise ValidationError(
            _("De scopes moeten een lijst van namen zijn."), code="scopes"
        )
    if not value:
        raise ValidationError(
            _("Een koppeling moet minstens één scope hebben."), code="scopes"
        )
    unknown = [scope for scope in value if scope not in SCOPES]
    if unknown:
        raise ValidationError(
            _(
                "Een scope moet een van de scopes van de API zijn "
                "(%(bekend)s); onbekend: %(onbekend)s."
            ),
            code="scopes",
            params={"bekend": ", ".join(SCOPES), "onbekend": ", ".join(unknown[:3])},
        )
    if len(set(value)) != len(value):
        raise ValidationError(
            _("Een scope mag maar één keer voorkomen."), code="scopes"
        )

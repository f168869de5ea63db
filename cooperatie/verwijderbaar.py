"""Whether a delete would be refused, and why: one predicate per delete, read by
the service (which refuses with the reason) and by the pages (which then offer no
delete button and show the reason instead)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .choices import RolSoort
from .models import Gebouw, Rol


def gebouw_delete_refusal(gebouw: Gebouw) -> str | None:
    """Why the gebouw cannot be removed, or None when it can: overeenkomsten or
    afspraken refer to it. The service refuses with this reason and the page
    offers no delete button while there is one."""
    if gebouw.overeenkomsten.exists() or gebouw.afspraken.exists():
        return _("Dit gebouw heeft overeenkomsten of afspraken en blijft bewaard.")
    return None


def last_beheerder_message() -> str:
    return _("Een corporatie moet minstens één beheerder houden.")


def rol_delete_refusal(*, actor, rol: Rol) -> str | None:
    """Why `actor` cannot end `rol` (a read for pages, without locks), or None:
    a corporatie keeps at least one beheerder; only the platform operator removes
    the last. The service decides again under a lock (`rol_delete`)."""
    if rol.soort != RolSoort.BEHEERDER or actor.is_superuser:
        return None
    beheerders = Rol.objects.filter(
        soort=RolSoort.BEHEERDER, corporatie_id=rol.corporatie_id
    )
    if beheerders.count() <= 1:
        return last_beheerder_message()
    return None

"""Whether a delete would be refused, and why: one predicate per delete, read by
the service (which refuses with the reason) and by the pages (which then offer no
delete button and show the reason instead)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .models import Gebouw


def gebouw_delete_refusal(gebouw: Gebouw) -> str | None:
    """Why the gebouw cannot be removed, or None when it can: overeenkomsten or
    afspraken refer to it. The service refuses with this reason and the page
    offers no delete button while there is one."""
    if gebouw.overeenkomsten.exists() or gebouw.afspraken.exists():
        return _("Dit gebouw heeft overeenkomsten of afspraken en blijft bewaard.")
    return None

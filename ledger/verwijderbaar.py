"""Whether a delete would be refused, and why: one predicate per delete, read by
the service (which refuses with the reason) and by the pages (which then offer no
delete button and show the reason instead)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from cooperatie.jaarslot import gesloten_jaar_refusal

from .models import Activiteit


def activiteit_delete_refusal(activiteit: Activiteit) -> str | None:
    """Why the activity cannot be removed now, or None when it can: its year is
    closed, bookings refer to it, or evidence is attached. The service refuses
    with this reason and the page offers no delete button while there is one."""
    refusal = gesloten_jaar_refusal(
        cooperatie_id=activiteit.cooperatie_id, jaar=activiteit.datum.year
    )
    if refusal:
        return refusal
    if activiteit.boekingen.exists():
        return _("Aan deze activiteit zijn boekingen gekoppeld; zij blijft bewaard.")
    if activiteit.bijlagen.exists():
        return _(
            "Een activiteit met bewijsstukken blijft bewaard; verwijder eerst de "
            "bewijsstukken."
        )
    return None

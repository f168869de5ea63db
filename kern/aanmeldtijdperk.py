"""The sign-in epoch of a user (`models.Aanmeldtijdperk`): raised when the
second factor is enrolled or removed, by the platform operator's reset and
with a new password, so that every other session of the user ends."""

from __future__ import annotations

from django.db import transaction

from .models import Aanmeldtijdperk


def aanmeldtijdperk_of(user) -> int:
    """The user's current number (0 before anything raised it)."""
    nummer = (
        Aanmeldtijdperk.objects.filter(user=user)
        .values_list("nummer", flat=True)
        .first()
    )
    return nummer or 0


@transaction.atomic
def aanmeldtijdperk_raise(*, user) -> int:
    """Raise the user's number by one (the row locked, so two changes at once
    count twice); returns the new number."""
    rij, _created = Aanmeldtijdperk.objects.select_for_update().get_or_create(user=user)
    rij.nummer += 1
    rij.save(update_fields=["nummer", "gewijzigd_op"])
    return rij.nummer

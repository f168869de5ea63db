"""A user's own settings (language, notification mail)."""

from __future__ import annotations

from django.db import transaction

from .models import Accountinstelling

FIELDS = ("taal", "meldingen_per_mail")


def accountinstelling_of(user) -> Accountinstelling:
    """The user's settings; the defaults when they never saved any."""
    try:
        return user.accountinstelling
    except Accountinstelling.DoesNotExist:
        return Accountinstelling(user=user)


@transaction.atomic
def accountinstelling_update(*, user, actor, **data) -> Accountinstelling:
    """Save the user's own settings. Only the user changes them (`actor` must be
    `user`); they are personal, not an organisation's data, so the journal holds
    nothing of them."""
    if actor.pk != user.pk:
        raise PermissionError("Only the user changes their own settings.")
    instelling, _created = Accountinstelling.objects.select_for_update().get_or_create(
        user=user
    )
    for name in FIELDS:
        if name in data:
            setattr(instelling, name, data[name])
    instelling.full_clean()
    instelling.save()
    user.accountinstelling = instelling
    return instelling

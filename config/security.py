"""The page a locked-out login attempt gets (django-axes, AXES_LOCKOUT_CALLABLE)."""

from django.conf import settings
from django.shortcuts import render


def lockout(request, original_response=None, credentials=None):
    """Too many wrong passwords for this username from this address: say so in
    plain Dutch, with how long the block lasts, instead of the login form (429)."""
    minuten = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "registration/lockout.html",
        {"failure_limit": settings.AXES_FAILURE_LIMIT, "minuten": minuten},
        status=429,
    )

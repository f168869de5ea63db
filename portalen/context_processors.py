"""Template context shared by every page."""

from django.conf import settings


def portal(request):
    """The current portal and its menu (set by the portal decorators)."""
    current = getattr(request, "portal", None)
    return {
        "portal": current,
        "portal_nav": current.nav(request.path) if current else [],
        "languages": settings.LANGUAGES,
    }

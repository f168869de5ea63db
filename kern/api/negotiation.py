"""Content negotiation of the API: JSON everywhere; the browsable API only while
DEBUG is on.

DRF's browsable API renders pages with inline styles and scripts, which the
Content-Security-Policy (no inline code) blocks in every environment. A page
that looks broken is worse than none, so outside DEBUG the API answers JSON to
every client, also to a browser that asks for HTML; ``?format=api`` is then an
unknown format (404)."""

from __future__ import annotations

from django.conf import settings

from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BrowsableAPIRenderer


class JsonOutsideDebug(DefaultContentNegotiation):
    def select_renderer(self, request, renderers, format_suffix=None):
        if not settings.DEBUG:
            renderers = [
                r for r in renderers if not isinstance(r, BrowsableAPIRenderer)
            ]
        return super().select_renderer(request, renderers, format_suffix)

"""The map of the corporatie's gebouwen, in the beheerder's and the auditor's
portal (portalen/kaart.py, docs/kaart.md). Both show the same markers; only the
beheerder's links lead on (to the gebouw and the coöperatie's dossier)."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import path

from afspraken.kaart import kaart_gebouwen
from cooperatie.models import Gebouw
from portalen.kaart import kaart_context
from portalen.ui import audit_view, beheer_view, in_portal


def _kaart(request, **links):
    kaart = kaart_gebouwen(gebouwen=in_portal(request, Gebouw.objects))
    return render(
        request, "portalen/kaart.html", {"kaart": kaart_context(kaart, **links)}
    )


@beheer_view
def beheer_kaart(request):
    """The corporatie's gebouwen on a map, coloured by their latest verdict."""
    portal = request.portal
    return _kaart(
        request,
        gebouw_url=lambda pk: portal.url("gebouw-bewerken", pk),
        cooperatie_url=lambda pk: portal.url("cooperatie-dossier", pk),
    )


@audit_view
def audit_kaart(request):
    """The same map for the auditor, without links to the beheerder's pages."""
    return _kaart(request)


beheer_patterns = [path("kaart/", beheer_kaart, name="beheer-kaart")]
audit_patterns = [path("kaart/", audit_kaart, name="audit-kaart")]

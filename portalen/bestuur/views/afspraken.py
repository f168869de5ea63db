"""The bestuur's start page: the year overview with progress toward each
toezegging, what the corporatie sent back, and the way to submit the year.

The figures are those of the toetsing (`selectors.corporatie_jaar`: live for an
open year, as frozen once submitted); the early warning of the running year comes
from `afspraken.signalering`.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from afspraken import services, signalering
from afspraken.choices import ToetsingStatus, Verdict
from afspraken.models import Afspraak, Toetsing
from afspraken.selectors import corporatie_jaar
from portalen.ui import bestuur_view, get_in_portal, in_portal
from portalen.views.toetsing import koers, toezegging_rij, url_or_none

JAAR_MIN, JAAR_MAX = 2000, 2100


def _gekozen_jaar(request, lopend: int) -> int:
    """`?jaar=` when it is a plausible year, else the running year."""
    try:
        jaar = int(request.GET.get("jaar", ""))
    except ValueError:
        return lopend
    return jaar if JAAR_MIN <= jaar <= JAAR_MAX else lopend


def _afspraak_blok(request, regel, jaar: int, vandaag) -> dict:
    """One afspraak of the year: its toetsing, rows with progress and, in the
    running year, the early warning; and what the board can do next."""
    portal = request.portal
    toetsing = regel.toetsing
    lopend = jaar == vandaag.year
    signalen = (
        {s.toezegging.id: s for s in signalering.signalen(regel.resultaat, vandaag)}
        if lopend and not regel.bevroren
        else {}
    )
    rijen = []
    for r in regel.resultaat.toezeggingen:
        rij = toezegging_rij(r)
        s = signalen.get(r.toezegging.id)
        rij["koers"] = koers(s) if s else None
        rijen.append(rij)
    status = toetsing.status if toetsing else None
    kan_indienen = (
        toetsing is not None
        and status in services.TRANSITIONS["indienen"][0]
        and jaar < vandaag.year
    )
    return {
        "afspraak": regel.afspraak,
        "toetsing": toetsing,
        "status": status,
        "rijen": rijen,
        "verdict": regel.resultaat.verdict,
        "verdict_label": Verdict(regel.resultaat.verdict).label,
        "bevroren": regel.bevroren,
        "teruggestuurd": status == ToetsingStatus.TERUGGESTUURD,
        "toetsing_url": portal.url("toetsing", toetsing.pk) if toetsing else None,
        "indienen_url": (
            portal.url("toetsing-indienen", toetsing.pk) if kan_indienen else None
        ),
        "openen_url": (
            portal.url("toetsing-openen", regel.afspraak.pk, jaar)
            if toetsing is None and jaar < vandaag.year
            else None
        ),
    }


@bestuur_view
def jaaroverzicht(request):
    """The year overview (`?jaar=`, default the running year): per afspraak the
    status of the year and per toezegging the norm, the value so far and the
    progress, in the running year with op koers or risico; the reason when the
    corporatie returned the year, and the button to submit it."""
    portal = request.portal
    vandaag = timezone.localdate()
    jaar = _gekozen_jaar(request, vandaag.year)
    afspraken = in_portal(request, Afspraak.objects)
    corporatie_ids = set(
        afspraken.lopend_in(jaar).values_list("corporatie_id", flat=True)
    )
    regels = (
        [
            regel
            for regel in corporatie_jaar(jaar=jaar, corporatie_ids=corporatie_ids)
            if regel.afspraak.cooperatie_id == portal.cooperatie.pk
        ]
        if corporatie_ids
        else []
    )
    toetsingen = list(
        in_portal(request, Toetsing.objects)
        .select_related("afspraak__corporatie")
        .order_by("jaar", "afspraak_id")
    )
    blokken = [_afspraak_blok(request, regel, jaar, vandaag) for regel in regels]
    return render(
        request,
        "bestuur/jaaroverzicht.html",
        {
            "jaar": jaar,
            "lopend": jaar == vandaag.year,
            "vandaag": vandaag,
            "jaren": _jaren(afspraken, toetsingen, jaar, vandaag.year),
            "blokken": blokken,
            "teruggestuurd": [
                _aandacht(portal, t)
                for t in toetsingen
                if t.status == ToetsingStatus.TERUGGESTUURD
            ],
            "in_te_dienen": _in_te_dienen(
                portal, afspraken, toetsingen, jaar, vandaag.year
            ),
            "heeft_afspraken": bool(regels) or afspraken.exists(),
            "activiteit_url": url_or_none(portal, "activiteit-nieuw"),
            "boeking_url": url_or_none(portal, "boeking-nieuw"),
        },
    )


def _jaren(afspraken, toetsingen, jaar: int, lopend: int) -> list[int]:
    """The years to offer: those with a toetsing, the years the afspraken ran up
    to the running year, the running year and the chosen one; newest first."""
    jaren = {lopend, jaar, *(t.jaar for t in toetsingen)}
    for ingangsjaar, eindjaar in afspraken.values_list("ingangsjaar", "eindjaar"):
        laatste = min(eindjaar or lopend, lopend)
        jaren.update(range(max(ingangsjaar, JAAR_MIN), laatste + 1))
    return sorted(jaren, reverse=True)


def _aandacht(portal, toetsing: Toetsing) -> dict:
    """A returned year: the corporatie's reason and the way to submit again."""
    return {
        "toetsing": toetsing,
        "jaar": toetsing.jaar,
        "corporatie": toetsing.afspraak.corporatie,
        "afspraak": toetsing.afspraak,
        "reden": toetsing.teruggestuurd_reden,
        "indienen_url": portal.url("toetsing-indienen", toetsing.pk),
    }


def _in_te_dienen(portal, afspraken, toetsingen, jaar: int, lopend: int) -> list:
    """Past years still to submit (other than the one shown): open toetsingen of
    earlier years, and last year's afspraken without a toetsing."""
    rijen = [
        {
            "jaar": t.jaar,
            "afspraak": t.afspraak,
            "url": portal.url("toetsing-indienen", t.pk),
        }
        for t in toetsingen
        if t.status == ToetsingStatus.OPEN and t.jaar < lopend and t.jaar != jaar
    ]
    vorig = lopend - 1
    if jaar != vorig:
        met_toetsing = {t.afspraak_id for t in toetsingen if t.jaar == vorig}
        rijen += [
            {"jaar": vorig, "afspraak": afspraak, "url": f"?jaar={vorig}"}
            for afspraak in afspraken.lopend_in(vorig).exclude(pk__in=met_toetsing)
        ]
    return rijen


@bestuur_view
def toetsing_openen(request, afspraak_id: int, jaar: int):
    """Open the toetsing of a past year that has none yet (`toetsing_open`), so the
    board can submit it; then on to the confirmation page. POST only (after the
    lookup, so another tenant's afspraak is 404 for any method)."""
    afspraak = get_in_portal(request, Afspraak.objects, pk=afspraak_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        toetsing = services.toetsing_open(
            afspraak=afspraak, jaar=jaar, actor=request.user
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(f"{request.portal.url('start')}?jaar={jaar}")
    messages.success(
        request,
        _("De toetsing %(jaar)s van “%(afspraak)s” is geopend.")
        % {"jaar": jaar, "afspraak": afspraak},
    )
    return redirect(request.portal.url("toetsing-indienen", toetsing.pk))


urlpatterns = [
    path("", jaaroverzicht, name="bestuur-start"),
    path(
        "afspraken/<int:afspraak_id>/jaren/<int:jaar>/openen/",
        toetsing_openen,
        name="bestuur-toetsing-openen",
    ),
]

"""The bestuur's money book: bookings with their storno's.

Every write goes through `ledger.services`, whose refusals (a locked year, a
second storno) come back as errors on the form field they concern.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Count
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from cooperatie.choices import JaarStatus
from cooperatie.jaarslot import gesloten_jaren
from kern import uitvoer
from kern.formatting import bedrag, datum
from ledger import selectors, services
from ledger.choices import BoekingSoort
from ledger.models import Activiteit, Boeking, Bon
from portalen import bijlagen
from portalen.bestuur.forms.boekingen import (
    BoekingForm,
    BoekingListFilter,
    BonForm,
    StornoForm,
)
from portalen.generiek import ServiceActionView, ServiceCreateView, ServiceFormView
from portalen.ui import apply_errors, bestuur_view, get_in_portal, in_portal, paginate

ZERO = Decimal("0.00")


def _list_url(request, name: str, jaar: int) -> str:
    return f"{request.portal.url(name)}?jaar={jaar}"


def _vergrendeld(request, jaren) -> dict[int, str]:
    return gesloten_jaren(cooperatie_id=request.portal.cooperatie.pk, jaren=jaren)


# Bookings -----------------------------------------------------------------------


def _jaar_boekingen(request, jaar: int | None):
    """The bookings that count for the year (all years for None), before any
    search: the running balance and the totals are the year's, whatever the
    list shows."""
    boekingen = in_portal(request, Boeking.objects)
    return boekingen.voor_jaar(jaar) if jaar else boekingen


@bestuur_view
def boekingen(request):
    """The money book of a year: every booking with its storno state, its
    receipts and the running balance after it, and the year's budget, spending
    and balance counted as the compliance counts them (a storno against the
    year of the booking it cancels). `?zoek=` searches the descriptions; the
    balance and totals stay those of the whole year."""
    filters = BoekingListFilter(
        request.GET, in_portal(request, Boeking.objects), request=request
    )
    jaar = filters.value("jaar")
    rijen = (
        filters.qs.select_related("activiteit", "corrigeert", "storno")
        .annotate(aantal_bonnen=Count("bonnen"))
        .order_by("-datum", "-pk")
    )
    page = paginate(request, rijen)
    jaar_qs = _jaar_boekingen(request, jaar)
    saldi = selectors.lopend_saldo(
        boekingen=jaar_qs.filter(
            datum__lte=max((b.datum for b in page), default=datetime.date.min)
        )
    )
    jaren = {b.datum.year for b in page} | {
        b.corrigeert.datum.year for b in page if b.corrigeert_id
    }
    vergrendeld = _vergrendeld(request, jaren)
    for boeking in page:
        boeking.saldo = saldi.get(boeking.pk)
        origineel = boeking.corrigeert if boeking.corrigeert_id else boeking
        boeking.vergrendeld = (
            boeking.datum.year in vergrendeld or origineel.datum.year in vergrendeld
        )
        boeking.gestorneerd = _storno_of(boeking)
        boeking.stornobaar = (
            not boeking.is_storno
            and boeking.gestorneerd is None
            and not boeking.vergrendeld
        )
    totalen = selectors.totalen(boekingen=jaar_qs)
    totalen["aantal"] = jaar_qs.count()
    return render(
        request,
        "bestuur/boekingen.html",
        {
            "page": page,
            "jaar": jaar,
            "totalen": totalen,
            "filters": filters,
            "export_query": _export_query(request),
            "zoek": filters.value("zoek"),
        },
    )


def _export_query(request) -> str:
    """The list's year and search, for the export links."""
    query = request.GET.copy()
    query.pop("pagina", None)
    query.pop("formaat", None)
    return query.urlencode()


def _storno_of(boeking: Boeking) -> Boeking | None:
    """The storno that cancelled this booking, if any."""
    try:
        return boeking.storno
    except Boeking.storno.RelatedObjectDoesNotExist:
        return None


class BoekingNieuw(ServiceCreateView):
    """A new booking (budget received or money spent), optionally for one of the
    cooperatie's activities."""

    portal = bestuur_view
    service = services.boeking_create
    organisatie_kwarg = "cooperatie"
    form_class = BoekingForm
    template_name = "bestuur/boeking_form.html"
    success_url = "boekingen"

    def get_form_kwargs(self):
        return {
            "activiteiten": in_portal(self.request, Activiteit.objects).in_open_jaren()
        }

    def success_message(self, boeking):
        return _("Boeking van %(bedrag)s (%(soort)s) is vastgelegd.") % {
            "bedrag": bedrag(boeking.bedrag),
            "soort": boeking.get_soort_display(),
        }

    def get_success_url(self, boeking):
        return _list_url(self.request, "boekingen", boeking.datum.year)

    def get_cancel_url(self):
        return self.request.portal.url("boekingen")


def _storno_errors(exc: ValidationError) -> ValidationError:
    """The service names the cancelled booking `corrigeert`; on this page that
    is the booking shown, so its refusals are general errors of the form."""
    if hasattr(exc, "error_dict") and "corrigeert" in exc.error_dict:
        errors = dict(exc.error_dict)
        errors.setdefault(NON_FIELD_ERRORS, []).extend(errors.pop("corrigeert"))
        return ValidationError(errors)
    return exc


class BoekingStorno(ServiceFormView):
    """Cancel a booking with a storno. Bookings are never edited: a mistake is
    fixed by a storno plus a new booking. GET explains this and asks to confirm;
    POST books the storno."""

    portal = bestuur_view
    queryset = Boeking.objects.select_related("activiteit", "corrigeert", "storno")
    url_kwarg = "boeking_id"
    object_name = "boeking"
    service = services.boeking_storno
    form_class = StornoForm
    template_name = "bestuur/boeking_storno.html"

    def form_errors(self, exc):
        return _storno_errors(exc)

    def success_message(self, storno):
        boeking = self.object
        return _(
            "Boeking van %(bedrag)s op %(datum)s is gestorneerd. "
            "Leg zo nodig een nieuwe, juiste boeking vast."
        ) % {
            "bedrag": bedrag(boeking.bedrag),
            "datum": datum(boeking.datum, "compact"),
        }

    def get_success_url(self, storno):
        return _list_url(self.request, "boekingen", storno.corrigeert.datum.year)

    def get_cancel_url(self):
        return _list_url(self.request, "boekingen", self.object.datum.year)

    def get_context_data(self, **context):
        boeking = self.object
        gestorneerd = _storno_of(boeking)
        jaar = boeking.datum.year
        vergrendeld = jaar in _vergrendeld(self.request, [jaar])
        return super().get_context_data(
            gestorneerd=gestorneerd,
            vergrendeld=vergrendeld,
            kan_storneren=not boeking.is_storno
            and gestorneerd is None
            and not vergrendeld,
            **context,
        )


def _bon_errors(exc: ValidationError) -> ValidationError:
    """The service names the booking's years `boeking` and `corrigeert`; on
    this page that is the booking shown, so those are general errors."""
    if not hasattr(exc, "error_dict"):
        return exc
    errors = dict(exc.error_dict)
    for name in ("boeking", "corrigeert"):
        if name in errors:
            errors.setdefault(NON_FIELD_ERRORS, []).extend(errors.pop(name))
    return ValidationError(errors)


def bon_rijen(request, bonnen) -> list[dict]:
    """Receipts as links under their own names, photos with a thumbnail."""
    portal = request.portal
    return [
        {
            "bon": bon,
            "naam": bon.naam,
            "url": portal.url("bon", bon.pk),
            "miniatuur_url": (
                portal.url("bon-miniatuur", bon.pk)
                if bijlagen.heeft_miniatuur(bon)
                else None
            ),
        }
        for bon in bonnen
    ]


@bestuur_view
def boeking(request, boeking_id: int):
    """One booking with its receipts: add a receipt (photo or PDF) or remove
    one while the booking's year is open; read-only once the year is locked."""
    boeking = get_in_portal(
        request,
        Boeking.objects.select_related("activiteit", "corrigeert", "storno"),
        pk=boeking_id,
    )
    jaren = {boeking.datum.year}
    if boeking.corrigeert_id:
        jaren.add(boeking.corrigeert.datum.year)
    gesloten = _vergrendeld(request, jaren)
    vergrendeld = ", ".join(
        str(JaarStatus(status).label) for _jaar, status in sorted(gesloten.items())
    )
    if request.method == "POST":
        if vergrendeld:
            return HttpResponseNotAllowed(["GET"])
        form = BonForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                bon = services.bon_add(
                    boeking=boeking,
                    bestand=form.cleaned_data["bestand"],
                    omschrijving=form.cleaned_data["omschrijving"],
                    actor=request.user,
                )
            except ValidationError as exc:
                apply_errors(form, _bon_errors(exc))
            else:
                messages.success(
                    request, _("Bon “%(naam)s” is toegevoegd.") % {"naam": bon.naam}
                )
                return redirect(request.portal.url("boeking", boeking.pk))
    else:
        form = BonForm()
    bonnen = boeking.bonnen.order_by("pk")
    return render(
        request,
        "bestuur/boeking.html",
        {
            "boeking": boeking,
            "gestorneerd": _storno_of(boeking),
            "bonnen": bon_rijen(request, bonnen),
            "form": None if vergrendeld else form,
            "vergrendeld": vergrendeld,
            "terug_url": _list_url(request, "boekingen", boeking.datum.year),
        },
    )


@bestuur_view
def bon(request, bon_id: int):
    """One receipt, with the safe headers of every evidence file."""
    return bijlagen.download(get_in_portal(request, Bon.objects, pk=bon_id))


@bestuur_view
def bon_miniatuur(request, bon_id: int):
    """A small JPEG of a photo receipt (404 for a PDF or an unreadable file)."""
    return bijlagen.miniatuur(request, get_in_portal(request, Bon.objects, pk=bon_id))


class BonVerwijderen(ServiceActionView):
    """Remove one receipt of a booking (POST only), journalled by the service;
    refused once the booking's year is locked."""

    portal = bestuur_view
    queryset = Bon.objects.select_related("boeking")
    url_kwarg = "bon_id"
    object_name = "bon"
    service = services.bon_delete

    def success_message(self, bon):
        return _("Bon “%(naam)s” is verwijderd.") % {"naam": bon.naam}

    def get_success_url(self, bon):
        return self.request.portal.url("boeking", bon.boeking_id)


# Export -------------------------------------------------------------------------


def boeking_kolommen() -> list[uitvoer.Kolom]:
    return [
        uitvoer.Kolom(_("Datum"), uitvoer.DATUM, breedte=12),
        uitvoer.Kolom(_("Soort"), breedte=10),
        uitvoer.Kolom(_("Storno van"), breedte=12),
        uitvoer.Kolom(_("Bedrag"), uitvoer.BEDRAG),
        uitvoer.Kolom(_("Effect op saldo"), uitvoer.BEDRAG),
        uitvoer.Kolom(_("Saldo"), uitvoer.BEDRAG),
        uitvoer.Kolom(_("Omschrijving"), breedte=40),
        uitvoer.Kolom(_("Activiteit"), breedte=30),
        uitvoer.Kolom(_("Bonnen"), uitvoer.GETAL, breedte=8),
        uitvoer.Kolom(_("Nummer"), uitvoer.GETAL, breedte=8),
    ]


@bestuur_view
def boekingen_export(request):
    """The money book as CSV or XLSX (``?formaat=``): the bookings of the list
    (its year and search), oldest first, with the running balance of the year."""
    filters = BoekingListFilter(
        request.GET, in_portal(request, Boeking.objects), request=request
    )
    jaar = filters.value("jaar")
    saldi = selectors.lopend_saldo(boekingen=_jaar_boekingen(request, jaar))
    rijen = (
        filters.qs.select_related("activiteit", "corrigeert")
        .annotate(aantal_bonnen=Count("bonnen"))
        .order_by("datum", "pk")
    )

    def regels():
        for b in rijen:
            effect = b.bedrag if b.soort == BoekingSoort.BUDGET else -b.bedrag
            yield [
                b.datum,
                b.get_soort_display(),
                b.corrigeert_id or "",
                b.bedrag,
                -effect if b.is_storno else effect,
                saldi.get(b.pk),
                b.omschrijving,
                b.activiteit.titel if b.activiteit_id else "",
                b.aantal_bonnen,
                b.pk,
            ]

    naam = _("boekingen-%(jaar)s") % {"jaar": jaar or _("alle-jaren")}
    return uitvoer.download(
        boeking_kolommen(),
        regels(),
        formaat=uitvoer.formaat_van(request),
        naam=naam,
        titel=_("Boekingen"),
    )


boeking_nieuw = BoekingNieuw.as_view()
boeking_storno = BoekingStorno.as_view()
bon_verwijderen = BonVerwijderen.as_view()


urlpatterns = [
    path("boekingen/", boekingen, name="bestuur-boekingen"),
    path("boekingen/nieuw/", boeking_nieuw, name="bestuur-boeking-nieuw"),
    path("boekingen/export/", boekingen_export, name="bestuur-boekingen-export"),
    path("boekingen/<int:boeking_id>/", boeking, name="bestuur-boeking"),
    path("bonnen/<int:bon_id>/", bon, name="bestuur-bon"),
    path("bonnen/<int:bon_id>/miniatuur/", bon_miniatuur, name="bestuur-bon-miniatuur"),
    path(
        "bonnen/<int:bon_id>/verwijderen/",
        bon_verwijderen,
        name="bestuur-bon-verwijderen",
    ),
    path(
        "boekingen/<int:boeking_id>/storno/",
        boeking_storno,
        name="bestuur-boeking-storno",
    ),
]

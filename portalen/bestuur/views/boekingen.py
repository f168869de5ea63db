"""The bestuur's money book: bookings with their storno's.

Every write goes through `ledger.services`, whose refusals (a locked year, a
second storno) come back as errors on the form field they concern.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _

from cooperatie.jaarslot import gesloten_jaren
from kern.formatting import bedrag, datum
from ledger import services
from ledger.choices import BoekingSoort
from ledger.models import Activiteit, Boeking
from portalen.bestuur.forms.boekingen import (
    BoekingForm,
    BoekingListFilter,
    StornoForm,
)
from portalen.generiek import ServiceCreateView, ServiceFormView
from portalen.ui import bestuur_view, in_portal, paginate

ZERO = Decimal("0.00")


def _list_url(request, name: str, jaar: int) -> str:
    return f"{request.portal.url(name)}?jaar={jaar}"


def _vergrendeld(request, jaren) -> dict[int, str]:
    return gesloten_jaren(cooperatie_id=request.portal.cooperatie.pk, jaren=jaren)


# Bookings -----------------------------------------------------------------------


def _boeking_totalen(queryset) -> dict[str, Decimal | bool]:
    """Budget received, spent and the balance; a storno counts
    against the booking it cancels (the queryset is `voor_jaar` for one year)."""

    def som(soort: str, storno: bool) -> Coalesce:
        return Coalesce(
            Sum("bedrag", filter=Q(soort=soort, corrigeert__isnull=not storno)),
            ZERO,
        )

    rij = queryset.aggregate(
        budget=som(BoekingSoort.BUDGET, False),
        budget_storno=som(BoekingSoort.BUDGET, True),
        uitgaven=som(BoekingSoort.UITGAVE, False),
        uitgaven_storno=som(BoekingSoort.UITGAVE, True),
    )
    budget = rij["budget"] - rij["budget_storno"]
    besteed = rij["uitgaven"] - rij["uitgaven_storno"]
    return {
        "budget": budget,
        "besteed": besteed,
        "saldo": budget - besteed,
        "saldo_negatief": budget - besteed < 0,
    }


@bestuur_view
def boekingen(request):
    """The money book of a year: every booking with its storno state, and the
    year's budget, spending and balance counted as the compliance counts them
    (a storno against the year of the booking it cancels)."""
    filters = BoekingListFilter(
        request.GET, in_portal(request, Boeking.objects), request=request
    )
    rijen = filters.qs.select_related("activiteit", "corrigeert", "storno").order_by(
        "-datum", "-pk"
    )
    page = paginate(request, rijen)
    jaren = {b.datum.year for b in page} | {
        b.corrigeert.datum.year for b in page if b.corrigeert_id
    }
    vergrendeld = _vergrendeld(request, jaren)
    for boeking in page:
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
    return render(
        request,
        "bestuur/boekingen.html",
        {
            "page": page,
            "jaar": filters.value("jaar"),
            "totalen": _boeking_totalen(filters.qs),
            "filters": filters,
        },
    )


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
        return {"activiteiten": in_portal(self.request, Activiteit.objects)}

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


boeking_nieuw = BoekingNieuw.as_view()
boeking_storno = BoekingStorno.as_view()


urlpatterns = [
    path("boekingen/", boekingen, name="bestuur-boekingen"),
    path("boekingen/nieuw/", boeking_nieuw, name="bestuur-boeking-nieuw"),
    path(
        "boekingen/<int:boeking_id>/storno/",
        boeking_storno,
        name="bestuur-boeking-storno",
    ),
]

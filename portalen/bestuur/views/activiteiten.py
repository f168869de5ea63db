"""The bestuur's ledger pages: activities with evidence and volunteers, and the
money book with storno's.

Board members often fill these in on a phone: every form works without
JavaScript, and every write goes through `ledger.services`, whose refusals
(a locked year, a file that is no photo or PDF, a second storno) come back as
errors on the form field they concern.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cooperatie import privacy
from cooperatie.choices import JaarStatus
from cooperatie.jaarslot import gesloten_jaren
from cooperatie.models import LedenInzage, Lid
from kern.formatting import bedrag, datum
from ledger import services
from ledger.choices import BoekingSoort, Thema
from ledger.models import Activiteit, Bijlage, Boeking
from ledger.verwijderbaar import activiteit_delete_refusal
from portalen import bijlagen
from portalen.bestuur.forms.activiteiten import (
    ActiviteitForm,
    ActiviteitListFilter,
    BoekingForm,
    BoekingListFilter,
    StornoForm,
    zoek_lid,
)
from portalen.generiek import (
    ServiceActionView,
    ServiceCreateView,
    ServiceFormView,
)
from portalen.ui import (
    apply_errors,
    bestuur_view,
    get_in_portal,
    in_portal,
    paginate,
)

ZERO = Decimal("0.00")


def _list_url(request, name: str, jaar: int) -> str:
    return f"{request.portal.url(name)}?jaar={jaar}"


def _vergrendeld(request, jaren) -> dict[int, str]:
    return gesloten_jaren(cooperatie_id=request.portal.cooperatie.pk, jaren=jaren)


# Activities ---------------------------------------------------------------------


@bestuur_view
def activiteiten(request):
    """The cooperatie's activities of a year (or all years), per theme, with the
    year's totals, so the bestuur sees what it will be measured on; activities in
    a submitted or approved year are marked as locked."""
    filters = ActiviteitListFilter(
        request.GET, in_portal(request, Activiteit.objects), request=request
    )
    gefilterd = filters.qs
    totalen = gefilterd.aggregate(
        aantal=Count("pk"),
        deelnemers_leden=Coalesce(Sum("deelnemers_leden"), 0),
        deelnemers_buurt=Coalesce(Sum("deelnemers_buurt"), 0),
        vrijwilligersuren=Coalesce(Sum("vrijwilligersuren"), ZERO),
    )
    rijen = gefilterd.annotate(
        aantal_vrijwilligers=Count("vrijwilligers", distinct=True),
        aantal_bijlagen=Count("bijlagen", distinct=True),
    ).order_by("-datum", "-pk")
    page = paginate(request, rijen)
    vergrendeld = _vergrendeld(request, {a.datum.year for a in page})
    for activiteit in page:
        activiteit.vergrendeld = activiteit.datum.year in vergrendeld
    thema = filters.value("thema")
    return render(
        request,
        "bestuur/activiteiten.html",
        {
            "page": page,
            "jaar": filters.value("jaar"),
            "thema_label": Thema(thema).label if thema else "",
            "totalen": totalen,
            "filters": filters,
        },
    )


def _save_activiteit(request, form: ActiviteitForm, activiteit: Activiteit | None):
    """Create or update the activity with its new files through
    `ledger.services.activiteit_save`, all or nothing."""
    if activiteit is None:
        data = {"cooperatie": request.portal.cooperatie, **form.activiteit_data()}
    else:
        data = form.activiteit_data(only_changed=True) or None
    return services.activiteit_save(
        activiteit=activiteit,
        data=data,
        bijlagen=[{"bestand": bestand} for bestand in form.cleaned_data["bijlagen"]],
        actor=request.user,
    )


def _saved_message(saved: services.ActiviteitSaved, nieuw: bool) -> str:
    activiteit, aantal = saved.activiteit, len(saved.bijlagen)
    if nieuw:
        tekst = _("Activiteit “%(titel)s” is vastgelegd.")
    else:
        tekst = _("Activiteit “%(titel)s” is opgeslagen.")
    tekst %= {"titel": activiteit.titel}
    if aantal:
        tekst += " " + ngettext(
            "%(n)d bewijsstuk toegevoegd.", "%(n)d bewijsstukken toegevoegd.", aantal
        ) % {"n": aantal}
    return tekst


def _warnings(request, activiteit: Activiteit) -> None:
    """Saved, but worth a second look: a date in the future, or more
    volunteers than participants (warnings, not refusals)."""
    if activiteit.datum > timezone.localdate():
        messages.warning(
            request,
            _(
                "Let op: de datum %(datum)s ligt in de toekomst. Klopt dat? Een "
                "activiteit wordt meestal vastgelegd nadat zij heeft plaatsgevonden."
            )
            % {"datum": datum(activiteit.datum)},
        )
    aantal = activiteit.vrijwilligers.count()
    deelnemers = activiteit.deelnemers_leden + activiteit.deelnemers_buurt
    if aantal > deelnemers:
        messages.warning(
            request,
            _(
                "Let op: er zijn meer vrijwilligers (%(vrijwilligers)s) dan "
                "deelnemers (%(deelnemers)s). Klopt het aantal deelnemers?"
            )
            % {"vrijwilligers": aantal, "deelnemers": deelnemers},
        )


def _form_kwargs(request) -> dict:
    """The picker's filter: from the address, or from the form when its
    "Zoeken" button was pressed (without JavaScript)."""
    bron = request.POST if "zoek" in request.POST else request.GET
    return {"zoek": zoek_lid(bron)}


def _zoeken(request) -> bool:
    """The form was posted to filter the volunteers, not to be saved."""
    return request.method == "POST" and "zoek" in request.POST


def _zoek_form(request, leden, activiteit) -> ActiviteitForm:
    """The form as posted, shown again with the volunteers filtered and
    nothing saved or checked (files must be chosen again)."""
    form = ActiviteitForm(
        request.POST, leden=leden, activiteit=activiteit, **_form_kwargs(request)
    )
    # Bound, so the typed values stay; no errors: the user only filtered.
    form._errors = {}
    return form


def _log_vrijwilligers(request, form) -> None:
    """The form lists members by name to choose volunteers from: a read of
    member data, logged like the member list (docs/privacy.md)."""
    privacy.log_inzage(
        actor=request.user,
        cooperatie=request.portal.cooperatie,
        bron=LedenInzage.Bron.ACTIVITEIT,
        aantal=form.fields["vrijwilligers"].queryset.count(),
    )


@bestuur_view
def activiteit_nieuw(request):
    """A new activity with its volunteers and evidence, in one form that works on
    a phone; nothing is written unless the activity and every file are accepted."""
    leden = in_portal(request, Lid.objects)
    if _zoeken(request):
        form = _zoek_form(request, leden, None)
    elif request.method == "POST":
        form = ActiviteitForm(
            request.POST, request.FILES, leden=leden, **_form_kwargs(request)
        )
        if form.is_valid():
            try:
                saved = _save_activiteit(request, form, None)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _saved_message(saved, True))
                _warnings(request, saved.activiteit)
                return redirect(
                    _list_url(request, "activiteiten", saved.activiteit.datum.year)
                )
    else:
        form = ActiviteitForm(leden=leden, **_form_kwargs(request))
    _log_vrijwilligers(request, form)
    return render(
        request,
        "bestuur/activiteit_form.html",
        {"form": form, "activiteit": None, "vergrendeld": ""},
    )


@bestuur_view
def activiteit_bewerken(request, activiteit_id: int):
    """One activity: change it, add evidence, download or remove evidence, or
    remove the activity. In a submitted or approved year it is shown read-only,
    because the services refuse every change there."""
    activiteit = get_in_portal(request, Activiteit.objects, pk=activiteit_id)
    leden = in_portal(request, Lid.objects)
    status = _vergrendeld(request, [activiteit.datum.year]).get(activiteit.datum.year)
    vergrendeld = JaarStatus(status).label if status else ""
    if _zoeken(request):
        form = _zoek_form(request, leden, activiteit)
    elif request.method == "POST":
        form = ActiviteitForm(
            request.POST,
            request.FILES,
            leden=leden,
            activiteit=activiteit,
            **_form_kwargs(request),
        )
        if form.is_valid():
            try:
                saved = _save_activiteit(request, form, activiteit)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _saved_message(saved, False))
                _warnings(request, saved.activiteit)
                return redirect(
                    _list_url(request, "activiteiten", saved.activiteit.datum.year)
                )
    else:
        form = ActiviteitForm(
            leden=leden, activiteit=activiteit, **_form_kwargs(request)
        )
    _log_vrijwilligers(request, form)
    return render(
        request,
        "bestuur/activiteit_form.html",
        {
            "form": form,
            "activiteit": activiteit,
            "bijlagen": activiteit.bijlagen.order_by("pk"),
            "vrijwilligers": activiteit.vrijwilligers.order_by("naam"),
            "vergrendeld": vergrendeld,
            "verwijderen_geweigerd": activiteit_delete_refusal(activiteit),
        },
    )


class ActiviteitVerwijderen(ServiceActionView):
    """Remove an activity (POST only). The service refuses while evidence or
    bookings are attached, or when its year is locked; its reason is shown."""

    portal = bestuur_view
    queryset = Activiteit.objects
    url_kwarg = "activiteit_id"
    object_name = "activiteit"
    service = services.activiteit_delete

    def success_message(self, activiteit):
        return _("Activiteit “%(titel)s” is verwijderd.") % {"titel": activiteit.titel}

    def get_success_url(self, activiteit):
        return _list_url(self.request, "activiteiten", activiteit.datum.year)

    def get_refused_url(self):
        return self.request.portal.url("activiteit-bewerken", self.object.pk)


class BijlageVerwijderen(ServiceActionView):
    """Remove one evidence file of an activity (POST only), journalled by the
    service."""

    portal = bestuur_view
    queryset = Bijlage.objects.select_related("activiteit")
    url_kwarg = "bijlage_id"
    object_name = "bijlage"
    service = services.bijlage_delete

    def success_message(self, bijlage):
        return _("Bewijsstuk “%(naam)s” is verwijderd.") % {"naam": bijlage}

    def get_success_url(self, bijlage):
        return self.request.portal.url("activiteit-bewerken", bijlage.activiteit_id)


@bestuur_view
def bijlage(request, bijlage_id: int):
    """Download one evidence file. Evidence is never served from a public media
    URL: only here, after the portal's scope check. Images open in the browser,
    PDFs are downloaded; the stored (sniffed) type is sent, never guessed."""
    bijlage = get_in_portal(request, Bijlage.objects, pk=bijlage_id)
    return bijlagen.download(bijlage)


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


activiteit_verwijderen = ActiviteitVerwijderen.as_view()
bijlage_verwijderen = BijlageVerwijderen.as_view()
boeking_nieuw = BoekingNieuw.as_view()
boeking_storno = BoekingStorno.as_view()


urlpatterns = [
    path("activiteiten/", activiteiten, name="bestuur-activiteiten"),
    path("activiteiten/nieuw/", activiteit_nieuw, name="bestuur-activiteit-nieuw"),
    path(
        "activiteiten/<int:activiteit_id>/",
        activiteit_bewerken,
        name="bestuur-activiteit-bewerken",
    ),
    path(
        "activiteiten/<int:activiteit_id>/verwijderen/",
        activiteit_verwijderen,
        name="bestuur-activiteit-verwijderen",
    ),
    path("bijlagen/<int:bijlage_id>/", bijlage, name="bestuur-bijlage"),
    path(
        "bijlagen/<int:bijlage_id>/verwijderen/",
        bijlage_verwijderen,
        name="bestuur-bijlage-verwijderen",
    ),
    path("boekingen/", boekingen, name="bestuur-boekingen"),
    path("boekingen/nieuw/", boeking_nieuw, name="bestuur-boeking-nieuw"),
    path(
        "boekingen/<int:boeking_id>/storno/",
        boeking_storno,
        name="bestuur-boeking-storno",
    ),
]

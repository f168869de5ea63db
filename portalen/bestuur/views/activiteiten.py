"""The bestuur's activity pages: activities with evidence and volunteers.

Board members often fill these in on a phone: every form works without
JavaScript, and every write goes through `ledger.services`, whose refusals
(a locked year, a file that is no photo or PDF, a second storno) come back as
errors on the form field they concern.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Sum
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
from kern.formatting import datum
from ledger import services, woningwet
from ledger.choices import Thema
from ledger.models import Activiteit, Bijlage
from ledger.selectors import woningwet_signalen_in
from ledger.verwijderbaar import activiteit_delete_refusal
from portalen import bijlagen
from portalen.bestuur.forms.activiteiten import (
    ActiviteitForm,
    ActiviteitListFilter,
    zoek_lid,
)
from portalen.generiek import (
    ServiceActionView,
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
    for signaal in _signalen(activiteit):
        messages.warning(
            request, _("Let op: %(uitleg)s") % {"uitleg": signaal["uitleg"]}
        )


def _signalen(activiteit: Activiteit) -> list[dict[str, str]]:
    """The activity's Woningwet flags with their explanation (hints only)."""
    codes = woningwet_signalen_in(Activiteit.objects.filter(pk=activiteit.pk))
    return woningwet.uitleg(codes.get(activiteit.pk, []))


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
            "signalen": _signalen(activiteit),
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


activiteit_verwijderen = ActiviteitVerwijderen.as_view()
bijlage_verwijderen = BijlageVerwijderen.as_view()


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
]

"""The beheerder's pages for gebouwen, coöperaties and overeenkomsten.

Lists read through `in_portal` (the user's scope narrowed to the portal's
corporatie); every write goes through the services in `cooperatie.services`, which
check permissions, validate and journal. A refusal comes back as form errors.

The POST-only actions look their object up before they check the method, so
another tenant's id answers 404 whatever the method, like every other page.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import (
    Case,
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from afspraken.models import Afspraak
from cooperatie import permissions, services
from cooperatie.choices import Bestuursfunctie
from cooperatie.models import Cooperatie, Gebouw, Lid, Overeenkomst
from kern.formatting import datum
from portalen.beheer.forms.cooperaties import (
    CooperatieForm,
    GebouwForm,
    GebouwListFilter,
    OvereenkomstEditForm,
    OvereenkomstEndForm,
    OvereenkomstForm,
    OvereenkomstListFilter,
)
from portalen.filters import choices_of
from portalen.ui import apply_errors, beheer_view, get_in_portal, in_portal, paginate


def _fresh(obj):
    """The object read anew, to hand to a service: a service sets the new values
    on what it gets, and a refused write must not show up on the page."""
    return type(obj).objects.get(pk=obj.pk)


# Gebouwen -----------------------------------------------------------------------


@beheer_view
def gebouw_list(request):
    """The corporatie's gebouwen, searchable and filtered by gemeente, with the
    coöperatie that runs each one today, so a manager finds a building quickly."""
    gebouwen = in_portal(request, Gebouw.objects)
    gemeentecodes = (
        gebouwen.order_by("gemeentecode")
        .values_list("gemeentecode", flat=True)
        .distinct()
    )
    filters = GebouwListFilter(
        request.GET,
        gebouwen,
        request=request,
        choices={"gemeente": choices_of(gemeentecodes, _("alle gemeenten"))},
    )
    huidige = (
        Overeenkomst.objects.filter(gebouw=OuterRef("pk"))
        .on(timezone.localdate())
        .order_by("-ingangsdatum")
    )
    gebouwen = filters.qs.annotate(
        huidige_cooperatie_id=Subquery(huidige.values("cooperatie_id")[:1]),
        huidige_cooperatie=Subquery(huidige.values("cooperatie__naam")[:1]),
    ).order_by("complexnummer", "pk")
    return render(
        request,
        "beheer/gebouwen.html",
        {"page": paginate(request, gebouwen), "filters": filters},
    )


@beheer_view
def gebouw_create(request):
    """Register a gebouw of the corporatie (complexnummer unique per corporatie)."""
    form = GebouwForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            gebouw = services.gebouw_create(
                corporatie=request.portal.corporatie,
                actor=request.user,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request, _("Gebouw %(gebouw)s is toegevoegd.") % {"gebouw": gebouw}
            )
            return redirect(request.portal.url("gebouwen"))
    return render(request, "beheer/gebouw_form.html", {"form": form, "gebouw": None})


@beheer_view
def gebouw_update(request, gebouw_id: int):
    """Edit a gebouw; only the changed fields go to the service (and the journal)."""
    gebouw = get_in_portal(request, Gebouw.objects, pk=gebouw_id)
    form = GebouwForm(request.POST or None, instance=gebouw)
    if request.method == "POST" and form.is_valid():
        changed = form.changed_values()
        if not changed:
            messages.info(request, _("Er was niets gewijzigd."))
            return redirect(request.portal.url("gebouwen"))
        try:
            gebouw = services.gebouw_update(
                gebouw=_fresh(gebouw), actor=request.user, **changed
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request, _("Gebouw %(gebouw)s is opgeslagen.") % {"gebouw": gebouw}
            )
            return redirect(request.portal.url("gebouwen"))
    overeenkomsten = gebouw.overeenkomsten.select_related("cooperatie").order_by(
        "-ingangsdatum"
    )
    return render(
        request,
        "beheer/gebouw_form.html",
        {"form": form, "gebouw": gebouw, "overeenkomsten": overeenkomsten},
    )


@beheer_view
def gebouw_delete(request, gebouw_id: int):
    """Remove a gebouw registered by mistake (POST only); the service keeps
    gebouwen that overeenkomsten or afspraken refer to, and says so."""
    gebouw = get_in_portal(request, Gebouw.objects, pk=gebouw_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    naam = str(gebouw)
    try:
        services.gebouw_delete(gebouw=gebouw, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(request.portal.url("gebouw-bewerken", gebouw_id))
    messages.success(request, _("Gebouw %(gebouw)s is verwijderd.") % {"gebouw": naam})
    return redirect(request.portal.url("gebouwen"))


# Coöperaties --------------------------------------------------------------------


def _bestuursleden(request, cooperaties) -> None:
    """Set `.bestuursleden` on each cooperatie: the current board members whose
    name and function this user may see (`permissions.can_see_name_and_function`,
    decided once per cooperatie: it depends only on the cooperatie for them)."""
    mag: dict[int, bool] = {}
    for cooperatie in cooperaties:
        zichtbaar = []
        for lid in cooperatie.huidig_bestuur:
            if lid.cooperatie_id not in mag:
                mag[lid.cooperatie_id] = permissions.can_see_name_and_function(
                    request.user, lid
                )
            if mag[lid.cooperatie_id]:
                zichtbaar.append(lid)
        cooperatie.bestuursleden = zichtbaar


def _functie_volgorde():
    """Board functions in their usual order: voorzitter first."""
    return Case(
        *[
            When(bestuursfunctie=value, then=Value(i))
            for i, value in enumerate(Bestuursfunctie.values)
        ],
        default=Value(len(Bestuursfunctie.values)),
        output_field=IntegerField(),
    )


def _met_bestuur(queryset):
    vandaag = timezone.localdate()
    bestuur = (
        Lid.objects.bestuur()
        .op_peildatum(vandaag)
        .only("pk", "cooperatie_id", "naam", "bestuursfunctie", "lid_sinds", "lid_tot")
        .order_by(_functie_volgorde(), "naam")
    )
    return queryset.prefetch_related(
        Prefetch("leden", queryset=bestuur, to_attr="huidig_bestuur")
    )


def _count(queryset, field: str = "pk"):
    """A subquery counting the rows of `queryset` (correlated with OuterRef)."""
    return Coalesce(
        Subquery(
            queryset.order_by().values(field).annotate(n=Count("pk")).values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


@beheer_view
def cooperatie_list(request):
    """The coöperaties in the corporatie's scope, with their member count (an
    aggregate), their board (names and functions only) and links to their
    overeenkomsten and afspraken with this corporatie."""
    corporatie = request.portal.corporatie
    vandaag = timezone.localdate()
    cooperaties = (
        in_portal(request, Cooperatie.objects)
        .annotate(
            aantal_leden=_count(
                Lid.objects.filter(cooperatie=OuterRef("pk")).op_peildatum(vandaag),
                "cooperatie",
            ),
            aantal_overeenkomsten=_count(
                Overeenkomst.objects.filter(
                    cooperatie=OuterRef("pk"), gebouw__corporatie=corporatie
                ),
                "cooperatie",
            ),
            aantal_afspraken=_count(
                Afspraak.objects.filter(
                    cooperatie=OuterRef("pk"), corporatie=corporatie
                ),
                "cooperatie",
            ),
        )
        .order_by("naam", "pk")
    )
    page = paginate(request, _met_bestuur(cooperaties))
    _bestuursleden(request, page.object_list)
    return render(request, "beheer/cooperaties.html", {"page": page})


@beheer_view
def cooperatie_create(request):
    """Register a coöperatie for this corporatie, so it can be linked in an
    overeenkomst or afspraak before either exists."""
    form = CooperatieForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cooperatie = services.cooperatie_create(
                aangemeld_door=request.portal.corporatie,
                actor=request.user,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("Coöperatie %(naam)s is aangemeld.") % {"naam": cooperatie},
            )
            return redirect(request.portal.url("cooperaties"))
    return render(
        request,
        "beheer/cooperatie_form.html",
        {"form": form, "cooperatie": None},
    )


@beheer_view
def cooperatie_update(request, coop_id: int):
    """Edit a coöperatie's registration details; shows its board (names and
    functions) for reference."""
    cooperatie = get_in_portal(
        request, _met_bestuur(Cooperatie.objects.all()), pk=coop_id
    )
    form = CooperatieForm(request.POST or None, instance=cooperatie)
    if request.method == "POST" and form.is_valid():
        changed = form.changed_values()
        if not changed:
            messages.info(request, _("Er was niets gewijzigd."))
            return redirect(request.portal.url("cooperaties"))
        try:
            saved = services.cooperatie_update(
                cooperatie=_fresh(cooperatie), actor=request.user, **changed
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request, _("Coöperatie %(naam)s is opgeslagen.") % {"naam": saved}
            )
            return redirect(request.portal.url("cooperaties"))
    _bestuursleden(request, [cooperatie])
    return render(
        request,
        "beheer/cooperatie_form.html",
        {"form": form, "cooperatie": cooperatie},
    )


# Overeenkomsten -----------------------------------------------------------------


def _portal_gebouwen(request):
    return in_portal(request, Gebouw.objects).order_by("complexnummer", "pk")


def _portal_cooperaties(request):
    return in_portal(request, Cooperatie.objects).order_by("naam", "pk")


def _status(overeenkomst: Overeenkomst, vandaag) -> tuple[str, str]:
    if overeenkomst.ingangsdatum > vandaag:
        return "toekomstig", _("toekomstig")
    if overeenkomst.einddatum is not None and overeenkomst.einddatum < vandaag:
        return "beeindigd", _("beëindigd")
    return "lopend", _("lopend")


@beheer_view
def overeenkomst_list(request):
    """The overeenkomsten on the corporatie's gebouwen, running or ended, by
    coöperatie or gebouw."""
    vandaag = timezone.localdate()
    filters = OvereenkomstListFilter(
        request.GET,
        in_portal(request, Overeenkomst.objects).select_related("gebouw", "cooperatie"),
        request=request,
        choices={
            "gebouw": choices_of(_portal_gebouwen(request), _("alle gebouwen")),
            "cooperatie": choices_of(
                _portal_cooperaties(request), _("alle coöperaties")
            ),
        },
    )
    overeenkomsten = filters.qs.order_by("gebouw__complexnummer", "-ingangsdatum", "pk")
    page = paginate(request, overeenkomsten)
    for overeenkomst in page.object_list:
        overeenkomst.status, overeenkomst.status_label = _status(overeenkomst, vandaag)
    return render(
        request, "beheer/overeenkomsten.html", {"page": page, "filters": filters}
    )


@beheer_view
def overeenkomst_create(request):
    """Let a gebouw of the corporatie to a coöperatie in its scope; the service
    refuses periods that overlap another overeenkomst of the gebouw."""
    form = OvereenkomstForm(
        request.POST or None,
        initial={
            k: request.GET[k] for k in ("gebouw", "cooperatie") if k in request.GET
        },
        gebouwen=_portal_gebouwen(request),
        cooperaties=_portal_cooperaties(request),
    )
    if request.method == "POST" and form.is_valid():
        try:
            overeenkomst = services.overeenkomst_create(
                actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("De overeenkomst voor %(gebouw)s met %(cooperatie)s is vastgelegd.")
                % {
                    "gebouw": overeenkomst.gebouw,
                    "cooperatie": overeenkomst.cooperatie,
                },
            )
            return redirect(request.portal.url("overeenkomsten"))
    return render(request, "beheer/overeenkomst_form.html", {"form": form})


# The end form shares the page with the edit form: its own field ids.
END_PREFIX = "einde"


def _overeenkomst_page(request, overeenkomst, form, end_form):
    return render(
        request,
        "beheer/overeenkomst_bewerken.html",
        {"overeenkomst": overeenkomst, "form": form, "end_form": end_form},
    )


def _get_overeenkomst(request, overeenkomst_id: int) -> Overeenkomst:
    return get_in_portal(
        request,
        Overeenkomst.objects.select_related("gebouw", "cooperatie"),
        pk=overeenkomst_id,
    )


@beheer_view
def overeenkomst_update(request, overeenkomst_id: int):
    """Correct an overeenkomst's soort, period or number of homes; gebouw and
    coöperatie stay (a different party is a new overeenkomst)."""
    overeenkomst = _get_overeenkomst(request, overeenkomst_id)
    form = OvereenkomstEditForm(request.POST or None, instance=overeenkomst)
    if request.method == "POST" and form.is_valid():
        changed = form.changed_values()
        if not changed:
            messages.info(request, _("Er was niets gewijzigd."))
            return redirect(request.portal.url("overeenkomsten"))
        try:
            services.overeenkomst_update(
                overeenkomst=_fresh(overeenkomst), actor=request.user, **changed
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("De overeenkomst is opgeslagen."))
            return redirect(request.portal.url("overeenkomsten"))
    return _overeenkomst_page(
        request, overeenkomst, form, OvereenkomstEndForm(prefix=END_PREFIX)
    )


@beheer_view
def overeenkomst_end(request, overeenkomst_id: int):
    """End a running overeenkomst on a date, its last day (POST only; the form
    is on the overeenkomst's page)."""
    overeenkomst = _get_overeenkomst(request, overeenkomst_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    end_form = OvereenkomstEndForm(request.POST, prefix=END_PREFIX)
    if end_form.is_valid():
        einddatum = end_form.cleaned_data["einddatum"]
        try:
            services.overeenkomst_end(
                overeenkomst=_fresh(overeenkomst),
                einddatum=einddatum,
                actor=request.user,
            )
        except ValidationError as exc:
            apply_errors(end_form, exc)
        else:
            messages.success(
                request,
                _("De overeenkomst voor %(gebouw)s eindigt op %(datum)s.")
                % {"gebouw": overeenkomst.gebouw, "datum": datum(einddatum, "lang")},
            )
            return redirect(request.portal.url("overeenkomsten"))
    form = OvereenkomstEditForm(instance=overeenkomst)
    return _overeenkomst_page(request, overeenkomst, form, end_form)


urlpatterns = [
    path("gebouwen/", gebouw_list, name="beheer-gebouwen"),
    path("gebouwen/nieuw/", gebouw_create, name="beheer-gebouw-nieuw"),
    path("gebouwen/<int:gebouw_id>/", gebouw_update, name="beheer-gebouw-bewerken"),
    path(
        "gebouwen/<int:gebouw_id>/verwijderen/",
        gebouw_delete,
        name="beheer-gebouw-verwijderen",
    ),
    path("cooperaties/", cooperatie_list, name="beheer-cooperaties"),
    path("cooperaties/nieuw/", cooperatie_create, name="beheer-cooperatie-nieuw"),
    path(
        "cooperaties/<int:coop_id>/",
        cooperatie_update,
        name="beheer-cooperatie-bewerken",
    ),
    path("overeenkomsten/", overeenkomst_list, name="beheer-overeenkomsten"),
    path(
        "overeenkomsten/nieuw/",
        overeenkomst_create,
        name="beheer-overeenkomst-nieuw",
    ),
    path(
        "overeenkomsten/<int:overeenkomst_id>/",
        overeenkomst_update,
        name="beheer-overeenkomst-bewerken",
    ),
    path(
        "overeenkomsten/<int:overeenkomst_id>/beeindigen/",
        overeenkomst_end,
        name="beheer-overeenkomst-beeindigen",
    ),
]

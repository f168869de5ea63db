"""The beheerder's pages for gebouwen, coöperaties and overeenkomsten.

Lists read through `in_portal` (the user's scope narrowed to the portal's
corporatie); every write goes through the services in `cooperatie.services`, which
check permissions, validate and journal. A refusal comes back as form errors.

The POST-only actions look their object up before they check the method, so
another tenant's id answers 404 whatever the method, like every other page.
"""

from __future__ import annotations

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from afspraken.models import Afspraak
from cooperatie import permissions, services
from cooperatie.models import Cooperatie, Gebouw, Lid, Overeenkomst
from cooperatie.verwijderbaar import gebouw_delete_refusal
from kern.formatting import datum
from kern.gemeenten import gemeente_naam
from portalen.beheer.forms.cooperaties import (
    CooperatieForm,
    GebouwForm,
    GebouwListFilter,
    OvereenkomstEditForm,
    OvereenkomstEndForm,
    OvereenkomstForm,
    OvereenkomstListFilter,
)
from portalen.filters import choices_of, gebouw_keuzes
from portalen.generiek import (
    ServiceActionView,
    ServiceCreateView,
    ServiceFormView,
    ServiceUpdateView,
)
from portalen.ui import beheer_view, in_portal, paginate

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
        choices={
            "gemeente": choices_of(
                sorted(gemeentecodes, key=gemeente_naam),
                _("alle gemeenten"),
                label=gemeente_naam,
            )
        },
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


class GebouwCreate(ServiceCreateView):
    """Register a gebouw of the corporatie (complexnummer unique per corporatie)."""

    portal = beheer_view
    service = services.gebouw_create
    organisatie_kwarg = "corporatie"
    form_class = GebouwForm
    template_name = "beheer/gebouw_form.html"
    success_url = "gebouwen"

    def success_message(self, gebouw):
        return _("Gebouw %(gebouw)s is toegevoegd.") % {"gebouw": gebouw}


class GebouwUpdate(ServiceUpdateView):
    """Edit a gebouw; only the changed fields go to the service (and the journal)."""

    portal = beheer_view
    queryset = Gebouw.objects
    url_kwarg = "gebouw_id"
    object_name = "gebouw"
    service = services.gebouw_update
    form_class = GebouwForm
    template_name = "beheer/gebouw_form.html"
    success_url = "gebouwen"

    def success_message(self, gebouw):
        return _("Gebouw %(gebouw)s is opgeslagen.") % {"gebouw": gebouw}

    def get_context_data(self, **context):
        overeenkomsten = self.object.overeenkomsten.select_related(
            "cooperatie"
        ).order_by("-ingangsdatum")
        return super().get_context_data(
            overeenkomsten=overeenkomsten,
            verwijderen_geweigerd=gebouw_delete_refusal(self.object),
            **context,
        )


class GebouwDelete(ServiceActionView):
    """Remove a gebouw registered by mistake (POST only); the service keeps
    gebouwen that overeenkomsten or afspraken refer to, and says so."""

    portal = beheer_view
    queryset = Gebouw.objects
    url_kwarg = "gebouw_id"
    object_name = "gebouw"
    service = services.gebouw_delete
    success_url = "gebouwen"

    def success_message(self, gebouw):
        return _("Gebouw %(gebouw)s is verwijderd.") % {"gebouw": gebouw}

    def refusal_messages(self, exc):
        return [" ".join(exc.messages)]

    def get_refused_url(self):
        return self.request.portal.url("gebouw-bewerken", self.object.pk)


# Coöperaties --------------------------------------------------------------------


def _bestuursleden(request, cooperaties) -> None:
    """Set `.bestuursleden` on each cooperatie: the current board members whose
    name and function this user may see (`permissions.bestuur_zichtbaar`, the
    rule of `can_see_name_and_function` for board members, decided for all the
    cooperaties at once: one query at most)."""
    zichtbaar = permissions.bestuur_zichtbaar(
        request.user, {c.pk for c in cooperaties if c.huidig_bestuur}
    )
    for cooperatie in cooperaties:
        cooperatie.bestuursleden = (
            list(cooperatie.huidig_bestuur) if cooperatie.pk in zichtbaar else []
        )


def _met_bestuur(queryset):
    vandaag = timezone.localdate()
    bestuur = (
        Lid.objects.bestuur()
        .op_peildatum(vandaag)
        .only("pk", "cooperatie_id", "naam", "bestuursfunctie", "lid_sinds", "lid_tot")
        .in_functievolgorde()
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


class CooperatieCreate(ServiceCreateView):
    """Register a coöperatie for this corporatie, so it can be linked in an
    overeenkomst or afspraak before either exists."""

    portal = beheer_view
    service = services.cooperatie_create
    organisatie_kwarg = "aangemeld_door"
    form_class = CooperatieForm
    template_name = "beheer/cooperatie_form.html"
    success_url = "cooperaties"

    def success_message(self, cooperatie):
        return _("Coöperatie %(naam)s is aangemeld.") % {"naam": cooperatie}


class CooperatieUpdate(ServiceUpdateView):
    """Edit a coöperatie's registration details; shows its board (names and
    functions) for reference."""

    portal = beheer_view
    url_kwarg = "cooperatie_id"
    object_name = "cooperatie"
    service = services.cooperatie_update
    form_class = CooperatieForm
    template_name = "beheer/cooperatie_form.html"
    success_url = "cooperaties"

    def get_queryset(self):
        return _met_bestuur(Cooperatie.objects.all())

    def success_message(self, cooperatie):
        return _("Coöperatie %(naam)s is opgeslagen.") % {"naam": cooperatie}

    def get_context_data(self, **context):
        _bestuursleden(self.request, [self.object])
        return super().get_context_data(**context)


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
    # The gebouwen with an overeenkomst, or a search by complexnummer when many.
    gebouwen = gebouw_keuzes(
        in_portal(request, Gebouw.objects).filter(
            Exists(Overeenkomst.objects.filter(gebouw=OuterRef("pk")))
        )
    )
    choices = {
        "cooperatie": choices_of(_portal_cooperaties(request), _("alle coöperaties"))
    }
    if gebouwen is not None:
        choices["gebouw"] = gebouwen
    filters = OvereenkomstListFilter(
        request.GET,
        in_portal(request, Overeenkomst.objects).select_related("gebouw", "cooperatie"),
        request=request,
        choices=choices,
        complexnummer=gebouwen is None,
    )
    overeenkomsten = filters.qs.order_by("gebouw__complexnummer", "-ingangsdatum", "pk")
    page = paginate(request, overeenkomsten)
    for overeenkomst in page.object_list:
        overeenkomst.status, overeenkomst.status_label = _status(overeenkomst, vandaag)
    return render(
        request, "beheer/overeenkomsten.html", {"page": page, "filters": filters}
    )


class OvereenkomstCreate(ServiceCreateView):
    """Let a gebouw of the corporatie to a coöperatie in its scope; the service
    refuses periods that overlap another overeenkomst of the gebouw."""

    portal = beheer_view
    service = services.overeenkomst_create
    form_class = OvereenkomstForm
    template_name = "beheer/overeenkomst_form.html"
    success_url = "overeenkomsten"

    def get_form_kwargs(self):
        request = self.request
        return {
            "initial": {
                k: request.GET[k] for k in ("gebouw", "cooperatie") if k in request.GET
            },
            "gebouwen": _portal_gebouwen(request),
            "cooperaties": _portal_cooperaties(request),
        }

    def success_message(self, overeenkomst):
        return _(
            "De overeenkomst voor %(gebouw)s met %(cooperatie)s is vastgelegd."
        ) % {"gebouw": overeenkomst.gebouw, "cooperatie": overeenkomst.cooperatie}


# The end form shares the page with the edit form: its own field ids.
END_PREFIX = "einde"


class _OvereenkomstPage:
    """The overeenkomst's page: the edit form and the end form."""

    portal = beheer_view
    queryset = Overeenkomst.objects.select_related("gebouw", "cooperatie")
    url_kwarg = "overeenkomst_id"
    object_name = "overeenkomst"
    template_name = "beheer/overeenkomst_bewerken.html"
    success_url = "overeenkomsten"


class OvereenkomstUpdate(_OvereenkomstPage, ServiceUpdateView):
    """Correct an overeenkomst's soort, period or number of homes; gebouw and
    coöperatie stay (a different party is a new overeenkomst)."""

    service = services.overeenkomst_update
    form_class = OvereenkomstEditForm

    def success_message(self, overeenkomst):
        return _("De overeenkomst is opgeslagen.")

    def get_context_data(self, **context):
        context.setdefault("end_form", OvereenkomstEndForm(prefix=END_PREFIX))
        return super().get_context_data(**context)


class OvereenkomstEnd(_OvereenkomstPage, ServiceFormView):
    """End a running overeenkomst on a date, its last day (POST only; the form
    is on the overeenkomst's page)."""

    service = services.overeenkomst_end
    form_class = OvereenkomstEndForm
    post_only = True

    def get_form_kwargs(self):
        return {"prefix": END_PREFIX}

    def success_message(self, overeenkomst):
        return _("De overeenkomst voor %(gebouw)s eindigt op %(datum)s.") % {
            "gebouw": self.object.gebouw,
            "datum": datum(overeenkomst.einddatum, "lang"),
        }

    def render(self, form):
        return super().render(
            form=OvereenkomstEditForm(instance=self.object), end_form=form
        )


gebouw_create = GebouwCreate.as_view()
gebouw_update = GebouwUpdate.as_view()
gebouw_delete = GebouwDelete.as_view()
cooperatie_create = CooperatieCreate.as_view()
cooperatie_update = CooperatieUpdate.as_view()
overeenkomst_create = OvereenkomstCreate.as_view()
overeenkomst_update = OvereenkomstUpdate.as_view()
overeenkomst_end = OvereenkomstEnd.as_view()


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
        "cooperaties/<int:cooperatie_id>/",
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

"""Who has access: the pages where a beheerder or a bestuur sees the accounts with
a role, invites someone by e-mail, sends an invitation again or withdraws it, and
ends a role (also their own).

The beheerder's page (``/beheer/<corporatie_id>/gebruikers/``) shows the roles on
the corporatie and the board accounts of every coöperatie in its reach; the
bestuur's page (``/bestuur/<cooperatie_id>/bestuur/``) the board accounts of its
own coöperatie. Every write is a service call (`cooperatie.uitnodigingen`,
`cooperatie.services.rol_delete`): the services decide who may invite or end
what; a refusal is a 403 (PermissionDenied) or a message/form error
(ValidationError). Roles and invitations are looked up within the portal's
reach, so anything else answers 404.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext as _

from cooperatie import services, uitnodigingen
from cooperatie.choices import RolSoort, UitnodigingStatus
from cooperatie.models import Cooperatie, Rol, Uitnodiging
from cooperatie.scope import cooperatie_ids_of_corporaties
from cooperatie.verwijderbaar import rol_delete_refusal
from kern.security_log import OUT_OF_SCOPE, exists_outside_scope, log_denied
from portalen.forms.gebruikers import (
    BESTUUR_PREFIX,
    BestuurUitnodigenForm,
    UitnodigenForm,
)
from portalen.generiek import ServiceActionView, ServiceCreateView
from portalen.ui import (
    BEHEER,
    BESTUUR,
    beheer_view,
    bestuur_view,
    get_in_portal,
    in_portal,
)

# The access page of each portal (URL name without the portal prefix).
PAGINA = {BEHEER: "gebruikers", BESTUUR: "toegang"}

# How many used, expired or withdrawn invitations the page shows.
EERDERE = 25


# The portal's reach ------------------------------------------------------------


def _reach_q(portal) -> Q:
    """Roles and invitations of the portal: in the beheerder's, those on the
    corporatie and on the board of the coöperaties in its reach; in the bestuur's,
    those on the board of its coöperatie."""
    if portal.soort == BESTUUR:
        return Q(soort=RolSoort.BESTUUR, cooperatie_id=portal.cooperatie.pk)
    corporatie_id = portal.corporatie.pk
    return Q(corporatie_id=corporatie_id) | Q(
        soort=RolSoort.BESTUUR,
        cooperatie_id__in=cooperatie_ids_of_corporaties([corporatie_id]),
    )


def in_reach(request, queryset):
    """`queryset` (of Rol or Uitnodiging) visible to the user, within the portal."""
    return queryset.visible_to(request.user).filter(_reach_q(request.portal))


def get_in_reach(request, queryset, **lookup):
    """One role or invitation within the user's scope and the portal, else 404."""
    try:
        return get_object_or_404(in_reach(request, queryset), **lookup)
    except Http404:
        if exists_outside_scope(queryset, **lookup):
            log_denied(request, OUT_OF_SCOPE, "object_out_of_scope")
        raise


def _uitnodigingen(request) -> dict:
    """The open invitations (soonest to expire first) and the latest others,
    each with its status."""
    qs = in_reach(request, Uitnodiging.objects).select_related(
        "corporatie", "cooperatie", "uitgenodigd_door"
    )
    open_ = list(qs.open().order_by("verloopt_op", "pk"))
    eerdere = list(
        qs.exclude(pk__in=[u.pk for u in open_]).order_by("-created_at", "-pk")[
            :EERDERE
        ]
    )
    for uitnodiging in [*open_, *eerdere]:
        uitnodiging.status = uitnodigingen.status_of(uitnodiging)
        uitnodiging.status_label = UitnodigingStatus(uitnodiging.status).label
        # An expired invitation can be sent again; a used or withdrawn one not.
        uitnodiging.opnieuw = uitnodiging.status in (
            uitnodigingen.OPEN,
            uitnodigingen.VERLOPEN,
        )
    return {"open_uitnodigingen": open_, "eerdere_uitnodigingen": eerdere}


# The pages ----------------------------------------------------------------------


class _Toegang(ServiceCreateView):
    """The access page: the lists, and the invitation form (POST invites)."""

    service = uitnodigingen.uitnodiging_create

    def get_success_url(self, result):
        return self.request.portal.url(PAGINA[self.request.portal.soort])

    def get_cancel_url(self):
        return self.get_success_url(None)

    def success_message(self, uitnodiging):
        return _(
            "De uitnodiging is verstuurd naar %(email)s; de link werkt %(dagen)s dagen."
        ) % {
            "email": uitnodiging.email,
            "dagen": settings.UITNODIGING_GELDIGHEID_DAGEN,
        }


class BeheerGebruikers(_Toegang):
    """The beheerder's page of who has access: the beheerders and auditors of the
    corporatie, the board accounts of each coöperatie in its reach (a coöperatie
    without one is marked, with a shortcut to invite its bestuur), the open and
    the latest other invitations, and the form to invite someone.
    ``?cooperatie=<id>`` preselects the board of that coöperatie."""

    portal = beheer_view
    form_class = UitnodigenForm
    template_name = "beheer/gebruikers.html"

    def cooperaties(self) -> list[Cooperatie]:
        if not hasattr(self, "_cooperaties"):
            self._cooperaties = list(
                in_portal(self.request, Cooperatie.objects).order_by("naam", "pk")
            )
        return self._cooperaties

    def get_form_kwargs(self):
        kwargs = {
            "corporatie": self.request.portal.corporatie,
            "cooperaties": self.cooperaties(),
        }
        gekozen = self.request.GET.get("cooperatie")
        if gekozen is not None and self.request.method == "GET":
            if not (gekozen.isascii() and gekozen.isdigit() and len(gekozen) < 19):
                raise Http404
            cooperatie = get_in_portal(self.request, Cooperatie.objects, pk=gekozen)
            kwargs["initial"] = {"rol": f"{BESTUUR_PREFIX}{cooperatie.pk}"}
        return kwargs

    def service_kwargs(self, form):
        return {"email": form.cleaned_data["email"], **form.role_kwargs()}

    def get_context_data(self, **context):
        request = self.request
        rollen = in_reach(request, Rol.objects).select_related("user")
        bestuur: dict[int, list[Rol]] = {}
        for rol in rollen.filter(soort=RolSoort.BESTUUR).order_by(
            "user__username", "pk"
        ):
            bestuur.setdefault(rol.cooperatie_id, []).append(rol)
        lijsten = _uitnodigingen(request)
        uitgenodigd = {u.cooperatie_id for u in lijsten["open_uitnodigingen"]}
        besturen = [
            {
                "cooperatie": c,
                "rollen": bestuur.get(c.pk, []),
                "uitgenodigd": c.pk in uitgenodigd,
                "uitnodigen_url": f"{request.portal.url('gebruikers')}"
                f"?cooperatie={c.pk}#uitnodigen",
            }
            for c in self.cooperaties()
        ]
        context.update(lijsten)
        corporatie_rollen = list(
            rollen.filter(corporatie=request.portal.corporatie).order_by(
                "soort", "user__username", "pk"
            )
        )
        for rol in corporatie_rollen:
            rol.beeindigen_geweigerd = rol_delete_refusal(actor=request.user, rol=rol)
        return super().get_context_data(
            corporatie_rollen=corporatie_rollen,
            besturen=besturen,
            **context,
        )


class BestuurToegang(_Toegang):
    """The bestuur's page of who has access: the board accounts of the
    coöperatie and its open invitations, the form to invite a fellow board
    member, and the way to give up one's own role."""

    portal = bestuur_view
    form_class = BestuurUitnodigenForm
    template_name = "bestuur/toegang.html"

    def service_kwargs(self, form):
        return {
            "email": form.cleaned_data["email"],
            "soort": RolSoort.BESTUUR,
            "cooperatie": self.request.portal.cooperatie,
        }

    def get_context_data(self, **context):
        request = self.request
        context.update(_uitnodigingen(request))
        return super().get_context_data(
            rollen=in_reach(request, Rol.objects)
            .select_related("user")
            .order_by("user__username", "pk"),
            **context,
        )


# The actions ---------------------------------------------------------------------


class _Actie(ServiceActionView):
    def get_success_url(self, result):
        return self.request.portal.url(PAGINA[self.request.portal.soort])

    def get_cancel_url(self):
        return self.get_success_url(self.object)


class _UitnodigingActie(_Actie):
    url_kwarg = "uitnodiging_id"
    object_name = "uitnodiging"

    def get_object(self):
        return get_in_reach(
            self.request,
            Uitnodiging.objects.select_related("corporatie", "cooperatie"),
            pk=self.kwargs[self.url_kwarg],
        )


class Opnieuw(_UitnodigingActie):
    """Send an invitation again: a new link and a new expiry (POST only)."""

    service = uitnodigingen.uitnodiging_resend

    def success_message(self, uitnodiging):
        return _(
            "De uitnodiging is opnieuw verstuurd naar %(email)s; de vorige link "
            "werkt niet meer."
        ) % {"email": uitnodiging.email}


class Intrekken(_UitnodigingActie):
    """Withdraw an invitation: its link no longer works (POST only)."""

    service = uitnodigingen.uitnodiging_withdraw

    def success_message(self, uitnodiging):
        return _("De uitnodiging aan %(email)s is ingetrokken.") % {
            "email": uitnodiging.email
        }


class RolBeeindigen(_Actie):
    """End a role, or give up one's own. GET: a page to confirm (with a warning
    when it is the user's own role); POST: `rol_delete`. The service refuses the
    last beheerder of a corporatie giving up their own role."""

    url_kwarg = "rol_id"
    object_name = "rol"
    service = services.rol_delete
    template_name = "portalen/rol_beeindigen.html"
    post_only = False

    def get_object(self):
        return get_in_reach(
            self.request,
            Rol.objects.select_related("user", "corporatie", "cooperatie"),
            pk=self.kwargs[self.url_kwarg],
        )

    @property
    def eigen(self) -> bool:
        return self.object.user_id == self.request.user.pk

    def success_message(self, rol):
        organisatie = rol.corporatie or rol.cooperatie
        if self.eigen:
            return _("U hebt uw rol als %(rol)s van %(organisatie)s opgegeven.") % {
                "rol": rol.get_soort_display(),
                "organisatie": organisatie,
            }
        return _(
            "De rol van %(naam)s als %(rol)s van %(organisatie)s is beëindigd."
        ) % {
            "naam": rol.user.get_full_name() or rol.user.get_username(),
            "rol": rol.get_soort_display(),
            "organisatie": organisatie,
        }

    def get_success_url(self, result):
        # Who gave up their own role may have lost this portal with it.
        if self.eigen:
            return reverse("home")
        return super().get_success_url(result)

    def get_refused_url(self):
        return super().get_success_url(self.object)

    def get_context_data(self, **context):
        return super().get_context_data(eigen=self.eigen, **context)


def _views(cls) -> dict:
    """The view function of `cls` in each portal."""
    return {
        soort: type(cls.__name__, (cls,), {"portal": portal}).as_view()
        for soort, portal in ((BEHEER, beheer_view), (BESTUUR, bestuur_view))
    }


opnieuw = _views(Opnieuw)
intrekken = _views(Intrekken)
rol_beeindigen = _views(RolBeeindigen)


def _patterns(soort: str, pad: str, pagina) -> list:
    return [
        path(pad, pagina, name=f"{soort}-{PAGINA[soort]}"),
        path(
            f"{pad}uitnodigingen/<int:uitnodiging_id>/opnieuw/",
            opnieuw[soort],
            name=f"{soort}-uitnodiging-opnieuw",
        ),
        path(
            f"{pad}uitnodigingen/<int:uitnodiging_id>/intrekken/",
            intrekken[soort],
            name=f"{soort}-uitnodiging-intrekken",
        ),
        path(
            f"{pad}rollen/<int:rol_id>/beeindigen/",
            rol_beeindigen[soort],
            name=f"{soort}-rol-beeindigen",
        ),
    ]


beheer_patterns = _patterns(BEHEER, "gebruikers/", BeheerGebruikers.as_view())
bestuur_patterns = _patterns(BESTUUR, "bestuur/", BestuurToegang.as_view())

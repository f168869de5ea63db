"""The beheerder's afspraak pages: the list, and one form for an afspraak with
its toezeggingen (a formset: change a row, tick a row off, fill a blank row).

The afspraak and all its rows are saved through the services in one transaction:
when any of them is refused, nothing is written and every refusal is shown on
its own row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Prefetch
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from afspraken import services
from afspraken.models import Afspraak, Toetsing, Toezegging
from cooperatie.models import Cooperatie, Gebouw
from portalen.beheer.forms.afspraken import (
    AfspraakForm,
    AfspraakListFilter,
    ToezeggingFormSet,
)
from portalen.filters import choices_of
from portalen.ui import apply_errors, beheer_view, get_in_portal, in_portal, paginate

FORMSET_PREFIX = "toezeggingen"


def _portal_gebouwen(request):
    return in_portal(request, Gebouw.objects).order_by("complexnummer", "pk")


def _portal_cooperaties(request):
    return in_portal(request, Cooperatie.objects).order_by("naam", "pk")


def _toetsing_url(request, toetsing) -> str | None:
    """The toetsing page, once that page exists."""
    try:
        return request.portal.url("toetsing", toetsing.pk)
    except NoReverseMatch:
        return None


@beheer_view
def afspraak_list(request):
    """The corporatie's afspraken: with which coöperatie, for which years and
    gebouwen, how many toezeggingen, and the years already being assessed."""
    filters = AfspraakListFilter(
        request.GET,
        in_portal(request, Afspraak.objects),
        request=request,
        choices={
            "cooperatie": choices_of(
                _portal_cooperaties(request), _("alle coöperaties")
            )
        },
    )
    afspraken = (
        filters.qs.select_related("cooperatie")
        .annotate(aantal_toezeggingen=Count("toezeggingen"))
        .prefetch_related(
            Prefetch("gebouwen", queryset=Gebouw.objects.order_by("complexnummer")),
            Prefetch("toetsingen", queryset=Toetsing.objects.order_by("-jaar")),
        )
        .order_by("cooperatie__naam", "-ingangsjaar", "pk")
    )
    page = paginate(request, afspraken)
    for afspraak in page.object_list:
        for toetsing in afspraak.toetsingen.all():
            toetsing.url = _toetsing_url(request, toetsing)
    return render(request, "beheer/afspraken.html", {"page": page, "filters": filters})


class _RefusedError(Exception):
    """A row was refused: roll the whole save back."""


@dataclass
class _Telling:
    toegevoegd: int = 0
    gewijzigd: int = 0
    verwijderd: int = 0
    afspraak_gewijzigd: bool = False
    geweigerd: list = field(default_factory=list)

    def tekst(self) -> str:
        parts = []
        if self.toegevoegd:
            parts.append(
                ngettext(
                    "%(n)s toezegging toegevoegd",
                    "%(n)s toezeggingen toegevoegd",
                    self.toegevoegd,
                )
                % {"n": self.toegevoegd}
            )
        if self.gewijzigd:
            parts.append(
                ngettext(
                    "%(n)s toezegging gewijzigd",
                    "%(n)s toezeggingen gewijzigd",
                    self.gewijzigd,
                )
                % {"n": self.gewijzigd}
            )
        if self.verwijderd:
            parts.append(
                ngettext(
                    "%(n)s toezegging verwijderd",
                    "%(n)s toezeggingen verwijderd",
                    self.verwijderd,
                )
                % {"n": self.verwijderd}
            )
        return ", ".join(parts)


def _save_toezeggingen(request, afspraak: Afspraak, formset, telling) -> None:
    """Apply every row of the formset through the services; a refusal goes on
    its row and the remaining rows are still tried, so all errors show at once."""
    volgorde = (afspraak.toezeggingen.aggregate(m=Max("volgorde"))["m"] or 0) + 1
    for row in formset.forms:
        delete = row.cleaned_data.get("DELETE", False)
        if not (delete or row.has_changed()):
            continue
        # A fresh copy for the service: a refused save must leave the rows as
        # they were loaded (a delete would clear the pk of what it is given).
        toezegging = (
            Toezegging.objects.get(pk=row.instance.pk) if row.instance.pk else None
        )
        try:
            if delete:
                services.toezegging_delete(toezegging=toezegging, actor=request.user)
                telling.verwijderd += 1
            elif toezegging is None:
                services.toezegging_create(
                    afspraak=afspraak,
                    volgorde=volgorde,
                    actor=request.user,
                    **row.spec(changed_only=False),
                )
                volgorde += 1
                telling.toegevoegd += 1
            elif spec := row.spec(changed_only=True):
                services.toezegging_update(
                    toezegging=toezegging, actor=request.user, **spec
                )
                telling.gewijzigd += 1
        except ValidationError as exc:
            apply_errors(row, exc)
            telling.geweigerd.append(row)


def _save(request, form, formset, afspraak: Afspraak | None):
    """Save the afspraak and its rows in one transaction; returns (afspraak,
    telling), or (None, telling) when anything was refused and nothing written."""
    telling = _Telling()
    try:
        with transaction.atomic():
            if afspraak is None:
                afspraak = services.afspraak_create(
                    corporatie=request.portal.corporatie,
                    actor=request.user,
                    **form.cleaned_data,
                )
            else:
                # A fresh, locked copy: the page keeps showing the stored values
                # if the save is refused.
                afspraak = Afspraak.objects.select_for_update().get(pk=afspraak.pk)
                if changed := form.changed_values():
                    afspraak = services.afspraak_update(
                        afspraak=afspraak, actor=request.user, **changed
                    )
                    telling.afspraak_gewijzigd = True
            _save_toezeggingen(request, afspraak, formset, telling)
            if telling.geweigerd:
                raise _RefusedError
    except ValidationError as exc:
        apply_errors(form, exc)
    except _RefusedError:
        pass
    else:
        return afspraak, telling
    # The page says that nothing was saved, above the fields with their errors.
    return None, telling


def _form_page(request, form, formset, afspraak):
    toetsingen = []
    if afspraak is not None:
        toetsingen = list(afspraak.toetsingen.order_by("-jaar"))
        for toetsing in toetsingen:
            toetsing.url = _toetsing_url(request, toetsing)
    return render(
        request,
        "beheer/afspraak_form.html",
        {
            "form": form,
            "formset": formset,
            "afspraak": afspraak,
            "toetsingen": toetsingen,
        },
    )


@beheer_view
def afspraak_create(request):
    """Record a new afspraak with a coöperatie in the corporatie's scope, with
    its first toezeggingen, in one go."""
    form = AfspraakForm(
        request.POST or None,
        initial={"cooperatie": request.GET.get("cooperatie")},
        gebouwen=_portal_gebouwen(request),
        cooperaties=_portal_cooperaties(request),
    )
    formset = ToezeggingFormSet(
        request.POST or None, instance=Afspraak(), prefix=FORMSET_PREFIX
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        afspraak, telling = _save(request, form, formset, None)
        if afspraak is not None:
            detail = telling.tekst()
            if detail:
                text = _("Afspraak %(titel)s is vastgelegd: %(wijzigingen)s.")
            else:
                text = _("Afspraak %(titel)s is vastgelegd.")
            messages.success(
                request, text % {"titel": afspraak.titel, "wijzigingen": detail}
            )
            return redirect(request.portal.url("afspraak-bewerken", afspraak.pk))
    return _form_page(request, form, formset, None)


@beheer_view
def afspraak_update(request, afspraak_id: int):
    """Edit an afspraak and its toezeggingen together; every change goes through
    the services and into the journal, all or nothing."""
    afspraak = get_in_portal(
        request, Afspraak.objects.select_related("cooperatie"), pk=afspraak_id
    )
    form = AfspraakForm(
        request.POST or None, instance=afspraak, gebouwen=_portal_gebouwen(request)
    )
    formset = ToezeggingFormSet(
        request.POST or None,
        instance=afspraak,
        prefix=FORMSET_PREFIX,
        queryset=afspraak.toezeggingen.order_by("volgorde", "pk"),
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        saved, telling = _save(request, form, formset, afspraak)
        if saved is not None:
            detail = telling.tekst()
            if detail:
                text = _("Afspraak %(titel)s is opgeslagen: %(wijzigingen)s.")
            else:
                text = _("Afspraak %(titel)s is opgeslagen.")
            if detail or telling.afspraak_gewijzigd:
                messages.success(
                    request, text % {"titel": saved.titel, "wijzigingen": detail}
                )
            else:
                messages.info(request, _("Er was niets gewijzigd."))
            return redirect(request.portal.url("afspraak-bewerken", saved.pk))
    return _form_page(request, form, formset, afspraak)


urlpatterns = [
    path("afspraken/", afspraak_list, name="beheer-afspraken"),
    path("afspraken/nieuw/", afspraak_create, name="beheer-afspraak-nieuw"),
    path(
        "afspraken/<int:afspraak_id>/",
        afspraak_update,
        name="beheer-afspraak-bewerken",
    ),
]

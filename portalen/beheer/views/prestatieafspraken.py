"""The beheerder's prestatieafspraak pages: the list, and one form for a
prestatieafspraak with its targets (doelen), saved all or nothing by the
services; every refusal lands on its field or row."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from afspraken import services
from afspraken.models import Afspraak, Prestatieafspraak
from kern.writes import RowValidationError
from portalen.beheer.forms.prestatieafspraken import (
    DoelFormSet,
    PrestatieafspraakForm,
    doel_initial,
)
from portalen.ui import apply_errors, beheer_view, get_in_portal, in_portal, paginate

FORMSET_PREFIX = "doelen"


@beheer_view
def prestatieafspraak_list(request):
    """The corporatie's prestatieafspraken: gemeente, years, tenants'
    organisation, how many targets and which afspraken contribute."""
    prestatieafspraken = (
        in_portal(request, Prestatieafspraak.objects)
        .annotate(aantal_doelen=Count("doelen", distinct=True))
        .prefetch_related(
            Prefetch(
                "afspraken",
                queryset=Afspraak.objects.select_related("cooperatie").order_by(
                    "titel", "pk"
                ),
            )
        )
        .order_by("gemeentecode", "-ingangsjaar", "titel", "pk")
    )
    page = paginate(request, prestatieafspraken)
    return render(request, "beheer/prestatieafspraken.html", {"page": page})


def _save(request, form, formset, prestatieafspraak):
    """Write through the services, all or nothing; None when refused, with the
    refusals on the form and its rows."""
    doelen = formset.doelen()
    try:
        if prestatieafspraak is None:
            return services.prestatieafspraak_create(
                corporatie=request.portal.corporatie,
                doelen=doelen,
                actor=request.user,
                **form.cleaned_data,
            )
        return services.prestatieafspraak_update(
            prestatieafspraak=prestatieafspraak,
            doelen=doelen,
            actor=request.user,
            **form.changed_values(),
        )
    except RowValidationError as exc:
        rows = formset.rows()
        for index, error in exc.rows.items():
            apply_errors(rows[index], error)
    except ValidationError as exc:
        apply_errors(form, exc)
    return None


def _form_page(request, form, formset, prestatieafspraak):
    return render(
        request,
        "beheer/prestatieafspraak_form.html",
        {
            "form": form,
            "formset": formset,
            "prestatieafspraak": prestatieafspraak,
            "afspraken": (
                prestatieafspraak.afspraken.select_related("cooperatie").order_by(
                    "titel", "pk"
                )
                if prestatieafspraak is not None
                else []
            ),
        },
    )


@beheer_view
def prestatieafspraak_create(request):
    """Record a prestatieafspraak of the corporatie with its targets."""
    form = PrestatieafspraakForm(request.POST or None)
    formset = DoelFormSet(request.POST or None, prefix=FORMSET_PREFIX)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        saved = _save(request, form, formset, None)
        if saved is not None:
            messages.success(
                request,
                _("Prestatieafspraak %(titel)s is vastgelegd.")
                % {"titel": saved.titel},
            )
            return redirect(request.portal.url("prestatieafspraak-bewerken", saved.pk))
    return _form_page(request, form, formset, None)


@beheer_view
def prestatieafspraak_update(request, prestatieafspraak_id: int):
    """Edit a prestatieafspraak and its targets together."""
    prestatieafspraak = get_in_portal(
        request, Prestatieafspraak.objects, pk=prestatieafspraak_id
    )
    form = PrestatieafspraakForm(request.POST or None, instance=prestatieafspraak)
    formset = DoelFormSet(
        request.POST or None,
        initial=doel_initial(prestatieafspraak),
        prefix=FORMSET_PREFIX,
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        saved = _save(request, form, formset, prestatieafspraak)
        if saved is not None:
            messages.success(
                request,
                _("Prestatieafspraak %(titel)s is opgeslagen.")
                % {"titel": saved.titel},
            )
            return redirect(request.portal.url("prestatieafspraak-bewerken", saved.pk))
    return _form_page(request, form, formset, prestatieafspraak)


urlpatterns = [
    path(
        "prestatieafspraken/",
        prestatieafspraak_list,
        name="beheer-prestatieafspraken",
    ),
    path(
        "prestatieafspraken/nieuw/",
        prestatieafspraak_create,
        name="beheer-prestatieafspraak-nieuw",
    ),
    path(
        "prestatieafspraken/<int:prestatieafspraak_id>/",
        prestatieafspraak_update,
        name="beheer-prestatieafspraak-bewerken",
    ),
]

"""The beheerder's afspraak pages: the list, and one form for an afspraak with
its toezeggingen (a formset: change a row, tick a row off, fill a blank row).

The afspraak and all its rows are saved by one service, `afspraak_save`, in one
transaction: when any of them is refused, nothing is written and every refusal
is shown on its own row.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from afspraken import services
from afspraken.models import Afspraak, Prestatieafspraak, Toetsing
from afspraken.selectors import prestatieafspraak_waarschuwingen
from cooperatie.models import Cooperatie, Gebouw
from kern.writes import RowValidationError
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


def _portal_prestatieafspraken(request):
    return in_portal(request, Prestatieafspraak.objects).order_by(
        "gemeentecode", "-ingangsjaar", "titel", "pk"
    )


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


def _summary(saved: services.AfspraakSaved) -> str:
    """The toezeggingen a save added, changed and removed, for its message."""
    parts = []
    if saved.added:
        parts.append(
            ngettext(
                "%(n)s toezegging toegevoegd",
                "%(n)s toezeggingen toegevoegd",
                saved.added,
            )
            % {"n": saved.added}
        )
    if saved.changed:
        parts.append(
            ngettext(
                "%(n)s toezegging gewijzigd",
                "%(n)s toezeggingen gewijzigd",
                saved.changed,
            )
            % {"n": saved.changed}
        )
    if saved.removed:
        parts.append(
            ngettext(
                "%(n)s toezegging verwijderd",
                "%(n)s toezeggingen verwijderd",
                saved.removed,
            )
            % {"n": saved.removed}
        )
    return ", ".join(parts)


def _changes(formset) -> tuple[list, list[services.ToezeggingChange]]:
    """The rows the user changed, ticked off or filled, and what each asks of
    the service (a row left as it was asks nothing)."""
    rows, changes = [], []
    for row in formset.forms:
        pk = row.instance.pk
        if row.cleaned_data.get("DELETE", False):
            change = services.ToezeggingChange(id=pk, delete=True)
        elif not row.has_changed():
            continue
        elif pk is None:
            change = services.ToezeggingChange(data=row.spec(changed_only=False))
        else:
            change = services.ToezeggingChange(id=pk, data=row.spec(changed_only=True))
        rows.append(row)
        changes.append(change)
    return rows, changes


def _save(request, form, formset, afspraak: Afspraak | None):
    """Save the afspraak and its rows through `afspraken.services.afspraak_save`,
    all or nothing; None when anything was refused, with every refusal on its
    form or row."""
    if afspraak is None:
        data = {"corporatie": request.portal.corporatie, **form.cleaned_data}
    else:
        data = form.changed_values() or None
    rows, changes = _changes(formset)
    try:
        return services.afspraak_save(
            afspraak=afspraak, data=data, toezeggingen=changes, actor=request.user
        )
    except RowValidationError as exc:
        for index, error in exc.rows.items():
            apply_errors(rows[index], error)
    except ValidationError as exc:
        apply_errors(form, exc)
    # The page says that nothing was saved, above the fields with their errors.
    return None


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
            "waarschuwingen": (
                prestatieafspraak_waarschuwingen(afspraak) if afspraak else []
            ),
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
        prestatieafspraken=_portal_prestatieafspraken(request),
        cooperaties=_portal_cooperaties(request),
    )
    formset = ToezeggingFormSet(
        request.POST or None, instance=Afspraak(), prefix=FORMSET_PREFIX
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        saved = _save(request, form, formset, None)
        if saved is not None:
            detail = _summary(saved)
            if detail:
                text = _("Afspraak %(titel)s is vastgelegd: %(wijzigingen)s.")
            else:
                text = _("Afspraak %(titel)s is vastgelegd.")
            messages.success(
                request, text % {"titel": saved.afspraak.titel, "wijzigingen": detail}
            )
            return redirect(request.portal.url("afspraak-bewerken", saved.afspraak.pk))
    return _form_page(request, form, formset, None)


@beheer_view
def afspraak_update(request, afspraak_id: int):
    """Edit an afspraak and its toezeggingen together; every change goes through
    the services and into the journal, all or nothing."""
    afspraak = get_in_portal(
        request,
        Afspraak.objects.select_related("cooperatie", "prestatieafspraak"),
        pk=afspraak_id,
    )
    form = AfspraakForm(
        request.POST or None,
        instance=afspraak,
        gebouwen=_portal_gebouwen(request),
        prestatieafspraken=_portal_prestatieafspraken(request),
    )
    formset = ToezeggingFormSet(
        request.POST or None,
        instance=afspraak,
        prefix=FORMSET_PREFIX,
        queryset=afspraak.toezeggingen.order_by("volgorde", "pk"),
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        saved = _save(request, form, formset, afspraak)
        if saved is not None:
            detail = _summary(saved)
            if detail:
                text = _("Afspraak %(titel)s is opgeslagen: %(wijzigingen)s.")
            else:
                text = _("Afspraak %(titel)s is opgeslagen.")
            if detail or saved.afspraak_changed:
                messages.success(
                    request,
                    text % {"titel": saved.afspraak.titel, "wijzigingen": detail},
                )
            else:
                messages.info(request, _("Er was niets gewijzigd."))
            return redirect(request.portal.url("afspraak-bewerken", saved.afspraak.pk))
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

"""Entry that scales: copy an activity into a new one, or repeat it weekly,
every two weeks or monthly until a date (each occurrence its own activity).
Every write goes through `ledger.services`."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cooperatie.jaarslot import gesloten_jaar_refusal
from cooperatie.models import Lid
from ledger import services
from ledger.choices import Herhaling
from ledger.herhalen import herhaal_datums
from ledger.models import Activiteit
from portalen.bestuur.forms.activiteiten import ActiviteitForm
from portalen.bestuur.forms.bulk import HerhalenForm
from portalen.ui import apply_errors, bestuur_view, get_in_portal, in_portal

from . import activiteiten


@bestuur_view
def activiteit_kopieren(request, activiteit_id: int):
    """The new-activity form, filled in with an activity's values (its date
    left empty, its evidence not copied). Saving it is saving a new activity."""
    bron = get_in_portal(request, Activiteit.objects, pk=activiteit_id)
    if request.method == "POST":
        # The same page and checks as a new activity.
        return activiteiten.activiteit_nieuw.__wrapped__(request)
    initial = {
        name: getattr(bron, name)
        for name in Activiteit.EDITABLE_FIELDS
        if name not in ("datum", "vrijwilligers")
    }
    initial["vrijwilligers"] = [lid.pk for lid in bron.vrijwilligers.all()]
    form = ActiviteitForm(leden=in_portal(request, Lid.objects), initial=initial)
    activiteiten._log_vrijwilligers(request, form)
    messages.info(
        request,
        _(
            "Kopie van “%(titel)s”: kies een datum, pas aan wat anders is en leg "
            "de activiteit vast."
        )
        % {"titel": bron.titel},
    )
    return render(
        request,
        "bestuur/activiteit_form.html",
        {"form": form, "activiteit": None, "vergrendeld": ""},
    )


def _locked_error(request, datums) -> str:
    """Why the repeat would be refused: the first closed year among the dates
    (the page's read; the service decides under the cooperatie's lock)."""
    for jaar in sorted({d.year for d in datums}):
        if refusal := gesloten_jaar_refusal(
            cooperatie_id=request.portal.cooperatie.pk, jaar=jaar
        ):
            return refusal
    return ""


@bestuur_view
def activiteit_herhalen(request, activiteit_id: int):
    """Repeat an activity in two steps: choose how often and until when, see
    the dates, then confirm. Each date becomes its own activity with its own
    journal entry, all or nothing."""
    bron = get_in_portal(request, Activiteit.objects, pk=activiteit_id)
    datums = []
    if request.method == "POST":
        form = HerhalenForm(request.POST, activiteit=bron)
        if form.is_valid():
            herhaling, tot = form.cleaned_data["herhaling"], form.cleaned_data["tot"]
            try:
                if "bevestigen" in request.POST:
                    created = services.activiteit_repeat(
                        activiteit=bron,
                        herhaling=herhaling,
                        tot=tot,
                        actor=request.user,
                    )
                    messages.success(
                        request,
                        ngettext(
                            "“%(titel)s” is %(n)d keer herhaald.",
                            "“%(titel)s” is %(n)d keer herhaald.",
                            len(created),
                        )
                        % {"titel": bron.titel, "n": len(created)},
                    )
                    return redirect(
                        f"{request.portal.url('activiteiten')}?jaar={bron.datum.year}"
                    )
                datums = herhaal_datums(start=bron.datum, herhaling=herhaling, tot=tot)
                if fout := _locked_error(request, datums):
                    form.add_error("tot", fout)
                    datums = []
            except ValidationError as exc:
                apply_errors(form, exc)
                datums = []
    else:
        form = HerhalenForm(activiteit=bron)
    return render(
        request,
        "bestuur/activiteit_herhalen.html",
        {
            "form": form,
            "activiteit": bron,
            "datums": datums,
            "herhaling_label": (
                Herhaling(form.cleaned_data["herhaling"]).label if datums else ""
            ),
        },
    )


urlpatterns = [
    path(
        "activiteiten/<int:activiteit_id>/kopieren/",
        activiteit_kopieren,
        name="bestuur-activiteit-kopieren",
    ),
    path(
        "activiteiten/<int:activiteit_id>/herhalen/",
        activiteit_herhalen,
        name="bestuur-activiteit-herhalen",
    ),
]

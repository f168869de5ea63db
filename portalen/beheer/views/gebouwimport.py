"""The beheerder's import of gebouwen from a CSV or XLSX file: one upload,
read and written through `cooperatie.gebouwimport` all or nothing; a refused
file comes back with every error by row and column, and nothing written."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import ngettext

from cooperatie.gebouwimport import COLUMNS, REQUIRED, import_gebouwen
from kern.tabelimport import TableImportError
from portalen.bestuur.forms.bulk import BulkImportForm
from portalen.ui import beheer_view


@beheer_view
def gebouwen_import(request):
    """Upload a file of gebouwen; all are registered, or none."""
    form = BulkImportForm()
    if request.method == "POST":
        form = BulkImportForm(request.POST, request.FILES)
        if form.is_valid():
            bestand = form.cleaned_data["bestand"]
            try:
                created = import_gebouwen(
                    corporatie=request.portal.corporatie,
                    data=bestand.read(),
                    name=bestand.name,
                    actor=request.user,
                )
            except TableImportError as exc:
                for error in exc.errors:
                    form.add_error("bestand", str(error))
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(n)d gebouw is ingelezen.",
                        "%(n)d gebouwen zijn ingelezen.",
                        len(created),
                    )
                    % {"n": len(created)},
                )
                return redirect(request.portal.url("gebouwen"))
    return render(
        request,
        "beheer/gebouwen_import.html",
        {
            "form": form,
            "kolommen": [(name, name in REQUIRED) for name in COLUMNS],
            "terug_url": request.portal.url("gebouwen"),
        },
    )


urlpatterns = [
    path("gebouwen/importeren/", gebouwen_import, name="beheer-gebouwen-import"),
]

"""Import of activities and bookings from a CSV or XLSX file, in three steps as
the member import: upload (read, checked and run through the services, then
rolled back), preview (every row, or every error by row and column), confirm
(the rows carried signed from the preview are written all or nothing)."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.core import signing
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kern.tabelimport import ParsedFile, TableImportError
from kern.uitvoer import CSV_TYPE, XLSX_TYPE
from ledger import importeren
from portalen.bestuur.forms.bulk import BulkImportForm
from portalen.ui import bestuur_view

IMPORT_MAX_AGE = 60 * 60
"""Seconds a preview can be confirmed; after that the file is uploaded again."""


_LIST = {importeren.ACTIVITEITEN: "activiteiten", importeren.BOEKINGEN: "boekingen"}


def _salt(request, soort: str) -> str:
    """Ties a preview to this kind of import, this cooperatie and this user."""
    return f"ledger.import.{soort}:{request.portal.cooperatie.pk}:{request.user.pk}"


def _context(soort: str, **context) -> dict:
    return {
        "soort": soort,
        "columns": importeren.SOORTEN[soort].columns,
        "import_url": f"bestuur-{soort}-import",
        "sjabloon_url": f"bestuur-{soort}-sjabloon",
        "lijst_url": f"bestuur-{_LIST[soort]}",
        **context,
    }


def _preview(request, soort: str, plan, *, errors=None, gegevens: str = ""):
    errors = plan.errors if errors is None else errors
    return render(
        request,
        "bestuur/bulk/voorvertoning.html",
        _context(
            soort,
            plan=plan,
            errors=errors,
            gegevens="" if errors else gegevens,
            form=BulkImportForm(),
        ),
    )


def _upload(request, soort: str):
    if request.method == "POST" and "gegevens" in request.POST:
        return _commit(request, soort)
    if request.method == "POST":
        form = BulkImportForm(request.POST, request.FILES)
        if form.is_valid():
            bestand = form.cleaned_data["bestand"]
            try:
                parsed = importeren.parse_file(soort, bestand.read(), bestand.name)
            except TableImportError as exc:
                for error in exc.errors:
                    form.add_error("bestand", str(error))
            else:
                plan = importeren.plan_import(
                    soort=soort,
                    cooperatie=request.portal.cooperatie,
                    parsed=parsed,
                    actor=request.user,
                )
                # A fresh key per preview: the confirmation imports it once.
                gegevens = signing.dumps(
                    {"rijen": parsed.to_payload(), "sleutel": secrets.token_hex(16)},
                    salt=_salt(request, soort),
                    compress=True,
                )
                return _preview(request, soort, plan, gegevens=gegevens)
    else:
        form = BulkImportForm()
    return render(request, "bestuur/bulk/importeren.html", _context(soort, form=form))


def _commit(request, soort: str):
    try:
        data = signing.loads(
            request.POST["gegevens"], salt=_salt(request, soort), max_age=IMPORT_MAX_AGE
        )
        sleutel = str(data["sleutel"])
        parsed = ParsedFile.from_payload(data["rijen"], importeren.known_headers(soort))
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        messages.error(
            request,
            _(
                "Deze voorvertoning is verlopen of ongeldig. Er is niets ingelezen; "
                "upload het bestand opnieuw."
            ),
        )
        return redirect(request.portal.url(f"{soort}-import"))
    try:
        created = importeren.import_rows(
            soort=soort,
            cooperatie=request.portal.cooperatie,
            parsed=parsed,
            actor=request.user,
            eenmalig=sleutel,
        )
    except importeren.AlIngelezenError:
        messages.error(
            request,
            _(
                "Een voorvertoning mag maar één keer worden ingelezen; er is "
                "niets opnieuw vastgelegd."
            ),
        )
        return redirect(request.portal.url(_LIST[soort]))
    except TableImportError as exc:
        # The database changed since the preview (a year was closed, say).
        plan = importeren.plan_import(
            soort=soort,
            cooperatie=request.portal.cooperatie,
            parsed=parsed,
            actor=request.user,
        )
        return _preview(request, soort, plan, errors=plan.errors or exc.errors)
    if soort == importeren.ACTIVITEITEN:
        tekst = ngettext(
            "%(n)d activiteit is ingelezen.",
            "%(n)d activiteiten zijn ingelezen.",
            len(created),
        )
    else:
        tekst = ngettext(
            "%(n)d boeking is ingelezen.",
            "%(n)d boekingen zijn ingelezen.",
            len(created),
        )
    messages.success(request, tekst % {"n": len(created)})
    jaren = sorted({obj.datum.year for obj in created})
    url = request.portal.url(_LIST[soort])
    return redirect(f"{url}?jaar={jaren[0] if len(jaren) == 1 else 'alle'}")


def _template(request, soort: str) -> HttpResponse:
    formaat = "xlsx" if request.GET.get("formaat") == "xlsx" else "csv"
    response = HttpResponse(
        importeren.template(soort, formaat),
        content_type=XLSX_TYPE if formaat == "xlsx" else CSV_TYPE,
    )
    naam = (
        _("activiteiten-sjabloon")
        if soort == importeren.ACTIVITEITEN
        else _("boekingen-sjabloon")
    )
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{naam}.{formaat}"
    )
    patch_cache_control(response, private=True, no_store=True)
    return response


@bestuur_view
def activiteiten_import(request):
    """Import activities: upload, preview, confirm (all or nothing)."""
    return _upload(request, importeren.ACTIVITEITEN)


@bestuur_view
def boekingen_import(request):
    """Import bookings (never storno's): upload, preview, confirm."""
    return _upload(request, importeren.BOEKINGEN)


@bestuur_view
def activiteiten_sjabloon(request):
    """The activity file to fill in (CSV, or XLSX with an explanation sheet)."""
    return _template(request, importeren.ACTIVITEITEN)


@bestuur_view
def boekingen_sjabloon(request):
    """The booking file to fill in (CSV, or XLSX with an explanation sheet)."""
    return _template(request, importeren.BOEKINGEN)


urlpatterns = [
    path(
        "activiteiten/importeren/",
        activiteiten_import,
        name="bestuur-activiteiten-import",
    ),
    path(
        "activiteiten/importeren/sjabloon/",
        activiteiten_sjabloon,
        name="bestuur-activiteiten-sjabloon",
    ),
    path("boekingen/importeren/", boekingen_import, name="bestuur-boekingen-import"),
    path(
        "boekingen/importeren/sjabloon/",
        boekingen_sjabloon,
        name="bestuur-boekingen-sjabloon",
    ),
]

"""The bestuur's member pages: the member list, adding, editing and ending a
member, the import of a member list (upload, preview, commit) and its export.

Member data is personal (domain §8): these pages are in the bestuur portal only,
and every read of the list (page or export) is logged.
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

from django.contrib import messages
from django.core import signing
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cooperatie import importeren, privacy, services
from cooperatie.choices import Doelgroep
from cooperatie.forms import LidForm
from cooperatie.models import LedenInzage, Lid
from kern.formatting import datum
from kern.uitvoer import CSV_TYPE, XLSX_TYPE
from portalen.bestuur.forms.leden import ImportForm, LidEndForm, LidListFilter
from portalen.generiek import (
    ServiceActionView,
    ServiceCreateView,
    ServiceFormView,
    ServiceUpdateView,
)
from portalen.ui import bestuur_view, get_in_portal, in_portal, paginate

IMPORT_MAX_AGE = 60 * 60
"""Seconds a preview can be confirmed; after that the file is uploaded again."""


def _current(leden, today: datetime.date):
    """Members who have not left (today or earlier); future leavers included."""
    return leden.filter(Q(lid_tot__isnull=True) | Q(lid_tot__gt=today))


def _log_read(request, bron: str, count: int) -> None:
    """Log a read of member data in the read log (docs/privacy.md)."""
    privacy.log_inzage(
        actor=request.user,
        cooperatie=request.portal.cooperatie,
        bron=bron,
        aantal=count,
    )


@bestuur_view
def leden_index(request):
    """The cooperatie's members with their personal data, for its own bestuur:
    filter current/former/all and search, the counts that the afspraken measure
    (members today, doelgroep share), and the ways in: add, import, export."""
    leden = in_portal(request, Lid.objects)
    today = timezone.localdate()
    filters = LidListFilter(
        request.GET,
        leden,
        request=request,
        hidden=privacy.MemberMask.of(request.user).hidden_fields(
            [request.portal.cooperatie.pk]
        ),
    )
    rows = filters.qs
    page = paginate(request, rows.order_by("naam", "pk"))
    _log_read(request, LedenInzage.Bron.PAGINA, len(page.object_list))

    vandaag = leden.op_peildatum(today)
    aantal = vandaag.count()
    doelgroep = vandaag.filter(doelgroep=Doelgroep.JA).count()
    return render(
        request,
        "bestuur/leden/lijst.html",
        {
            "filters": filters,
            "page": page,
            "today": today,
            "aantal": aantal,
            "aantal_doelgroep": doelgroep,
            "aandeel_doelgroep": (
                Decimal(doelgroep * 100) / aantal if aantal else Decimal(0)
            ),
            "bestuur": vandaag.bestuur().in_functievolgorde(),
            "heeft_leden": leden.exists(),
        },
    )


class LidCreate(ServiceCreateView):
    """Add a member; the service checks the data and the year lock."""

    portal = bestuur_view
    service = services.lid_create
    organisatie_kwarg = "cooperatie"
    form_class = LidForm
    template_name = "bestuur/leden/lid_form.html"
    success_url = "leden"

    def get_form_kwargs(self):
        return {"initial": {"lid_sinds": timezone.localdate()}}

    def success_message(self, lid):
        return _("%(naam)s is als lid toegevoegd.") % {"naam": lid.naam}


class _LidPage:
    portal = bestuur_view
    queryset = Lid.objects
    url_kwarg = "lid_id"
    object_name = "lid"
    success_url = "leden"


class LidUpdate(_LidPage, ServiceUpdateView):
    """Change a member's data, including the board function; only the fields that
    differ go to the service, so the journal records exactly those."""

    service = services.lid_update
    form_class = LidForm
    template_name = "bestuur/leden/lid_form.html"
    unchanged_message = gettext_lazy("Er is niets gewijzigd.")

    def get_form_kwargs(self):
        lid = self.object
        return {
            "initial": {name: getattr(lid, name) for name in Lid.EDITABLE_FIELDS},
            "with_lid_tot": lid.lid_tot is not None,
        }

    def changed_values(self, form):
        return {
            name: value
            for name, value in form.cleaned_data.items()
            if getattr(self.object, name) != value
        }

    def success_message(self, lid):
        return _("De gegevens van %(naam)s zijn bijgewerkt.") % {"naam": lid.naam}


class LidEnd(_LidPage, ServiceFormView):
    """End a membership on a chosen date (the first day the household is no
    member); the member stays in the list as an oud-lid."""

    service = services.lid_end
    form_class = LidEndForm
    template_name = "bestuur/leden/beeindigen.html"

    def get_form_kwargs(self):
        return {"initial": {"lid_tot": timezone.localdate()}}

    def success_message(self, lid):
        return _("Het lidmaatschap van %(naam)s is beëindigd per %(datum)s.") % {
            "naam": lid.naam,
            "datum": datum(lid.lid_tot),
        }


# Import ---------------------------------------------------------------------------


def _salt(request) -> str:
    """Ties a preview to this cooperatie and this user."""
    return f"cooperatie.leden.import:{request.portal.cooperatie.pk}:{request.user.pk}"


def _preview(
    request,
    plan,
    *,
    errors=None,
    gegevens: str = "",
    status: int = 200,
    confirm_missing: bool = False,
):
    errors = plan.errors if errors is None else errors
    # The preview shows the stored data of the members it matches or ends.
    _log_read(
        request,
        LedenInzage.Bron.IMPORT,
        sum(1 for row in plan.rows if row.lid is not None) + len(plan.to_end),
    )
    return render(
        request,
        "bestuur/leden/voorvertoning.html",
        {
            "plan": plan,
            "errors": errors,
            "gegevens": "" if errors else gegevens,
            "form": ImportForm(),
            "columns": importeren.COLUMNS,
            "bevestiging_ontbreekt": confirm_missing,
        },
        status=status,
    )


# The checkbox on the preview by which the board confirms ending the members that
# are not in the file.
CONFIRM_END_FIELD = "bevestig_beeindigen"


@bestuur_view
def leden_import_page(request):
    """Import a member list in three steps. Upload: the file is read, every row
    checked by the member form and run through the services, and all of it
    rolled back: nothing is written. Preview: per row what will happen, the
    members that will be ended, or every error by row and column. Commit: the
    rows carried (signed) from the preview take the same steps against the
    database as it is now, and are kept all or nothing."""
    cooperatie = request.portal.cooperatie
    if request.method == "POST" and "gegevens" in request.POST:
        return _commit(request)
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            bestand = form.cleaned_data["bestand"]
            end_missing = form.cleaned_data["beeindig_ontbrekende"]
            end_date = form.cleaned_data["einddatum"] if end_missing else None
            try:
                parsed = importeren.parse_file(bestand.read(), bestand.name)
            except importeren.MemberImportError as exc:
                for error in exc.errors:
                    form.add_error("bestand", str(error))
            else:
                plan = importeren.plan_import(
                    cooperatie=cooperatie,
                    parsed=parsed,
                    actor=request.user,
                    end_missing=end_missing,
                    end_date=end_date,
                )
                return _preview(
                    request, plan, gegevens=_signed_plan(request, plan, parsed)
                )
    else:
        form = ImportForm()
    return render(
        request,
        "bestuur/leden/importeren.html",
        {"form": form, "columns": importeren.COLUMNS},
    )


def _signed_plan(request, plan, parsed) -> str:
    """The rows and options of a preview, and the fingerprint of what it showed,
    signed for this cooperatie and user."""
    return signing.dumps(
        {
            "bestand": parsed.to_payload(),
            "beeindig": plan.end_missing,
            "einddatum": plan.end_date.isoformat() if plan.end_date else None,
            "te_beeindigen": len(plan.to_end),
            "plan": plan.fingerprint(),
        },
        salt=_salt(request),
        compress=True,
    )


def _commit(request):
    cooperatie = request.portal.cooperatie
    try:
        data = signing.loads(
            request.POST["gegevens"], salt=_salt(request), max_age=IMPORT_MAX_AGE
        )
        parsed = importeren.ParsedFile.from_payload(data["bestand"])
        end_missing = bool(data["beeindig"])
        end_date = (
            datetime.date.fromisoformat(data["einddatum"])
            if data["einddatum"]
            else None
        )
        expected = str(data["plan"])
        # A preview that ends members asks for a second confirmation; an older
        # preview that did not count them is treated as ending some.
        ends_some = end_missing and int(data.get("te_beeindigen", 1)) > 0
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        messages.error(
            request,
            _(
                "Deze voorvertoning is verlopen of ongeldig. Er is niets ingelezen; "
                "upload het bestand opnieuw."
            ),
        )
        return redirect(request.portal.url("leden-import"))
    if ends_some and request.POST.get(CONFIRM_END_FIELD) != "on":
        # Not confirmed: nothing is written; the preview is shown again, as the
        # members stand now, with the confirmation asked on its checkbox.
        plan = importeren.plan_import(
            cooperatie=cooperatie,
            parsed=parsed,
            actor=request.user,
            end_missing=end_missing,
            end_date=end_date,
        )
        return _preview(
            request,
            plan,
            gegevens=_signed_plan(request, plan, parsed),
            confirm_missing=True,
        )
    try:
        report = importeren.import_members(
            cooperatie=cooperatie,
            parsed=parsed,
            actor=request.user,
            end_missing=end_missing,
            end_date=end_date,
            expected=expected,
        )
    except importeren.MemberImportError as exc:
        # The database changed since the preview: show what stands in the way.
        return _preview(request, exc.plan, errors=exc.errors)
    except importeren.PlanChangedError as exc:
        # The members changed since the preview: nothing was written; show the
        # plan as it is now and let the user confirm that one.
        messages.warning(
            request,
            _(
                "De ledenlijst is gewijzigd sinds de voorvertoning. Er is niets "
                "ingelezen; controleer de nieuwe voorvertoning en bevestig opnieuw."
            ),
        )
        return _preview(
            request, exc.plan, gegevens=_signed_plan(request, exc.plan, parsed)
        )
    request.session[_report_key(request)] = {
        "nieuw": [lid.pk for lid in report.created],
        "bijgewerkt": [[lid.pk, columns] for lid, columns in report.updated],
        "beeindigd": [lid.pk for lid in report.ended],
        "ongewijzigd": report.unchanged,
        "einddatum": end_date.isoformat() if end_date else None,
    }
    messages.success(
        request,
        _(
            "De ledenlijst is ingelezen: %(nieuw)s nieuw, %(bijgewerkt)s bijgewerkt, "
            "%(beeindigd)s beëindigd, %(ongewijzigd)s ongewijzigd."
        )
        % {
            "nieuw": len(report.created),
            "bijgewerkt": len(report.updated),
            "beeindigd": len(report.ended),
            "ongewijzigd": report.unchanged,
        },
    )
    return redirect(request.portal.url("leden-import-resultaat"))


def _report_key(request) -> str:
    return f"leden-import-{request.portal.cooperatie.pk}"


@bestuur_view
def leden_import_result_page(request):
    """What the last import of this session changed: the new, updated (with the
    columns that changed) and ended members."""
    stored = request.session.get(_report_key(request))
    context = {"verslag": None}
    if stored:
        leden = in_portal(request, Lid.objects)
        ids = {
            *stored["nieuw"],
            *(pk for pk, _columns in stored["bijgewerkt"]),
            *stored["beeindigd"],
        }
        by_pk = {lid.pk: lid for lid in leden.filter(pk__in=ids)}
        context["verslag"] = {
            "nieuw": [by_pk[pk] for pk in stored["nieuw"] if pk in by_pk],
            "bijgewerkt": [
                (by_pk[pk], columns)
                for pk, columns in stored["bijgewerkt"]
                if pk in by_pk
            ],
            "beeindigd": [by_pk[pk] for pk in stored["beeindigd"] if pk in by_pk],
            "ongewijzigd": stored["ongewijzigd"],
        }
        verslag = context["verslag"]
        _log_read(
            request,
            LedenInzage.Bron.IMPORT,
            len(verslag["nieuw"])
            + len(verslag["bijgewerkt"])
            + len(verslag["beeindigd"]),
        )
    return render(request, "bestuur/leden/resultaat.html", context)


# Downloads ------------------------------------------------------------------------


def _download(content: bytes, formaat: str, filename: str) -> HttpResponse:
    response = HttpResponse(
        content, content_type=XLSX_TYPE if formaat == "xlsx" else CSV_TYPE
    )
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{filename}.{formaat}"
    )
    patch_cache_control(response, private=True, no_store=True)
    return response


def _formaat(request) -> str:
    return "xlsx" if request.GET.get("formaat") == "xlsx" else "csv"


@bestuur_view
def leden_template_download(request):
    """An empty member list to fill in: the headers and one example row (the
    XLSX also explains every column on a second sheet)."""
    formaat = _formaat(request)
    rows = importeren.example_rows()
    if formaat == "xlsx":
        content = importeren.write_xlsx(rows, explanation=True)
    else:
        content = importeren.write_csv(rows)
    return _download(content, formaat, str(_("leden-sjabloon")))


@bestuur_view
def leden_export_download(request):
    """The member list as CSV or XLSX in the import's columns, so it can be edited
    and imported again: current members, or with `alle=1` also former ones."""
    formaat = _formaat(request)
    leden = in_portal(request, Lid.objects)
    if request.GET.get("alle") != "1":
        leden = _current(leden, timezone.localdate())
    rows = importeren.export_rows(leden.order_by("naam", "pk"))
    _log_read(request, LedenInzage.Bron.EXPORT, len(rows))
    if formaat == "xlsx":
        content = importeren.write_xlsx(rows)
    else:
        content = importeren.write_csv(rows)
    filename = "-".join(
        [
            str(_("leden")),
            slugify(request.portal.cooperatie.naam),
            timezone.localdate().isoformat(),
        ]
    )
    return _download(content, formaat, filename)


# AVG: one member's data ------------------------------------------------------------


@bestuur_view
def lid_export_download(request, lid_id: int):
    """Everything stored about one member as JSON (AVG art. 15, right of access),
    for the bestuur to hand to the member who asks; the read is logged."""
    lid = get_in_portal(request, Lid.objects, pk=lid_id)
    data = privacy.lid_export(lid=lid, actor=request.user)
    content = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)
    response = HttpResponse(
        content.encode("utf-8"), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True,
        filename=f"{_('lid')}-{lid.pk}-{timezone.localdate().isoformat()}.json",
    )
    patch_cache_control(response, private=True, no_store=True)
    return response


class LidWissen(_LidPage, ServiceActionView):
    """Erase one member's personal data (AVG art. 17, right to erasure) after a
    confirmation page that says what goes and what stays; the counts of every
    year stay the same and the journal still verifies."""

    service = privacy.lid_wissen
    template_name = "bestuur/leden/wissen.html"
    post_only = False

    def success_message(self, lid):
        return _("De persoonsgegevens van lid #%(pk)s zijn gewist.") % {"pk": lid.pk}

    def refusal_messages(self, exc):
        return [" ".join(exc.messages)]

    def get_cancel_url(self):
        return self.request.portal.url("lid-bewerken", self.object.pk)


lid_create_page = LidCreate.as_view()
lid_edit_page = LidUpdate.as_view()
lid_end_page = LidEnd.as_view()
lid_wissen_page = LidWissen.as_view()


urlpatterns = [
    path("leden/", leden_index, name="bestuur-leden"),
    path("leden/nieuw/", lid_create_page, name="bestuur-lid-nieuw"),
    path("leden/<int:lid_id>/", lid_edit_page, name="bestuur-lid-bewerken"),
    path(
        "leden/<int:lid_id>/beeindigen/",
        lid_end_page,
        name="bestuur-lid-beeindigen",
    ),
    path(
        "leden/<int:lid_id>/gegevens/",
        lid_export_download,
        name="bestuur-lid-export",
    ),
    path("leden/<int:lid_id>/wissen/", lid_wissen_page, name="bestuur-lid-wissen"),
    path("leden/importeren/", leden_import_page, name="bestuur-leden-import"),
    path(
        "leden/importeren/resultaat/",
        leden_import_result_page,
        name="bestuur-leden-import-resultaat",
    ),
    path("leden/sjabloon/", leden_template_download, name="bestuur-leden-sjabloon"),
    path("leden/export/", leden_export_download, name="bestuur-leden-export"),
]

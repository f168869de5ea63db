"""Report pages.

- The auditor's start page: the corporatie's sealed nalevingsrapporten per year,
  with the bundle and the portefeuillerapport of each year.
- Downloads in every portal: a sealed PDF (checked against its seal first, never a
  silently different file), the auditor bundle (ZIP) and the portefeuillerapport.
- Verification: upload a PDF (or give its SHA-256) and learn which sealed report
  it is, or that it is none.

Reads go through the portal scope (`portalen.ui.in_portal`); the bytes, bundles
and file names come from `afspraken.rapporten`, `afspraken.portefeuille` and
`afspraken.tasks`, the same helpers the API and `render_reports` use.
"""

from __future__ import annotations

import io
import logging

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import FileResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from afspraken import jaren as afspraak_jaren
from afspraken import rapporten
from afspraken.models import JAAR_VALIDATORS, Afspraak, Rapport, Toetsing
from afspraken.portefeuille import render_portefeuillerapport
from afspraken.tasks import (
    bundel_bestandsnaam,
    nalevingsrapport_bestandsnaam,
    portefeuille_bestandsnaam,
    sealed_bytes,
)
from portalen.filters import choices_of
from portalen.forms.rapporten import RapportListFilter, VerifieerForm
from portalen.ui import (
    audit_view,
    beheer_view,
    bestuur_view,
    get_in_portal,
    in_portal,
    ingekort,
    not_found,
    paginate,
)

logger = logging.getLogger(__name__)

PER_PAGINA = 50


def _portal_url(request, name: str, *args) -> str | None:
    """A URL in the current portal, or None while that page does not exist."""
    try:
        return request.portal.url(name, *args)
    except NoReverseMatch:
        return None


def _download(data: bytes, *, filename: str, content_type: str) -> FileResponse:
    return FileResponse(
        io.BytesIO(data),
        as_attachment=True,
        filename=filename,
        content_type=content_type,
    )


def _seal_broken(request, message: str):
    """The refusal when a stored report no longer matches its seal: never a
    different file under the sealed name, but the portal's start page with the
    error, so the user can carry on (and tell the platform operator)."""
    messages.error(request, message)
    url = _portal_url(request, "start")
    return redirect(url if url is not None else "home")


def _get_only(request):
    """405 for anything but GET/HEAD; checked after the object lookup, so another
    tenant's id answers 404 whatever the method."""
    if request.method in ("GET", "HEAD"):
        return None
    return HttpResponseNotAllowed(["GET", "HEAD"])


def _valid_jaar(jaar: int) -> bool:
    try:
        for validator in JAAR_VALIDATORS:
            validator(jaar)
    except ValidationError:
        return False
    return True


# The auditor's start page ---------------------------------------------------------


def _stand_per_jaar(request) -> dict:
    """Per year up to last year: how many afspraken ran, how many are sealed,
    submitted, with the bestuur, and late; and the late years themselves."""
    vandaag = timezone.localdate()
    rijen = afspraak_jaren.afspraak_jaren(
        afspraken=in_portal(request, Afspraak.objects),
        tot_jaar=vandaag.year - 1,
        vandaag=vandaag,
    )
    stand = [
        {"jaar": jaar, **teller}
        for jaar, teller in sorted(
            afspraak_jaren.tellingen(rijen).items(), reverse=True
        )
    ]
    return {"stand": stand, "te_laat": ingekort(r for r in rijen if r.te_laat)}


@audit_view
@require_GET
def start(request):
    """The auditor's start page: every sealed nalevingsrapport of the corporatie,
    newest year first, each with a download; per year the auditor bundle and the
    portefeuillerapport. An auditor checks the year's reports here before
    verifying them or reading the journal."""
    sealed = in_portal(request, Rapport.objects)
    jaren = list(
        sealed.order_by("-toetsing__jaar")
        .values_list("toetsing__jaar", flat=True)
        .distinct()
    )
    filters = RapportListFilter(
        request.GET,
        sealed,
        request=request,
        choices={"jaar": choices_of(jaren, _("Alle jaren"), label=str)},
    )
    lijst = filters.qs.select_related("toetsing__afspraak__cooperatie").order_by(
        "-toetsing__jaar",
        "toetsing__afspraak__cooperatie__naam",
        "toetsing__afspraak__titel",
        "pk",
    )
    page = paginate(request, lijst, PER_PAGINA)

    groepen: list[dict] = []
    for rapport in page.object_list:
        jaar = rapport.toetsing.jaar
        if not groepen or groepen[-1]["jaar"] != jaar:
            groepen.append(
                {
                    "jaar": jaar,
                    "bundel_url": request.portal.url("bundel", jaar),
                    "portefeuille_url": request.portal.url("portefeuille", jaar),
                    "rapporten": [],
                }
            )
        groepen[-1]["rapporten"].append(
            {
                "rapport": rapport,
                "toetsing": rapport.toetsing,
                "pdf_url": request.portal.url("rapport-pdf", rapport.pk),
                "toetsing_url": _portal_url(request, "toetsing", rapport.toetsing_id),
            }
        )

    # Years with toetsingen but nothing sealed yet still have a portefeuillerapport.
    zonder_rapport = [
        {"jaar": jaar, "url": request.portal.url("portefeuille", jaar)}
        for jaar in in_portal(request, Toetsing.objects)
        .values("jaar")
        .annotate(verzegeld=Count("rapporten"))
        .filter(verzegeld=0)
        .order_by("-jaar")
        .values_list("jaar", flat=True)
        if jaar not in jaren
    ]
    return render(
        request,
        "portalen/audit_start.html",
        {
            **_stand_per_jaar(request),
            "filters": filters,
            "page": page,
            "groepen": groepen,
            "heeft_rapporten": bool(jaren),
            "zonder_rapport": zonder_rapport,
            "verifieren_url": request.portal.url("verifieren"),
            "journaal_url": _portal_url(request, "journaal"),
        },
    )


# Downloads --------------------------------------------------------------------


def rapport_pdf(request, rapport_id: int):
    """The sealed nalevingsrapport as a download, byte for byte as sealed. The
    stored file is checked against the SHA-256 of the seal first: a file that no
    longer matches is refused with an error page instead of being handed out."""
    rapport = get_in_portal(
        request,
        Rapport.objects.select_related("toetsing__afspraak__cooperatie"),
        pk=rapport_id,
    )
    if (refused := _get_only(request)) is not None:
        return refused
    toetsing = rapport.toetsing
    try:
        data = sealed_bytes(toetsing)
    except (ValueError, OSError):
        logger.exception(
            "sealed report %s does not match its SHA-256 or cannot be read",
            rapport.pk,
        )
        return _seal_broken(
            request,
            _(
                "Het opgeslagen nalevingsrapport van %(cooperatie)s over %(jaar)s "
                "komt niet meer overeen met de SHA-256 van de verzegeling (of het "
                "bestand ontbreekt). Het wordt daarom niet afgegeven; meld dit bij "
                "de platformbeheerder."
            )
            % {"cooperatie": toetsing.afspraak.cooperatie.naam, "jaar": toetsing.jaar},
        )
    return _download(
        data,
        filename=nalevingsrapport_bestandsnaam(toetsing, concept=False),
        content_type="application/pdf",
    )


def bundel(request, jaar: int):
    """The auditor bundle of the corporatie-year (ZIP): every sealed PDF, the data
    sealed inside each, and SHA256SUMS. 404 when nothing was sealed that year;
    refused when a stored PDF no longer matches its seal."""
    sealed = list(
        in_portal(request, Rapport.objects)
        .filter(toetsing__jaar=jaar)
        .select_related("toetsing")
        .order_by("toetsing_id")
    )
    if not sealed:
        raise not_found()
    if (refused := _get_only(request)) is not None:
        return refused
    corporatie = request.portal.corporatie
    try:
        blob = rapporten.auditor_bundle(
            rapporten=sealed, corporatie_naam=corporatie.naam, jaar=jaar
        )
    except (ValueError, OSError):
        logger.exception(
            "auditor bundle %s/%s refused: a sealed report does not match",
            corporatie.pk,
            jaar,
        )
        return _seal_broken(
            request,
            _(
                "De auditorbundel %(jaar)s is niet gemaakt: minstens één opgeslagen "
                "nalevingsrapport komt niet meer overeen met de SHA-256 van de "
                "verzegeling (of het bestand ontbreekt). Meld dit bij de "
                "platformbeheerder."
            )
            % {"jaar": jaar},
        )
    return _download(
        blob,
        filename=bundel_bestandsnaam(corporatie.kvk_nummer, jaar),
        content_type="application/zip",
    )


def portefeuille(request, jaar: int):
    """The portefeuillerapport of the corporatie-year (PDF), rendered now from the
    year as it stands: not sealed, verdicts of open years are provisional. 404
    for a year in which no afspraak of the corporatie runs."""
    if not _valid_jaar(jaar):
        raise not_found()
    if not in_portal(request, Afspraak.objects).lopend_in(jaar).exists():
        raise not_found()
    if (refused := _get_only(request)) is not None:
        return refused
    corporatie = request.portal.corporatie
    # Not sealed, rendered for the reader: in the language of the page.
    pdf, _data = render_portefeuillerapport(
        corporatie_id=corporatie.pk,
        jaar=jaar,
        moment=timezone.now(),
        taal=translation.get_language(),
    )
    return _download(
        pdf,
        filename=portefeuille_bestandsnaam(corporatie.kvk_nummer, jaar),
        content_type="application/pdf",
    )


def jaar_downloads(request, jaar: int | None, lopend: int) -> list[dict]:
    """The report downloads a page offers for a corporatie-year: the
    portefeuillerapport when an afspraak runs in the year, the auditor bundle
    when a report of the year was sealed. Without a year: the running year's
    portefeuillerapport and both downloads of the latest year with a sealed
    report. Three queries at most."""
    verzegeld = (
        in_portal(request, Rapport.objects)
        .order_by("-toetsing__jaar")
        .values_list("toetsing__jaar", flat=True)
    )
    if jaar is not None:
        bundel_jaar = jaar if verzegeld.filter(toetsing__jaar=jaar).exists() else None
        portefeuille_jaren = [jaar]
    else:
        bundel_jaar = verzegeld.first()
        portefeuille_jaren = sorted({lopend, bundel_jaar} - {None}, reverse=True)
    lopende = set()
    for kandidaat in portefeuille_jaren:
        if in_portal(request, Afspraak.objects).lopend_in(kandidaat).exists():
            lopende.add(kandidaat)
    downloads = []
    for kandidaat in portefeuille_jaren:
        if kandidaat in lopende:
            downloads.append(
                {
                    "url": request.portal.url("portefeuille", kandidaat),
                    "tekst": _("Portefeuillerapport %(jaar)s (PDF)")
                    % {"jaar": kandidaat},
                }
            )
        if kandidaat == bundel_jaar:
            downloads.append(
                {
                    "url": request.portal.url("bundel", kandidaat),
                    "tekst": _("Auditorbundel %(jaar)s downloaden (ZIP)")
                    % {"jaar": kandidaat},
                }
            )
    return downloads


# Verification -----------------------------------------------------------------


def verifieren(request):
    """Is this file a sealed nalevingsrapport, and which one? The SHA-256 of the
    uploaded bytes (or the one given) is looked up among the sealed reports; a
    report outside the user's scope counts as unknown, as in the API. Nothing is
    stored."""
    resultaat = None
    if request.method == "POST":
        form = VerifieerForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["pdf"]
            if upload:
                data = upload.read()
                sha256 = rapporten.sha256_of(data)
                rapport = rapporten.verify(pdf=data)
            else:
                sha256 = form.cleaned_data["sha256"]
                rapport = rapporten.verify(sha256=sha256)
            if (
                rapport is not None
                and not Rapport.objects.visible_to(request.user)
                .filter(pk=rapport.pk)
                .exists()
            ):
                rapport = None
            resultaat = _resultaat(request, rapport, sha256, upload)
    else:
        form = VerifieerForm()
    return render(
        request,
        "portalen/verifieren.html",
        {"form": form, "resultaat": resultaat},
    )


def _resultaat(request, rapport, sha256: str, upload) -> dict:
    result = {
        "verzegeld": rapport is not None,
        "sha256": sha256,
        "bestandsnaam": upload.name if upload else "",
    }
    if rapport is None:
        return result
    toetsing = rapport.toetsing
    in_dit_portaal = in_portal(request, Rapport.objects).filter(pk=rapport.pk).exists()
    result.update(
        rapport=rapport,
        toetsing=toetsing,
        afspraak=toetsing.afspraak,
        corporatie=toetsing.afspraak.corporatie,
        cooperatie=toetsing.afspraak.cooperatie,
        toetsing_url=(
            _portal_url(request, "toetsing", toetsing.pk) if in_dit_portaal else None
        ),
        pdf_url=(
            _portal_url(request, "rapport-pdf", rapport.pk) if in_dit_portaal else None
        ),
    )
    return result


beheer_rapport_pdf = beheer_view(rapport_pdf)
bestuur_rapport_pdf = bestuur_view(rapport_pdf)
audit_rapport_pdf = audit_view(rapport_pdf)
beheer_bundel = beheer_view(bundel)
audit_bundel = audit_view(bundel)
beheer_portefeuille = beheer_view(portefeuille)
audit_portefeuille = audit_view(portefeuille)
beheer_verifieren = beheer_view(require_http_methods(["GET", "POST"])(verifieren))
audit_verifieren = audit_view(require_http_methods(["GET", "POST"])(verifieren))

beheer_patterns = [
    path(
        "rapporten/<int:rapport_id>/pdf/",
        beheer_rapport_pdf,
        name="beheer-rapport-pdf",
    ),
    path("bundel/<int:jaar>/", beheer_bundel, name="beheer-bundel"),
    path("portefeuille/<int:jaar>/", beheer_portefeuille, name="beheer-portefeuille"),
    path("verifieren/", beheer_verifieren, name="beheer-verifieren"),
]
bestuur_patterns = [
    path(
        "rapporten/<int:rapport_id>/pdf/",
        bestuur_rapport_pdf,
        name="bestuur-rapport-pdf",
    ),
]
audit_patterns = [
    path("", start, name="audit-start"),
    path(
        "rapporten/<int:rapport_id>/pdf/", audit_rapport_pdf, name="audit-rapport-pdf"
    ),
    path("bundel/<int:jaar>/", audit_bundel, name="audit-bundel"),
    path("portefeuille/<int:jaar>/", audit_portefeuille, name="audit-portefeuille"),
    path("verifieren/", audit_verifieren, name="audit-verifieren"),
]

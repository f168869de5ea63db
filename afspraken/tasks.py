"""Background tasks: rendering reports to files, through Django's tasks API.

The `django-tasks` backport provides the API on Django 5.2; on Django 6 the import
below picks the built-in `django.tasks`, and moving over is a settings change (the
`TASKS` backend paths, and `django_tasks` out of INSTALLED_APPS). Which backend
runs a task is a setting
(`DJANGO_TASKS_BACKEND`): at once in the calling process (default) or queued in the
database for `db_worker` processes. Tasks take and return JSON values only.
"""

from __future__ import annotations

import datetime
import hashlib
import os
from pathlib import Path
from typing import Any

from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cooperatie.models import Corporatie

try:  # Django 6+
    from django.tasks import task
except ImportError:  # Django 5.2 with the backport
    from django_tasks import task

from . import meldingen, nalevingsrapport, rapporten, snapshot
from .choices import ToetsingStatus
from .models import Rapport, Toetsing
from .pdf import Bijvoegsel, rapporttaal, render_pdf
from .portefeuille import render_portefeuillerapport
from .selectors import beoordelingen_of, resultaat_bevroren

PORTEFEUILLE = "portefeuille"
NALEVINGSRAPPORT = "nalevingsrapport"
AUDITORBUNDEL = "auditorbundel"
# What a task reports it wrote.
GESCHREVEN_PORTEFEUILLE = "portefeuillerapport"
GESCHREVEN_VERZEGELD = "verzegeld"
GESCHREVEN_CONCEPT = "concept"
GESCHREVEN_BUNDEL = "auditorbundel"


def portefeuille_bestandsnaam(kvk_nummer: str, jaar: int) -> str:
    return f"portefeuille-{kvk_nummer}-{jaar}.pdf"


def bundel_bestandsnaam(kvk_nummer: str, jaar: int) -> str:
    return f"auditorbundel-{kvk_nummer}-{jaar}.zip"


def nalevingsrapport_bestandsnaam(toetsing: Toetsing, *, concept: bool) -> str:
    slug = slugify(toetsing.afspraak.cooperatie.naam) or "cooperatie"
    stem = f"nalevingsrapport-{toetsing.jaar}-{slug}-toetsing-{toetsing.pk}"
    return f"{stem}-concept.pdf" if concept else f"{stem}.pdf"


def _concept_snapshot(toetsing: Toetsing) -> dict[str, Any]:
    """A submitted year keeps its frozen measurements (with the assessments made
    since), as the portefeuille shows it; any other year is measured now."""
    if resultaat_bevroren(toetsing):
        return snapshot.with_beoordelingen(
            toetsing.snapshot, beoordelingen_of(toetsing)
        )
    return snapshot.build(toetsing)


def concept_nalevingsrapport(
    toetsing: Toetsing, *, moment: datetime.datetime, taal: str = "nl"
) -> bytes:
    """A draft nalevingsrapport of a toetsing that is not vastgesteld: built from a
    current snapshot, marked CONCEPT on every page, never sealed nor stored;
    in `taal` (Dutch unless English is asked for)."""
    taal = rapporttaal(taal)
    if toetsing.status == ToetsingStatus.VASTGESTELD:
        raise ValueError(f"toetsing {toetsing.pk} is vastgesteld: use its sealed PDF")
    data = _concept_snapshot(toetsing)
    html = nalevingsrapport.nalevingsrapport_html(
        data, status=toetsing.status, moment=moment, concept=True, taal=taal
    )
    with translation.override(taal):
        attachments = (
            Bijvoegsel(
                "snapshot.json",
                nalevingsrapport.canonical_snapshot(data),
                _("Concept: voorlopige resultaten van de toetsing (JSON)"),
            ),
            Bijvoegsel(
                "activiteiten.csv",
                nalevingsrapport.activiteiten_csv(data),
                _("Concept: activiteiten van het jaar (CSV, puntkomma-gescheiden)"),
            ),
        )
    pdf, _fetcher = render_pdf(
        html,
        attachments=attachments,
        moment=moment,
        identifier=f"concept-nalevingsrapport-toetsing-{toetsing.pk}".encode(),
    )
    return pdf


def sealed_bytes(toetsing: Toetsing) -> bytes:
    """The stored bytes of a vastgestelde toetsing's sealed report, checked
    against the SHA-256 recorded at sealing. Never re-rendered."""
    rapport = Rapport.objects.get(toetsing=toetsing)
    with rapport.pdf.open("rb") as fh:
        data = fh.read()
    if rapporten.sha256_of(data) != rapport.sha256:
        raise ValueError(
            f"Het opgeslagen rapport van toetsing {toetsing.pk} komt niet overeen "
            "met de SHA-256 bij verzegeling."
        )
    return data


def write_file(uit_dir: Path, naam: str, data: bytes) -> dict[str, Any]:
    """Write atomically (a half-written PDF never carries the final name)."""
    uit_dir.mkdir(parents=True, exist_ok=True)
    pad = uit_dir / naam
    tmp = uit_dir / f".{naam}.{os.getpid()}.tmp"
    try:
        tmp.write_bytes(data)
        os.replace(tmp, pad)
    finally:
        tmp.unlink(missing_ok=True)
    return {
        "pad": str(pad),
        "sha256": hashlib.sha256(data).hexdigest(),
        "grootte": len(data),
    }


@task()
def render_rapport_task(
    soort: str,
    object_id: int,
    jaar: int,
    uit_dir: str,
    moment: str | None = None,
    taal: str = "nl",
) -> dict[str, Any]:
    """Render one report of the year into `uit_dir`; return what was written.

    `soort` `portefeuille`: `object_id` is a corporatie; `nalevingsrapport`:
    `object_id` is a toetsing — its sealed PDF copied if vastgesteld (decided when
    the task runs), else a concept. `moment` (ISO 8601) fixes the dates in a
    rendered PDF; default now. `taal`: the language of a rendered PDF (a sealed
    one keeps the language it was sealed in).
    """
    uit = Path(uit_dir)
    when = datetime.datetime.fromisoformat(moment) if moment else timezone.now()
    if soort == PORTEFEUILLE:
        pdf, data = render_portefeuillerapport(
            corporatie_id=object_id, jaar=jaar, moment=when, taal=taal
        )
        naam = portefeuille_bestandsnaam(data["corporatie"]["kvk_nummer"], jaar)
        return {
            "soort": GESCHREVEN_PORTEFEUILLE,
            **write_file(uit, naam, pdf),
        }
    if soort == AUDITORBUNDEL:
        corporatie = Corporatie.objects.get(pk=object_id)
        sealed = (
            Rapport.objects.filter(
                toetsing__jaar=jaar, toetsing__afspraak__corporatie=corporatie
            )
            .select_related("toetsing")
            .order_by("toetsing_id")
        )
        blob = rapporten.auditor_bundle(
            rapporten=sealed, corporatie_naam=corporatie.naam, jaar=jaar
        )
        naam = bundel_bestandsnaam(corporatie.kvk_nummer, jaar)
        return {"soort": GESCHREVEN_BUNDEL, **write_file(uit, naam, blob)}
    if soort != NALEVINGSRAPPORT:
        raise ValueError(f"onbekende soort rapport: {soort!r}")
    toetsing = Toetsing.objects.select_related(
        "afspraak__cooperatie", "afspraak__corporatie", "vastgesteld_door"
    ).get(pk=object_id)
    if toetsing.jaar != jaar:
        raise ValueError(f"toetsing {toetsing.pk} is van {toetsing.jaar}, niet {jaar}")
    if toetsing.status == ToetsingStatus.VASTGESTELD:
        naam = nalevingsrapport_bestandsnaam(toetsing, concept=False)
        return {
            "soort": GESCHREVEN_VERZEGELD,
            **write_file(uit, naam, sealed_bytes(toetsing)),
        }
    naam = nalevingsrapport_bestandsnaam(toetsing, concept=True)
    pdf = concept_nalevingsrapport(toetsing, moment=when, taal=taal)
    return {"soort": GESCHREVEN_CONCEPT, **write_file(uit, naam, pdf)}


@task()
def send_reminders_task(datum: str | None = None) -> dict[str, int]:
    """The `send_reminders` command as a task a scheduler can enqueue: the
    reminders and weekly digests due on `datum` (ISO date; default today)."""
    vandaag = datetime.date.fromisoformat(datum) if datum else timezone.localdate()
    return meldingen.send_reminders(vandaag).as_dict()

"""The gemeente report: the roll-up of one gemeente-year (`afspraken.gemeente`)
as a PDF/A-3b with its data attached (`gemeente.json`), sealed.

Sealing (`seal`): the report is rendered at a moment with the head of the
platform journal chain printed in it, and its SHA-256 is written to that chain
in the same transaction (action `gemeenterapport_seal`, with the gemeente,
the year, the sum and the sum of the attached data). The chain is append-only
and hash-linked, so `verify` can later say of any PDF or SHA-256 whether it is
a sealed gemeente report, and `verify_ledger` proves the entry untouched. The
same data sealed again on the same day gives the sealed report already made
(the same moment, so the same bytes): downloading twice seals once.

The report holds aggregates only, as the roll-up does: no member, no single
booking, no single coöperatie's figures.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from typing import Any

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kern import journal
from kern.formatting import aantal, bedrag, getal
from kern.formatting import moment as moment_tekst
from kern.models import AuditEntry

from .choices import Verdict
from .gemeente import gemeente_overzicht
from .pdf import Bijvoegsel, printable, rapporttaal, render_pdf
from .portefeuille import STATUS_LABELS, canonical_json, definitie_per_woning

ACTIE = "gemeenterapport_seal"
OBJECT_TYPE = "afspraken.gemeenterapport"
BIJLAGE = "gemeente.json"


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def bestandsnaam(gemeentecode: str, jaar: int) -> str:
    return f"gemeenterapport-{gemeentecode}-{jaar}.pdf"


def _rij(naam: str, t: dict[str, Any]) -> dict[str, Any]:
    per_woning = t["besteding_per_woning"]
    return {
        "naam": naam,
        "cooperaties": aantal(t["cooperaties"]),
        "woningen": aantal(t["woningen"]),
        "afspraken": aantal(t["afspraken"]),
        "uren": getal(t["vrijwilligersuren"], 1, compact=True, groeperen=True),
        "buurt": aantal(t["deelnemers_buurt"]),
        "besteding": bedrag(t["besteding"]),
        "per_woning": bedrag(per_woning) if per_woning is not None else "–",
        "statussen": ", ".join(
            f"{STATUS_LABELS[s]} {n}" for s, n in t["statussen"].items()
        ),
        "verdicten": ", ".join(
            f"{Verdict(v).label} {n}" for v, n in t["verdicten"].items()
        ),
    }


def gemeente_html(data: dict[str, Any], *, moment: datetime.datetime, taal: str) -> str:
    """The HTML of a gemeente report in `taal`."""
    taal = rapporttaal(taal)
    with translation.override(taal):
        d = printable(data)
        return render_to_string(
            "pdf/gemeenterapport.html",
            {
                "d": d,
                "taal": taal,
                "totaal": _rij(_("Totaal"), d["totaal"]),
                "corporaties": [_rij(g["naam"], g) for g in d["per_corporatie"]],
                "buurten": [
                    _rij(g["naam"] or _("zonder buurtcode"), g) for g in d["per_buurt"]
                ],
                "definitie": definitie_per_woning(d["jaar"], taal=taal),
                "opgemaakt": moment_tekst(timezone.localtime(moment), "lang"),
                "moment_iso": moment.astimezone(datetime.UTC).strftime(
                    "%Y-%m-%dT%H:%M:%SZ"
                ),
            },
        )


def render(data: dict[str, Any], *, moment: datetime.datetime, taal: str) -> bytes:
    """The PDF/A-3b of built data (with the journal head in `data`), the data
    attached as JSON. The same data, moment and language give the same bytes."""
    taal = rapporttaal(taal)
    with translation.override(taal):
        bijlage = Bijvoegsel(
            BIJLAGE, canonical_json(data), _("Gegevens van het gemeenterapport (JSON)")
        )
    pdf, _fetcher = render_pdf(
        gemeente_html(data, moment=moment, taal=taal),
        attachments=(bijlage,),
        moment=moment,
        identifier=f"gemeenterapport-{data['gemeentecode']}-{data['jaar']}".encode(),
    )
    return pdf


def _data_sum(data: dict[str, Any]) -> str:
    return sha256_of(json.dumps(data, sort_keys=True).encode())


def _eerder(gemeentecode: str, jaar: int, data_sha256: str, taal: str, dag: str):
    """The seal entry of the same data, language and day, if any."""
    return (
        AuditEntry.objects.filter(
            keten=journal.PLATFORM_KETEN,
            action=ACTIE,
            object_id=f"{gemeentecode}-{jaar}",
            after__data_sha256=data_sha256,
            after__taal=taal,
            after__dag=dag,
        )
        .order_by("seq")
        .first()
    )


def seal(*, gemeentecode: str, jaar: int, actor, taal: str = "nl") -> bytes:
    """The sealed gemeente report of the gemeente-year as it stands now (see
    the module): rendered, its sum journaled in the platform chain."""
    taal = rapporttaal(taal)
    roll_up = gemeente_overzicht(gemeentecode=gemeentecode, jaar=jaar).as_data()
    data_sha256 = _data_sum(roll_up)
    dag = timezone.localdate().isoformat()
    eerder = _eerder(gemeentecode, jaar, data_sha256, taal, dag)
    if eerder is not None:
        data = {**roll_up, "journaal": eerder.after["journaal"]}
        moment = datetime.datetime.fromisoformat(eerder.after["moment"])
        return render(data, moment=moment, taal=taal)
    kop = journal.head_of(journal.PLATFORM_KETEN)
    moment = timezone.now().replace(microsecond=0)
    journaal = {"keten": kop.keten, "seq": kop.seq, "hash": kop.hash}
    data = {**roll_up, "journaal": journaal}
    pdf = render(data, moment=moment, taal=taal)
    with transaction.atomic():
        journal.record(
            actor=actor,
            action=ACTIE,
            object_type=OBJECT_TYPE,
            object_id=f"{gemeentecode}-{jaar}",
            object_repr=_("Gemeenterapport %(gemeente)s %(jaar)s")
            % {"gemeente": gemeentecode, "jaar": jaar},
            after={
                "gemeentecode": gemeentecode,
                "jaar": jaar,
                "sha256": sha256_of(pdf),
                "data_sha256": data_sha256,
                "taal": taal,
                "dag": dag,
                "moment": moment.isoformat(),
                "journaal": journaal,
            },
        )
    return pdf


def verify(*, pdf: bytes | None = None, sha256: str | None = None):
    """The journal entry that sealed these bytes (or this SHA-256) as a
    gemeente report, or None."""
    if pdf is not None:
        sha256 = sha256_of(pdf)
    sha256 = (sha256 or "").strip().lower()
    if len(sha256) != 64:
        return None
    return (
        AuditEntry.objects.filter(
            keten=journal.PLATFORM_KETEN, action=ACTIE, after__sha256=sha256
        )
        .order_by("seq")
        .first()
    )

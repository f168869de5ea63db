"""The nalevingsrapport as a document: its HTML, rendered from a toetsing's stored
snapshot only, its PDF and the data attached inside it. Deterministic, so the
same toetsing, journal heads and moment always give the same bytes; sealing,
verifying and bundling the stored reports is `afspraken.rapporten`."""

from __future__ import annotations

import csv
import datetime
import io
import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation

from kern import formatting, journal
from kern.tabellen import safe_cell
from ledger.choices import BoekingSoort, Thema

from .charts import Staaf, staafdiagram
from .choices import Richting, ToetsingStatus, Verdict
from .indicatoren import definitie
from .models import Toetsing
from .pdf import Bijvoegsel, printable, render_pdf

CSV_COLUMNS = (
    "datum",
    "titel",
    "thema",
    "open_voor_buurt",
    "deelnemers_leden",
    "deelnemers_buurt",
    "vrijwilligersuren",
    "aantal_vrijwilligers",
    "partners",
    "omschrijving",
)


# The characters of an activity's description the report prints; a longer one is
# cut with a note (the attached snapshot.json and activiteiten.csv hold it whole),
# so a year's report stays a readable size and renders in seconds.
OMSCHRIJVING_AFDRUK = 1500

# How the report names the organisation whose journal chain it prints.
_KETEN_EIGENAAR_LABEL = {"corporatie": "corporatie", "cooperatie": "coöperatie"}


def canonical_snapshot(snapshot: dict[str, Any]) -> bytes:
    return json.dumps(snapshot, sort_keys=True, ensure_ascii=False, indent=1).encode(
        "utf-8"
    )


def activiteiten_csv(snapshot: dict[str, Any]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for a in snapshot.get("activiteiten", []):
        writer.writerow([safe_cell(a.get(col)) for col in CSV_COLUMNS])
    return out.getvalue().encode("utf-8-sig")


def norm_label(row: dict[str, Any]) -> str:
    """The norm of a snapshot row as printed: "≥ 20", "≤ € 6000", "≥ 70%"."""
    indicator = definitie(row["indicator"])
    if indicator.kwalitatief:
        return "beoordeling"
    prefix = "≤" if row["richting"] == Richting.MAXIMAAL else "≥"
    return f"{prefix} {indicator.eenheid.afdruk(Decimal(row['norm']))}"


def _filters(row: dict[str, Any]) -> str:
    parts = []
    if row.get("thema"):
        parts.append(f"alleen thema {Thema(row['thema']).label}")
    if row.get("alleen_open_voor_buurt"):
        parts.append("alleen activiteiten open voor de buurt")
    return "; ".join(parts)


def _chart(snapshot: dict[str, Any]) -> str:
    staven = []
    historie = snapshot.get("historie", {})
    for row in snapshot["toezeggingen"]:
        if row.get("waarde") is None:
            continue
        staven.append(
            Staaf(
                label=row["omschrijving"],
                waarde=Decimal(row["waarde"]),
                norm=Decimal(row["norm"]),
                verdict=row["verdict"],
                maximaal=row["richting"] == Richting.MAXIMAAL,
                eerder=tuple(
                    (jaar, Decimal(w)) for jaar, w in historie.get(str(row["id"]), [])
                ),
            )
        )
    if not staven:
        return ""
    return staafdiagram(staven, title="Gemeten waarde tegen de norm (100% = norm)")


def toezegging_afdruk(row: dict[str, Any]) -> dict[str, Any]:
    """One row of the report's clause table, from a snapshot row."""
    return {
        **row,
        "indicator_label": definitie(row["indicator"]).label,
        "verdict_label": Verdict(row["verdict"]).label,
        "norm_label": norm_label(row),
        "filters": _filters(row),
    }


# A concept is rendered here without `render_nalevingsrapport`: Dutch all the same.
@translation.override("nl")
def nalevingsrapport_html(
    snapshot: dict[str, Any],
    *,
    status: str,
    moment: datetime.datetime,
    vastgesteld_door: str = "",
    journaal_hash: str = "",
    journaal_koppen: Sequence[journal.Kop] = (),
    concept: bool = False,
) -> str:
    """The HTML of a nalevingsrapport. A `concept` is a draft of a year not yet
    vastgesteld: marked on every page, never sealed."""
    snapshot = printable(snapshot)
    vastgesteld_door = printable(vastgesteld_door)
    toezeggingen = [toezegging_afdruk(row) for row in snapshot["toezeggingen"]]
    local = timezone.localtime(moment)
    return render_to_string(
        "pdf/nalevingsrapport.html",
        {
            "s": snapshot,
            "toezeggingen": toezeggingen,
            "activiteiten": [
                {**a, "thema_label": Thema(a["thema"]).label}
                for a in snapshot.get("activiteiten", [])
            ],
            "boekingen": [
                {
                    **b,
                    "soort_label": BoekingSoort(b["soort"]).label,
                    "bedrag": formatting.bedrag(b["bedrag"], taal="nl"),
                }
                for b in snapshot.get("boekingen", [])
            ],
            "geld": {
                key: formatting.bedrag(snapshot["cijfers"][key], taal="nl")
                for key in ("uitgaven", "uitgaven_gestorneerd", "besteding")
            },
            "status": ToetsingStatus(status).label,
            "verdict_label": Verdict(snapshot["verdict"]).label,
            "soort_cooperatie": (
                "wooncoöperatie"
                if snapshot["cooperatie"]["soort"] == "woon"
                else "beheercoöperatie"
            ),
            "aandeel_doelgroep": formatting.percentage(
                snapshot["cijfers"]["aandeel_doelgroep"], taal="nl"
            ),
            "vastgesteld_op": (
                formatting.moment(local, taal="nl")
                if status == ToetsingStatus.VASTGESTELD
                else ""
            ),
            "vastgesteld_door": vastgesteld_door,
            "concept": concept,
            "moment_lokaal": formatting.moment(local, taal="nl"),
            "grafiek": _chart(snapshot),
            "omschrijving_afdruk": OMSCHRIJVING_AFDRUK,
            "journaal_hash": journaal_hash or "(nog niet verzegeld)",
            "journaal_koppen": [
                {
                    "wie": _KETEN_EIGENAAR_LABEL[journal.keten_eigenaar(kop.keten)[0]],
                    "keten": kop.keten,
                    "seq": kop.seq,
                    "hash": kop.hash,
                }
                for kop in journaal_koppen
            ],
            "moment_iso": moment.astimezone(datetime.UTC).strftime(
                "%Y-%m-%dT%H:%M:%SZ"
            ),
        },
    )


# Reports are evidence: always Dutch, whatever language the requester reads.
@translation.override("nl")
def render_nalevingsrapport(
    toetsing: Toetsing,
    *,
    journaal_hash: str,
    moment: datetime.datetime,
    journaal_koppen: Sequence[journal.Kop] = (),
) -> bytes:
    """The PDF of a toetsing's stored snapshot. Deterministic: the same toetsing,
    hash and moment always give the same bytes."""
    snapshot = toetsing.snapshot
    door = toetsing.vastgesteld_door
    html = nalevingsrapport_html(
        snapshot,
        status=toetsing.status,
        moment=moment,
        vastgesteld_door=(door.get_full_name() or door.get_username()) if door else "",
        journaal_hash=journaal_hash,
        journaal_koppen=journaal_koppen,
    )
    pdf, _ = render_pdf(
        html,
        attachments=(
            Bijvoegsel(
                "snapshot.json",
                canonical_snapshot(snapshot),
                "Vastgelegde resultaten van de toetsing (JSON)",
            ),
            Bijvoegsel(
                "activiteiten.csv",
                activiteiten_csv(snapshot),
                "Activiteiten van het jaar (CSV, puntkomma-gescheiden)",
            ),
            *(
                (
                    Bijvoegsel(
                        JOURNAAL_BIJLAGE,
                        journaal_koppen_json(journaal_koppen),
                        "Koppen van de journaalketens bij verzegeling (JSON)",
                    ),
                )
                if journaal_koppen
                else ()
            ),
        ),
        moment=moment,
        identifier=f"nalevingsrapport-toetsing-{toetsing.pk}".encode(),
    )
    return pdf


# The chain heads a sealed PDF prints, also attached machine-readably: bound to
# the report by its SHA-256, they anchor the chains independently of the
# Rapport row (which whoever can rewrite a chain can rewrite too).
JOURNAAL_BIJLAGE = "journaal.json"


def journaal_koppen_json(koppen: Sequence[journal.Kop]) -> bytes:
    return journal.canonical_json(
        {"ketens": {k.keten: {"seq": k.seq, "hash": k.hash} for k in koppen}}
    ).encode("utf-8")

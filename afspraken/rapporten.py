"""The nalevingsrapport: rendered from a toetsing's stored snapshot only, sealed
once with the SHA-256 of its bytes, and verifiable later from the bytes or the sum.
Also the auditor bundle (one ZIP per corporatie-year)."""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import json
import zipfile
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

import pypdf

from ledger import journal
from ledger.choices import BoekingSoort, Thema

from .charts import Staaf, staafdiagram
from .choices import Indicator, Richting, ToetsingStatus, Verdict
from .evaluatie import format_waarde
from .models import Rapport, Toetsing
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


def canonical_snapshot(snapshot: dict[str, Any]) -> bytes:
    return json.dumps(snapshot, sort_keys=True, ensure_ascii=False, indent=1).encode(
        "utf-8"
    )


def safe_cell(value: Any) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def activiteiten_csv(snapshot: dict[str, Any]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for a in snapshot.get("activiteiten", []):
        writer.writerow([safe_cell(a.get(col)) for col in CSV_COLUMNS])
    return out.getvalue().encode("utf-8-sig")


def euro(value: str | Decimal) -> str:
    """`1234.5` as `1.234,50` (Dutch notation, two decimals)."""
    text = f"{Decimal(value):,.2f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def norm_label(row: dict[str, Any]) -> str:
    if row["indicator"] == Indicator.KWALITATIEF:
        return "beoordeling"
    norm = Decimal(row["norm"]).normalize()
    prefix = "≤" if row["richting"] == Richting.MAXIMAAL else "≥"
    unit = "%" if row["indicator"].startswith("aandeel_") else ""
    euro = "€ " if row["indicator"] == Indicator.BESTEDING else ""
    return f"{prefix} {euro}{norm:f}{unit}".replace(".", ",")


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


def nalevingsrapport_html(
    snapshot: dict[str, Any],
    *,
    status: str,
    moment: datetime.datetime,
    vastgesteld_door: str = "",
    journaal_hash: str = "",
    concept: bool = False,
) -> str:
    """The HTML of a nalevingsrapport. A `concept` is a draft of a year not yet
    vastgesteld: marked on every page, never sealed."""
    snapshot = printable(snapshot)
    vastgesteld_door = printable(vastgesteld_door)
    toezeggingen = [
        {
            **row,
            "indicator_label": Indicator(row["indicator"]).label,
            "verdict_label": Verdict(row["verdict"]).label,
            "norm_label": norm_label(row),
            "filters": _filters(row),
        }
        for row in snapshot["toezeggingen"]
    ]
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
                    "bedrag": euro(b["bedrag"]),
                }
                for b in snapshot.get("boekingen", [])
            ],
            "geld": {
                key: euro(snapshot["cijfers"][key])
                for key in ("uitgaven", "uitgaven_gestorneerd", "besteding")
            },
            "status": ToetsingStatus(status).label,
            "verdict_label": Verdict(snapshot["verdict"]).label,
            "soort_cooperatie": (
                "wooncoöperatie"
                if snapshot["cooperatie"]["soort"] == "woon"
                else "beheercoöperatie"
            ),
            "aandeel_doelgroep": format_waarde(
                Fraction(Decimal(snapshot["cijfers"]["aandeel_doelgroep"]))
            ),
            "vastgesteld_op": (
                local.strftime("%d-%m-%Y %H:%M")
                if status == ToetsingStatus.VASTGESTELD
                else ""
            ),
            "vastgesteld_door": vastgesteld_door,
            "concept": concept,
            "moment_lokaal": local.strftime("%d-%m-%Y %H:%M"),
            "grafiek": _chart(snapshot),
            "omschrijving_afdruk": OMSCHRIJVING_AFDRUK,
            "journaal_hash": journaal_hash or "(nog niet verzegeld)",
            "moment_iso": moment.astimezone(datetime.UTC).strftime(
                "%Y-%m-%dT%H:%M:%SZ"
            ),
        },
    )


# Reports are evidence: always Dutch, whatever language the requester reads.
@translation.override("nl")
def render_nalevingsrapport(
    toetsing: Toetsing, *, journaal_hash: str, moment: datetime.datetime
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
        ),
        moment=moment,
        identifier=f"nalevingsrapport-toetsing-{toetsing.pk}".encode(),
    )
    return pdf


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def verify(*, pdf: bytes | None = None, sha256: str | None = None) -> Rapport | None:
    """The sealed report these bytes (or this SHA-256) are, or None."""
    if pdf is not None:
        sha256 = sha256_of(pdf)
    if not sha256:
        return None
    sha256 = sha256.strip().lower()
    return (
        Rapport.objects.select_related("toetsing__afspraak__cooperatie")
        .filter(sha256=sha256)
        .first()
    )


def auditor_bundle(*, rapporten, corporatie_naam: str, jaar: int) -> bytes:
    """One ZIP: every sealed PDF, its attached data, and a manifest of SHA-256 sums."""
    buffer = io.BytesIO()
    sums: list[tuple[str, str]] = []
    # ZIP dates start in 1980; any earlier year is stamped 1 January 1980.
    stamp = (jaar, 12, 31, 0, 0, 0) if jaar >= 1980 else (1980, 1, 1, 0, 0, 0)

    def add(zf: zipfile.ZipFile, name: str, data: bytes) -> None:
        info = zipfile.ZipInfo(name, date_time=stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        zf.writestr(info, data)
        sums.append((sha256_of(data), name))

    with zipfile.ZipFile(buffer, "w") as zf:
        for rapport in rapporten:
            toetsing = rapport.toetsing
            stem = f"{toetsing.jaar}-toetsing-{toetsing.pk}"
            with rapport.pdf.open("rb") as fh:
                pdf = fh.read()
            if sha256_of(pdf) != rapport.sha256:
                # A stored file that no longer matches its seal is evidence of
                # tampering or corruption: never hand it out as the sealed report.
                raise ValueError(
                    f"het opgeslagen bestand van rapport {rapport.pk} klopt niet "
                    "met de SHA-256 van de verzegeling"
                )
            add(zf, f"{stem}/nalevingsrapport.pdf", pdf)
            # The data exactly as sealed inside the PDF, not regenerated.
            for name, contents in sorted(
                pypdf.PdfReader(io.BytesIO(pdf)).attachments.items()
            ):
                add(zf, f"{stem}/{name}", contents[0])
        manifest = "".join(f"{digest}  {name}\n" for digest, name in sums)
        zf.writestr(zipfile.ZipInfo("SHA256SUMS", date_time=stamp), manifest)
        zf.writestr(
            zipfile.ZipInfo("LEESMIJ.txt", date_time=stamp),
            f"Auditorbundel {corporatie_naam}, {jaar}\n\n"
            "Elke map bevat een verzegeld nalevingsrapport met de gegevens die erin\n"
            "zijn bijgevoegd. SHA256SUMS bevat de SHA-256 van elk bestand;\n"
            "controleer met: sha256sum -c SHA256SUMS\n",
        )
    return buffer.getvalue()


def seal(toetsing: Toetsing, *, actor) -> Rapport:
    """Render the nalevingsrapport of a vastgestelde toetsing once and store it
    with the SHA-256 of its bytes. Call inside the vaststellen transaction, which
    holds the journal head lock's turn: the head printed in the PDF is the newest
    entry before the vaststellen entry itself."""
    if Rapport.objects.filter(toetsing=toetsing).exists():
        raise ValidationError(
            {"toetsing": _("Deze toetsing heeft al een verzegeld rapport.")}
        )
    # Take the journal's turn first: no other write can slip in between the head
    # printed in the PDF and the vaststellen entry that records this seal.
    journaal_hash = journal.lock_head().hash
    pdf = render_nalevingsrapport(
        toetsing, journaal_hash=journaal_hash, moment=toetsing.vastgesteld_op
    )
    rapport = Rapport(
        toetsing=toetsing,
        sha256=sha256_of(pdf),
        journaal_hash=journaal_hash,
        created_by=actor,
    )
    rapport.pdf.save(
        f"nalevingsrapport-{toetsing.jaar}-toetsing-{toetsing.pk}.pdf",
        ContentFile(pdf),
        save=False,
    )
    rapport.save()
    return rapport

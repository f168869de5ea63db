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
from django.utils.translation import gettext as _

from kern import formatting, journal
from kern.tabellen import safe_cell
from ledger.choices import BoekingSoort, Thema, WoningwetSignaal

from .charts import Staaf, staafdiagram
from .choices import Richting, ToetsingStatus, Verdict
from .indicatoren import AANTAL, UREN, definitie
from .models import Toetsing
from .models.prestatieafspraken import looptijd as prestatieafspraak_looptijd
from .pdf import Bijvoegsel, printable, rapporttaal, render_pdf

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


def _keten_eigenaar_label(eigenaar: str) -> str:
    """How the report names the organisation whose journal chain it prints."""
    return _("coöperatie") if eigenaar == "cooperatie" else _("corporatie")


def looptijd(ingangsjaar: int, eindjaar: int | None) -> str:
    """The years an afspraak runs: "2024–2027", "vanaf 2024"."""
    if eindjaar is None:
        return _("vanaf %(jaar)s") % {"jaar": ingangsjaar}
    return f"{ingangsjaar}–{eindjaar}"


def titel_met_looptijd(
    titel: str, ingangsjaar: int | None, eindjaar: int | None
) -> str:
    """An afspraak's title with its years, unless the title already names them
    ("De Zambesi 2024–2027" is not followed by ", 2024–2027" again)."""
    if ingangsjaar is None:
        return titel
    jaren = [str(ingangsjaar)] + ([] if eindjaar is None else [str(eindjaar)])
    if all(jaar in titel for jaar in jaren):
        return titel
    return f"{titel}, {looptijd(ingangsjaar, eindjaar)}"


def prestatieafspraak_afdruk(afspraak: dict[str, Any]) -> str:
    """The prestatieafspraak line of the cover: the object's title, gemeente and
    years, with the afspraak's own reference text; a snapshot of version 1 or 2
    holds only that text (under "prestatieafspraak"), printed as it was."""
    verwijzing = afspraak.get("prestatieafspraak")
    kenmerk = afspraak.get("prestatieafspraak_kenmerk") or ""
    if isinstance(verwijzing, str):
        return verwijzing
    if not verwijzing:
        return kenmerk
    jaren = prestatieafspraak_looptijd(
        verwijzing["ingangsjaar"], verwijzing.get("eindjaar")
    )
    regel = _("%(titel)s (%(gemeente)s, %(jaren)s)") % {
        "titel": verwijzing["titel"],
        "gemeente": verwijzing["gemeentecode"],
        "jaren": jaren,
    }
    if verwijzing.get("huurdersorganisatie"):
        regel += "; " + _("met %(huurders)s") % {
            "huurders": verwijzing["huurdersorganisatie"]
        }
    return f"{regel}; {kenmerk}" if kenmerk else regel


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
    """The norm of a snapshot row as printed: "≥ 20", "≤ € 6.000,00", "≥ 70%"."""
    indicator = definitie(row["indicator"])
    if indicator.kwalitatief:
        return _("beoordeling")
    prefix = "≤" if row["richting"] == Richting.MAXIMAAL else "≥"
    return f"{prefix} {indicator.eenheid.afdruk(Decimal(row['norm']))}"


def _filters(row: dict[str, Any]) -> str:
    parts = []
    if row.get("thema"):
        parts.append(_("alleen thema %(thema)s") % {"thema": Thema(row["thema"]).label})
    if row.get("alleen_open_voor_buurt"):
        parts.append(_("alleen activiteiten open voor de buurt"))
    return "; ".join(parts)


def _chart(snapshot: dict[str, Any]) -> str:
    staven = []
    historie = snapshot.get("historie", {})
    for row in snapshot["toezeggingen"]:
        if row.get("waarde") is None:
            continue
        eenheid = definitie(row["indicator"]).eenheid
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
                waarde_tekst=eenheid.meetwaarde(row["waarde"]),
                norm_tekst=eenheid.afdruk(row["norm"]),
            )
        )
    if not staven:
        return ""
    return staafdiagram(staven, title=_("Gemeten waarde tegen de norm (100% = norm)"))


def toezegging_afdruk(row: dict[str, Any]) -> dict[str, Any]:
    """One row of the report's clause table, from a snapshot row."""
    indicator = definitie(row["indicator"])
    return {
        **row,
        "meetwaarde": (
            indicator.eenheid.meetwaarde(row.get("waarde"))
            if indicator.eenheid is not None
            else formatting.LEEG
        ),
        "indicator_label": indicator.label,
        "verdict_label": Verdict(row["verdict"]).label,
        "norm_label": norm_label(row),
        "filters": _filters(row),
    }


def _datum(iso: str | None, vorm: str = "lang") -> str:
    """A date of the snapshot (ISO text) as the report writes it."""
    if not iso:
        return ""
    return formatting.datum(datetime.date.fromisoformat(iso), vorm)


def _kerncijfers(cijfers: dict[str, Any]) -> dict[str, str]:
    """The key figures as printed: counts whole, hours and the percentage in the
    precision of their indicator, money to the cent."""
    return {
        "aantal_leden": AANTAL.meetwaarde(cijfers.get("aantal_leden")),
        "aantal_doelgroep": AANTAL.meetwaarde(cijfers.get("aantal_doelgroep")),
        "aandeel_doelgroep": definitie("aandeel_doelgroep").eenheid.meetwaarde(
            cijfers.get("aandeel_doelgroep")
        ),
        "actieve_leden": AANTAL.meetwaarde(cijfers.get("actieve_leden")),
        "aantal_activiteiten": AANTAL.meetwaarde(cijfers.get("aantal_activiteiten")),
        "vrijwilligersuren": UREN.meetwaarde(cijfers.get("vrijwilligersuren")),
        "deelnemers_buurt": AANTAL.meetwaarde(cijfers.get("deelnemers_buurt")),
    }


def _woningwet_signalen(cijfers: dict[str, Any]) -> list[dict[str, str]]:
    """The activities counted per Woningwet flag, in snapshots from version 2
    on; an older snapshot has none and prints as it always did."""
    return [
        {"label": WoningwetSignaal(code).label, "aantal": AANTAL.meetwaarde(n)}
        for code, n in cijfers.get("woningwet_signalen", {}).items()
    ]


def _activiteit(a: dict[str, Any]) -> dict[str, Any]:
    return {
        **a,
        "thema_label": Thema(a["thema"]).label,
        "datum_tekst": _datum(a["datum"]),
        "leden_tekst": AANTAL.meetwaarde(a["deelnemers_leden"]),
        "buurt_tekst": AANTAL.meetwaarde(a["deelnemers_buurt"]),
        "uren_tekst": UREN.meetwaarde(a["vrijwilligersuren"]),
        "vrijwilligers": a["aantal_vrijwilligers"],
        "vrijwilligers_tekst": AANTAL.meetwaarde(a["aantal_vrijwilligers"]),
    }


def nalevingsrapport_html(
    snapshot: dict[str, Any],
    *,
    status: str,
    moment: datetime.datetime,
    vastgesteld_door: str = "",
    journaal_hash: str = "",
    journaal_koppen: Sequence[journal.Kop] = (),
    concept: bool = False,
    taal: str = "nl",
) -> str:
    """The HTML of a nalevingsrapport, in `taal` (Dutch unless English is asked
    for, whatever language the requester reads). A `concept` is a draft of a
    year not yet vastgesteld: marked on every page, never sealed."""
    taal = rapporttaal(taal)
    with translation.override(taal):
        return _nalevingsrapport_html(
            snapshot,
            status=status,
            moment=moment,
            vastgesteld_door=vastgesteld_door,
            journaal_hash=journaal_hash,
            journaal_koppen=journaal_koppen,
            concept=concept,
            taal=taal,
        )


def _nalevingsrapport_html(
    snapshot: dict[str, Any],
    *,
    status: str,
    moment: datetime.datetime,
    vastgesteld_door: str,
    journaal_hash: str,
    journaal_koppen: Sequence[journal.Kop],
    concept: bool,
    taal: str,
) -> str:
    snapshot = printable(snapshot)
    vastgesteld_door = printable(vastgesteld_door)
    toezeggingen = [toezegging_afdruk(row) for row in snapshot["toezeggingen"]]
    local = timezone.localtime(moment)
    afspraak = snapshot["afspraak"]
    return render_to_string(
        "pdf/nalevingsrapport.html",
        {
            "taal": taal,
            "s": snapshot,
            "toezeggingen": toezeggingen,
            "activiteiten": [_activiteit(a) for a in snapshot.get("activiteiten", [])],
            "boekingen": [
                {
                    **b,
                    "soort_label": BoekingSoort(b["soort"]).label,
                    "datum_tekst": _datum(b["datum"]),
                    "bedrag": formatting.bedrag(b["bedrag"]),
                }
                for b in snapshot.get("boekingen", [])
            ],
            "geld": {
                key: formatting.bedrag(snapshot["cijfers"][key])
                for key in ("uitgaven", "uitgaven_gestorneerd", "besteding")
            },
            "cijfers": _kerncijfers(snapshot["cijfers"]),
            "woningwet_signalen": _woningwet_signalen(snapshot["cijfers"]),
            "gebouwen": [
                {**g, "woningen_tekst": AANTAL.meetwaarde(g["aantal_woningen"])}
                for g in snapshot.get("gebouwen", [])
            ],
            "afspraak_titel": titel_met_looptijd(
                afspraak["titel"], afspraak.get("ingangsjaar"), afspraak.get("eindjaar")
            ),
            "ondertekend_op": _datum(afspraak.get("ondertekend_op")),
            "prestatieafspraak": prestatieafspraak_afdruk(afspraak),
            "peildatum": _datum(snapshot["toetsing"].get("peildatum")),
            "status": ToetsingStatus(status).label,
            "verdict_label": Verdict(snapshot["verdict"]).label,
            "soort_cooperatie": (
                _("wooncoöperatie")
                if snapshot["cooperatie"]["soort"] == "woon"
                else _("beheercoöperatie")
            ),
            "vastgesteld": status == ToetsingStatus.VASTGESTELD,
            "vastgesteld_op": (
                formatting.moment(local, "lang")
                if status == ToetsingStatus.VASTGESTELD
                else ""
            ),
            "vastgesteld_door": vastgesteld_door,
            "concept": concept,
            "moment_lokaal": formatting.moment(local, "lang"),
            "grafiek": _chart(snapshot),
            "omschrijving_afdruk": OMSCHRIJVING_AFDRUK,
            "journaal_hash": journaal_hash or _("(nog niet verzegeld)"),
            "journaal_koppen": [
                {
                    "wie": _keten_eigenaar_label(journal.keten_eigenaar(kop.keten)[0]),
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


def render_nalevingsrapport(
    toetsing: Toetsing,
    *,
    journaal_hash: str,
    moment: datetime.datetime,
    journaal_koppen: Sequence[journal.Kop] = (),
    taal: str = "nl",
) -> bytes:
    """The PDF of a toetsing's stored snapshot in `taal` (reports are evidence:
    Dutch unless the one who seals reads English, whatever language the
    requester reads). Deterministic: the same toetsing, hash, moment and
    language always give the same bytes."""
    taal = rapporttaal(taal)
    snapshot = toetsing.snapshot
    door = toetsing.vastgesteld_door
    html = nalevingsrapport_html(
        snapshot,
        status=toetsing.status,
        moment=moment,
        vastgesteld_door=(door.get_full_name() or door.get_username()) if door else "",
        journaal_hash=journaal_hash,
        journaal_koppen=journaal_koppen,
        taal=taal,
    )
    with translation.override(taal):
        attachments = (
            Bijvoegsel(
                "snapshot.json",
                canonical_snapshot(snapshot),
                _("Vastgelegde resultaten van de toetsing (JSON)"),
            ),
            Bijvoegsel(
                "activiteiten.csv",
                activiteiten_csv(snapshot),
                _("Activiteiten van het jaar (CSV, puntkomma-gescheiden)"),
            ),
            *(
                (
                    Bijvoegsel(
                        JOURNAAL_BIJLAGE,
                        journaal_koppen_json(journaal_koppen),
                        _("Koppen van de journaalketens bij verzegeling (JSON)"),
                    ),
                )
                if journaal_koppen
                else ()
            ),
        )
    pdf, _fetcher = render_pdf(
        html,
        attachments=attachments,
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

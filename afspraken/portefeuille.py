"""The portefeuillerapport: one corporatie, one year, every afspraak that runs in
the year with its verdict as a traffic-light overview, grouped per gemeente and per
gebouw, plus the corporatie's leefbaarheid spending per woning (domain §6).

`build` turns the selectors' rows into plain JSON data (attached inside the PDF as
`portefeuille.json`); `render` turns that data into PDF/A-3b bytes. A constant
number of queries however many afspraken: the corporatie and `corporatie_jaar`
(whose year figures also give the spending). The report is not sealed: it
shows the year as it stands when rendered (verdicts of years not yet vastgesteld
are provisional).

Leefbaarheid spending per woning (`besteding_per_woning`): the besteding in the
year (uitgaven minus the storno's of those uitgaven, domain §5) of every cooperatie
with an afspraak with the corporatie running in the year, each cooperatie counted
once, divided by the total aantal_woningen of the gebouwen in those afspraken, each
gebouw counted once; rounded half up to cents. No woningen: no figure (None).
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from collections import Counter, defaultdict
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cooperatie.models import Corporatie
from kern.formatting import aantal, bedrag, datum, getal
from kern.formatting import moment as moment_tekst
from kern.tabellen import safe_cell

from . import leefbaarheid as buurt
from . import termijnen
from .charts import Telling, telling_diagram
from .choices import ToetsingStatus, Verdict
from .indicatoren import AANTAL, UREN
from .leefbaarheid import CENT, besteding_per_woning
from .pdf import Bijvoegsel, printable, rapporttaal, render_pdf
from .selectors import corporatie_jaar

# 2: each afspraak carries uiterlijk_indienen and te_laat; statussen counts te_laat.
# 3: leefbaarheid carries per_daeb (spending per DAEB-woning and the year's
#    limit with its source); buurttrends (afspraken.leefbaarheid).
VERSIE = 3

# Status of an afspraak running in the year whose toetsing has not been opened.
NIET_GEOPEND = "niet_geopend"
STATUS_LABELS = {
    NIET_GEOPEND: gettext_lazy("nog niet geopend"),
    **{s.value: s.label for s in ToetsingStatus},
}
STATUS_ORDER = (NIET_GEOPEND, *ToetsingStatus.values)
VERDICT_ORDER = tuple(Verdict.values)

DEFINITIE_PER_WONING = gettext_lazy(
    "Leefbaarheidsbesteding per woning = de besteding in {jaar} (uitgaven min de "
    "storno's van die uitgaven) van alle coöperaties met een afspraak met de "
    "corporatie die in {jaar} loopt, elke coöperatie één keer geteld, gedeeld door "
    "het totale aantal woningen van de gebouwen in die afspraken, elk gebouw één "
    "keer geteld. Afgerond op hele centen. Zonder woningen is er geen bedrag per "
    "woning (n.v.t.)."
)

CSV_COLUMNS = (
    "afspraak_id",
    "afspraak",
    "cooperatie",
    "cooperatie_kvk",
    "gemeentecodes",
    "gebouwen",
    "aantal_woningen",
    "toetsing_id",
    "status",
    "uiterlijk_indienen",
    "te_laat",
    "oordeel",
    "voorlopig",
    "toezeggingen",
    "nagekomen",
    "deels",
    "niet_nagekomen",
    "te_beoordelen",
)


def definitie_per_woning(jaar: int, *, taal: str | None = None) -> str:
    """How the spending per woning is computed, in words, for the year."""
    with translation.override(taal or translation.get_language()):
        return str(DEFINITIE_PER_WONING).format(jaar=jaar)


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{Decimal(value).quantize(CENT):f}"


def build(
    *, corporatie_id: int, jaar: int, vandaag: datetime.date | None = None
) -> dict[str, Any]:
    """The portefeuille of a corporatie-year as plain JSON data.

    Queries (constant): the corporatie (1), `corporatie_jaar` (afspraken,
    gebouwen, toezeggingen, toetsingen, beoordelingen, and the jaarcijfers that
    also give the spending of the cooperaties), the year's limit per
    DAEB-woning (1) and, when a gebouw has a buurtcode, the buurt trend's
    scores and contribution (2).
    """
    vandaag = vandaag or timezone.localdate()
    corporatie = Corporatie.objects.get(pk=corporatie_id)
    regels = corporatie_jaar(jaar=jaar, corporatie_ids=[corporatie_id])

    cooperaties: dict[int, Any] = {}
    gebouwen: dict[int, Any] = {}
    afspraken = []
    per_gebouw: dict[int, list[int]] = defaultdict(list)
    cooperaties_per_gebouw: dict[int, set[int]] = defaultdict(set)
    zonder_gebouw: list[int] = []
    for regel in regels:
        afspraak, toetsing = regel.afspraak, regel.toetsing
        cooperaties[afspraak.cooperatie_id] = afspraak.cooperatie
        eigen = sorted(afspraak.gebouwen.all(), key=lambda g: (g.complexnummer, g.pk))
        for gebouw in eigen:
            gebouwen[gebouw.pk] = gebouw
            per_gebouw[gebouw.pk].append(afspraak.pk)
            cooperaties_per_gebouw[gebouw.pk].add(afspraak.cooperatie_id)
        if not eigen:
            zonder_gebouw.append(afspraak.pk)
        status = toetsing.status if toetsing is not None else NIET_GEOPEND
        tellingen = Counter(r.verdict for r in regel.resultaat.toezeggingen)
        uiterlijk = afspraak.uiterlijk_indienen(jaar)
        afspraken.append(
            {
                "id": afspraak.pk,
                "titel": afspraak.titel,
                "ingangsjaar": afspraak.ingangsjaar,
                "eindjaar": afspraak.eindjaar,
                "cooperatie_id": afspraak.cooperatie_id,
                "gebouw_ids": [g.pk for g in eigen],
                "toetsing_id": toetsing.pk if toetsing is not None else None,
                "status": status,
                "uiterlijk_indienen": uiterlijk.isoformat(),
                "te_laat": termijnen.te_laat(
                    toetsing.status if toetsing is not None else "",
                    uiterlijk,
                    vandaag,
                ),
                "verdict": regel.resultaat.verdict,
                # Only a vastgesteld year has a final verdict.
                "voorlopig": status != ToetsingStatus.VASTGESTELD,
                "bevroren": regel.bevroren,
                "toezeggingen": {
                    "aantal": len(regel.resultaat.toezeggingen),
                    **{v: tellingen.get(v, 0) for v in VERDICT_ORDER},
                },
            }
        )

    cijfers = {regel.afspraak.cooperatie_id: regel.cijfers for regel in regels}
    bestedingen = []
    for cooperatie in sorted(cooperaties.values(), key=lambda c: (c.naam, c.pk)):
        c = cijfers[cooperatie.pk]
        bestedingen.append(
            {
                "cooperatie_id": cooperatie.pk,
                "uitgaven": _money(c.uitgaven),
                "uitgaven_gestorneerd": _money(c.uitgaven_gestorneerd),
                "besteding": _money(c.besteding),
            }
        )
    totaal = sum((Decimal(b["besteding"]) for b in bestedingen), Decimal(0))
    woningen = sum(g.aantal_woningen for g in gebouwen.values())

    per_gemeente: dict[str, list] = defaultdict(list)
    for gebouw in gebouwen.values():
        per_gemeente[gebouw.gemeentecode].append(gebouw)
    gemeenten = []
    for code in sorted(per_gemeente):
        rij = sorted(per_gemeente[code], key=lambda g: (g.complexnummer, g.pk))
        gemeenten.append(
            {
                "gemeentecode": code,
                "plaatsen": sorted({g.plaats for g in rij}),
                "aantal_woningen": sum(g.aantal_woningen for g in rij),
                "gebouwen": [
                    {
                        "id": g.pk,
                        "complexnummer": g.complexnummer,
                        "naam": g.naam,
                        "adres": g.adres,
                        "buurtcode": g.buurtcode,
                        "aantal_woningen": g.aantal_woningen,
                        "afspraak_ids": per_gebouw[g.pk],
                    }
                    for g in rij
                ],
            }
        )

    return {
        "versie": VERSIE,
        "soort": "portefeuillerapport",
        "jaar": jaar,
        "corporatie": {
            "id": corporatie.pk,
            "naam": corporatie.naam,
            "kvk_nummer": corporatie.kvk_nummer,
            "plaats": corporatie.plaats,
        },
        "cooperaties": [
            {
                "id": c.pk,
                "naam": c.naam,
                "soort": c.soort,
                "kvk_nummer": c.kvk_nummer,
            }
            for c in sorted(cooperaties.values(), key=lambda c: (c.naam, c.pk))
        ],
        "afspraken": afspraken,
        "gemeenten": gemeenten,
        "zonder_gebouw": zonder_gebouw,
        "verdicten": {
            v: sum(1 for a in afspraken if a["verdict"] == v) for v in VERDICT_ORDER
        },
        "statussen": {
            s: sum(1 for a in afspraken if a["status"] == s) for s in STATUS_ORDER
        },
        "te_laat": sum(1 for a in afspraken if a["te_laat"]),
        "leefbaarheid": {
            # Dutch in the attached data, whatever language the report is in.
            "definitie": definitie_per_woning(jaar, taal="nl"),
            "cooperaties": bestedingen,
            "besteding": _money(totaal),
            "aantal_woningen": woningen,
            "per_woning": _money(besteding_per_woning(totaal, woningen)),
            "per_daeb": buurt.per_daeb_woning(
                besteding=totaal, gebouwen=gebouwen.values(), jaar=jaar
            ),
        },
        "buurttrends": buurt.buurttrends(
            gebouwen=sorted(gebouwen.values(), key=lambda g: (g.complexnummer, g.pk)),
            cooperaties=cooperaties_per_gebouw,
            jaar=jaar,
        ),
    }


# Rendering ------------------------------------------------------------------------


def canonical_json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, indent=1).encode(
        "utf-8"
    )


def _gebouw_index(data: dict[str, Any]) -> dict[int, dict[str, Any]]:
    return {
        g["id"]: {**g, "gemeentecode": gemeente["gemeentecode"]}
        for gemeente in data["gemeenten"]
        for g in gemeente["gebouwen"]
    }


def overzicht_csv(data: dict[str, Any]) -> bytes:
    """One row per afspraak: its gebouwen, status and verdict (semicolons, UTF-8)."""
    cooperaties = {c["id"]: c for c in data["cooperaties"]}
    gebouwen = _gebouw_index(data)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for a in data["afspraken"]:
        eigen = [gebouwen[i] for i in a["gebouw_ids"]]
        cooperatie = cooperaties[a["cooperatie_id"]]
        row = [
            a["id"],
            a["titel"],
            cooperatie["naam"],
            cooperatie["kvk_nummer"],
            ", ".join(sorted({g["gemeentecode"] for g in eigen})),
            ", ".join(f"{g['complexnummer']} {g['naam']}" for g in eigen),
            sum(g["aantal_woningen"] for g in eigen),
            a["toetsing_id"] or "",
            a["status"],
            a["uiterlijk_indienen"],
            "ja" if a["te_laat"] else "nee",
            a["verdict"],
            "ja" if a["voorlopig"] else "nee",
            a["toezeggingen"]["aantal"],
            *(a["toezeggingen"][v] for v in VERDICT_ORDER),
        ]
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue().encode("utf-8-sig")


def _grafiek(data: dict[str, Any]) -> str:
    if not data["afspraken"]:
        return ""
    return telling_diagram(
        [
            Telling(str(Verdict(v).label), data["verdicten"][v], v)
            for v in VERDICT_ORDER
        ],
        title=_("Afspraken per oordeel in %(jaar)s") % {"jaar": data["jaar"]},
    )


def _status_label(afspraak: dict[str, Any]) -> str:
    label = str(STATUS_LABELS[afspraak["status"]])
    if not afspraak["te_laat"]:
        return label
    uiterlijk = datetime.date.fromisoformat(afspraak["uiterlijk_indienen"])
    dag = datum(uiterlijk, "lang")
    return _("%(status)s, %(te_laat)s (uiterlijk %(datum)s)") % {
        "status": label,
        "te_laat": termijnen.TE_LAAT_LABEL,
        "datum": dag,
    }


def _daeb_context(per_daeb: dict[str, Any], jaar: int) -> dict[str, Any]:
    limiet = per_daeb["limiet"]
    return {
        "per_daeb": {
            **per_daeb,
            "per_daeb_woning": (
                bedrag(per_daeb["per_daeb_woning"])
                if per_daeb["per_daeb_woning"] is not None
                else None
            ),
            "daeb_woningen_tekst": aantal(per_daeb["aantal_daeb_woningen"]),
            "gemengd_woningen_tekst": aantal(per_daeb["gemengd_woningen"]),
            "limiet": (
                {**limiet, "waarde": bedrag(limiet["waarde"])} if limiet else None
            ),
        },
        "definitie_daeb": buurt.definitie_per_daeb_woning(jaar),
    }


def _buurttrends_context(
    data: dict[str, Any], cooperaties: dict[int, Any], gebouwen: dict[int, Any]
) -> list[dict[str, Any]]:
    def rij(r: dict[str, Any]) -> dict[str, Any]:
        def score(value):
            return getal(value, 3) if value is not None else "–"

        return {
            "jaar": r["jaar"],
            "totaal": score(r["totaal"]),
            "afwijking": score(r["afwijking"]),
            **{
                key: AANTAL.meetwaarde(r[key])
                for key in ("activiteiten", "open_voor_buurt", "deelnemers_buurt")
            },
            "vrijwilligersuren": UREN.meetwaarde(r["vrijwilligersuren"]),
        }

    return [
        {
            **trend,
            "gebouwen": [gebouwen[i] for i in trend["gebouw_ids"] if i in gebouwen],
            "cooperaties": [cooperaties[i] for i in trend["cooperatie_ids"]],
            "rijen": [rij(r) for r in trend["rijen"]],
        }
        for trend in data["buurttrends"]
    ]


def portefeuille_html(
    data: dict[str, Any], *, moment: datetime.datetime, taal: str = "nl"
) -> str:
    """The HTML of a portefeuillerapport in `taal` (Dutch unless English is
    asked for, whatever language the requester reads)."""
    taal = rapporttaal(taal)
    with translation.override(taal):
        return _portefeuille_html(data, moment=moment, taal=taal)


def _portefeuille_html(
    data: dict[str, Any], *, moment: datetime.datetime, taal: str
) -> str:
    data = printable(data)
    cooperaties = {c["id"]: c for c in data["cooperaties"]}
    gebouwen = _gebouw_index(data)
    afspraken = {}
    for a in data["afspraken"]:
        afspraken[a["id"]] = {
            **a,
            "cooperatie": cooperaties[a["cooperatie_id"]],
            "gebouwen": [gebouwen[i] for i in a["gebouw_ids"]],
            "status_label": _status_label(a),
            "verdict_label": str(Verdict(a["verdict"]).label),
        }
    leefbaarheid = data["leefbaarheid"]
    besteding_per_cooperatie = [
        {
            **b,
            "naam": cooperaties[b["cooperatie_id"]]["naam"],
            "uitgaven": bedrag(b["uitgaven"]),
            "uitgaven_gestorneerd": bedrag(b["uitgaven_gestorneerd"]),
            "besteding": bedrag(b["besteding"]),
        }
        for b in leefbaarheid["cooperaties"]
    ]
    local = timezone.localtime(moment)
    return render_to_string(
        "pdf/portefeuillerapport.html",
        {
            "taal": taal,
            "d": data,
            "afspraken": list(afspraken.values()),
            "gemeenten": [
                {
                    **gemeente,
                    "woningen_tekst": aantal(gemeente["aantal_woningen"]),
                    "gebouwen": [
                        {
                            **g,
                            "woningen_tekst": aantal(g["aantal_woningen"]),
                            "afspraken": [afspraken[i] for i in g["afspraak_ids"]],
                        }
                        for g in gemeente["gebouwen"]
                    ],
                }
                for gemeente in data["gemeenten"]
            ],
            "zonder_gebouw": [afspraken[i] for i in data["zonder_gebouw"]],
            "verdicten": [
                {
                    "verdict": v,
                    "label": str(Verdict(v).label),
                    "aantal": aantal(data["verdicten"][v]),
                }
                for v in VERDICT_ORDER
            ],
            "statussen": [
                {"label": STATUS_LABELS[s], "aantal": aantal(data["statussen"][s])}
                for s in STATUS_ORDER
            ],
            "te_laat": aantal(data["te_laat"]),
            "aantal_gebouwen": len(gebouwen),
            "aantal_woningen": aantal(leefbaarheid["aantal_woningen"]),
            "definitie": definitie_per_woning(data["jaar"]),
            "besteding_per_cooperatie": besteding_per_cooperatie,
            "besteding": bedrag(leefbaarheid["besteding"]),
            "per_woning": (
                bedrag(leefbaarheid["per_woning"])
                if leefbaarheid["per_woning"] is not None
                else None
            ),
            **_daeb_context(leefbaarheid["per_daeb"], data["jaar"]),
            "buurttrends": _buurttrends_context(data, cooperaties, gebouwen),
            "grafiek": _grafiek(data),
            "opgemaakt": moment_tekst(local, "lang"),
            "moment_iso": moment.astimezone(datetime.UTC).strftime(
                "%Y-%m-%dT%H:%M:%SZ"
            ),
        },
    )


def render(
    data: dict[str, Any], *, moment: datetime.datetime, taal: str = "nl"
) -> bytes:
    """The PDF/A-3b portefeuillerapport of built data, with the data attached as
    JSON and the overview as CSV, in `taal` (Dutch unless English is asked for).
    The same data, moment and language give the same bytes."""
    taal = rapporttaal(taal)
    with translation.override(taal):
        attachments = (
            Bijvoegsel(
                "portefeuille.json",
                canonical_json(data),
                _("Gegevens van het portefeuillerapport (JSON)"),
            ),
            Bijvoegsel(
                "overzicht.csv",
                overzicht_csv(data),
                _("Afspraken met status en oordeel (CSV, puntkomma-gescheiden)"),
            ),
        )
    pdf, _fetcher = render_pdf(
        portefeuille_html(data, moment=moment, taal=taal),
        attachments=attachments,
        moment=moment,
        identifier=(
            f"portefeuillerapport-{data['corporatie']['kvk_nummer']}-{data['jaar']}"
        ).encode(),
    )
    return pdf


def render_portefeuillerapport(
    *, corporatie_id: int, jaar: int, moment: datetime.datetime, taal: str = "nl"
) -> tuple[bytes, dict[str, Any]]:
    """Build and render in one go, in `taal` (Dutch unless English is asked
    for); returns the PDF bytes and the data."""
    data = build(corporatie_id=corporatie_id, jaar=jaar)
    return render(data, moment=moment, taal=taal), data

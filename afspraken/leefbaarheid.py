"""Two parts of the portefeuillerapport beyond the spending per woning
(afspraken.portefeuille): the spending per DAEB-woning against the year's
limit, and the buurt trend next to the coöperaties' contribution.

Spending per DAEB-woning (`per_daeb_woning`): the same leefbaarheid spending
as the figure per woning (every cooperatie with an afspraak running in the
year, each once), divided by the aantal_woningen of the report's gebouwen
whose DAEB status is `daeb`, each gebouw once. A `gemengd` gebouw has DAEB and
other homes without a known split, so its homes are not counted (the report
says how many were left out); a `niet_daeb` gebouw has none. Rounded half up
to cents; no DAEB-woningen: no figure.

The limit is the `Jaarparameter` `leefbaarheid_max_per_daeb_woning` of the
year, with its source, when one is recorded; otherwise no limit applies and
the report says so (no figure lives in code). The Woningwet's limit on
leefbaarheid spending per DAEB-woning applied until 2021 and was abolished
from 2022 (docs/rapporten.md).

The buurt trend (`buurttrends`): per CBS buurt of the report's gebouwen with
Leefbaarometer scores, the score of the latest imported version per meetjaar
over the ten years up to the report's year, next to the contribution of the
coöperaties with an afspraak on a gebouw in that buurt (their activities, those
open to the neighbourhood, neighbourhood participants, volunteer hours; the
whole coöperatie's, as the dossier shows it). Buurten without scores are left
out. Two queries: the scores and, when a buurt has them, the contribution.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import translation
from django.utils.translation import gettext_lazy

from cooperatie.buurtcijfers import laatste_scores
from cooperatie.choices import Daeb
from cooperatie.models import Gebouw, Leefbaarometerscore
from ledger.models import Activiteit
from ledger.selectors import bijdrage_per_cooperatie_jaar

from .choices import JaarparameterCode
from .models import Jaarparameter

TREND_JAREN = 10
"""Years of the buurt trend, up to the report's year."""

CENT = Decimal("0.01")

DEFINITIE_PER_DAEB_WONING = gettext_lazy(
    "Leefbaarheidsbesteding per DAEB-woning = dezelfde besteding in {jaar}, "
    "gedeeld door het aantal woningen van de gebouwen in die afspraken met DAEB-"
    "status ‘DAEB’, elk gebouw één keer geteld. Woningen van gemengde gebouwen "
    "tellen niet mee, omdat de verdeling over DAEB en niet-DAEB niet bekend is. "
    "Afgerond op hele centen."
)


def definitie_per_daeb_woning(jaar: int, *, taal: str | None = None) -> str:
    with translation.override(taal or translation.get_language()):
        return str(DEFINITIE_PER_DAEB_WONING).format(jaar=jaar)


def besteding_per_woning(besteding: Decimal, woningen: int) -> Decimal | None:
    """Spending divided by homes, rounded half up to cents; None without homes."""
    if woningen <= 0:
        return None
    return (Decimal(besteding) / woningen).quantize(CENT, rounding=ROUND_HALF_UP)


def _tekst(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:f}"


def limiet(jaar: int) -> dict[str, str] | None:
    """The limit per DAEB-woning in force in the year, with its source."""
    parameter = Jaarparameter.objects.filter(
        jaar=jaar, code=JaarparameterCode.LEEFBAARHEID_MAX_PER_DAEB_WONING
    ).first()
    if parameter is None:
        return None
    return {"waarde": _tekst(parameter.waarde.quantize(CENT)), "bron": parameter.bron}


def per_daeb_woning(
    *, besteding: Decimal, gebouwen: Iterable[Gebouw], jaar: int
) -> dict[str, Any]:
    """The spending per DAEB-woning of the year, with the limit (one query)."""
    gebouwen = list(gebouwen)
    daeb = sum(g.aantal_woningen for g in gebouwen if g.daeb == Daeb.DAEB)
    gemengd = [g for g in gebouwen if g.daeb == Daeb.GEMENGD]
    bedrag = besteding_per_woning(besteding, daeb)
    grens = limiet(jaar)
    return {
        "definitie": definitie_per_daeb_woning(jaar, taal="nl"),
        "aantal_daeb_woningen": daeb,
        "gemengd_gebouwen": len(gemengd),
        "gemengd_woningen": sum(g.aantal_woningen for g in gemengd),
        "per_daeb_woning": _tekst(bedrag),
        "limiet": grens,
        "boven_limiet": (
            None
            if grens is None or bedrag is None
            else bedrag > Decimal(grens["waarde"])
        ),
    }


def buurttrends(
    *, gebouwen: Iterable[Gebouw], cooperaties: dict[int, set[int]], jaar: int
) -> list[dict[str, Any]]:
    """Per buurt of `gebouwen` with Leefbaarometer scores its trend next to
    the contribution of the coöperaties (`cooperaties`: gebouw id → ids of
    the coöperaties with an afspraak on it), as plain JSON data."""
    per_buurt: dict[str, list[Gebouw]] = {}
    for gebouw in gebouwen:
        if gebouw.buurtcode:
            per_buurt.setdefault(gebouw.buurtcode, []).append(gebouw)
    if not per_buurt:
        return []
    jaren = range(jaar - TREND_JAREN + 1, jaar + 1)
    scores = laatste_scores(
        Leefbaarometerscore.objects.all(), codes=per_buurt, jaren=jaren
    )
    met_scores = {code for code, _jaar in scores}
    if not met_scores:
        return []
    buurt_cooperaties = {
        code: sorted({c for g in per_buurt[code] for c in cooperaties.get(g.pk, ())})
        for code in met_scores
    }
    bijdrage = bijdrage_per_cooperatie_jaar(
        Activiteit.objects.all(),
        cooperatie_ids={c for ids in buurt_cooperaties.values() for c in ids},
        jaren=jaren,
    )
    trends = []
    for code in sorted(met_scores):
        rijen = []
        for j in jaren:
            score = scores.get((code, j))
            bijdragen = [
                bijdrage[c][j]
                for c in buurt_cooperaties[code]
                if j in bijdrage.get(c, {})
            ]
            if score is None and not bijdragen:
                continue
            rijen.append(
                {
                    "jaar": j,
                    "totaal": _tekst(score.totaal) if score else None,
                    "afwijking": _tekst(score.afwijking) if score else None,
                    "versie": score.versie if score else None,
                    **_som(bijdragen),
                }
            )
        trends.append(
            {
                "buurtcode": code,
                "gebouw_ids": sorted(g.pk for g in per_buurt[code]),
                "cooperatie_ids": buurt_cooperaties[code],
                "rijen": rijen,
            }
        )
    return trends


def _som(bijdragen: list[dict[str, Any]]) -> dict[str, Any]:
    """The contribution of several coöperaties in one year, summed; None
    where none of them had an activity."""
    if not bijdragen:
        return dict.fromkeys(
            ("activiteiten", "open_voor_buurt", "deelnemers_buurt", "vrijwilligersuren")
        )
    return {
        "activiteiten": sum(b["activiteiten"] for b in bijdragen),
        "open_voor_buurt": sum(b["open_voor_buurt"] for b in bijdragen),
        "deelnemers_buurt": sum(b["deelnemers_buurt"] for b in bijdragen),
        "vrijwilligersuren": _tekst(
            sum(
                (Decimal(b["vrijwilligersuren"]) for b in bijdragen), Decimal(0)
            ).quantize(CENT)
        ),
    }

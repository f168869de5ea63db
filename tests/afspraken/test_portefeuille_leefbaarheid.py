"""The portefeuillerapport's spending per DAEB-woning against the year's
limit (a Jaarparameter with its source, or no limit), and the buurt trend
next to the coöperaties' contribution (afspraken.leefbaarheid), read back
from the rendered PDF."""

from __future__ import annotations

import datetime
import io
from decimal import ROUND_HALF_UP, Decimal

import pypdf
import pytest

from afspraken import portefeuille
from afspraken.choices import JaarparameterCode
from afspraken.leefbaarheid import per_daeb_woning
from cooperatie.choices import Daeb
from cooperatie.models import Gebouw, Leefbaarometerscore
from ledger.choices import BoekingSoort
from tests.afspraken.factories import JaarparameterFactory
from tests.cooperatie.factories import GebouwFactory
from tests.ledger.factories import ActiviteitFactory, BoekingFactory

MOMENT = datetime.datetime(2025, 3, 1, 9, 30, tzinfo=datetime.UTC)
LIMIET = JaarparameterCode.LEEFBAARHEID_MAX_PER_DAEB_WONING


def _text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(p.extract_text() for p in reader.pages).split())


@pytest.fixture
def corporatie_2024(world):
    """Corporatie A in 2024: the world's afspraak on its DAEB gebouw (24
    woningen) and a gemengd gebouw (40 woningen), 480 euro spent."""
    a = world.a
    gemengd = GebouwFactory(
        corporatie=a.corporatie, aantal_woningen=40, daeb=Daeb.GEMENGD
    )
    a.afspraak.gebouwen.add(gemengd)
    BoekingFactory(
        cooperatie=a.cooperatie,
        datum=datetime.date(2024, 5, 1),
        soort=BoekingSoort.UITGAVE,
        bedrag=Decimal("480.00"),
    )
    return a


def _build(a) -> dict:
    return portefeuille.build(
        corporatie_id=a.corporatie.pk, jaar=2024, vandaag=datetime.date(2025, 3, 1)
    )


def test_gemengd_homes_are_not_counted_as_daeb(db):
    gebouwen = [
        Gebouw(aantal_woningen=24, daeb=Daeb.DAEB),
        Gebouw(aantal_woningen=40, daeb=Daeb.GEMENGD),
        Gebouw(aantal_woningen=10, daeb=Daeb.NIET_DAEB),
    ]

    result = per_daeb_woning(besteding=Decimal("100"), gebouwen=gebouwen, jaar=2019)

    assert result["aantal_daeb_woningen"] == 24
    assert (result["gemengd_gebouwen"], result["gemengd_woningen"]) == (1, 40)
    assert result["per_daeb_woning"] == "4.17"
    assert result["limiet"] is None
    assert result["boven_limiet"] is None


def test_no_daeb_homes_give_no_figure(db):
    gebouwen = [Gebouw(aantal_woningen=40, daeb=Daeb.GEMENGD)]
    result = per_daeb_woning(besteding=Decimal("100"), gebouwen=gebouwen, jaar=2019)
    assert result["per_daeb_woning"] is None


def test_the_report_shows_the_figure_and_the_limit_with_its_source(corporatie_2024):
    a = corporatie_2024
    JaarparameterFactory(
        jaar=2024,
        code=LIMIET,
        waarde=Decimal("10.00"),
        bron="Testbron: een maximum per DAEB-woning voor deze test",
    )

    data = _build(a)
    per_daeb = data["leefbaarheid"]["per_daeb"]
    besteding = Decimal(data["leefbaarheid"]["besteding"])
    verwacht = (besteding / a.gebouw.aantal_woningen).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )
    text = _text(portefeuille.render(data, moment=MOMENT))

    assert data["versie"] == 3
    assert per_daeb["per_daeb_woning"] == f"{verwacht:f}"
    assert per_daeb["limiet"] == {
        "waarde": "10.00",
        "bron": "Testbron: een maximum per DAEB-woning voor deze test",
    }
    assert per_daeb["boven_limiet"] == (verwacht > 10)
    bedrag = f"{verwacht:f}".replace(".", ",")
    assert f"€ {bedrag} per DAEB-woning" in text
    assert "Maximum in 2024: € 10,00 per DAEB-woning." in text
    assert "Bron: Testbron: een maximum per DAEB-woning voor deze test" in text
    assert "Niet meegeteld: 40 woningen in 1 gemengd gebouw" in text


def test_without_a_limit_the_report_says_none_applies(corporatie_2024):
    data = _build(corporatie_2024)
    text = _text(portefeuille.render(data, moment=MOMENT))

    assert data["leefbaarheid"]["per_daeb"]["limiet"] is None
    assert (
        "Voor 2024 geldt geen maximum voor leefbaarheidsuitgaven per DAEB-woning."
        in text
    )


def test_the_buurt_trend_shows_scores_next_to_the_contribution(corporatie_2024):
    a = corporatie_2024
    buurt = a.gebouw.buurtcode
    for meetjaar, totaal in ((2020, "3.9000"), (2022, "4.1230")):
        Leefbaarometerscore.objects.create(
            buurtcode=buurt,
            meetjaar=meetjaar,
            versie="3.0",
            totaal=Decimal(totaal),
            afwijking=Decimal("-0.0500"),
        )
    # A later publication recomputes 2022: its score stands.
    Leefbaarometerscore.objects.create(
        buurtcode=buurt, meetjaar=2022, versie="3.1", totaal=Decimal("4.2000")
    )
    ActiviteitFactory(
        cooperatie=a.cooperatie,
        datum=datetime.date(2022, 6, 1),
        deelnemers_buurt=7,
        vrijwilligersuren=Decimal("12.5"),
        open_voor_buurt=True,
    )

    data = _build(a)
    (trend,) = data["buurttrends"]
    rijen = {r["jaar"]: r for r in trend["rijen"]}
    text = _text(portefeuille.render(data, moment=MOMENT))

    assert trend["buurtcode"] == buurt
    assert trend["cooperatie_ids"] == [a.cooperatie.pk]
    assert rijen[2020]["totaal"] == "3.9000"
    assert rijen[2020]["activiteiten"] is None
    assert rijen[2022]["totaal"] == "4.2000"
    assert rijen[2022]["versie"] == "3.1"
    assert rijen[2022]["activiteiten"] == 1
    assert rijen[2022]["deelnemers_buurt"] == 7
    assert rijen[2022]["vrijwilligersuren"] == "12.50"
    assert 2024 in rijen  # the world's activity, without a score
    assert f"Buurt {buurt}" in text
    assert "2022 4,200" in text
    assert "2020 3,900 -0,050 – – – –" in text


def test_a_buurt_without_scores_has_no_trend(corporatie_2024):
    assert _build(corporatie_2024)["buurttrends"] == []

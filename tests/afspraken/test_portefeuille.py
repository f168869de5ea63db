"""The portefeuillerapport of one corporatie-year, read back as a PDF."""

from __future__ import annotations

import datetime
import io
import json
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pypdf
import pytest

from afspraken import portefeuille, services
from afspraken.choices import Indicator, ToetsingStatus, Verdict
from ledger.choices import BoekingSoort
from tests.afspraken.factories import (
    AfspraakFactory,
    BeoordelingFactory,
    ToetsingFactory,
    ToezeggingFactory,
)
from tests.cooperatie.factories import (
    CooperatieFactory,
    CorporatieFactory,
    GebouwFactory,
    RolFactory,
    UserFactory,
)
from tests.helpers import fresh
from tests.ledger.factories import BoekingFactory

MOMENT = datetime.datetime(2025, 3, 1, 9, 30, tzinfo=datetime.UTC)


def _reader(data: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(data))


def _text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in _reader(data).pages).split())


@pytest.fixture
def jaar_a(world):
    """Corporatie A in 2024: four afspraken of three cooperaties on four gebouwen
    in two gemeenten, one of each verdict, and bookings inside and outside the year.

    - Wooncoöperatie A (the world's): afspraak on the world's gebouw (24 woningen,
      GM0363), toetsing open, 1 activity against a norm of 12 → niet nagekomen.
    - De Maas: afspraak 1 on Maashaven (30, GM0599) and Kade (10, GM0599),
      toetsing ingediend, besteding 80 against 100 → deels; afspraak 2 on Kade
      only, toetsing open, an unassessed kwalitatief clause → te beoordelen.
    - Het Anker: afspraak on the world's gebouw and Ankerhof (6, GM0363), no
      toetsing yet, at least 0 members → nagekomen.
    """
    a = world.a
    corporatie = a.corporatie
    a.gebouw.plaats = "Amsterdam"
    a.gebouw.save()
    maashaven = GebouwFactory(
        corporatie=corporatie,
        naam="Maashaven",
        gemeentecode="GM0599",
        plaats="Rotterdam",
        aantal_woningen=30,
    )
    kade = GebouwFactory(
        corporatie=corporatie,
        naam="Kadeflat",
        gemeentecode="GM0599",
        plaats="Rotterdam",
        aantal_woningen=10,
    )
    ankerhof = GebouwFactory(
        corporatie=corporatie,
        naam="Ankerhof",
        gemeentecode="GM0363",
        plaats="Amsterdam",
        aantal_woningen=6,
    )
    maas = CooperatieFactory(naam="Wooncoöperatie De Maas")
    anker = CooperatieFactory(naam="Beheercoöperatie Het Anker", soort="beheer")

    maas_1 = AfspraakFactory(
        corporatie=corporatie, cooperatie=maas, gebouwen=[maashaven, kade]
    )
    ToezeggingFactory(
        afspraak=maas_1,
        omschrijving="Minstens 100 euro besteed",
        indicator=Indicator.BESTEDING,
        norm=Decimal("100"),
    )
    maas_bestuur = UserFactory(username="bestuur_maas")
    RolFactory(user=maas_bestuur, cooperatie=maas, bestuur=True)
    maas_2 = AfspraakFactory(
        corporatie=corporatie,
        cooperatie=maas,
        gebouwen=[kade],
        ingangsjaar=2024,
        eindjaar=2024,
    )
    ToezeggingFactory(
        afspraak=maas_2,
        omschrijving="De binnentuin is open voor de buurt",
        indicator=Indicator.KWALITATIEF,
        norm=Decimal("0"),
    )
    ToetsingFactory(afspraak=maas_2, jaar=2024)
    anker_afspraak = AfspraakFactory(
        corporatie=corporatie, cooperatie=anker, gebouwen=[a.gebouw, ankerhof]
    )
    ToezeggingFactory(
        afspraak=anker_afspraak,
        omschrijving="Een ledenlijst",
        indicator=Indicator.AANTAL_LEDEN,
        norm=Decimal("0"),
    )
    # Not in 2024: an afspraak that starts later, and tenant B's.
    AfspraakFactory(
        corporatie=corporatie, cooperatie=anker, ingangsjaar=2025, eindjaar=None
    )

    # Bookings. The world already booked an uitgave of 25.00 for A on 15-03-2024.
    BoekingFactory(cooperatie=a.cooperatie, bedrag=Decimal("100.00"))
    gestorneerd = BoekingFactory(
        cooperatie=a.cooperatie,
        datum=datetime.date(2024, 7, 1),
        bedrag=Decimal("40.00"),
    )
    # A storno dated in 2025 counts against the year of the boeking it cancels.
    BoekingFactory(
        cooperatie=a.cooperatie,
        datum=datetime.date(2025, 1, 10),
        bedrag=Decimal("40.00"),
        corrigeert=gestorneerd,
    )
    BoekingFactory(
        cooperatie=a.cooperatie, soort=BoekingSoort.BUDGET, bedrag=Decimal("500.00")
    )
    BoekingFactory(
        cooperatie=a.cooperatie,
        datum=datetime.date(2023, 12, 31),
        bedrag=Decimal("70.00"),
    )
    BoekingFactory(cooperatie=maas, bedrag=Decimal("80.00"))
    BoekingFactory(cooperatie=anker, bedrag=Decimal("33.33"))
    BoekingFactory(cooperatie=world.b.cooperatie, bedrag=Decimal("999.00"))

    maas_toetsing = services.toetsing_indienen(
        toetsing=ToetsingFactory(afspraak=maas_1, jaar=2024), actor=fresh(maas_bestuur)
    )
    return {
        "corporatie": corporatie,
        "gebouwen": [a.gebouw, maashaven, kade, ankerhof],
        "verwacht": [
            (a.cooperatie, a.afspraak, Verdict.NIET_NAGEKOMEN, "open"),
            (maas, maas_1, Verdict.DEELS, "ingediend"),
            (maas, maas_2, Verdict.TE_BEOORDELEN, "open"),
            (anker, anker_afspraak, Verdict.NAGEKOMEN, "nog niet geopend"),
        ],
        "maas_toetsing": maas_toetsing,
    }


@pytest.fixture
def rendered(jaar_a):
    data = portefeuille.build(corporatie_id=jaar_a["corporatie"].pk, jaar=2024)
    return data, portefeuille.render(data, moment=MOMENT)


def test_every_afspraak_is_listed_with_cooperatie_verdict_and_status(
    jaar_a, rendered, world
):
    data, pdf = rendered
    text = _text(pdf)
    assert "Portefeuillerapport 2024" in text
    assert world.a.corporatie.naam in text
    assert "1 maart 2025" in text
    assert len(data["afspraken"]) == 4
    for cooperatie, afspraak, verdict, status in jaar_a["verwacht"]:
        label = str(Verdict(verdict).label)
        # Each gebouw block lists the afspraak as: light, verdict text, cooperatie,
        # afspraak, status.
        line = f"● {label} {cooperatie.naam} – {afspraak.titel} ({status}"
        assert line in text, line
    assert world.b.cooperatie.naam not in text
    assert "nog niet geopend" in text
    assert "ingediend" in text
    assert "voorlopig" in text
    assert "Pagina 1 van" in text


def test_verdicts_and_statuses_are_counted(jaar_a, rendered):
    data, _ = rendered
    assert data["verdicten"] == {
        "nagekomen": 1,
        "deels": 1,
        "niet_nagekomen": 1,
        "te_beoordelen": 1,
    }
    assert data["statussen"] == {
        "niet_geopend": 1,
        "open": 2,
        "ingediend": 1,
        "teruggestuurd": 0,
        "vastgesteld": 0,
    }
    by_id = {a["id"]: a for a in data["afspraken"]}
    maas_1 = by_id[jaar_a["verwacht"][1][1].pk]
    assert maas_1["toetsing_id"] == jaar_a["maas_toetsing"].pk
    assert maas_1["bevroren"] is True
    assert maas_1["voorlopig"] is True


def test_afspraken_are_grouped_per_gemeente_and_gebouw(jaar_a, rendered):
    data, pdf = rendered
    amsterdam, rotterdam = data["gemeenten"]
    assert amsterdam["gemeentecode"] == "GM0363"
    assert amsterdam["plaatsen"] == ["Amsterdam"]
    assert amsterdam["aantal_woningen"] == 24 + 6
    assert rotterdam["gemeentecode"] == "GM0599"
    assert rotterdam["aantal_woningen"] == 30 + 10
    world_gebouw, maashaven, kade, ankerhof = jaar_a["gebouwen"]
    assert {g["id"] for g in rotterdam["gebouwen"]} == {maashaven.pk, kade.pk}
    kade_row = next(g for g in rotterdam["gebouwen"] if g["id"] == kade.pk)
    assert len(kade_row["afspraak_ids"]) == 2

    text = _text(pdf)
    gm0363 = text.index("Gemeente GM0363 · Amsterdam")
    gm0599 = text.index("Gemeente GM0599 · Rotterdam")
    assert gm0363 < text.index(f"{ankerhof.complexnummer} Ankerhof") < gm0599
    assert gm0363 < text.index(f"{world_gebouw.complexnummer} {world_gebouw.naam}")
    assert gm0599 < text.index(f"{maashaven.complexnummer} Maashaven")
    assert gm0599 < text.index(f"{kade.complexnummer} Kadeflat")


def test_spending_per_woning_is_total_besteding_over_distinct_woningen(rendered):
    data, pdf = rendered
    # Counted by hand from the bookings in the fixture: A spends 25 + 100 + 40
    # minus the storno of 40 (the budget, the 2023 uitgave and tenant B's do not
    # count); De Maas 80 over two afspraken (once); Het Anker 33.33. Woningen:
    # the world's gebouw (24, in two afspraken, once), 30, 10 (in two afspraken,
    # once) and 6.
    besteding = Decimal("25.00") + Decimal("100.00") + Decimal("80.00")
    besteding += Decimal("33.33")
    woningen = 24 + 30 + 10 + 6
    per_woning = (besteding / woningen).quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert per_woning == Decimal("3.40")

    leefbaarheid = data["leefbaarheid"]
    assert Decimal(leefbaarheid["besteding"]) == besteding
    assert leefbaarheid["aantal_woningen"] == woningen
    assert Decimal(leefbaarheid["per_woning"]) == per_woning
    text = _text(pdf)
    assert "€ 3,40 per woning" in text
    assert "€ 238,33 besteed door 3 coöperaties, over 70 woningen in 4 gebouwen" in text
    assert "Leefbaarheidsbesteding per woning = de besteding in 2024" in text


def test_spending_per_woning_without_woningen_is_not_applicable(world):
    corporatie = CorporatieFactory()
    AfspraakFactory(corporatie=corporatie, cooperatie=world.a.cooperatie)
    data = portefeuille.build(corporatie_id=corporatie.pk, jaar=2024)
    assert data["leefbaarheid"]["aantal_woningen"] == 0
    assert data["leefbaarheid"]["per_woning"] is None
    assert data["zonder_gebouw"] == [data["afspraken"][0]["id"]]
    text = _text(portefeuille.render(data, moment=MOMENT))
    assert "n.v.t." in text
    assert "Afspraken zonder gebouw" in text
    assert portefeuille.besteding_per_woning(Decimal("10"), 0) is None
    assert portefeuille.besteding_per_woning(Decimal("10"), 3) == Decimal("3.33")


def test_pdf_is_pdf_a_3_with_the_data_attached(rendered):
    data, pdf = rendered
    reader = _reader(pdf)
    xmp = reader.xmp_metadata.stream.get_data().decode()
    assert 'pdfaid:part="3"' in xmp
    assert 'pdfaid:conformance="B"' in xmp
    attachments = reader.attachments
    assert json.loads(attachments["portefeuille.json"][0]) == data
    csv_text = attachments["overzicht.csv"][0].decode("utf-8-sig")
    lines = csv_text.strip().splitlines()
    assert len(lines) == 1 + len(data["afspraken"])
    assert "Wooncoöperatie De Maas" in csv_text
    assert "niet_geopend" in csv_text


def test_the_chart_is_an_svg_with_every_verdict_as_text(rendered):
    data, _ = rendered
    html = portefeuille.portefeuille_html(data, moment=MOMENT)
    svg = html[html.index("<svg") : html.index("</svg>")]
    for verdict in Verdict:
        assert str(verdict.label) in svg


def test_same_data_and_moment_give_the_same_bytes(rendered):
    data, pdf = rendered
    assert portefeuille.render(data, moment=MOMENT) == pdf


def _corporatie_with(n: int):
    """A corporatie with n afspraken, each with its own cooperatie, gebouw,
    two clauses, a toetsing with an assessment, and a booking; every other
    toetsing submitted."""
    corporatie = CorporatieFactory()
    beheerder = UserFactory()
    for i in range(n):
        cooperatie = CooperatieFactory()
        afspraak = AfspraakFactory(
            corporatie=corporatie,
            cooperatie=cooperatie,
            gebouwen=[GebouwFactory(corporatie=corporatie)],
        )
        ToezeggingFactory(afspraak=afspraak)
        toetsing = ToetsingFactory(
            afspraak=afspraak,
            status=ToetsingStatus.INGEDIEND if i % 2 else ToetsingStatus.OPEN,
        )
        BeoordelingFactory(toetsing=toetsing, beoordeeld_door=beheerder)
        BoekingFactory(cooperatie=cooperatie)
    return corporatie


@pytest.mark.parametrize("n", [2, 6])
def test_building_takes_the_same_queries_for_2_and_6_afspraken(db, n):
    corporatie = _corporatie_with(n)
    # The corporatie; then corporatie_jaar: afspraken, gebouwen, toezeggingen,
    # toetsingen, beoordelingen and the four jaarcijfers aggregates, which also
    # give the spending; the year's limit per DAEB-woning; the Leefbaarometer
    # scores of the gebouwen' buurten (none here, so no contribution query).
    with CaptureQueriesContext(connection) as queries:
        data = portefeuille.build(corporatie_id=corporatie.pk, jaar=2024)
    assert len(data["afspraken"]) == n
    assert len(queries) == 12, "\n".join(q["sql"] for q in queries)

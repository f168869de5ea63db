"""The notation of the reports a professional signs, read back from the PDFs of
the seeded demo: no ISO date, no number with a decimal point, no count with a
decimal, money always as `€ 1.234,56`, every earlier year of the chart named in
its legend, and no last page holding only the closing sentence. A report sealed
by someone who reads English is written in English notation throughout.

Only the report's own notation is checked: texts a user typed (a clause that
says "€ 6.000 per jaar", a booking's description) are taken out first, as the
report prints them as typed."""

from __future__ import annotations

import datetime
import io
import re
from decimal import Decimal

from django.core.management import call_command
from django.utils import timezone

import pytest

from afspraken import portefeuille, services, tasks
from afspraken.choices import ToetsingStatus
from afspraken.models import Afspraak, Rapport, Toetsing
from afspraken.nalevingsrapport import toezegging_afdruk
from cooperatie.choices import RolSoort
from cooperatie.models import Rol
from kern.formatting import bedrag
from kern.models import Accountinstelling
from tests.afspraken.pdftekst import flat, page_texts

ISO_DATUM = re.compile(r"\d{4}-\d{2}-\d{2}")
# A decimal point: a dot followed by one or two digits, so not a thousands group.
PUNT_DECIMAAL = re.compile(r"(?<![\d.])\d+\.\d{1,2}(?!\d)")
# A count with a decimal: a whole number written with ",0" ("26,0", "norm 20,0").
AANTAL_MET_DECIMAAL = re.compile(r"(?<![\d,.])\d{1,3}(?:\.\d{3})*,0(?!\d)")
GELD_NL = re.compile(r"€ -?\d{1,3}(?:\.\d{3})*,\d{2}(?!\d)")
GELD_EN = re.compile(r"-?€\d{1,3}(?:,\d{3})*\.\d{2}(?!\d)")
# In English: a decimal comma (one or two digits), not a thousands group.
KOMMA_DECIMAAL = re.compile(r"(?<![\d,])\d+,\d{1,2}(?!\d)")
MAANDEN_NL = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
]
MAANDEN_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]

MOMENT = datetime.datetime(2026, 3, 1, 12, tzinfo=datetime.UTC)


# The checks --------------------------------------------------------------------------


def notatiefouten(text: str, *, taal: str = "nl") -> list[str]:
    """What in a report's text breaks the notation of `taal`."""
    fouten = [f"ISO-datum {m}" for m in ISO_DATUM.findall(text)]
    if taal == "nl":
        fouten += [f"decimale punt {m}" for m in PUNT_DECIMAAL.findall(text)]
        fouten += [
            f"aantal met decimaal {m}" for m in AANTAL_MET_DECIMAAL.findall(text)
        ]
        geld = GELD_NL
    else:
        fouten += [f"decimale komma {m}" for m in KOMMA_DECIMAAL.findall(text)]
        fouten += [
            f"aantal met decimaal {m}"
            for m in re.findall(r"(?<![\d.,])\d{1,3}(?:,\d{3})*\.0(?!\d)", text)
        ]
        geld = GELD_EN
    for m in re.finditer("€", text):
        start = m.start() - (
            1 if taal == "en" and text[m.start() - 1 : m.start()] == "-" else 0
        )
        if not geld.match(text, start):
            fouten.append(f"bedrag {text[start : start + 14]!r}")
    return fouten


def test_the_checks_catch_every_wrong_notation():
    assert notatiefouten("Vastgesteld op 8 januari 2025, € 4.570,06, 26, 397,5") == []
    assert notatiefouten("ondertekend 2023-12-14")
    assert notatiefouten("Vrijwilligersuren 397.50")
    assert notatiefouten("14.5 vrijwilligersuren")
    assert notatiefouten("aantal activiteiten 26,0")
    assert notatiefouten("norm 20,0")
    assert notatiefouten("norm 1.220,0")
    assert notatiefouten("max € 6000")
    assert notatiefouten("€ 4570,06")
    assert notatiefouten("€4.570,06")
    assert notatiefouten("€ 12,5")
    # A thousands group is no decimal point, an hour with a decimal no count.
    assert notatiefouten("1.234 woningen, 12,5 uur, € 1.234.567,89, € -12,50") == []
    assert notatiefouten("8 January 2025, €4,570.06, -€12.50, 1,234", taal="en") == []
    assert notatiefouten("397,5 hours", taal="en")
    assert notatiefouten("€ 4.570,06", taal="en")
    assert notatiefouten("26.0 activities", taal="en")


def zonder_gebruikerstekst(text: str, teksten) -> str:
    """The text without what users typed: their notation is theirs."""
    for tekst in sorted({flat(t) for t in teksten if t}, key=len, reverse=True):
        text = text.replace(tekst, " ")
    return text


def gebruikersteksten(snapshot: dict) -> list[str]:
    afspraak = snapshot.get("afspraak", {})
    teksten = [afspraak.get("titel", ""), afspraak.get("prestatieafspraak_kenmerk", "")]
    for row in snapshot["toezeggingen"]:
        teksten += [row["omschrijving"], row.get("toelichting", "")]
    for b in snapshot.get("boekingen", []):
        teksten.append(b["omschrijving"])
    for a in snapshot.get("activiteiten", []):
        teksten += [a["titel"], a["omschrijving"], a.get("partners", "")]
    for g in snapshot.get("gebouwen", []):
        teksten += [g["naam"], g["adres"]]
    return teksten


def assert_notatie(pdf: bytes, teksten, *, taal: str = "nl") -> list[str]:
    pages = [flat(p) for p in page_texts(pdf)]
    text = zonder_gebruikerstekst(" ".join(pages), teksten)
    assert notatiefouten(text, taal=taal) == []
    return pages


def assert_closing_not_alone(pages: list[str], kop: str, slotzin: str) -> None:
    """The closing sentence shares its page with the heading of its section."""
    laatste = pages[-1]
    assert slotzin in laatste
    assert kop in laatste


def assert_years_in_legend(pages: list[str], jaren) -> None:
    text = " ".join(pages)
    assert "eerdere jaren:" in text
    legenda = text[text.index("eerdere jaren:") :][:200]
    for jaar in jaren:
        assert str(jaar) in legenda, (jaar, legenda)


# The demo ---------------------------------------------------------------------------


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=io.StringIO())


def _jaren_in_de_grafiek(snapshot: dict) -> set[int]:
    metingen = {
        str(row["id"])
        for row in snapshot["toezeggingen"]
        if row.get("waarde") is not None
    }
    return {
        jaar
        for toezegging, waarden in snapshot.get("historie", {}).items()
        if toezegging in metingen
        for jaar, _waarde in waarden
    }


def test_the_demos_reports_write_every_number_amount_and_date_in_dutch(demo):
    rapporten = list(Rapport.objects.select_related("toetsing"))
    assert rapporten
    for rapport in rapporten:
        snapshot = rapport.toetsing.snapshot
        pages = assert_notatie(rapport.pdf.read(), gebruikersteksten(snapshot))
        text = " ".join(pages)
        # The clause table writes each value in its unit: besteding as money.
        for row in snapshot["toezeggingen"]:
            afdruk = toezegging_afdruk(row)
            assert afdruk["meetwaarde"] in text
            if row["indicator"] == "besteding":
                assert afdruk["meetwaarde"] == bedrag(row["waarde"], taal="nl")
        assert bedrag(snapshot["cijfers"]["besteding"], taal="nl") in text
        # A long Dutch date for the signing and the sealing; no repeated words.
        assert re.search(r"ondertekend op \d{1,2} [a-z]+ \d{4}", text)
        assert re.search(r"vastgesteld op \d{1,2} [a-z]+ \d{4}", text)
        assert "vastgesteld, vastgesteld" not in text
        titel = snapshot["afspraak"]["titel"]
        looptijd = f"{snapshot['afspraak']['ingangsjaar']}–"
        assert f"{titel}, {looptijd}" not in text
        assert_closing_not_alone(pages, "Verzegeling", "elke gewijzigde byte valt op.")


def test_a_concept_with_earlier_years_names_each_of_them_in_the_legend(demo):
    jaar = timezone.localdate().year
    concepten = list(
        Toetsing.objects.filter(jaar=jaar).exclude(status=ToetsingStatus.VASTGESTELD)
    )
    gezien = 0
    for toetsing in concepten:
        data = tasks._concept_snapshot(toetsing)
        jaren = _jaren_in_de_grafiek(data)
        pdf = tasks.concept_nalevingsrapport(toetsing, moment=MOMENT)
        pages = assert_notatie(pdf, gebruikersteksten(data))
        if jaren:
            assert_years_in_legend(pages, sorted(jaren))
            gezien += 1
    # The demo has sealed years before the current one: some chart shows them.
    assert gezien


def test_the_demos_portefeuillerapport_writes_dutch_notation(demo):
    jaar = timezone.localdate().year - 1
    corporaties = sorted(set(Afspraak.objects.values_list("corporatie_id", flat=True)))
    assert corporaties
    for corporatie_id in corporaties:
        pdf, data = portefeuille.render_portefeuillerapport(
            corporatie_id=corporatie_id, jaar=jaar, moment=MOMENT
        )
        teksten = [a["titel"] for a in data["afspraken"]]
        teksten += [
            f"{g['complexnummer']} {g['naam']}"
            for gemeente in data["gemeenten"]
            for g in gemeente["gebouwen"]
        ]
        teksten += [g["adres"] for gm in data["gemeenten"] for g in gm["gebouwen"]]
        pages = assert_notatie(pdf, teksten)
        text = " ".join(pages)
        assert "1 maart 2026" in text
        assert bedrag(data["leefbaarheid"]["besteding"], taal="nl") in text
        assert_closing_not_alone(
            pages, "Verantwoording", "alleen geaggregeerde gegevens over leden."
        )


def test_the_portefeuillerapport_in_english_writes_english_notation(demo):
    jaar = timezone.localdate().year - 1
    corporatie_id = Afspraak.objects.values_list("corporatie_id", flat=True)[0]
    pdf, data = portefeuille.render_portefeuillerapport(
        corporatie_id=corporatie_id, jaar=jaar, moment=MOMENT, taal="en"
    )
    teksten = [a["titel"] for a in data["afspraken"]]
    teksten += [g["adres"] for gm in data["gemeenten"] for g in gm["gebouwen"]]
    pages = assert_notatie(pdf, teksten, taal="en")
    text = " ".join(pages)
    assert "1 March 2026" in text
    assert bedrag(data["leefbaarheid"]["besteding"], taal="en") in text


def test_a_report_sealed_by_an_english_reader_is_written_in_english(demo):
    toetsing = (
        Toetsing.objects.filter(status=ToetsingStatus.INGEDIEND)
        .select_related("afspraak")
        .order_by("jaar", "pk")
        .first()
    )
    assert toetsing is not None
    beheerder = (
        Rol.objects.filter(
            soort=RolSoort.BEHEERDER, corporatie_id=toetsing.afspraak.corporatie_id
        )
        .select_related("user")
        .first()
        .user
    )
    Accountinstelling.objects.update_or_create(user=beheerder, defaults={"taal": "en"})

    toetsing = services.toetsing_vaststellen(toetsing=toetsing, actor=beheerder)

    rapport = Rapport.objects.get(toetsing=toetsing)
    assert rapport.taal == "en"
    snapshot = toetsing.snapshot
    pages = assert_notatie(rapport.pdf.read(), gebruikersteksten(snapshot), taal="en")
    text = zonder_gebruikerstekst(" ".join(pages), gebruikersteksten(snapshot))
    assert "Commitments" in text  # the clause table's heading
    assert re.search(rf"\d{{1,2}} ({'|'.join(MAANDEN_EN)}) \d{{4}}", text)
    assert not re.search(rf"\b({'|'.join(MAANDEN_NL)})\b", text)
    assert bedrag(Decimal(snapshot["cijfers"]["besteding"]), taal="en") in text
    # The seal still holds: the stored bytes are the ones whose hash was recorded.
    assert tasks.sealed_bytes(toetsing) == rapport.pdf.open("rb").read()

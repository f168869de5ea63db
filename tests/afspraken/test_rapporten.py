"""The sealed nalevingsrapport, read back as a PDF; verification; the bundle."""

import csv
import datetime
import hashlib
import io
import json
import re
import zipfile
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import translation

import pypdf
import pytest

from afspraken import nalevingsrapport, rapporten, services
from afspraken.choices import Indicator, Verdict
from afspraken.models import Rapport
from afspraken.pdf import StaticOnlyURLFetcher, render_pdf
from kern.immutable import ImmutableRowError
from kern.tabellen import safe_cell
from tests.afspraken.factories import ToezeggingFactory
from tests.helpers import fresh
from tests.ledger.factories import ActiviteitFactory

HOSTILE = '<img src="file:///etc/passwd"> <img src="https://example.com/x.png">'


@pytest.fixture
def sealed(world):
    """Tenant A's 2024 toetsing, approved and sealed, with one of each indicator."""
    a = world.a
    for indicator, norm in [
        (Indicator.VRIJWILLIGERSUREN, "100"),
        (Indicator.DEELNEMERS_BUURT, "10"),
        (Indicator.BESTEDING, "20"),
        (Indicator.AANTAL_LEDEN, "2"),
        (Indicator.AANDEEL_ACTIEVE_LEDEN, "40"),
        (Indicator.AANDEEL_DOELGROEP, "50"),
    ]:
        ToezeggingFactory(
            afspraak=a.afspraak,
            omschrijving=f"Toezegging {indicator}",
            indicator=indicator,
            norm=Decimal(norm),
        )
    ActiviteitFactory(
        cooperatie=a.cooperatie,
        datum=datetime.date(2024, 12, 31),
        titel="Oudejaarsbijeenkomst",
        omschrijving=HOSTILE,
    )
    toetsing = services.toetsing_indienen(toetsing=a.toetsing, actor=fresh(a.bestuur))
    toetsing = services.toetsing_vaststellen(toetsing=toetsing, actor=a.beheerder)
    rapport = Rapport.objects.get(toetsing=toetsing)
    return toetsing, rapport, rapport.pdf.read()


def _reader(data: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(data))


def _text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in _reader(data).pages)


def test_pdf_holds_every_toezegging_with_value_and_verdict(sealed):
    toetsing, _, data = sealed
    text = " ".join(_text(data).split())
    # The world's two clauses (one kwalitatief, assessed) and the six above.
    assert len(toetsing.snapshot["toezeggingen"]) == 8
    for row in toetsing.snapshot["toezeggingen"]:
        assert " ".join(row["omschrijving"].split()) in text
        # The measured value in its indicator's unit and precision.
        assert nalevingsrapport.toezegging_afdruk(row)["meetwaarde"] in text
        assert str(Verdict(row["verdict"]).label) in text
    assert "Nalevingsrapport 2024" in text
    assert "Pagina 1 van" in text


def test_a_report_sealed_by_a_dutch_reader_is_dutch_and_records_it(sealed):
    _, rapport, data = sealed
    assert rapport.taal == "nl"
    text = " ".join(_text(data).split())
    assert "Toezeggingen" in text
    assert re.search(r"vastgesteld op \d{1,2} [a-z]+ \d{4} \d{2}:\d{2}", text)
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text)


def test_pdf_identifies_as_pdf_a_3(sealed):
    _, _, data = sealed
    xmp = _reader(data).xmp_metadata.stream.get_data().decode()
    assert 'pdfaid:part="3"' in xmp
    assert 'pdfaid:conformance="B"' in xmp


def test_attached_json_equals_the_stored_snapshot_and_csv_lists_activities(sealed):
    toetsing, _, data = sealed
    attachments = _reader(data).attachments
    assert json.loads(attachments["snapshot.json"][0]) == toetsing.snapshot
    csv_text = attachments["activiteiten.csv"][0].decode("utf-8-sig")
    assert "Oudejaarsbijeenkomst" in csv_text
    assert len(csv_text.strip().splitlines()) == 1 + len(
        toetsing.snapshot["activiteiten"]
    )


def test_file_sha256_equals_the_rapport_and_the_head_hash_is_printed(sealed):
    _, rapport, data = sealed
    assert hashlib.sha256(data).hexdigest() == rapport.sha256
    assert rapport.journaal_hash.replace(" ", "") in _text(data).replace(" ", "")


def test_verification_accepts_the_sealed_bytes_and_rejects_one_flipped_byte(sealed):
    _, rapport, data = sealed
    assert rapporten.verify(pdf=data) == rapport
    assert rapporten.verify(sha256=rapport.sha256.upper()) == rapport
    flipped = bytearray(data)
    flipped[len(flipped) // 2] ^= 0x01
    assert rapporten.verify(pdf=bytes(flipped)) is None
    assert rapporten.verify(sha256="0" * 64) is None


def test_re_rendering_gives_the_same_bytes_and_a_second_seal_is_refused(sealed):
    toetsing, rapport, data = sealed
    again = nalevingsrapport.render_nalevingsrapport(
        toetsing,
        journaal_hash=rapport.journaal_hash,
        moment=toetsing.vastgesteld_op,
        journaal_koppen=rapporten.journaal_koppen_of(rapport),
    )
    assert again == data
    with pytest.raises(ValidationError, match="al een verzegeld rapport"):
        rapporten.seal(toetsing, actor=toetsing.vastgesteld_door)
    # Past the check, the database refuses a second report for the toetsing too.
    duplicate = Rapport(
        toetsing=toetsing, sha256="f" * 64, created_by=toetsing.vastgesteld_door
    )
    with pytest.raises(DatabaseError), transaction.atomic():
        duplicate.save()
    assert Rapport.objects.filter(toetsing=toetsing).count() == 1
    with pytest.raises(ImmutableRowError):
        Rapport.objects.filter(pk=rapport.pk).update(sha256="0" * 64)


def test_a_report_asked_for_in_english_is_the_same_dutch_document(sealed):
    toetsing, rapport, data = sealed
    with translation.override("en"):
        again = nalevingsrapport.render_nalevingsrapport(
            toetsing,
            journaal_hash=rapport.journaal_hash,
            moment=toetsing.vastgesteld_op,
            journaal_koppen=rapporten.journaal_koppen_of(rapport),
        )
    assert again == data
    assert "Nalevingsrapport" in _text(again)


def test_hostile_markup_in_a_description_renders_as_text_without_fetching(sealed):
    _, _, data = sealed
    assert 'src="file:///etc/passwd"' in " ".join(_text(data).split())
    # The renderer was never asked for the file or the host: the markup is escaped.
    html = nalevingsrapport.nalevingsrapport_html(
        sealed[0].snapshot, status="vastgesteld", moment=sealed[0].vastgesteld_op
    )
    assert "&lt;img src=&quot;file:///etc/passwd&quot;&gt;" in html
    _, fetcher = render_pdf(html, moment=sealed[0].vastgesteld_op, identifier=b"test")
    assert fetcher.refused == []


def test_the_fetcher_refuses_files_and_hosts_even_when_markup_gets_through():
    html = (
        "<html><body><p>x</p>"
        '<img src="file:///etc/passwd"><img src="https://example.com/a.png">'
        '<link rel="stylesheet" href="http://example.com/s.css"></body></html>'
    )
    moment = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
    pdf, fetcher = render_pdf(html, moment=moment, identifier=b"x")
    assert pdf.startswith(b"%PDF-")
    assert sorted(fetcher.refused) == [
        "file:///etc/passwd",
        "http://example.com/s.css",
        "https://example.com/a.png",
    ]
    assert b"root:" not in pdf
    with pytest.raises(ValueError, match="refused"):
        StaticOnlyURLFetcher().fetch("file:///etc/passwd")


def test_auditor_bundle_holds_pdfs_data_and_a_manifest_that_checks(sealed):
    toetsing, rapport, data = sealed
    blob = rapporten.auditor_bundle(
        rapporten=[rapport], corporatie_naam="Woonstichting A", jaar=2024
    )
    with zipfile.ZipFile(io.BytesIO(blob)) as zf:
        names = set(zf.namelist())
        stem = f"2024-toetsing-{toetsing.pk}"
        assert {
            f"{stem}/nalevingsrapport.pdf",
            f"{stem}/snapshot.json",
            f"{stem}/activiteiten.csv",
            "SHA256SUMS",
        } <= names
        assert zf.read(f"{stem}/nalevingsrapport.pdf") == data
        for line in zf.read("SHA256SUMS").decode().splitlines():
            digest, name = line.split("  ")
            assert hashlib.sha256(zf.read(name)).hexdigest() == digest


def test_csv_cells_that_look_like_formulas_are_escaped():
    snapshot = {"activiteiten": [{"titel": "=cmd|' /C calc'!A0", "partners": "+31"}]}
    text = nalevingsrapport.activiteiten_csv(snapshot).decode("utf-8-sig")
    assert "'=cmd" in text
    assert "'+31" in text


FORMULAS_IN_DISGUISE = [
    '\x01=HYPERLINK("http://example.invalid")',
    "\x02+1+1",
    " =1+1",
    "\u00a0-2+3",
    "\u200b@SUM(A1)",
    "\ufeff=1",
    "\uff1dcmd|' /C calc'!A0",  # full-width equals sign
    "\uff0b31 6 1234 5678",  # full-width plus sign
    "\uff0d1+1",  # full-width hyphen-minus
    "\uff20SUM(A1)",  # full-width commercial at
    "\ufe62 small plus",
    "\u2212 minus sign",
    "\x1f\u3000\uff1d1",  # a control, then an ideographic space
]


@pytest.mark.parametrize("text", FORMULAS_IN_DISGUISE)
def test_csv_escapes_a_formula_behind_controls_spaces_or_in_full_width(text):
    snapshot = {"activiteiten": [{"titel": text}]}
    csv_text = nalevingsrapport.activiteiten_csv(snapshot).decode("utf-8-sig")
    (record,) = list(csv.DictReader(io.StringIO(csv_text), delimiter=";"))
    assert record["titel"] == "'" + text


@pytest.mark.parametrize(
    "text", ["Buurtfeest", "'=al veilig", "1+1", "e-mail", "", "\x01tekst", "（＝）"]
)
def test_csv_leaves_text_that_is_no_formula_as_it_is(text):
    assert safe_cell(text) == text


def test_auditor_bundle_refuses_a_stored_file_that_no_longer_matches_its_seal(sealed):
    _, rapport, data = sealed
    with open(rapport.pdf.path, "wb") as fh:  # someone with disk access
        fh.write(data[:-10] + b"tampered!\n")
    with pytest.raises(ValueError, match="SHA-256"):
        rapporten.auditor_bundle(
            rapporten=[rapport], corporatie_naam="Woonstichting A", jaar=2024
        )


def test_the_running_footer_shows_names_with_quotes_and_ampersands_as_written(world):
    a = world.a
    naam = 'Wooncoöperatie De Eik & Zn - "Noord" <b>'
    type(a.cooperatie).objects.filter(pk=a.cooperatie.pk).update(naam=naam)
    toetsing = services.toetsing_indienen(toetsing=a.toetsing, actor=fresh(a.bestuur))
    html = nalevingsrapport.nalevingsrapport_html(
        toetsing.snapshot, status=toetsing.status, moment=toetsing.ingediend_op
    )
    pdf, _ = render_pdf(html, moment=toetsing.ingediend_op, identifier=b"footer")
    footer = _reader(pdf).pages[0].extract_text().splitlines()
    assert any(line.startswith(f"Nalevingsrapport 2024 · {naam}") for line in footer)


def test_the_bundle_carries_the_data_exactly_as_sealed_in_the_pdf(sealed):
    toetsing, rapport, data = sealed
    blob = rapporten.auditor_bundle(
        rapporten=[rapport], corporatie_naam="Woonstichting A", jaar=2024
    )
    embedded = _reader(data).attachments
    with zipfile.ZipFile(io.BytesIO(blob)) as zf:
        stem = f"2024-toetsing-{toetsing.pk}"
        for name in ("snapshot.json", "activiteiten.csv"):
            assert zf.read(f"{stem}/{name}") == embedded[name][0]


def test_a_vastgestelde_toetsing_keeps_its_result(sealed):
    toetsing, _, _ = sealed
    toetsing.refresh_from_db()
    assert toetsing.verdict == Verdict.NIET_NAGEKOMEN
    toetsing.verdict = Verdict.NAGEKOMEN
    with pytest.raises(ImmutableRowError):
        toetsing.save()
    toetsing.refresh_from_db()
    toetsing.toelichting = "Een toelichting achteraf mag."
    toetsing.save()


@pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="the seal trigger is PostgreSQL's"
)
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE afspraken_toetsing SET verdict = 'nagekomen' WHERE id = %s",
        "UPDATE afspraken_toetsing SET snapshot = '{}'::jsonb WHERE id = %s",
        "UPDATE afspraken_toetsing SET status = 'open' WHERE id = %s",
        "DELETE FROM afspraken_toetsing WHERE id = %s",
    ],
)
def test_raw_sql_cannot_change_a_vastgestelde_toetsing(sealed, statement):
    toetsing, _, _ = sealed
    with (
        pytest.raises(DatabaseError, match="sealed"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement, [toetsing.pk])

"""Receipts (bonnen) on bookings, the storno's reason, the open years a booking
may name, and the running balance of the money book."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

import pytest

from kern.models import AuditEntry
from ledger import selectors, services
from ledger.bijlagen import schone_naam
from ledger.models import ORIGINAL_NAME_MAX_LENGTH, Activiteit, Boeking, Bon
from tests.helpers import entries_since, journal_mark, table_state
from tests.ledger.factories import PNG_1PX, ActiviteitFactory, BoekingFactory

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path / "media"


def _bon(world, name="kassabon.pdf", content=PDF, boeking=None):
    return services.bon_add(
        boeking=boeking or world.a.boeking,
        bestand=SimpleUploadedFile(name, content),
        actor=world.a.bestuur,
    )


def test_bon_is_stored_by_its_content_under_a_random_name(world):
    seq = journal_mark()

    bon = _bon(world, name="Bon Jumbo 12-3.jpg", content=PDF)

    bon.refresh_from_db()
    assert bon.content_type == "application/pdf"
    assert bon.bestand.name.endswith(".pdf")
    assert "Jumbo" not in bon.bestand.name
    assert bon.oorspronkelijke_naam == "Bon Jumbo 12-3.jpg"
    assert bon.naam == "Bon Jumbo 12-3.jpg"
    assert [e.action for e in entries_since(seq)] == ["bon_add"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("C:\\Users\\piet\\bon 12.png", "bon 12.png"),
        ("../../etc/passwd", "passwd"),
        ("rekening\u202egnp.exe", "rekening gnp.exe"),
        ("a\r\nb.png", "a b.png"),
        ("  ..  ", ""),
        ("\x00\x01", ""),
    ],
)
def test_original_name_is_cleaned(name, expected):
    assert schone_naam(name, ORIGINAL_NAME_MAX_LENGTH) == expected


def test_original_name_is_bounded_and_keeps_its_extension():
    naam = schone_naam("x" * 5000 + ".pdf", ORIGINAL_NAME_MAX_LENGTH)

    assert len(naam) == ORIGINAL_NAME_MAX_LENGTH
    assert naam.endswith("….pdf")


def test_bon_that_is_no_photo_or_pdf_is_refused_and_nothing_is_written(world, media):
    rows, seq = table_state(Bon), journal_mark()
    files = set(media.rglob("*"))

    with pytest.raises(ValidationError) as exc:
        _bon(world, name="bon.pdf", content=b"MZ\x90\x00 not a receipt")

    assert "bestand" in exc.value.message_dict
    assert table_state(Bon) == rows
    assert entries_since(seq) == []
    assert set(media.rglob("*")) == files


def test_bon_larger_than_the_limit_is_refused(world, settings):
    settings.BIJLAGE_MAX_BYTES = 1024 * 1024
    rows = table_state(Bon)

    with pytest.raises(ValidationError) as exc:
        _bon(world, content=PDF + b"0" * (1024 * 1024))

    assert exc.value.message_dict["bestand"] == [
        "Het bestand mag hoogstens 1 MB groot zijn."
    ]
    assert table_state(Bon) == rows


def test_bon_on_a_booking_of_a_locked_year_cannot_be_added_or_removed(world):
    # 2023 is closed in the world (its toetsing is vastgesteld).
    oud = BoekingFactory(cooperatie=world.a.cooperatie, datum=datetime.date(2023, 5, 1))
    bon = Bon.objects.create(
        boeking=oud,
        bestand=SimpleUploadedFile("oud.png", PNG_1PX),
        content_type="image/png",
        grootte=len(PNG_1PX),
        sha256="0" * 64,
    )
    rows, seq = table_state(Bon), journal_mark()

    with pytest.raises(ValidationError) as added:
        _bon(world, boeking=oud)
    with pytest.raises(ValidationError) as removed:
        services.bon_delete(bon=bon, actor=world.a.bestuur)

    for exc in (added, removed):
        assert exc.value.message_dict["boeking"] == [
            "Het jaar 2023 is vastgesteld en kan niet meer worden gewijzigd."
        ]
    assert table_state(Bon) == rows
    assert entries_since(seq) == []


def test_bon_on_a_storno_follows_the_year_of_the_cancelled_booking(world):
    oud = BoekingFactory(cooperatie=world.a.cooperatie, datum=datetime.date(2023, 5, 1))
    storno = BoekingFactory(
        cooperatie=world.a.cooperatie,
        datum=datetime.date(2024, 1, 5),
        corrigeert=oud,
    )

    with pytest.raises(ValidationError) as exc:
        _bon(world, boeking=storno)

    assert "corrigeert" in exc.value.message_dict


def test_bon_delete_removes_row_and_file_and_journals(
    world, media, django_capture_on_commit_callbacks
):
    bon = _bon(world)
    path = media / bon.bestand.name
    assert path.exists()
    seq = journal_mark()

    with django_capture_on_commit_callbacks(execute=True):
        services.bon_delete(bon=bon, actor=world.a.bestuur)

    assert not path.exists()
    assert not Bon.objects.filter(pk=bon.pk).exists()
    assert [e.action for e in entries_since(seq)] == ["bon_delete"]


def test_a_booking_holds_a_bounded_number_of_bonnen(world):
    for _ in range(services.BONNEN_PER_BOEKING - world.a.boeking.bonnen.count()):
        _bon(world, content=PNG_1PX, name="foto.png")

    with pytest.raises(ValidationError) as exc:
        _bon(world)

    assert "bestand" in exc.value.message_dict


def test_a_booking_with_bonnen_is_still_never_deleted(world):
    _bon(world)
    with pytest.raises(Exception):  # noqa: B017, PT011 - append-only refuses
        Boeking.objects.filter(pk=world.a.boeking.pk).delete()


# Storno -------------------------------------------------------------------------


@pytest.mark.parametrize("reden", ["", "   ", None])
def test_storno_without_a_reason_is_refused(world, reden):
    rows, seq = table_state(Boeking), journal_mark()

    with pytest.raises(ValidationError) as exc:
        services.boeking_storno(
            boeking=world.a.boeking, actor=world.a.bestuur, omschrijving=reden
        )

    assert exc.value.message_dict == {
        "omschrijving": ["Een reden voor de storno moet ingevuld zijn."]
    }
    assert table_state(Boeking) == rows
    assert entries_since(seq) == []


def test_storno_keeps_its_reason_as_description(world):
    storno = services.boeking_storno(
        boeking=world.a.boeking, actor=world.a.bestuur, omschrijving="  Dubbel  "
    )

    assert storno.omschrijving == "Dubbel"
    assert AuditEntry.objects.filter(
        action="boeking_storno", object_id=str(storno.pk)
    ).exists()


# Open years ---------------------------------------------------------------------


def test_activities_of_closed_years_are_not_in_open_years(world):
    oud = ActiviteitFactory(
        cooperatie=world.a.cooperatie, datum=datetime.date(2023, 6, 1)
    )
    # Another cooperatie's closed year does not close this one's.
    ander = ActiviteitFactory(
        cooperatie=world.b.cooperatie, datum=datetime.date(2022, 6, 1)
    )

    open_jaren = set(Activiteit.objects.in_open_jaren())

    assert oud not in open_jaren
    assert world.a.activiteit in open_jaren
    assert ander in open_jaren
    assert world.b.activiteit in open_jaren


def test_a_booking_naming_an_activity_of_a_closed_year_is_refused(world):
    # 2023 is closed in the world (its toetsing is vastgesteld); the booking's
    # own date is in an open year.
    oud = ActiviteitFactory(
        cooperatie=world.a.cooperatie, datum=datetime.date(2023, 6, 1)
    )
    rows, seq = table_state(Boeking), journal_mark()

    with pytest.raises(ValidationError) as refused:
        services.boeking_create(
            cooperatie=world.a.cooperatie,
            datum=datetime.date(2025, 1, 8),
            soort="uitgave",
            bedrag=Decimal("5"),
            omschrijving="Koffie",
            activiteit=oud,
            actor=world.a.bestuur,
        )

    assert refused.value.message_dict == {
        "activiteit": [
            "Het jaar 2023 is vastgesteld en kan niet meer worden gewijzigd."
        ]
    }
    assert table_state(Boeking) == rows
    assert entries_since(seq) == []


# Running balance ----------------------------------------------------------------


def test_running_balance_adds_budget_subtracts_spending_and_reverses_storno(world):
    c = world.a.cooperatie

    def boek(dag, soort, bedrag, **kwargs):
        return BoekingFactory(
            cooperatie=c,
            datum=datetime.date(2024, 1, dag),
            soort=soort,
            bedrag=Decimal(bedrag),
            **kwargs,
        )

    budget = boek(2, "budget", "1000.00")
    koffie = boek(3, "uitgave", "12.35")
    fout = boek(4, "uitgave", "100.10")
    herstel = BoekingFactory(
        cooperatie=c,
        datum=datetime.date(2025, 1, 6),  # next year: counts in 2024
        soort="uitgave",
        bedrag=Decimal("100.10"),
        corrigeert=fout,
    )
    teruggestort = boek(5, "budget", "0.10")
    # world.a.boeking: uitgave of 25.00 on 15 March 2024.

    saldi = selectors.lopend_saldo(boekingen=Boeking.objects.voor_jaar(2024))

    assert saldi == {
        budget.pk: Decimal("1000.00"),
        koffie.pk: Decimal("987.65"),
        fout.pk: Decimal("887.55"),
        teruggestort.pk: Decimal("887.65"),
        world.a.boeking.pk: Decimal("862.65"),
        herstel.pk: Decimal("962.75"),
        # The other cooperatie's book has its own balance.
        world.b.boeking.pk: Decimal("-25.00"),
    }
    totalen = selectors.totalen(boekingen=Boeking.objects.filter(cooperatie=c))
    assert totalen["saldo"] == Decimal("962.75")

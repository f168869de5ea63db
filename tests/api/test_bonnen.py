"""Receipts (bonnen) through the API: added to a booking one at a time
(multipart), listed with the booking under the name they were uploaded with."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

import pytest

from ledger.models import Bon
from tests.api.problems import invalid_params
from tests.api.rules_helpers import client_for
from tests.helpers import entries_since, journal_mark, table_state
from tests.ledger.factories import PNG_1PX, BoekingFactory


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _post(user, boeking, naam="Bon Jumbo.png", inhoud=PNG_1PX):
    return client_for(user).post(
        f"/api/v1/boekingen/{boeking.pk}/bonnen/",
        {"bestand": SimpleUploadedFile(naam, inhoud), "omschrijving": "Koffie"},
        format="multipart",
    )


def test_a_receipt_is_added_and_listed_with_its_booking(world):
    boeking = BoekingFactory(
        cooperatie=world.a.cooperatie, datum=datetime.date(2025, 5, 1)
    )
    seq = journal_mark()

    response = _post(world.a.bestuur, boeking)

    assert response.status_code == 201
    body = response.json()
    assert body["oorspronkelijke_naam"] == "Bon Jumbo.png"
    assert body["content_type"] == "image/png"
    assert [e.action for e in entries_since(seq)] == ["bon_add"]
    listed = client_for(world.a.beheerder).get(f"/api/v1/boekingen/{boeking.pk}/")
    assert [b["id"] for b in listed.json()["bonnen"]] == [body["id"]]
    assert listed.json()["bonnen"][0]["omschrijving"] == "Koffie"


def test_a_receipt_that_is_no_photo_or_pdf_is_refused_on_its_field(world):
    boeking = BoekingFactory(
        cooperatie=world.a.cooperatie, datum=datetime.date(2025, 5, 1)
    )
    rows = table_state(Bon)

    response = _post(world.a.bestuur, boeking, naam="bon.png", inhoud=b"MZ\x90\x00")

    assert response.status_code == 400
    assert "bestand" in invalid_params(response)
    assert table_state(Bon) == rows


def test_a_receipt_on_a_booking_of_a_closed_year_is_refused(world):
    # 2023 is closed in the world (its toetsing is vastgesteld).
    oud = BoekingFactory(cooperatie=world.a.cooperatie, datum=datetime.date(2023, 5, 1))
    rows, seq = table_state(Bon), journal_mark()

    response = _post(world.a.bestuur, oud)

    assert response.status_code == 400
    assert invalid_params(response)["boeking"] == [
        "Het jaar 2023 is vastgesteld en kan niet meer worden gewijzigd."
    ]
    assert table_state(Bon) == rows
    assert entries_since(seq) == []


def test_another_cooperaties_booking_is_not_found(world):
    boeking = BoekingFactory(cooperatie=world.b.cooperatie)

    assert _post(world.a.bestuur, boeking).status_code == 404

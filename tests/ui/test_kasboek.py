"""The bestuur's money book beyond single bookings: Dutch amounts, the open
years a booking may name, the running balance, search, receipts, and the
exports of the board and the beheerder (content, scoping, formula injection)."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import openpyxl
import pytest

from ledger.models import Boeking, Bon
from tests.helpers import entries_since, journal_mark
from tests.ledger.factories import PNG_1PX, ActiviteitFactory, BoekingFactory

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


def url(tenant, name: str, *args) -> str:
    return reverse(f"bestuur-{name}", args=[tenant.cooperatie.pk, *args])


def beheer_url(tenant, name: str, *args) -> str:
    return reverse(f"beheer-{name}", args=[tenant.corporatie.pk, *args])


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def bestuur(client, world):
    client.force_login(world.a.bestuur)
    return client


def _nieuw(bestuur, world, bedrag: str, **extra):
    return bestuur.post(
        url(world.a, "boeking-nieuw"),
        {
            "datum": "2025-02-01",
            "soort": "uitgave",
            "bedrag": bedrag,
            "omschrijving": "Verf voor de gang",
            **extra,
        },
    )


# Amounts and the activity list ----------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("1.234,50", Decimal("1234.50")),
        ("1234,5", Decimal("1234.50")),
        ("€ 12", Decimal("12.00")),
        ("12.50", Decimal("12.50")),
    ],
)
def test_booking_accepts_amounts_as_people_type_them(bestuur, world, typed, stored):
    response = _nieuw(bestuur, world, typed)

    assert response.status_code == 302
    assert Boeking.objects.get(omschrijving="Verf voor de gang").bedrag == stored


@pytest.mark.parametrize(
    "typed", ["1,234,5", "twaalf", "1" * 40, "12,345", "1234567890123,00"]
)
def test_booking_with_an_unreadable_amount_is_an_error_on_the_field(
    bestuur, world, typed
):
    seq = journal_mark()

    response = _nieuw(bestuur, world, typed)

    assert response.status_code == 200
    assert response.context["form"].errors["bedrag"]
    assert entries_since(seq) == []


def test_booking_form_offers_only_activities_of_open_years(bestuur, world):
    oud = ActiviteitFactory(
        cooperatie=world.a.cooperatie, datum=datetime.date(2023, 6, 1)
    )

    response = bestuur.get(url(world.a, "boeking-nieuw"))
    keuzes = set(response.context["form"].fields["activiteit"].queryset)
    posted = _nieuw(bestuur, world, "10", activiteit=str(oud.pk))

    assert world.a.activiteit in keuzes
    assert oud not in keuzes
    assert world.b.activiteit not in keuzes
    assert posted.status_code == 200
    assert posted.context["form"].errors["activiteit"]


# Running balance and search -------------------------------------------------------


def _jaar_met_boekingen(world):
    c = world.a.cooperatie
    budget = BoekingFactory(
        cooperatie=c,
        datum=datetime.date(2024, 1, 10),
        soort="budget",
        bedrag=Decimal("500.00"),
        omschrijving="Budget 2024",
    )
    verf = BoekingFactory(
        cooperatie=c,
        datum=datetime.date(2024, 4, 1),
        bedrag=Decimal("74.95"),
        omschrijving="Verf en kwasten",
    )
    return budget, verf


def test_list_shows_the_running_balance_per_booking(bestuur, world):
    budget, verf = _jaar_met_boekingen(world)

    response = bestuur.get(url(world.a, "boekingen"), {"jaar": 2024})

    saldi = {b.pk: b.saldo for b in response.context["page"]}
    # Budget 500 (10 Jan), the world's uitgave 25 (15 Mar), verf 74,95 (1 Apr).
    assert saldi == {
        budget.pk: Decimal("500.00"),
        world.a.boeking.pk: Decimal("475.00"),
        verf.pk: Decimal("400.05"),
    }
    html = response.content.decode()
    assert '<td class="num">€ 400,05</td>' in html
    assert response.context["totalen"]["saldo"] == Decimal("400.05")


def test_search_narrows_the_list_but_not_the_balance_or_totals(bestuur, world):
    _budget, verf = _jaar_met_boekingen(world)

    response = bestuur.get(url(world.a, "boekingen"), {"jaar": 2024, "zoek": "VERF"})

    rows = list(response.context["page"])
    assert [b.pk for b in rows] == [verf.pk]
    assert rows[0].saldo == Decimal("400.05")
    assert response.context["totalen"]["budget"] == Decimal("500.00")
    assert response.context["totalen"]["aantal"] == 3


def test_search_finds_nothing_of_another_cooperatie(bestuur, world):
    BoekingFactory(cooperatie=world.b.cooperatie, omschrijving="Geheim van B")

    response = bestuur.get(url(world.a, "boekingen"), {"jaar": 2024, "zoek": "Geheim"})

    assert list(response.context["page"]) == []
    assert "Geen boekingen gevonden met deze zoekwoorden." in (
        response.content.decode()
    )


def test_overlong_search_is_an_error_not_a_failure(bestuur, world):
    response = bestuur.get(url(world.a, "boekingen"), {"zoek": "x" * 5000})

    assert response.status_code == 200
    assert response.context["filters"].form.errors


# Receipts -----------------------------------------------------------------------


def test_board_attaches_a_receipt_and_sees_it_under_its_own_name(bestuur, world):
    boeking = world.a.boeking
    seq = journal_mark()

    response = bestuur.post(
        url(world.a, "boeking", boeking.pk),
        {"bestand": SimpleUploadedFile("Kassabon AH.pdf", PDF), "omschrijving": ""},
    )

    assert response.status_code == 302
    bon = Bon.objects.get(boeking=boeking, oorspronkelijke_naam="Kassabon AH.pdf")
    assert [e.action for e in entries_since(seq)] == ["bon_add"]
    page = bestuur.get(url(world.a, "boeking", boeking.pk)).content.decode()
    assert "Kassabon AH.pdf" in page
    assert url(world.a, "bon", bon.pk) in page
    download = bestuur.get(url(world.a, "bon", bon.pk))
    assert download["Content-Type"] == "application/pdf"
    assert 'filename="Kassabon AH.pdf"' in download["Content-Disposition"]
    assert download["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert download["X-Content-Type-Options"] == "nosniff"


def test_receipt_is_served_with_the_extension_of_its_content(bestuur, world):
    bestuur.post(
        url(world.a, "boeking", world.a.boeking.pk),
        {"bestand": SimpleUploadedFile('bon".html', PNG_1PX)},
    )
    bon = Bon.objects.get(oorspronkelijke_naam='bon".html')

    response = bestuur.get(url(world.a, "bon", bon.pk))
    thumb = bestuur.get(url(world.a, "bon-miniatuur", bon.pk))

    assert response["Content-Type"] == "image/png"
    assert 'filename="bon\\".png"' in response["Content-Disposition"]
    assert thumb.status_code == 200
    assert thumb["Content-Type"] == "image/jpeg"


def test_a_file_that_is_no_receipt_is_refused_on_the_field(bestuur, world):
    response = bestuur.post(
        url(world.a, "boeking", world.a.boeking.pk),
        {"bestand": SimpleUploadedFile("bon.pdf", b"<script>alert(1)</script>")},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["bestand"]


def test_receipts_of_a_locked_year_are_read_only(bestuur, world):
    oud = BoekingFactory(cooperatie=world.a.cooperatie, datum=datetime.date(2023, 5, 1))

    page = bestuur.get(url(world.a, "boeking", oud.pk))
    posted = bestuur.post(
        url(world.a, "boeking", oud.pk),
        {"bestand": SimpleUploadedFile("bon.pdf", PDF)},
    )

    assert page.context["form"] is None
    assert "Bon toevoegen</button>" not in page.content.decode()
    assert posted.status_code == 405
    assert not Bon.objects.filter(boeking=oud).exists()


def test_beheerder_dossier_shows_the_bookings_receipts(client, world):
    bon = world.a.bon
    client.force_login(world.a.beheerder)

    response = client.get(
        reverse(
            "beheer-cooperatie-dossier",
            args=[world.a.corporatie.pk, world.a.cooperatie.pk],
        ),
        {"jaar": 2024},
    )

    page = response.content.decode()
    assert beheer_url(world.a, "bon", bon.pk) in page
    assert beheer_url(world.a, "bon-miniatuur", bon.pk) in page
    assert "kassabon.png" in page
    assert beheer_url(world.b, "bon", world.b.bon.pk) not in page


# Exports ------------------------------------------------------------------------


def _csv(response) -> list[list[str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_bookings_csv_is_dutch_and_holds_only_the_own_cooperatie(bestuur, world):
    _jaar_met_boekingen(world)
    BoekingFactory(cooperatie=world.b.cooperatie, omschrijving="Boeking van B")

    response = bestuur.get(
        url(world.a, "boekingen-export"), {"jaar": 2024, "formaat": "csv"}
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="boekingen-2024.csv"' in response["Content-Disposition"]
    rows = _csv(response)
    assert rows[0][:6] == [
        "Datum",
        "Soort",
        "Storno van",
        "Bedrag",
        "Effect op saldo",
        "Saldo",
    ]
    assert [r[6] for r in rows[1:]] == [
        "Budget 2024",
        world.a.boeking.omschrijving,
        "Verf en kwasten",
    ]
    assert rows[3][:6] == ["2024-04-01", "uitgave", "", "74,95", "-74,95", "400,05"]
    assert "Boeking van B" not in response.content.decode("utf-8-sig")


def test_bookings_xlsx_holds_numbers_with_a_euro_format(bestuur, world):
    _jaar_met_boekingen(world)

    response = bestuur.get(
        url(world.a, "boekingen-export"), {"jaar": 2024, "formaat": "xlsx"}
    )

    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert rows[-1][0].date() == datetime.date(2024, 4, 1)
    assert rows[-1][3] == pytest.approx(74.95)
    assert rows[-1][5] == pytest.approx(400.05)
    assert "€" in sheet.cell(row=2, column=4).number_format


@pytest.mark.parametrize(
    "hostile",
    ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)"],
)
def test_exports_never_hold_a_formula(bestuur, world, hostile):
    BoekingFactory(cooperatie=world.a.cooperatie, omschrijving=hostile)
    activiteit = world.a.activiteit
    type(activiteit).objects.filter(pk=activiteit.pk).update(partners=hostile)

    for name in ("boekingen-export", "activiteiten-export"):
        csv_rows = _csv(
            bestuur.get(url(world.a, name), {"jaar": 2024, "formaat": "csv"})
        )
        cells = [cell for row in csv_rows for cell in row]
        assert "'" + hostile in cells, name
        assert hostile not in cells, name
        sheet = openpyxl.load_workbook(
            io.BytesIO(
                bestuur.get(
                    url(world.a, name), {"jaar": 2024, "formaat": "xlsx"}
                ).content
            )
        ).active
        values = [c.value for row in sheet.iter_rows() for c in row]
        assert "'" + hostile in values, name
        assert not any(
            isinstance(v, str) and v.startswith(("=", "+", "-", "@")) for v in values
        ), name


def test_activities_export_holds_the_years_activities_of_the_own_cooperatie(
    bestuur, world
):
    response = bestuur.get(
        url(world.a, "activiteiten-export"), {"jaar": 2024, "formaat": "csv"}
    )

    rows = _csv(response)
    assert rows[0][0] == "Datum"
    titels = [r[1] for r in rows[1:]]
    assert titels == [world.a.activiteit.titel]
    assert world.b.activiteit.titel not in response.content.decode("utf-8-sig")
    # Volunteers as a count, never by name.
    assert world.a.lid.naam not in response.content.decode("utf-8-sig")
    assert rows[1][7] == "3,5"


def test_beheerder_exports_the_overview_of_its_own_corporatie(client, world):
    client.force_login(world.a.beheerder)

    response = client.get(beheer_url(world.a, "start-export"), {"formaat": "csv"})
    xlsx = client.get(beheer_url(world.a, "start-export"), {"formaat": "xlsx"})

    rows = _csv(response)
    assert rows[0][:3] == ["Jaar", "Coöperatie", "Afspraak"]
    cooperaties = {r[1] for r in rows[1:]}
    assert cooperaties == {world.a.cooperatie.naam}
    assert world.b.cooperatie.naam not in response.content.decode("utf-8-sig")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == len(rows)


def test_beheerder_exports_the_overview_with_the_pages_filters(client, world):
    client.force_login(world.a.beheerder)

    rows = _csv(
        client.get(
            beheer_url(world.a, "start-export"), {"jaar": 2023, "formaat": "csv"}
        )
    )

    assert {r[0] for r in rows[1:]} == {"2023"}


def test_beheerder_exports_the_signalering(client, world):
    client.force_login(world.a.beheerder)

    response = client.get(beheer_url(world.a, "signalering-export"), {"formaat": "csv"})

    assert response.status_code == 200
    rows = _csv(response)
    assert rows[0] == [
        "Coöperatie",
        "Afspraak",
        "Toezegging",
        "Indicator",
        "Norm",
        "Waarde tot nu toe",
        "Koers",
    ]
    assert world.b.cooperatie.naam not in response.content.decode("utf-8-sig")


def test_other_roles_get_no_export(client, world):
    for user, address in (
        (world.a.beheerder, url(world.a, "boekingen-export")),
        (world.a.auditor, url(world.a, "activiteiten-export")),
        (world.a.bestuur, beheer_url(world.a, "start-export")),
        (world.b.beheerder, beheer_url(world.a, "signalering-export")),
    ):
        client.force_login(user)
        assert client.get(address).status_code in (403, 404), address

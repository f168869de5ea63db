"""The bestuur's bulk entry pages: copy and repeat an activity, and import
activities and bookings (upload, preview, confirm) with the templates."""

from __future__ import annotations

import datetime
import io

import openpyxl

from afspraken.choices import ToetsingStatus
from ledger.models import Activiteit, Boeking
from tests.afspraken.factories import ToetsingFactory, set_status
from tests.helpers import entries_since, journal_mark
from tests.ledger.factories import ActiviteitFactory
from tests.ui.leden_helpers import gegevens_of, messages_of, text_of, upload, url

D = datetime.date
A_HEADER = "datum;titel;thema;vrijwilligersuren"
B_HEADER = "datum;soort;bedrag;omschrijving"


# Copy and repeat --------------------------------------------------------------------


def test_activity_page_offers_copy_and_repeat(bestuur, world):
    response = bestuur.get(url(world.a, "activiteit-bewerken", world.a.activiteit.pk))
    page = response.content.decode()
    assert url(world.a, "activiteit-kopieren", world.a.activiteit.pk) in page
    assert url(world.a, "activiteit-herhalen", world.a.activiteit.pk) in page


def test_copy_prefills_the_new_activity_form_and_saves_a_new_one(bestuur, world):
    bron = world.a.activiteit
    response = bestuur.get(url(world.a, "activiteit-kopieren", bron.pk))
    assert response.status_code == 200
    form = response.context["form"]
    assert form["titel"].value() == bron.titel
    assert form["datum"].value() is None
    before = Activiteit.objects.count()

    response = bestuur.post(
        url(world.a, "activiteit-kopieren", bron.pk),
        {
            "datum": "2025-05-01",
            "titel": bron.titel,
            "thema": bron.thema,
            "deelnemers_leden": "3",
            "deelnemers_buurt": "0",
            "vrijwilligersuren": "2",
        },
    )
    assert response.status_code == 302
    assert Activiteit.objects.count() == before + 1
    assert Activiteit.objects.filter(titel=bron.titel, datum=D(2025, 5, 1)).exists()


def test_repeat_previews_the_dates_then_writes_them(bestuur, world):
    bron = ActiviteitFactory(
        cooperatie=world.a.cooperatie, datum=D(2025, 1, 2), titel="Koffieochtend"
    )
    address = url(world.a, "activiteit-herhalen", bron.pk)
    before = Activiteit.objects.count()

    response = bestuur.post(address, {"herhaling": "wekelijks", "tot": "2025-03-31"})
    assert response.status_code == 200
    assert len(response.context["datums"]) == 12
    assert "12 nieuwe activiteiten" in text_of(response)
    assert Activiteit.objects.count() == before
    seq = journal_mark()

    response = bestuur.post(
        address, {"herhaling": "wekelijks", "tot": "2025-03-31", "bevestigen": "1"}
    )
    assert response.status_code == 302
    assert Activiteit.objects.filter(titel="Koffieochtend").count() == 13
    assert [e.action for e in entries_since(seq)] == ["activiteit_create"] * 12
    assert "“Koffieochtend” is 12 keer herhaald." in messages_of(response)


def test_repeat_into_a_locked_year_is_refused_in_the_preview(bestuur, world):
    set_status(world.a.toetsing, ToetsingStatus.INGEDIEND)
    bron = ActiviteitFactory(cooperatie=world.a.cooperatie, datum=D(2023, 12, 1))
    response = bestuur.post(
        url(world.a, "activiteit-herhalen", bron.pk),
        {"herhaling": "maandelijks", "tot": "2024-03-01"},
    )
    assert response.status_code == 200
    assert response.context["datums"] == []
    assert "kan niet meer worden gewijzigd" in str(response.context["form"].errors)


def test_repeat_with_a_bad_end_date_or_interval_is_a_form_error(bestuur, world):
    address = url(world.a, "activiteit-herhalen", world.a.activiteit.pk)
    for data in (
        {"herhaling": "dagelijks", "tot": "2025-01-01"},
        {"herhaling": "wekelijks", "tot": "2000-01-01"},
        {"herhaling": "wekelijks", "tot": "2999-01-01"},
    ):
        response = bestuur.post(address, {**data, "bevestigen": "1"})
        assert response.status_code == 200
        assert response.context["form"].errors


def test_copy_and_repeat_of_another_cooperatie_are_404(bestuur, world):
    for name in ("activiteit-kopieren", "activiteit-herhalen"):
        response = bestuur.get(url(world.a, name, world.b.activiteit.pk))
        assert response.status_code == 404


# Import ----------------------------------------------------------------------------


def test_lists_link_to_the_imports(bestuur, world):
    page = bestuur.get(url(world.a, "activiteiten")).content.decode()
    assert url(world.a, "activiteiten-import") in page
    page = bestuur.get(url(world.a, "boekingen")).content.decode()
    assert url(world.a, "boekingen-import") in page


def test_activity_import_with_a_bad_row_names_it_and_writes_nothing(bestuur, world):
    before, seq = Activiteit.objects.count(), journal_mark()
    response = bestuur.post(
        url(world.a, "activiteiten-import"),
        {
            "bestand": upload(
                "08-01-2025;Koffie;ontmoeting;2",
                "09-01-2025;Koffie;ontmoeting;twee",
                header=A_HEADER,
                name="a.csv",
            )
        },
    )
    assert response.status_code == 200
    text = text_of(response)
    assert "rij 3, kolom vrijwilligersuren" in text
    assert "Er is niets ingelezen." in text
    assert gegevens_of(response) is None
    assert Activiteit.objects.count() == before
    assert entries_since(seq) == []


def test_activity_import_preview_then_confirm_writes_every_row(bestuur, world):
    response = bestuur.post(
        url(world.a, "activiteiten-import"),
        {
            "bestand": upload(
                "08-01-2025;Koffie;ontmoeting;2",
                "2025-01-09;Taal;taal_educatie;1,5",
                header=A_HEADER,
                name="a.csv",
            )
        },
    )
    gegevens = gegevens_of(response)
    assert gegevens
    before, seq = Activiteit.objects.count(), journal_mark()

    response = bestuur.post(url(world.a, "activiteiten-import"), {"gegevens": gegevens})

    assert response.status_code == 302
    assert Activiteit.objects.count() == before + 2
    assert [e.action for e in entries_since(seq)] == ["activiteit_create"] * 2
    assert "2 activiteiten zijn ingelezen." in messages_of(response)


def test_a_tampered_or_foreign_preview_writes_nothing(bestuur, world, client):
    response = bestuur.post(
        url(world.a, "boekingen-import"),
        {"bestand": upload("08-01-2025;uitgave;5;Koffie", header=B_HEADER)},
    )
    gegevens = gegevens_of(response)
    before = Boeking.objects.count()
    response = bestuur.post(
        url(world.a, "boekingen-import"), {"gegevens": gegevens[:-2] + "xx"}
    )
    assert response.status_code == 302
    # The activity import does not take a booking preview.
    response = bestuur.post(url(world.a, "activiteiten-import"), {"gegevens": gegevens})
    assert response.status_code == 302
    assert Boeking.objects.count() == before


def test_a_preview_is_imported_once_however_often_it_is_confirmed(bestuur, world):
    response = bestuur.post(
        url(world.a, "boekingen-import"),
        {"bestand": upload("08-01-2025;uitgave;5;Koffie", header=B_HEADER)},
    )
    gegevens = gegevens_of(response)
    before, seq = Boeking.objects.count(), journal_mark()

    first = bestuur.post(url(world.a, "boekingen-import"), {"gegevens": gegevens})
    again = bestuur.post(url(world.a, "boekingen-import"), {"gegevens": gegevens})

    assert first.status_code == again.status_code == 302
    assert Boeking.objects.count() == before + 1
    assert [e.action for e in entries_since(seq)] == ["boeking_create"]
    assert messages_of(again)[-1:] == [
        "Een voorvertoning mag maar één keer worden ingelezen; er is niets "
        "opnieuw vastgelegd."
    ]


def test_a_refused_confirmation_leaves_the_preview_usable(bestuur, world):
    response = bestuur.post(
        url(world.a, "boekingen-import"),
        {"bestand": upload("08-01-2025;uitgave;5;Koffie", header=B_HEADER)},
    )
    gegevens = gegevens_of(response)
    # The year closes between preview and confirmation: refused, nothing kept.
    toetsing = ToetsingFactory(afspraak=world.a.afspraak, jaar=2025)
    set_status(toetsing, ToetsingStatus.INGEDIEND)
    refused = bestuur.post(url(world.a, "boekingen-import"), {"gegevens": gegevens})
    assert refused.status_code == 200
    assert not Boeking.objects.filter(omschrijving="Koffie").exists()

    # Returned to the board: the year opens again, and the same preview imports.
    set_status(toetsing, ToetsingStatus.TERUGGESTUURD)
    response = bestuur.post(url(world.a, "boekingen-import"), {"gegevens": gegevens})

    assert response.status_code == 302
    assert Boeking.objects.filter(omschrijving="Koffie").count() == 1


def test_booking_import_reads_dutch_amounts(bestuur, world):
    response = bestuur.post(
        url(world.a, "boekingen-import"),
        {"bestand": upload('08-01-2025;uitgave;"1.234,50";Koffie', header=B_HEADER)},
    )
    response = bestuur.post(
        url(world.a, "boekingen-import"), {"gegevens": gegevens_of(response)}
    )
    assert response.status_code == 302
    assert Boeking.objects.filter(omschrijving="Koffie", bedrag="1234.50").exists()


def test_templates_download_as_csv_and_xlsx(bestuur, world):
    for soort in ("activiteiten", "boekingen"):
        response = bestuur.get(url(world.a, f"{soort}-sjabloon") + "?formaat=csv")
        assert response.status_code == 200
        assert response.content.decode("utf-8-sig").startswith("datum;")
        response = bestuur.get(url(world.a, f"{soort}-sjabloon") + "?formaat=xlsx")
        workbook = openpyxl.load_workbook(io.BytesIO(response.content))
        assert workbook.worksheets[0]["A1"].value == "datum"
        assert "attachment" in response["Content-Disposition"]


def test_import_pages_of_another_cooperatie_are_refused(bestuur, world):
    for name in ("activiteiten-import", "boekingen-import", "boekingen-sjabloon"):
        response = bestuur.get(url(world.b, name))
        assert response.status_code in (403, 404)

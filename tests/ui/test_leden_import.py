"""The bestuur's member import (upload, preview, commit) and the downloads."""

from __future__ import annotations

import datetime
import io

from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

import openpyxl
import pytest

from cooperatie.choices import Bestuursfunctie
from cooperatie.models import Lid
from tests.afspraken.factories import set_status
from tests.cooperatie.factories import LidFactory
from tests.helpers import entries_since, journal_mark, table_state
from tests.ui.leden_helpers import (
    HEADER,
    gegevens_of,
    messages_of,
    text_of,
    upload,
    url,
)

# Import -------------------------------------------------------------------------


def test_import_page_documents_the_columns(bestuur, world):
    response = bestuur.get(url(world.a, "leden-import"))
    assert response.status_code == 200
    text = text_of(response)
    for header in ("naam", "e-mail", "lid_sinds", "bestuursfunctie", "doelgroep"):
        assert header in text
    # Nothing is ended unless the board ticks the box.
    assert response.context["form"]["beeindig_ontbrekende"].value() is False
    assert 'name="beeindig_ontbrekende" checked' not in response.content.decode()
    assert url(world.a, "leden-sjabloon") + "?formaat=xlsx" in response.content.decode()


def test_upload_with_a_bad_row_shows_row_and_column_and_imports_nothing(bestuur, world):
    rows, seq = table_state(Lid), journal_mark()
    response = bestuur.post(
        url(world.a, "leden-import"),
        {
            "bestand": upload(
                "Jan;jan@example.nl;;Laan 1;2024-03-01;;;ja",
                "Piet;piet-at-example;;Laan 2;2024-03-01;;;nee",
            ),
            "beeindig_ontbrekende": "",
        },
    )
    assert response.status_code == 200
    text = text_of(response)
    assert "rij 3, kolom e-mail: Voer een geldig e-mailadres in." in text
    assert "Er is niets ingelezen." in text
    assert gegevens_of(response) is None  # no commit button
    assert "Import bevestigen" not in text
    assert table_state(Lid) == rows
    assert entries_since(seq) == []


def test_upload_preview_then_commit_imports_and_reports(bestuur, world):
    a = world.a
    rows, seq = table_state(Lid), journal_mark()
    keep = a.lid
    keep_line = ";".join(
        [
            keep.naam,
            keep.email,
            "06-99999999",  # changed
            keep.adres,
            keep.lid_sinds.isoformat(),
            "",
            "",
            keep.doelgroep,
        ]
    )
    response = bestuur.post(
        url(a, "leden-import"),
        {
            "bestand": upload(
                keep_line,
                "Jan Nieuw;jan@example.nl;;Laan 1;2024-03-01;;;ja",
                "Piet Nieuw;;;Laan 2;01-04-2024;;bestuurslid;nee",
            ),
            "beeindig_ontbrekende": "on",
            "einddatum": "2025-01-01",
        },
    )

    # Step 2: the preview says what will happen and writes nothing.
    assert response.status_code == 200
    text = text_of(response)
    assert "bijgewerkt: telefoon" in text
    assert "nieuw lid" in text
    assert a.bestuurslid.naam in text  # to be ended
    assert "Let op: 1 huidig lid staat niet in het bestand en wordt beëindigd." in text
    assert "Onder hen is 1 bestuurslid." in text
    assert "per 01-01-2025" in text
    # The confirmation names how many members, and board members among them.
    confirm = "Ja, beëindig 1 lid per 01-01-2025 (bestuursleden daaronder: 1)."
    assert confirm in text
    assert table_state(Lid) == rows
    assert entries_since(seq) == []
    gegevens = gegevens_of(response)
    assert gegevens

    # Step 3 without the second confirmation: nothing is written, it is asked.
    response = bestuur.post(url(a, "leden-import"), {"gegevens": gegevens})

    assert response.status_code == 200
    assert "Vink aan dat deze leden beëindigd mogen worden" in text_of(response)
    assert table_state(Lid) == rows
    assert entries_since(seq) == []
    gegevens = gegevens_of(response)
    assert gegevens

    # Step 3: commit, confirmed.
    response = bestuur.post(
        url(a, "leden-import"), {"gegevens": gegevens, "bevestig_beeindigen": "on"}
    )

    assert response.status_code == 302
    assert response["Location"] == url(a, "leden-import-resultaat")
    assert messages_of(response) == [
        "De ledenlijst is ingelezen: 2 nieuw, 1 bijgewerkt, 1 beëindigd, 0 ongewijzigd."
    ]
    piet = Lid.objects.get(cooperatie=a.cooperatie, naam="Piet Nieuw")
    assert piet.lid_sinds == datetime.date(2024, 4, 1)
    assert piet.bestuursfunctie == Bestuursfunctie.BESTUURSLID
    keep.refresh_from_db()
    assert keep.telefoon == "06-99999999"
    a.bestuurslid.refresh_from_db()
    assert a.bestuurslid.lid_tot == datetime.date(2025, 1, 1)
    assert sorted(e.action for e in entries_since(seq)) == [
        "lid_create",
        "lid_create",
        "lid_end",
        "lid_update",
    ]

    result = text_of(bestuur.get(response["Location"]))
    assert "Jan Nieuw" in result
    assert "Piet Nieuw" in result
    assert f"{keep.naam} : telefoon" in result
    assert a.bestuurslid.naam in result


def test_upload_without_the_box_ends_nobody_and_asks_no_confirmation(bestuur, world):
    response = bestuur.post(
        url(world.a, "leden-import"),
        {"bestand": upload("Jan Nieuw;jan@example.nl;;Laan 1;2024-03-01;;;ja")},
    )

    assert response.status_code == 200
    assert response.context["plan"].to_end == []
    text = text_of(response)
    assert "geen (niet gekozen)" in text
    assert "bevestig_beeindigen" not in response.content.decode()

    response = bestuur.post(
        url(world.a, "leden-import"), {"gegevens": gegevens_of(response)}
    )

    assert response.status_code == 302
    world.a.bestuurslid.refresh_from_db()
    assert world.a.bestuurslid.lid_tot is None


def test_commit_replans_and_refuses_when_the_database_changed(bestuur, world):
    a = world.a
    response = bestuur.post(
        url(a, "leden-import"),
        {"bestand": upload("Jan;jan@example.nl;;;2024-03-01;;;ja")},
    )
    gegevens = gegevens_of(response)
    # Meanwhile 2024 is submitted: a member who joined in it is refused now.
    set_status(a.toetsing, "ingediend")
    rows, seq = table_state(Lid), journal_mark()

    response = bestuur.post(url(a, "leden-import"), {"gegevens": gegevens})

    assert response.status_code == 200
    text = text_of(response)
    assert "rij 2, kolom lid_sinds: Het jaar 2024 is ingediend" in text
    assert "Er is niets ingelezen." in text
    assert gegevens_of(response) is None
    assert table_state(Lid) == rows
    assert entries_since(seq) == []


def test_commit_never_does_what_the_preview_did_not_show(bestuur, world):
    a = world.a
    keep = [
        f"{lid.naam};{lid.email};;{lid.adres};{lid.lid_sinds.isoformat()};;;"
        for lid in (a.lid, a.bestuurslid)
    ]
    response = bestuur.post(
        url(a, "leden-import"),
        {
            "bestand": upload(*keep),
            "beeindig_ontbrekende": "on",
            "einddatum": "2026-12-31",
        },
    )
    first = gegevens_of(response)
    assert first
    assert response.context["plan"].to_end == []
    # Meanwhile another board member adds someone who is not in the file.
    LidFactory(cooperatie=a.cooperatie, naam="Nieuw Intussen")
    rows, seq = table_state(Lid), journal_mark()

    response = bestuur.post(url(a, "leden-import"), {"gegevens": first})

    # Nothing written: the new plan (which would end that member) is shown instead.
    assert table_state(Lid) == rows
    assert entries_since(seq) == []
    assert "gewijzigd sinds de voorvertoning" in messages_of(response)[0]
    assert [lid.naam for lid in response.context["plan"].to_end] == ["Nieuw Intussen"]
    second = gegevens_of(response)
    assert second
    assert second != first

    response = bestuur.post(
        url(a, "leden-import"), {"gegevens": second, "bevestig_beeindigen": "on"}
    )

    assert response.status_code == 302
    assert Lid.objects.get(naam="Nieuw Intussen").lid_tot is not None


def test_tampered_or_foreign_preview_data_is_refused(bestuur, world):
    a = world.a
    rows = table_state(Lid)
    payload = {
        "bestand": {"f": ["naam", "lid_sinds"], "h": ["naam", "lid_sinds"], "r": []},
        "beeindig": True,
        "einddatum": "2025-01-01",
    }
    # Signed for another user: a copied form from someone else does not work.
    foreign = signing.dumps(
        payload,
        salt=f"cooperatie.leden.import:{a.cooperatie.pk}:{world.b.bestuur.pk}",
        compress=True,
    )
    for gegevens in ("knoeiwerk", foreign):
        response = bestuur.post(url(a, "leden-import"), {"gegevens": gegevens})
        assert response.status_code == 302
        assert response["Location"] == url(a, "leden-import")
        assert messages_of(response)[-1] == (
            "Deze voorvertoning is verlopen of ongeldig. Er is niets ingelezen; "
            "upload het bestand opnieuw."
        )
    assert table_state(Lid) == rows


def test_file_level_errors_are_shown_on_the_file_field(bestuur, world):
    response = bestuur.post(
        url(world.a, "leden-import"),
        {"bestand": upload("Jan;x", header="naam;iban")},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["bestand"]
    assert errors[0].startswith("rij 1, kolom iban: Onbekende kolom.")
    assert errors[1] == "rij 1, kolom lid_sinds: Deze verplichte kolom ontbreekt."

    response = bestuur.post(
        url(world.a, "leden-import"),
        {"bestand": SimpleUploadedFile("leden.pdf", b"%PDF-1.7")},
    )
    assert response.context["form"].errors["bestand"] == [
        "Kies een .csv- of .xlsx-bestand."
    ]


def test_end_date_is_required_when_ending_absent_members(bestuur, world):
    response = bestuur.post(
        url(world.a, "leden-import"),
        {
            "bestand": upload("Jan;;;;2024-03-01;;;"),
            "beeindig_ontbrekende": "on",
            "einddatum": "",
        },
    )
    assert response.context["form"].errors["einddatum"] == [
        "Vul de einddatum in, of zet het beëindigen uit."
    ]


def test_result_page_without_an_import_says_so(bestuur, world):
    response = bestuur.get(url(world.a, "leden-import-resultaat"))
    assert response.status_code == 200
    assert "Er is in deze sessie nog geen ledenlijst ingelezen." in text_of(response)


# Downloads ----------------------------------------------------------------------


@pytest.mark.parametrize("formaat", ["csv", "xlsx"])
def test_template_download_has_the_headers(bestuur, world, formaat):
    response = bestuur.get(url(world.a, "leden-sjabloon"), {"formaat": formaat})
    assert response.status_code == 200
    assert f'filename="leden-sjabloon.{formaat}"' in response["Content-Disposition"]
    if formaat == "csv":
        lines = response.content.decode("utf-8-sig").splitlines()
        assert lines[0] == HEADER
        assert lines[1].startswith("Jan de Vries;")
    else:
        workbook = openpyxl.load_workbook(io.BytesIO(response.content))
        header = next(workbook.worksheets[0].iter_rows(values_only=True))
        assert ";".join(header) == HEADER
        assert workbook.sheetnames[1] == "Toelichting"


def test_export_holds_current_members_of_this_cooperatie_only(bestuur, world):
    a = world.a
    oud = LidFactory(
        cooperatie=a.cooperatie,
        naam="=Oud Lid",
        lid_sinds=datetime.date(2019, 1, 1),
        lid_tot=datetime.date(2022, 1, 1),
    )
    response = bestuur.get(url(a, "leden-export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    today = timezone.localdate().isoformat()
    assert (
        f'filename="leden-wooncooperatie-a-{today}.csv"'
        in response["Content-Disposition"]
    )
    assert "no-store" in response["Cache-Control"]
    text = response.content.decode("utf-8-sig")
    assert a.lid.email in text
    assert a.bestuurslid.email in text
    assert oud.email not in text
    assert world.b.lid.email not in text

    everyone = bestuur.get(url(a, "leden-export"), {"alle": "1"})
    lines = everyone.content.decode("utf-8-sig").splitlines()
    assert any(line.startswith("'=Oud Lid;") for line in lines)


def test_exported_xlsx_imports_again_without_changes(bestuur, world):
    a = world.a
    export = bestuur.get(url(a, "leden-export"), {"formaat": "xlsx"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    response = bestuur.post(
        url(a, "leden-import"),
        {
            "bestand": SimpleUploadedFile("export.xlsx", export.content),
            "beeindig_ontbrekende": "on",
            "einddatum": "2025-01-01",
        },
    )
    plan = response.context["plan"]
    assert plan.errors == []
    assert [row.action for row in plan.rows] == ["ongewijzigd", "ongewijzigd"]
    assert plan.to_end == []


def test_every_read_of_the_member_list_is_logged(bestuur, world):
    from cooperatie.models import LedenInzage

    a = world.a
    bestuur.get(url(a, "leden"))
    bestuur.get(url(a, "leden-export"), {"formaat": "xlsx"})
    reads = list(
        LedenInzage.objects.order_by("pk").values_list(
            "user", "username", "cooperatie", "bron", "aantal"
        )
    )
    user = (a.bestuur.pk, a.bestuur.username, a.cooperatie.pk)
    # The log names who read how much, never a member.
    assert reads == [(*user, "pagina", 2), (*user, "export", 2)]

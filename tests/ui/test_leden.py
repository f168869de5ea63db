"""The bestuur's member pages: the list, adding, editing and ending a member, the
import (upload, preview, commit) and the downloads."""

from __future__ import annotations

import datetime
import html
import io
import re

from django.contrib.messages import get_messages
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

import openpyxl
import pytest

from cooperatie.choices import Bestuursfunctie, Doelgroep, RolSoort
from cooperatie.models import Lid
from tests.afspraken.factories import set_status
from tests.cooperatie.factories import CooperatieFactory, LidFactory, RolFactory
from tests.helpers import entries_since, journal_mark, table_state

HEADER = "naam;e-mail;telefoon;adres;lid_sinds;lid_tot;bestuursfunctie;doelgroep"


def url(tenant, name: str, *args) -> str:
    return reverse(f"bestuur-{name}", args=[tenant.cooperatie.pk, *args])


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def text_of(response) -> str:
    """The page's text without tags, with whitespace collapsed."""
    page = response.content.decode()
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", page).split()))


def upload(*lines: str, name: str = "leden.csv", header: str = HEADER):
    content = "\r\n".join([header, *lines]).encode()
    return SimpleUploadedFile(name, content, content_type="text/csv")


def gegevens_of(response) -> str | None:
    match = re.search(r'name="gegevens" value="([^"]+)"', response.content.decode())
    return match.group(1) if match else None


@pytest.fixture
def bestuur(client, world):
    client.force_login(world.a.bestuur)
    return client


PAGES = [
    ("leden", False),
    ("lid-nieuw", False),
    ("lid-bewerken", True),
    ("lid-beeindigen", True),
    ("leden-import", False),
    ("leden-import-resultaat", False),
    ("leden-sjabloon", False),
    ("leden-export", False),
]


def page_url(tenant, name, with_lid, lid=None):
    args = [(lid or tenant.lid).pk] if with_lid else []
    return url(tenant, name, *args)


# Access -------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "with_lid"), PAGES)
def test_beheerder_and_auditor_of_the_same_tenant_are_forbidden(
    client, world, name, with_lid
):
    target = page_url(world.a, name, with_lid)
    for user in (world.a.beheerder, world.a.auditor):
        client.force_login(user)
        assert client.get(target).status_code == 403
        assert client.post(target, {}).status_code == 403


@pytest.mark.parametrize(("name", "with_lid"), PAGES)
def test_anonymous_is_sent_to_login(client, world, name, with_lid):
    response = client.get(page_url(world.a, name, with_lid))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(("name", "with_lid"), PAGES)
def test_other_tenants_bestuur_finds_nothing(client, world, name, with_lid):
    client.force_login(world.b.bestuur)
    assert client.get(page_url(world.a, name, with_lid)).status_code == 404


@pytest.mark.parametrize("name", ["lid-bewerken", "lid-beeindigen"])
def test_other_tenants_lid_is_not_found(bestuur, world, name):
    rows = table_state(Lid)
    target = url(world.a, name, world.b.lid.pk)
    assert bestuur.get(target).status_code == 404
    assert bestuur.post(target, {"lid_tot": "2025-01-01"}).status_code == 404
    assert table_state(Lid) == rows


# List ---------------------------------------------------------------------------


def test_list_shows_members_with_their_data_and_the_counts(bestuur, world):
    a = world.a
    response = bestuur.get(url(a, "leden"))
    assert response.status_code == 200
    text = text_of(response)
    for lid in (a.lid, a.bestuurslid):
        assert lid.naam in text
        assert lid.email in text
    assert "Voorzitter" in text  # the board section
    # Two members today, one of them doelgroep.
    assert "Leden vandaag 2" in text
    assert "Waarvan doelgroep 1 (50,0%)" in text
    assert world.b.lid.naam not in text
    assert world.b.lid.email not in text


def test_list_filters_former_members_and_searches(bestuur, world):
    a = world.a
    oud = LidFactory(
        cooperatie=a.cooperatie,
        naam="Oud Lid",
        lid_sinds=datetime.date(2019, 1, 1),
        lid_tot=datetime.date(2022, 1, 1),
    )
    current = text_of(bestuur.get(url(a, "leden")))
    assert oud.naam not in current
    former = text_of(bestuur.get(url(a, "leden"), {"status": "voormalig"}))
    assert oud.naam in former
    assert a.lid.naam not in former
    found = html.unescape(
        bestuur.get(url(a, "leden"), {"status": "alle", "zoek": a.lid.email})
        .content.decode()
        .split("<h2>Ledenlijst</h2>")[1]  # the list, below the board
    )
    assert a.lid.naam in found
    assert a.bestuurslid.naam not in found


def test_list_pages_through_many_members(bestuur, world):
    for n in range(30):
        LidFactory(cooperatie=world.a.cooperatie, naam=f"Zz lid {n:02d}")
    response = bestuur.get(url(world.a, "leden"), {"pagina": 2})
    assert response.status_code == 200
    text = text_of(response)
    assert "Pagina 2 van 2 (32 rijen)" in text
    assert "Zz lid 29" in text
    assert world.a.lid.naam not in text


def test_empty_list_points_to_adding_and_importing(client, world):
    cooperatie = CooperatieFactory()
    rol = RolFactory(
        user=world.a.bestuur,
        soort=RolSoort.BESTUUR,
        corporatie=None,
        cooperatie=cooperatie,
    )
    client.force_login(rol.user)
    response = client.get(reverse("bestuur-leden", args=[cooperatie.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Er staan nog geen leden in de lijst." in page
    assert reverse("bestuur-lid-nieuw", args=[cooperatie.pk]) in page
    assert reverse("bestuur-leden-import", args=[cooperatie.pk]) in page


# Add, edit, end -----------------------------------------------------------------


def test_adding_a_member_writes_it_and_the_journal(bestuur, world):
    a = world.a
    seq = journal_mark()
    response = bestuur.post(
        url(a, "lid-nieuw"),
        {
            "naam": "Fatima El Amrani",
            "email": "fatima@example.nl",
            "telefoon": "06-12345678",
            "adres": "Kastanjelaan 12-3",
            "lid_sinds": "2024-05-01",
            "bestuursfunctie": "secretaris",
            "doelgroep": "ja",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == url(a, "leden")
    lid = Lid.objects.get(cooperatie=a.cooperatie, email="fatima@example.nl")
    assert lid.bestuursfunctie == Bestuursfunctie.SECRETARIS
    assert lid.doelgroep == Doelgroep.JA
    assert [e.action for e in entries_since(seq)] == ["lid_create"]
    assert messages_of(response) == ["Fatima El Amrani is als lid toegevoegd."]


def test_adding_a_member_shows_errors_next_to_the_fields(bestuur, world):
    a = world.a
    rows = table_state(Lid)
    response = bestuur.post(
        url(a, "lid-nieuw"),
        {
            "naam": "Tweede",
            "email": a.lid.email,  # taken: the service refuses it
            "lid_sinds": "2024-05-01",
            "doelgroep": "onbekend",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "email": ["Deze coöperatie heeft al een lid met dit e-mailadres."]
    }
    assert table_state(Lid) == rows

    response = bestuur.post(
        url(a, "lid-nieuw"), {"naam": "", "lid_sinds": "gisteren", "doelgroep": "ja"}
    )
    assert set(response.context["form"].errors) == {"naam", "lid_sinds"}
    assert table_state(Lid) == rows


def test_a_backdated_member_in_a_locked_year_is_refused_on_its_field(bestuur, world):
    rows = table_state(Lid)
    response = bestuur.post(
        url(world.a, "lid-nieuw"),
        {"naam": "Te laat", "lid_sinds": "2023-03-01", "doelgroep": "onbekend"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["lid_sinds"] == [
        "Het jaar 2023 is vastgesteld en kan niet meer worden gewijzigd."
    ]
    assert table_state(Lid) == rows


def test_editing_sends_only_the_changed_fields(bestuur, world):
    lid = world.a.lid
    form = bestuur.get(url(world.a, "lid-bewerken", lid.pk)).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data["lid_sinds"] = lid.lid_sinds.isoformat()
    data["telefoon"] = "06-87654321"
    data["bestuursfunctie"] = "penningmeester"
    seq = journal_mark()

    response = bestuur.post(url(world.a, "lid-bewerken", lid.pk), data)

    assert response.status_code == 302
    lid.refresh_from_db()
    assert lid.telefoon == "06-87654321"
    assert lid.bestuursfunctie == Bestuursfunctie.PENNINGMEESTER
    (entry,) = entries_since(seq)
    assert entry.action == "lid_update"
    assert set(entry.after) == {"telefoon", "bestuursfunctie"}
    assert messages_of(response) == [f"De gegevens van {lid.naam} zijn bijgewerkt."]

    # The same data again changes nothing and writes nothing.
    seq = journal_mark()
    response = bestuur.post(url(world.a, "lid-bewerken", lid.pk), data)
    assert entries_since(seq) == []
    assert messages_of(response)[-1] == "Er is niets gewijzigd."


def test_ending_a_membership(bestuur, world):
    lid = world.a.bestuurslid
    page = bestuur.get(url(world.a, "lid-beeindigen", lid.pk))
    assert page.status_code == 200
    assert page.context["form"]["lid_tot"].value() == timezone.localdate()
    seq = journal_mark()

    response = bestuur.post(
        url(world.a, "lid-beeindigen", lid.pk), {"lid_tot": "2025-02-01"}
    )

    assert response.status_code == 302
    lid.refresh_from_db()
    assert lid.lid_tot == datetime.date(2025, 2, 1)
    assert lid.bestuursfunctie == ""
    assert [e.action for e in entries_since(seq)] == ["lid_end"]
    assert messages_of(response) == [
        f"Het lidmaatschap van {lid.naam} is beëindigd per 01-02-2025."
    ]


def test_ending_in_a_locked_year_is_refused_on_the_date(bestuur, world):
    lid = world.a.lid
    rows = table_state(Lid)
    response = bestuur.post(
        url(world.a, "lid-beeindigen", lid.pk), {"lid_tot": "2023-06-01"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["lid_tot"] == [
        "Het jaar 2023 is vastgesteld en kan niet meer worden gewijzigd."
    ]
    assert table_state(Lid) == rows


def test_a_refused_end_date_keeps_the_form_with_the_error(bestuur, world):
    lid = world.a.lid
    before_sinds = lid.lid_sinds
    response = bestuur.post(
        url(world.a, "lid-beeindigen", lid.pk),
        {"lid_tot": (before_sinds - datetime.timedelta(days=1)).isoformat()},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["lid_tot"]
    # The page still offers to end the membership: nothing was ended.
    assert response.context["lid"].lid_tot is None
    assert 'name="lid_tot"' in response.content.decode()
    lid.refresh_from_db()
    assert lid.lid_tot is None


# Import -------------------------------------------------------------------------


def test_import_page_documents_the_columns(bestuur, world):
    response = bestuur.get(url(world.a, "leden-import"))
    assert response.status_code == 200
    text = text_of(response)
    for header in ("naam", "e-mail", "lid_sinds", "bestuursfunctie", "doelgroep"):
        assert header in text
    assert response.context["form"]["beeindig_ontbrekende"].value() is True
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
    assert "per 01-01-2025" in text
    assert table_state(Lid) == rows
    assert entries_since(seq) == []
    gegevens = gegevens_of(response)
    assert gegevens

    # Step 3: commit.
    response = bestuur.post(url(a, "leden-import"), {"gegevens": gegevens})

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

    response = bestuur.post(url(a, "leden-import"), {"gegevens": second})

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

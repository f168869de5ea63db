"""A board member imports the member list from a CSV file: a bad row is shown with
its row number and nothing is imported; the fixed file imports whole."""

from __future__ import annotations

import datetime

from playwright.sync_api import Page, expect

from cooperatie.models import Lid
from kern.models import AuditEntry

from .helpers import flash, login, menu

HEADER = "naam;e-mail;telefoon;adres;lid_sinds;lid_tot;bestuursfunctie;doelgroep"
GOOD_ROWS = [
    "Fatma Yılmaz;fatma.yilmaz@example.nl;06-11223344;Kastanjelaan 12-1;"
    "01-03-2024;;;ja",
    "Pieter Jansen;pieter.jansen@example.nl;;Kastanjelaan 12-2;2025-01-15;;;nee",
]
BAD_ROW = "Anouk de Boer;anouk.deboer(at)example.nl;;Kastanjelaan 12-3;2026-09-01;;;"
FIXED_ROW = "Anouk de Boer;anouk.deboer@example.nl;;Kastanjelaan 12-3;2026-09-01;;;"


def _csv(*rows: str) -> bytes:
    """A member list as Excel saves it in the Netherlands: UTF-8 with a byte order
    mark, semicolons, Windows line ends. (The members join after 2023, the year
    the test world has vastgesteld: joining earlier would change its count.)"""
    return "\ufeff".encode() + "\r\n".join((HEADER, *rows, "")).encode()


def _upload(page: Page, data: bytes) -> None:
    page.get_by_label("Bestand", exact=True).set_input_files(
        {"name": "leden.csv", "mimeType": "text/csv", "buffer": data}
    )
    # Ending absent members is off unless the board ticks it.
    expect(
        page.get_by_label("Leden die niet in het bestand staan beëindigen")
    ).not_to_be_checked()
    page.get_by_role("button", name="Bestand controleren").click()


def test_member_import_shows_the_bad_row_then_imports_the_fixed_file(page: Page, world):
    cooperatie = world.a.cooperatie
    leden_before = set(Lid.objects.filter(cooperatie=cooperatie))
    seq_before = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True)[0]

    login(page, world.a.bestuur)
    menu(page, "Leden")
    page.get_by_role("link", name="Ledenlijst importeren").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ledenlijst importeren")

    # Row 4 (the header is row 1) has an e-mail address without "@".
    _upload(page, _csv(*GOOD_ROWS, BAD_ROW))
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Er is niets ingelezen.")
    expect(page.locator("main")).to_contain_text("rij 4, kolom e-mail")
    expect(page.get_by_role("button", name="Import bevestigen")).to_have_count(0)
    assert set(Lid.objects.filter(cooperatie=cooperatie)) == leden_before

    # The preview offers the upload again; the fixed file passes.
    _upload(page, _csv(*GOOD_ROWS, FIXED_ROW))
    expect(page.get_by_role("alert")).to_have_count(0)
    rows = page.locator("table").first.locator("tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.filter(has_text="nieuw lid")).to_have_count(3)
    assert set(Lid.objects.filter(cooperatie=cooperatie)) == leden_before

    page.get_by_role("button", name="Import bevestigen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Resultaat van de import")
    expect(flash(page)).to_contain_text(
        "De ledenlijst is ingelezen: 3 nieuw, 0 bijgewerkt, 0 beëindigd, 0 ongewijzigd."
    )

    nieuw = Lid.objects.filter(cooperatie=cooperatie).exclude(
        pk__in=[lid.pk for lid in leden_before]
    )
    assert sorted(lid.naam for lid in nieuw) == [
        "Anouk de Boer",
        "Fatma Yılmaz",
        "Pieter Jansen",
    ]
    fatma = nieuw.get(naam="Fatma Yılmaz")
    assert fatma.email == "fatma.yilmaz@example.nl"
    assert fatma.lid_sinds == datetime.date(2024, 3, 1)
    assert fatma.doelgroep == "ja"
    assert nieuw.get(naam="Anouk de Boer").doelgroep == "onbekend"
    # The members already there are untouched, and each new one is journaled.
    for lid in leden_before:
        lid_now = Lid.objects.get(pk=lid.pk)
        assert (lid_now.naam, lid_now.lid_tot) == (lid.naam, lid.lid_tot)
    created = AuditEntry.objects.filter(pk__gt=seq_before, action="lid_create")
    assert sorted(created.values_list("object_id", flat=True)) == sorted(
        str(lid.pk) for lid in nieuw
    )

    menu(page, "Leden")
    expect(page.locator("dl.facts")).to_contain_text(str(len(leden_before) + 3))
    expect(page.locator("main")).to_contain_text("Anouk de Boer")


def test_ending_absent_members_needs_the_box_and_a_second_confirmation(
    page: Page, world
):
    a = world.a
    keep = a.lid
    line = f"{keep.naam};{keep.email};;{keep.adres};{keep.lid_sinds.isoformat()};;;"
    login(page, a.bestuur)
    menu(page, "Leden")
    page.get_by_role("link", name="Ledenlijst importeren").first.click()
    page.get_by_label("Bestand", exact=True).set_input_files(
        {"name": "leden.csv", "mimeType": "text/csv", "buffer": _csv(line)}
    )
    page.get_by_label("Leden die niet in het bestand staan beëindigen").check()
    page.get_by_label("Einddatum voor leden die niet in het bestand staan").fill(
        "2026-12-31"
    )
    page.get_by_role("button", name="Bestand controleren").click()

    confirm = page.get_by_role(
        "checkbox",
        name="Ja, beëindig 1 lid per 31-12-2026 (bestuursleden daaronder: 1).",
    )
    expect(confirm).not_to_be_checked()
    # Without the tick the browser does not send the form; nothing is ended.
    page.get_by_role("button", name="Import bevestigen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Controle van de ledenlijst"
    )
    a.bestuurslid.refresh_from_db()
    assert a.bestuurslid.lid_tot is None

    confirm.check()
    page.get_by_role("button", name="Import bevestigen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Resultaat van de import")
    a.bestuurslid.refresh_from_db()
    assert a.bestuurslid.lid_tot == datetime.date(2026, 12, 31)

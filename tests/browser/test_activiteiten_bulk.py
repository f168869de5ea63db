"""A board enters a year's work without 52 forms: a weekly coffee morning
repeated for a quarter, and 200 activities imported from a file (a bad row
named by row and column with nothing written, then the fixed file whole)."""

from __future__ import annotations

import datetime

from playwright.sync_api import Page, expect

from kern.models import AuditEntry
from ledger.models import Activiteit
from tests.ledger.factories import ActiviteitFactory

from .helpers import flash, login, menu

HEADER = "datum;titel;thema;deelnemers_leden;vrijwilligersuren"


def test_repeat_an_activity_weekly_for_a_quarter(page: Page, world):
    bron = ActiviteitFactory(
        cooperatie=world.a.cooperatie,
        datum=datetime.date(2025, 1, 2),
        titel="Koffieochtend in de tuinkamer",
    )

    login(page, world.a.bestuur)
    menu(page, "Activiteiten")
    page.goto(page.url.split("?")[0] + "?jaar=2025")
    page.get_by_role("link", name="Koffieochtend in de tuinkamer").click()
    page.get_by_role("link", name="Herhalen").click()
    page.get_by_label("elke week").check()
    page.get_by_label("Tot en met").fill("2025-03-31")
    page.get_by_role("button", name="Datums tonen").click()
    expect(page.locator("main")).to_contain_text("12 nieuwe activiteiten")
    expect(page.locator("ol.datums li")).to_have_count(12)
    assert Activiteit.objects.filter(titel=bron.titel).count() == 1

    page.get_by_role("button", name="Herhalingen vastleggen").click()
    expect(flash(page)).to_contain_text("is 12 keer herhaald.")
    rows = page.locator("table tbody tr").filter(has_text=bron.titel)
    expect(rows).to_have_count(13)
    assert Activiteit.objects.filter(titel=bron.titel).count() == 13


def _csv(bad_row: int | None = None) -> bytes:
    start = datetime.date(2025, 1, 1)
    rows = []
    for n in range(200):
        thema = "feestjes" if n == bad_row else "ontmoeting"
        dag = (start + datetime.timedelta(days=n)).strftime("%d-%m-%Y")
        rows.append(f'{dag};Buurtactiviteit {n + 1};{thema};{n % 9};"1,5"')
    return "\ufeff".encode() + "\r\n".join((HEADER, *rows, "")).encode()


def _upload(page: Page, data: bytes) -> None:
    page.get_by_label("Bestand", exact=True).set_input_files(
        {"name": "activiteiten.csv", "mimeType": "text/csv", "buffer": data}
    )
    page.get_by_role("button", name="Bestand controleren").click()


def test_import_200_activities_with_a_bad_row_then_the_fixed_file(page: Page, world):
    cooperatie = world.a.cooperatie
    before = Activiteit.objects.filter(cooperatie=cooperatie).count()
    last_entry = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True)[0]

    login(page, world.a.bestuur)
    menu(page, "Activiteiten")
    page.get_by_role("link", name="Activiteiten importeren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Activiteiten importeren")

    # The 100th activity (row 101: the header is row 1) has an unknown theme.
    _upload(page, _csv(bad_row=99))
    expect(page.get_by_role("alert")).to_contain_text("Er is niets ingelezen.")
    expect(page.locator("main")).to_contain_text("rij 101, kolom thema")
    expect(page.get_by_role("button", name="Import bevestigen")).to_have_count(0)
    assert Activiteit.objects.filter(cooperatie=cooperatie).count() == before
    assert not AuditEntry.objects.filter(pk__gt=last_entry).exists()

    _upload(page, _csv())
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("200 rijen worden ingelezen.")
    page.get_by_role("button", name="Import bevestigen").click()
    expect(flash(page)).to_contain_text("200 activiteiten zijn ingelezen.")

    assert Activiteit.objects.filter(cooperatie=cooperatie).count() == before + 200
    entries = AuditEntry.objects.filter(pk__gt=last_entry)
    assert entries.filter(action="activiteit_create").count() == 200
    assert entries.count() == 200

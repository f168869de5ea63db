"""The bestuur's activity pages: editing, removing, and evidence downloads."""

from __future__ import annotations

import datetime

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from ledger.models import Activiteit, Bijlage
from tests.helpers import entries_since, journal_mark, page_text
from tests.ledger.factories import PNG_1PX, ActiviteitFactory, BijlageFactory
from tests.ui.activiteiten_helpers import PDF, form_data, messages_of, url

# Edit ----------------------------------------------------------------------------


def test_edit_shows_the_activity_and_its_evidence(bestuur, world):
    activiteit = world.a.activiteit

    response = bestuur.get(url(world.a, "activiteit-bewerken", activiteit.pk))

    assert response.status_code == 200
    form = response.context["form"]
    assert form["titel"].value() == activiteit.titel
    assert form["vrijwilligers"].value() == [world.a.lid.pk]
    html = response.content.decode()
    assert url(world.a, "bijlage", world.a.bijlage.pk) in html
    assert url(world.a, "bijlage-verwijderen", world.a.bijlage.pk) in html
    # Evidence is attached: the activity itself cannot be removed, so no button.
    assert url(world.a, "activiteit-verwijderen", activiteit.pk) not in html
    assert 'accept="image/*,application/pdf"' in html
    assert "multiple" in html


def test_edit_saves_the_changes_and_journals_only_them(bestuur, world):
    activiteit = world.a.activiteit
    oude_titel = activiteit.titel
    seq = journal_mark()
    data = form_data(
        world.a,
        datum="2024-03-15",
        titel="Taalcafé voor iedereen",
        thema=activiteit.thema,
        omschrijving=activiteit.omschrijving,
        deelnemers_leden="6",
        deelnemers_buurt="4",
        vrijwilligersuren="3,50",
        vrijwilligers=[world.a.lid.pk],
        partners="",
    )

    response = bestuur.post(url(world.a, "activiteit-bewerken", activiteit.pk), data)

    assert response.status_code == 302
    activiteit.refresh_from_db()
    assert activiteit.titel == "Taalcafé voor iedereen"
    [entry] = entries_since(seq)
    assert entry.action == "activiteit_update"
    assert entry.before == {"titel": oude_titel}
    assert entry.after == {"titel": "Taalcafé voor iedereen"}
    assert messages_of(response) == [
        "Activiteit “Taalcafé voor iedereen” is opgeslagen."
    ]


def test_edit_adds_evidence_without_changing_the_activity(bestuur, world):
    activiteit = world.a.activiteit
    initial = bestuur.get(url(world.a, "activiteit-bewerken", activiteit.pk))
    form = initial.context["form"]
    data = {name: form[name].value() for name in form.fields if name != "bijlagen"}
    data["open_voor_buurt"] = "on" if data["open_voor_buurt"] else ""
    data["vrijwilligersuren"] = "3,50"
    data["bijlagen"] = [SimpleUploadedFile("bon.pdf", PDF)]
    seq = journal_mark()

    response = bestuur.post(url(world.a, "activiteit-bewerken", activiteit.pk), data)

    assert response.status_code == 302
    assert [e.action for e in entries_since(seq)] == ["bijlage_add"]
    assert activiteit.bijlagen.count() == 2
    assert messages_of(response) == [
        f"Activiteit “{activiteit.titel}” is opgeslagen. 1 bewijsstuk toegevoegd."
    ]


def test_edit_refused_file_keeps_the_activity_unchanged(bestuur, world):
    activiteit = world.a.activiteit
    seq = journal_mark()
    data = form_data(world.a, datum="2024-03-15", titel="Nieuwe titel")
    data["bijlagen"] = [SimpleUploadedFile("script.png", b"#!/bin/sh\nrm -rf /\n")]

    response = bestuur.post(url(world.a, "activiteit-bewerken", activiteit.pk), data)

    assert response.status_code == 200
    assert response.context["form"].errors["bijlagen"][0].startswith("script.png:")
    # The page shows the stored activity, not the refused change.
    assert response.context["activiteit"].titel == activiteit.titel
    activiteit.refresh_from_db()
    assert activiteit.titel != "Nieuwe titel"
    assert entries_since(seq) == []


def test_activity_of_a_locked_year_is_read_only(bestuur, world):
    oud = ActiviteitFactory(
        cooperatie=world.a.cooperatie,
        datum=datetime.date(2023, 4, 1),
        vrijwilligers=[world.a.lid],
    )
    bijlage = BijlageFactory(activiteit=oud)

    response = bestuur.get(url(world.a, "activiteit-bewerken", oud.pk))

    assert response.status_code == 200
    html = page_text(response)
    assert "Het jaar 2023 is vastgesteld" in html
    assert '<form method="post" class="stacked"' not in html
    assert url(world.a, "activiteit-verwijderen", oud.pk) not in html
    assert url(world.a, "bijlage-verwijderen", bijlage.pk) not in html
    assert url(world.a, "bijlage", bijlage.pk) in html
    assert world.a.lid.naam in html

    # A change posted anyway is refused by the service, on the date.
    seq = journal_mark()
    data = form_data(world.a, datum="2023-04-01", titel="Later gewijzigd")
    response = bestuur.post(url(world.a, "activiteit-bewerken", oud.pk), data)
    assert response.status_code == 200
    assert "2023" in response.context["form"].errors["datum"][0]
    assert entries_since(seq) == []


# Delete --------------------------------------------------------------------------


def test_delete_is_refused_while_evidence_exists(bestuur, world):
    activiteit = ActiviteitFactory(cooperatie=world.a.cooperatie)
    BijlageFactory(activiteit=activiteit)
    seq = journal_mark()

    response = bestuur.post(url(world.a, "activiteit-verwijderen", activiteit.pk))

    assert response.status_code == 302
    assert response["Location"] == url(world.a, "activiteit-bewerken", activiteit.pk)
    assert Activiteit.objects.filter(pk=activiteit.pk).exists()
    assert entries_since(seq) == []
    assert messages_of(response) == [
        "Een activiteit met bewijsstukken blijft bewaard; verwijder eerst de "
        "bewijsstukken."
    ]


def test_delete_evidence_then_the_activity(
    bestuur, world, django_capture_on_commit_callbacks
):
    activiteit = ActiviteitFactory(cooperatie=world.a.cooperatie, titel="Weg ermee")
    bijlage = BijlageFactory(activiteit=activiteit)
    naam = bijlage.bestand.name
    seq = journal_mark()

    with django_capture_on_commit_callbacks(execute=True):
        response = bestuur.post(url(world.a, "bijlage-verwijderen", bijlage.pk))

    assert response.status_code == 302
    assert response["Location"] == url(world.a, "activiteit-bewerken", activiteit.pk)
    assert not Bijlage.objects.filter(pk=bijlage.pk).exists()
    assert not default_storage.exists(naam)
    assert messages_of(response) == [
        "Bewijsstuk “Foto van de activiteit” is verwijderd."
    ]

    response = bestuur.post(url(world.a, "activiteit-verwijderen", activiteit.pk))

    assert response.status_code == 302
    assert response["Location"] == url(world.a, "activiteiten") + "?jaar=2024"
    assert not Activiteit.objects.filter(pk=activiteit.pk).exists()
    assert [e.action for e in entries_since(seq)] == [
        "bijlage_delete",
        "activiteit_delete",
    ]
    # (the first message was not shown yet: the redirect was not followed)
    assert messages_of(response)[-1] == "Activiteit “Weg ermee” is verwijderd."


def test_delete_pages_take_only_post(bestuur, world):
    assert (
        bestuur.get(
            url(world.a, "activiteit-verwijderen", world.a.activiteit.pk)
        ).status_code
        == 405
    )
    assert (
        bestuur.get(url(world.a, "bijlage-verwijderen", world.a.bijlage.pk)).status_code
        == 405
    )
    assert Bijlage.objects.filter(pk=world.a.bijlage.pk).exists()


# Evidence download ---------------------------------------------------------------


def test_evidence_download_for_the_bestuur(bestuur, world):
    response = bestuur.get(url(world.a, "bijlage", world.a.bijlage.pk))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG_1PX
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline")


def test_pdf_evidence_is_downloaded_as_attachment(bestuur, world):
    data = form_data(world.a)
    data["bijlagen"] = [SimpleUploadedFile("bon.pdf", PDF)]
    bestuur.post(url(world.a, "activiteit-nieuw"), data)
    bijlage = Bijlage.objects.get(activiteit__titel="Moestuindag")

    response = bestuur.get(url(world.a, "bijlage", bijlage.pk))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")

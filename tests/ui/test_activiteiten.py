"""The bestuur's activity pages: list with totals, the form with volunteers and
evidence uploads, evidence download and removal, and removing an activity."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.messages import get_messages
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

import pytest

from ledger.models import Activiteit, Bijlage
from tests.afspraken.factories import ToetsingFactory
from tests.cooperatie.factories import LidFactory
from tests.helpers import entries_since, journal_mark, page_text, table_state
from tests.ledger.factories import PNG_1PX, ActiviteitFactory, BijlageFactory

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


def url(tenant, name: str, *args) -> str:
    return reverse(f"bestuur-{name}", args=[tenant.cooperatie.pk, *args])


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def form_data(tenant, **overrides) -> dict:
    data = {
        "datum": "2024-05-04",
        "titel": "Moestuindag",
        "thema": "groen",
        "omschrijving": "Zaaien en wieden in de gemeenschappelijke tuin.",
        "open_voor_buurt": "on",
        "deelnemers_leden": "7",
        "deelnemers_buurt": "3",
        "vrijwilligersuren": "4,5",
        "vrijwilligers": [tenant.lid.pk, tenant.bestuurslid.pk],
        "partners": "Buurtvereniging",
    }
    data.update(overrides)
    return data


def stored_files() -> set[str]:
    """Every evidence file in storage."""
    found: set[str] = set()

    def walk(folder: str) -> None:
        if not default_storage.exists(folder):
            return
        dirs, files = default_storage.listdir(folder)
        found.update(f"{folder}/{name}" for name in files)
        for name in dirs:
            walk(f"{folder}/{name}")

    walk("bijlagen")
    return found


@pytest.fixture
def bestuur(client, world):
    client.force_login(world.a.bestuur)
    return client


# List ----------------------------------------------------------------------------


def test_list_shows_the_years_activities_with_totals(bestuur, world):
    ActiviteitFactory(
        cooperatie=world.a.cooperatie,
        datum=datetime.date(2024, 9, 1),
        titel="Buurtmaaltijd",
        thema="ontmoeting",
        deelnemers_leden=10,
        deelnemers_buurt=5,
        vrijwilligersuren=Decimal("2.25"),
        vrijwilligers=[world.a.lid, world.a.bestuurslid],
    )
    ActiviteitFactory(
        cooperatie=world.a.cooperatie,
        datum=datetime.date(2022, 6, 1),
        titel="Oude activiteit",
    )

    response = bestuur.get(url(world.a, "activiteiten"), {"jaar": 2024})

    assert response.status_code == 200
    html = response.content.decode()
    assert world.a.activiteit.titel in html
    assert "Buurtmaaltijd" in html
    assert "Oude activiteit" not in html
    assert world.b.activiteit.titel not in html
    totalen = response.context["totalen"]
    assert totalen["aantal"] == 2
    assert totalen["deelnemers_leden"] == 6 + 10
    assert totalen["deelnemers_buurt"] == 4 + 5
    assert totalen["vrijwilligersuren"] == Decimal("5.75")
    assert "5,75" in html
    rij = next(a for a in response.context["page"] if a.titel == "Buurtmaaltijd")
    assert rij.aantal_vrijwilligers == 2
    assert rij.aantal_bijlagen == 0
    eigen = next(a for a in response.context["page"] if a.pk == world.a.activiteit.pk)
    assert eigen.aantal_bijlagen == 1


def test_list_defaults_to_the_running_year_with_an_empty_state(bestuur, world):
    response = bestuur.get(url(world.a, "activiteiten"))

    assert response.status_code == 200
    assert response.context["jaar"] == timezone.localdate().year
    html = response.content.decode()
    assert world.a.activiteit.titel not in html  # dated 2024
    assert 'class="empty"' in html
    assert url(world.a, "activiteit-nieuw") in html


def test_list_filters_on_theme_and_shows_all_years(bestuur, world):
    ActiviteitFactory(
        cooperatie=world.a.cooperatie,
        datum=datetime.date(2022, 6, 1),
        titel="Tuinieren 2022",
        thema="groen",
    )

    response = bestuur.get(url(world.a, "activiteiten"), {"jaar": "alle"})
    titels = {a.titel for a in response.context["page"]}
    assert titels == {world.a.activiteit.titel, "Tuinieren 2022"}

    response = bestuur.get(
        url(world.a, "activiteiten"), {"jaar": "alle", "thema": "groen"}
    )
    assert [a.titel for a in response.context["page"]] == ["Tuinieren 2022"]
    assert response.context["totalen"]["aantal"] == 1


def test_list_marks_activities_of_a_locked_year(bestuur, world):
    # 2023 is vastgesteld in the world (its sealed rapport).
    oud = ActiviteitFactory(
        cooperatie=world.a.cooperatie, datum=datetime.date(2023, 4, 1)
    )

    response = bestuur.get(url(world.a, "activiteiten"), {"jaar": "alle"})

    rows = {a.pk: a for a in response.context["page"]}
    assert rows[oud.pk].vergrendeld is True
    assert rows[world.a.activiteit.pk].vergrendeld is False
    assert "vergrendeld" in response.content.decode()


def test_list_is_paginated(bestuur, world):
    for dag in range(1, 28):
        ActiviteitFactory(
            cooperatie=world.a.cooperatie, datum=datetime.date(2024, 2, dag)
        )

    first = bestuur.get(url(world.a, "activiteiten"), {"jaar": 2024})
    second = bestuur.get(url(world.a, "activiteiten"), {"jaar": 2024, "pagina": 2})

    assert len(first.context["page"]) == 25
    assert len(second.context["page"]) == 3
    assert "pagina=2" in first.content.decode()


# Create --------------------------------------------------------------------------


def test_create_with_a_photo_and_a_pdf(bestuur, world):
    seq = journal_mark()
    data = form_data(world.a)
    data["bijlagen"] = [
        SimpleUploadedFile("foto.png", PNG_1PX, content_type="image/png"),
        SimpleUploadedFile("bon.pdf", PDF, content_type="application/pdf"),
    ]

    response = bestuur.post(url(world.a, "activiteit-nieuw"), data)

    assert response.status_code == 302
    assert response["Location"] == url(world.a, "activiteiten") + "?jaar=2024"
    activiteit = Activiteit.objects.get(titel="Moestuindag")
    assert activiteit.cooperatie == world.a.cooperatie
    assert activiteit.datum == datetime.date(2024, 5, 4)
    assert activiteit.open_voor_buurt is True
    assert activiteit.vrijwilligersuren == Decimal("4.50")
    assert set(activiteit.vrijwilligers.all()) == {world.a.lid, world.a.bestuurslid}
    bijlagen = list(activiteit.bijlagen.order_by("pk"))
    assert [b.content_type for b in bijlagen] == ["image/png", "application/pdf"]
    assert bijlagen[0].bestand.read() == PNG_1PX
    assert bijlagen[1].bestand.read() == PDF
    assert [e.action for e in entries_since(seq)] == [
        "activiteit_create",
        "bijlage_add",
        "bijlage_add",
    ]
    assert messages_of(response) == [
        "Activiteit “Moestuindag” is vastgelegd. 2 bewijsstukken toegevoegd."
    ]


def test_create_refuses_a_file_that_is_no_photo_and_writes_nothing(bestuur, world):
    seq = journal_mark()
    before = table_state(Activiteit), table_state(Bijlage), stored_files()
    data = form_data(world.a)
    data["bijlagen"] = [
        SimpleUploadedFile("bon.pdf", PDF, content_type="application/pdf"),
        SimpleUploadedFile(
            "vakantie.png", b"MZ\x90\x00 not a picture", content_type="image/png"
        ),
    ]

    response = bestuur.post(url(world.a, "activiteit-nieuw"), data)

    assert response.status_code == 200
    errors = response.context["form"].errors["bijlagen"]
    assert len(errors) == 1
    assert errors[0].startswith("vakantie.png: Alleen foto's")
    assert "vakantie.png" in response.content.decode()
    assert entries_since(seq) == []
    # The PDF accepted before the refusal is gone too: rows and the stored file.
    assert (table_state(Activiteit), table_state(Bijlage), stored_files()) == before


def test_create_refuses_a_too_large_file(bestuur, world, settings):
    settings.BIJLAGE_MAX_BYTES = 1024 * 1024
    seq = journal_mark()
    data = form_data(world.a)
    data["bijlagen"] = [
        SimpleUploadedFile("groot.png", PNG_1PX + b"\x00" * (1024 * 1024)),
    ]

    response = bestuur.post(url(world.a, "activiteit-nieuw"), data)

    assert response.status_code == 200
    [error] = response.context["form"].errors["bijlagen"]
    assert error == "groot.png: Het bestand is groter dan 1 MB."
    assert entries_since(seq) == []
    assert not Activiteit.objects.filter(titel="Moestuindag").exists()


def test_create_refuses_a_volunteer_of_another_cooperatie(bestuur, world):
    seq = journal_mark()
    data = form_data(world.a, vrijwilligers=[world.b.lid.pk])

    response = bestuur.post(url(world.a, "activiteit-nieuw"), data)

    assert response.status_code == 200
    assert "vrijwilligers" in response.context["form"].errors
    assert entries_since(seq) == []
    assert not Activiteit.objects.filter(titel="Moestuindag").exists()


def test_volunteer_checkboxes_show_only_own_members_on_the_date(bestuur, world):
    vertrokken = LidFactory(
        cooperatie=world.a.cooperatie,
        naam="Vertrokken Lid",
        lid_sinds=datetime.date(2020, 1, 1),
        lid_tot=datetime.date(2024, 1, 1),
    )

    # Names as Faker makes them, with an apostrophe the page escapes.
    eigen = LidFactory(cooperatie=world.a.cooperatie, naam="Kai van 't Erve-Zuid")
    ander = LidFactory(cooperatie=world.b.cooperatie, naam="Ymke d'Ancona-Oost")

    response = bestuur.get(url(world.a, "activiteit-nieuw"))

    assert response.status_code == 200
    html = page_text(response)
    assert world.a.lid.naam in html
    assert world.a.bestuurslid.naam in html
    assert eigen.naam in html
    assert world.b.lid.naam not in html
    assert ander.naam not in html
    assert vertrokken.naam not in html  # not a member today

    # An activity dated while that member still was one offers them.
    oud = ActiviteitFactory(
        cooperatie=world.a.cooperatie, datum=datetime.date(2023, 6, 1)
    )
    keuzes = bestuur.get(url(world.a, "activiteit-bewerken", oud.pk)).context["form"]
    assert vertrokken in keuzes.fields["vrijwilligers"].queryset
    assert world.b.lid not in keuzes.fields["vrijwilligers"].queryset


def test_create_in_a_submitted_year_is_refused_on_the_date(bestuur, world):
    ToetsingFactory(afspraak=world.a.afspraak, jaar=2022, status="ingediend")
    seq = journal_mark()
    data = form_data(world.a, datum="2022-05-04")

    response = bestuur.post(url(world.a, "activiteit-nieuw"), data)

    assert response.status_code == 200
    assert response.context["form"].errors["datum"] == [
        "Het jaar 2022 is ingediend en kan niet meer worden gewijzigd."
    ]
    assert entries_since(seq) == []
    assert not Activiteit.objects.filter(titel="Moestuindag").exists()


def test_create_with_bad_input_names_the_fields(bestuur, world):
    data = form_data(world.a, titel="", datum="morgen", deelnemers_buurt="veel")

    response = bestuur.post(url(world.a, "activiteit-nieuw"), data)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"titel", "datum", "deelnemers_buurt"}


def test_negative_hours_are_refused_on_their_field(bestuur, world):
    seq = journal_mark()

    response = bestuur.post(
        url(world.a, "activiteit-nieuw"), form_data(world.a, vrijwilligersuren="-1")
    )

    assert response.status_code == 200
    assert response.context["form"].errors["vrijwilligersuren"] == [
        "Het aantal vrijwilligersuren is nul of meer."
    ]
    assert entries_since(seq) == []


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
    assert url(world.a, "activiteit-verwijderen", activiteit.pk) in html
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
        "Verwijder eerst de bijlagen van deze activiteit (elk apart vastgelegd)."
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


# Access --------------------------------------------------------------------------

OBJECT_PAGES = [
    ("activiteit-bewerken", "activiteit", "get"),
    ("activiteit-verwijderen", "activiteit", "post"),
    ("bijlage", "bijlage", "get"),
    ("bijlage-verwijderen", "bijlage", "post"),
]
PAGES = [("activiteiten", None, "get"), ("activiteit-nieuw", None, "post")]


def _url(world, tenant, name, obj):
    args = [getattr(tenant, obj).pk] if obj else []
    return url(world.a, name, *args)


@pytest.mark.parametrize(("name", "obj", "method"), OBJECT_PAGES)
def test_another_tenants_object_is_not_found(bestuur, world, name, obj, method):
    seq = journal_mark()
    rows = table_state(Activiteit), table_state(Bijlage)
    target = _url(world, world.b, name, obj)

    assert getattr(bestuur, method)(target).status_code == 404
    # Also with the other method: the object is looked up before the method.
    assert bestuur.get(target).status_code == 404
    assert bestuur.post(target).status_code == 404
    assert entries_since(seq) == []
    assert (table_state(Activiteit), table_state(Bijlage)) == rows


@pytest.mark.parametrize(("name", "obj", "method"), OBJECT_PAGES + PAGES)
@pytest.mark.parametrize("role", ["beheerder", "auditor"])
def test_other_roles_of_the_tenant_are_forbidden(
    client, world, name, obj, method, role
):
    client.force_login(getattr(world.a, role))
    seq = journal_mark()

    response = getattr(client, method)(_url(world, world.a, name, obj))

    assert response.status_code == 403
    assert entries_since(seq) == []


@pytest.mark.parametrize(("name", "obj", "method"), OBJECT_PAGES + PAGES)
def test_anonymous_is_sent_to_login(client, world, name, obj, method):
    target = _url(world, world.a, name, obj)

    response = getattr(client, method)(target)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_another_cooperaties_portal_is_not_found(bestuur, world):
    response = bestuur.get(url(world.b, "activiteiten"))

    assert response.status_code == 404


@pytest.mark.parametrize("jaar", ["²", "٢٠٢٤", "99999999999999999999", "-1"])
def test_an_odd_year_in_the_address_shows_the_running_year(bestuur, world, jaar):
    url = reverse("bestuur-activiteiten", args=[world.a.cooperatie.pk])
    response = bestuur.get(url, {"jaar": jaar})
    assert response.status_code == 200
    assert response.context["jaar"] == timezone.localdate().year

"""The bestuur's activity pages: the list, the form, and who may reach them."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

import pytest

from ledger.models import Activiteit, Bijlage
from tests.afspraken.factories import ToetsingFactory
from tests.cooperatie.factories import LidFactory
from tests.helpers import entries_since, journal_mark, page_text, table_state
from tests.ledger.factories import PNG_1PX, ActiviteitFactory
from tests.ui.activiteiten_helpers import PDF, form_data, messages_of, stored_files, url

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
    assert error == "groot.png: Het bestand mag hoogstens 1 MB groot zijn."
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
        "Het aantal vrijwilligersuren moet nul of meer zijn."
    ]
    assert entries_since(seq) == []


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

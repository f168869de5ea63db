"""The volunteer picker (without JavaScript), hours per volunteer, the hours
per member page, plausibility warnings and the activity search."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

import pytest

from ledger import services
from ledger.models import Activiteit, Vrijwilliger
from tests.cooperatie.factories import LidFactory
from tests.helpers import entries_since, journal_mark, page_text
from tests.ledger.factories import ActiviteitFactory
from tests.ui.activiteiten_helpers import form_data, messages_of, url

D = Decimal


def _namen(response) -> list[str]:
    rows = response.context["form"]["vrijwilligers"]
    context = rows.field.widget.get_context(
        rows.html_name, rows.value(), {"id": rows.auto_id}
    )
    return [str(r["label"]) for r in context["picker"]["rows"]]


# Picker ------------------------------------------------------------------------


def test_the_filter_in_the_address_shows_matching_members_only(bestuur, world):
    a = world.a
    LidFactory(cooperatie=a.cooperatie, naam="Zwaantje Zonnebloem")
    LidFactory(cooperatie=a.cooperatie, naam="Piet Paardenbloem")

    response = bestuur.get(url(a, "activiteit-nieuw"), {"zoek_lid": "zonne"})

    assert response.status_code == 200
    assert _namen(response) == ["Zwaantje Zonnebloem"]
    text = page_text(response)
    assert "Piet Paardenbloem" not in text
    assert "niet getoond" in text


def test_chosen_volunteers_stay_first_whatever_the_filter(bestuur, world):
    a = world.a
    LidFactory(cooperatie=a.cooperatie, naam="Zwaantje Zonnebloem")
    activiteit = a.activiteit  # a.lid volunteers

    response = bestuur.get(
        url(a, "activiteit-bewerken", activiteit.pk), {"zoek_lid": "zonne"}
    )

    assert _namen(response)[0].startswith(a.lid.naam)
    assert "Zwaantje Zonnebloem" in _namen(response)


def test_the_search_button_filters_without_saving_and_keeps_the_input(bestuur, world):
    a = world.a
    LidFactory(cooperatie=a.cooperatie, naam="Zwaantje Zonnebloem")
    count = Activiteit.objects.count()

    response = bestuur.post(
        url(a, "activiteit-nieuw"),
        form_data(a, vrijwilligers=[a.lid.pk], zoek="1", zoek_lid="zonne"),
    )

    assert response.status_code == 200
    assert Activiteit.objects.count() == count
    assert not response.context["form"].errors
    assert _namen(response) == [str(a.lid.naam), "Zwaantje Zonnebloem"]
    assert 'value="Moestuindag"' in response.content.decode()


def test_a_long_filter_is_cut_not_refused(bestuur, world):
    response = bestuur.get(url(world.a, "activiteit-nieuw"), {"zoek_lid": "x" * 5000})
    assert response.status_code == 200
    assert len(response.context["form"].fields["vrijwilligers"].widget.zoek) == 100


def test_the_picker_loads_its_script_from_the_site(bestuur, world):
    html = bestuur.get(url(world.a, "activiteit-nieuw")).content.decode()
    assert "/static/js/vrijwilligers.js" in html
    assert "<script>" not in html


# Hours per volunteer -------------------------------------------------------------


def test_save_with_hours_per_volunteer(bestuur, world):
    a = world.a
    mark = journal_mark()

    response = bestuur.post(
        url(a, "activiteit-nieuw"),
        form_data(
            a,
            vrijwilligersuren="4,5",
            **{f"uren_{a.lid.pk}": "3", f"uren_{a.bestuurslid.pk}": "1,5"},
        ),
    )

    assert response.status_code == 302
    activiteit = Activiteit.objects.get(titel="Moestuindag")
    assert dict(activiteit.vrijwilligerschappen.values_list("lid_id", "uren")) == {
        a.lid.pk: D("3.00"),
        a.bestuurslid.pk: D("1.50"),
    }
    [entry] = entries_since(mark)
    assert entry.after["vrijwilligers_uren"] == {
        str(a.lid.pk): "3.00",
        str(a.bestuurslid.pk): "1.50",
    }


def test_hours_that_do_not_add_up_are_an_error_on_the_total(bestuur, world):
    a = world.a
    response = bestuur.post(
        url(a, "activiteit-nieuw"),
        form_data(
            a,
            vrijwilligersuren="4,5",
            **{f"uren_{a.lid.pk}": "3", f"uren_{a.bestuurslid.pk}": "1"},
        ),
    )
    assert response.status_code == 200
    [fout] = response.context["form"].errors["vrijwilligersuren"]
    assert "moeten samen de vrijwilligersuren (4,5) zijn" in fout
    assert not Activiteit.objects.filter(titel="Moestuindag").exists()


def test_bad_hours_name_the_volunteer(bestuur, world):
    a = world.a
    response = bestuur.post(
        url(a, "activiteit-nieuw"),
        form_data(a, vrijwilligers=[a.lid.pk], **{f"uren_{a.lid.pk}": "veel"}),
    )
    assert response.status_code == 200
    [fout] = response.context["form"].errors["vrijwilligers"]
    assert fout.startswith(f"Uren van {a.lid.naam}:")


def test_edit_shows_and_keeps_the_stored_hours(bestuur, world):
    a = world.a
    activiteit = a.activiteit
    services.activiteit_update(
        activiteit=activiteit,
        vrijwilligers_uren={a.lid.pk: activiteit.vrijwilligersuren},
        actor=a.bestuur,
    )
    response = bestuur.get(url(a, "activiteit-bewerken", activiteit.pk))
    assert f'name="uren_{a.lid.pk}"' in response.content.decode()
    assert 'value="3,5"' in response.content.decode()


# Plausibility -----------------------------------------------------------------


def test_a_future_date_and_more_volunteers_than_participants_warn(bestuur, world):
    a = world.a
    morgen = timezone.localdate() + datetime.timedelta(days=1)
    response = bestuur.post(
        url(a, "activiteit-nieuw"),
        form_data(
            a,
            datum=morgen.isoformat(),
            deelnemers_leden="1",
            deelnemers_buurt="0",
        ),
    )
    assert response.status_code == 302
    assert Activiteit.objects.filter(titel="Moestuindag").exists()
    berichten = messages_of(response)
    assert any("in de toekomst" in m for m in berichten)
    assert any("meer vrijwilligers (2) dan deelnemers (1)" in m for m in berichten)


def test_a_plausible_activity_gives_no_warning(bestuur, world):
    response = bestuur.post(url(world.a, "activiteit-nieuw"), form_data(world.a))
    assert response.status_code == 302
    assert not any("Let op" in m for m in messages_of(response))


# Activity search ----------------------------------------------------------------


def test_the_activity_list_searches_with_the_year_filter(bestuur, world):
    a = world.a
    for titel, datum in [
        ("Koffieochtend", datetime.date(2024, 2, 1)),
        ("Koffieochtend", datetime.date(2023, 2, 1)),
        ("Moestuin", datetime.date(2024, 3, 1)),
    ]:
        ActiviteitFactory(cooperatie=a.cooperatie, titel=titel, datum=datum)
    ActiviteitFactory(
        cooperatie=world.b.cooperatie,
        titel="Koffieochtend",
        datum=datetime.date(2024, 2, 1),
    )

    response = bestuur.get(url(a, "activiteiten"), {"jaar": 2024, "zoek": "koffie"})

    assert [x.titel for x in response.context["page"]] == ["Koffieochtend"]
    assert response.context["totalen"]["aantal"] == 1


def test_a_too_long_search_is_an_error_not_a_500(bestuur, world):
    response = bestuur.get(url(world.a, "activiteiten"), {"zoek": "k" * 5000})
    assert response.status_code == 200
    assert "zoek" in response.context["filters"].form.errors


# Hours per member ---------------------------------------------------------------


def _uren_url(tenant) -> str:
    return reverse("bestuur-vrijwilligers-uren", args=[tenant.cooperatie.pk])


def test_hours_per_member_per_year(bestuur, world):
    a = world.a
    verdeeld = ActiviteitFactory(
        cooperatie=a.cooperatie,
        datum=datetime.date(2024, 6, 1),
        vrijwilligersuren=D(5),
        titel="Snoeidag",
    )
    services.activiteit_update(
        activiteit=verdeeld,
        vrijwilligers=[a.lid, a.bestuurslid],
        vrijwilligers_uren={a.lid.pk: 3, a.bestuurslid.pk: 2},
        actor=a.bestuur,
    )
    # a.activiteit (2024, 3,5 hours, a.lid) has no split.

    response = bestuur.get(_uren_url(a), {"jaar": 2024})

    assert response.status_code == 200
    rijen = {r["lid_id"]: r for r in response.context["leden"]}
    assert rijen[a.lid.pk]["activiteiten"] == 2
    assert rijen[a.lid.pk]["totaal"] == D(3)
    assert rijen[a.lid.pk]["niet_verdeeld"] == 1
    assert rijen[a.bestuurslid.pk]["totaal"] == D(2)
    totalen = response.context["totalen"]
    assert totalen["uren"] == D("8.5")
    assert totalen["niet_verdeeld"] == D("3.5")
    assert [x.pk for x in response.context["niet_verdeeld"]] == [a.activiteit.pk]
    text = page_text(response)
    assert a.lid.naam in text
    assert "niet verdeeld" in text
    assert world.b.lid.naam not in text


def test_the_hours_page_of_another_cooperatie_is_not_found(bestuur, world):
    assert bestuur.get(_uren_url(world.b)).status_code == 404


@pytest.mark.parametrize("rol", ["beheerder", "auditor"])
def test_beheerder_and_auditor_cannot_see_the_member_hours(client, world, rol):
    client.force_login(getattr(world.a, rol))
    response = client.get(_uren_url(world.a))
    assert response.status_code in (403, 404)
    assert world.a.lid.naam not in response.content.decode()


def test_the_dossier_shows_volunteer_aggregates_without_names(client, world):
    a = world.a
    client.force_login(a.beheerder)
    response = client.get(
        reverse("beheer-cooperatie-dossier", args=[a.corporatie.pk, a.cooperatie.pk]),
        {"jaar": a.activiteit.datum.year},
    )
    assert response.status_code == 200
    assert response.context["totalen"]["vrijwilligers"] == 1
    assert "Vrijwilligers (leden)" in response.content.decode()
    assert Vrijwilliger.objects.filter(lid=a.lid).exists()
    assert a.lid.naam not in page_text(response)


@pytest.mark.parametrize("rol", ["auditor", "beheerder"])
def test_the_toetsing_page_shows_volunteer_aggregates_without_names(client, world, rol):
    a = world.a
    tweede = LidFactory(cooperatie=a.cooperatie, naam="Zwaantje Zonnebloem")
    services.activiteit_create(
        cooperatie=a.cooperatie,
        actor=a.bestuur,
        datum=datetime.date(a.toetsing.jaar, 4, 1),
        titel="Taalles",
        thema="ontmoeting",
        vrijwilligersuren=D("3.5"),
        vrijwilligers=[a.lid, tweede],
        vrijwilligers_uren={a.lid.pk: D("1.25"), tweede.pk: D("2.25")},
    )
    verwacht = (
        Vrijwilliger.objects.filter(
            activiteit__cooperatie=a.cooperatie,
            activiteit__datum__year=a.toetsing.jaar,
        )
        .values("lid")
        .distinct()
        .count()
    )
    client.force_login(getattr(a, rol))

    portal = "audit" if rol == "auditor" else "beheer"
    response = client.get(
        reverse(f"{portal}-toetsing", args=[a.corporatie.pk, a.toetsing.pk])
    )

    assert response.status_code == 200
    assert response.context["vrijwilligers"] == {
        "vrijwilligers": verwacht,
        "uren_verdeeld": D("3.50"),
    }
    assert verwacht >= 2
    text = page_text(response)
    assert "<dt>Uren verdeeld over vrijwilligers</dt><dd>3,5</dd>" in text
    assert a.lid.naam not in text
    assert tweede.naam not in text

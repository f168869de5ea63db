"""The beheerder's prestatieafspraak pages, the choice of one on the afspraak
form, and the dossier that shows it."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from afspraken.models import Afspraak, Prestatieafspraak
from tests.afspraken.factories import PrestatieafspraakFactory
from tests.helpers import entries_since, journal_mark, table_state
from tests.ui.beheer_helpers import messages_of, page_data, text_of, url

DOEL = {
    "thema": "ontmoeting",
    "omschrijving": "Buurtkamers open voor de buurt",
    "streefwaarde": "4",
    "eenheid": "buurtkamers",
}
BLANK = {"thema": "", "omschrijving": "", "streefwaarde": "", "eenheid": ""}


def prestatieafspraak_post(rows=(), **overrides) -> dict:
    data = {
        "gemeentecode": "gm0344",
        "titel": "Prestatieafspraken Utrecht 2025–2028",
        "ingangsjaar": "2025",
        "eindjaar": "2028",
        "huurdersorganisatie": "Huurdersvereniging Noordwest",
        "doelen-TOTAL_FORMS": str(max(len(rows), 3)),
        "doelen-INITIAL_FORMS": "0",
        "doelen-MIN_NUM_FORMS": "0",
        "doelen-MAX_NUM_FORMS": "20",
    }
    for i in range(int(data["doelen-TOTAL_FORMS"])):
        row = rows[i] if i < len(rows) else BLANK
        for key, value in row.items():
            data[f"doelen-{i}-{key}"] = value
    data.update(overrides)
    return data


def test_list_shows_own_prestatieafspraken_with_the_afspraken(client, world):
    client.force_login(world.a.beheerder)
    html = text_of(client.get(url("beheer-prestatieafspraken", world.a)))
    assert world.a.prestatieafspraak.titel in html
    assert world.a.afspraak.titel in html
    assert world.b.prestatieafspraak.titel not in html


def test_the_menu_has_the_prestatieafspraken(client, world):
    client.force_login(world.a.beheerder)
    html = text_of(client.get(url("beheer-afspraken", world.a)))
    assert url("beheer-prestatieafspraken", world.a) in html


def test_create_with_targets_all_through_the_services(client, world):
    client.force_login(world.a.beheerder)
    mark = journal_mark()
    response = client.post(
        url("beheer-prestatieafspraak-nieuw", world.a),
        prestatieafspraak_post([DOEL]),
    )
    assert response.status_code == 302, text_of(response)
    made = Prestatieafspraak.objects.get(titel="Prestatieafspraken Utrecht 2025–2028")
    assert response["Location"] == reverse(
        "beheer-prestatieafspraak-bewerken", args=[world.a.corporatie.pk, made.pk]
    )
    assert made.corporatie == world.a.corporatie
    assert made.gemeentecode == "GM0344"
    [doel] = made.doelen.all()
    assert (doel.streefwaarde, doel.eenheid) == (Decimal("4.00"), "buurtkamers")
    assert [e.action for e in entries_since(mark)] == [
        "prestatieafspraak_create",
        "prestatiedoel_create",
    ]


def test_a_refused_target_shows_on_its_row_and_nothing_is_written(client, world):
    client.force_login(world.a.beheerder)
    before = table_state(Prestatieafspraak)
    response = client.post(
        url("beheer-prestatieafspraak-nieuw", world.a),
        prestatieafspraak_post([{**DOEL, "eenheid": ""}]),
    )
    assert response.status_code == 200
    assert response.context["formset"].forms[0].errors
    assert "er is nog niets opgeslagen" in text_of(response)
    assert table_state(Prestatieafspraak) == before


def test_a_field_error_names_the_field(client, world):
    client.force_login(world.a.beheerder)
    response = client.post(
        url("beheer-prestatieafspraak-nieuw", world.a),
        prestatieafspraak_post(eindjaar="2024"),
    )
    assert response.status_code == 200
    assert "eindjaar" in response.context["form"].errors


def test_edit_keeps_the_stored_targets_and_changes_one(client, world):
    client.force_login(world.a.beheerder)
    page = url("beheer-prestatieafspraak-bewerken", world.a)
    data = page_data(client.get(page))
    data["titel"] = "Herzien"
    data["doelen-0-streefwaarde"] = "6"
    response = client.post(page, data)
    assert response.status_code == 302, text_of(response)
    p = Prestatieafspraak.objects.get(pk=world.a.prestatieafspraak.pk)
    assert p.titel == "Herzien"
    assert [d.streefwaarde for d in p.doelen.all()] == [Decimal("6.00")]
    assert "Herzien" in " ".join(messages_of(response))


def test_another_tenants_prestatieafspraak_is_404(client, world):
    client.force_login(world.a.beheerder)
    response = client.get(url("beheer-prestatieafspraak-bewerken", world.a, world.b))
    assert response.status_code == 404


def test_afspraak_form_offers_only_own_prestatieafspraken_and_warns(client, world):
    client.force_login(world.a.beheerder)
    eigen = PrestatieafspraakFactory(
        corporatie=world.a.corporatie,
        gemeentecode=world.a.gebouw.gemeentecode,
        eindjaar=2030,
    )
    page = url("beheer-afspraak-bewerken", world.a)
    response = client.get(page)
    keuzes = set(response.context["form"].fields["prestatieafspraak"].queryset)
    assert keuzes == {world.a.prestatieafspraak, eigen}
    # The world's prestatieafspraak ends in 2026, the afspraak in 2027: a warning.
    assert "2027" in text_of(response)
    data = page_data(response)
    data["prestatieafspraak"] = str(world.b.prestatieafspraak.pk)
    refused = client.post(page, data)
    assert refused.status_code == 200
    assert "prestatieafspraak" in refused.context["form"].errors
    data["prestatieafspraak"] = str(eigen.pk)
    assert client.post(page, data).status_code == 302
    assert Afspraak.objects.get(pk=world.a.afspraak.pk).prestatieafspraak == eigen
    assert "2027" not in " ".join(
        text_of(client.get(page)).split("Let op bij de prestatieafspraak")[1:]
    )


def test_the_dossier_shows_the_prestatieafspraak(client, world):
    client.force_login(world.a.beheerder)
    response = client.get(
        reverse(
            "beheer-cooperatie-dossier",
            args=[world.a.corporatie.pk, world.a.cooperatie.pk],
        )
    )
    assert response.status_code == 200
    html = text_of(response)
    assert str(world.a.prestatieafspraak) in html or (
        world.a.prestatieafspraak.titel in html
    )

"""The beheerder's pages to create and edit afspraken with their toezeggingen."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from afspraken.choices import Indicator
from afspraken.models import Afspraak, Toezegging
from kern.models import AuditEntry
from tests.helpers import entries_since, journal_mark, table_state
from tests.ui.beheer_helpers import messages_of, page_data, row_key, text_of, url

# Afspraken ------------------------------------------------------------------------


def afspraak_post(world, rows=(), **overrides) -> dict:
    data = {
        "cooperatie": str(world.a.cooperatie.pk),
        "titel": "Sociale inbreng 2025–2028",
        "ondertekend_op": "2024-12-01",
        "ingangsjaar": "2025",
        "eindjaar": "2028",
        "prestatieafspraak_kenmerk": "",
        "gebouwen": [str(world.a.gebouw.pk)],
        "toezeggingen-TOTAL_FORMS": str(max(len(rows), 3)),
        "toezeggingen-INITIAL_FORMS": "0",
        "toezeggingen-MIN_NUM_FORMS": "0",
        "toezeggingen-MAX_NUM_FORMS": "1000",
    }
    for i in range(int(data["toezeggingen-TOTAL_FORMS"])):
        row = rows[i] if i < len(rows) else BLANK
        for key, value in row.items():
            data[f"toezeggingen-{i}-{key}"] = value
    data.update(overrides)
    return data


# A blank row as the browser posts it: the fields' initial values.
BLANK = {
    "omschrijving": "",
    "indicator": "",
    "norm": "0",
    "richting": "minimaal",
    "deels_vanaf": "75",
    "zwaarwegend": "on",
    "thema": "",
}
ACTIVITEITEN = {
    "omschrijving": "Minstens 10 activiteiten",
    "indicator": "aantal_activiteiten",
    "norm": "10",
    "richting": "minimaal",
    "deels_vanaf": "75",
    "zwaarwegend": "on",
    "thema": "",
}
KWALITATIEF = {
    "omschrijving": "De moestuin is open voor de buurt",
    "indicator": "kwalitatief",
    "norm": "",
    "richting": "minimaal",
    "deels_vanaf": "",
    "thema": "",
}


def test_afspraak_list_shows_own_only(client, world):
    client.force_login(world.a.beheerder)
    response = client.get(url("beheer-afspraken", world.a))
    html = text_of(response)
    assert world.a.afspraak.titel in html
    assert world.b.afspraak.titel not in html
    [row] = response.context["page"].object_list
    assert row.aantal_toezeggingen == 2
    assert [t.jaar for t in row.toetsingen.all()] == [2024, 2023]
    assert str(world.a.gebouw) in html


def test_afspraak_list_filters_by_cooperatie_and_year(client, world):
    client.force_login(world.a.beheerder)
    base = url("beheer-afspraken", world.a)
    html = text_of(client.get(base, {"jaar": "2030"}))
    assert world.a.afspraak.titel not in html
    assert 'class="empty"' in html
    html = text_of(client.get(base, {"jaar": "2025"}))
    assert world.a.afspraak.titel in html
    html = text_of(client.get(base, {"cooperatie": world.a.cooperatie.pk}))
    assert world.a.afspraak.titel in html
    # Another tenant's cooperatie is not a choice: the filter is refused, not applied.
    response = client.get(base, {"cooperatie": world.b.cooperatie.pk})
    assert "cooperatie" in response.context["filters"].errors


def test_afspraak_create_with_toezeggingen(client, world):
    client.force_login(world.a.beheerder)
    seq = journal_mark()
    response = client.post(
        url("beheer-afspraak-nieuw", world.a),
        afspraak_post(world, [ACTIVITEITEN, KWALITATIEF]),
    )
    assert response.status_code == 302
    afspraak = Afspraak.objects.get(titel="Sociale inbreng 2025–2028")
    assert response["Location"] == reverse(
        "beheer-afspraak-bewerken", args=[world.a.corporatie.pk, afspraak.pk]
    )
    assert afspraak.corporatie == world.a.corporatie
    assert list(afspraak.gebouwen.all()) == [world.a.gebouw]
    rows = list(afspraak.toezeggingen.order_by("volgorde"))
    assert [(t.indicator, t.norm) for t in rows] == [
        (Indicator.AANTAL_ACTIVITEITEN, Decimal("10.00")),
        (Indicator.KWALITATIEF, Decimal("0.00")),
    ]
    assert rows[1].deels_vanaf == Decimal("75.00")  # left empty: the default
    assert [e.action for e in entries_since(seq)] == [
        "afspraak_create",
        "toezegging_create",
        "toezegging_create",
    ]
    assert messages_of(response) == [
        "Afspraak Sociale inbreng 2025–2028 is vastgelegd: 2 toezeggingen toegevoegd."
    ]


def test_afspraak_create_one_bad_row_writes_nothing(client, world):
    client.force_login(world.a.beheerder)
    seq = journal_mark()
    afspraken, toezeggingen = table_state(Afspraak), table_state(Toezegging)
    bad = ACTIVITEITEN | {"omschrijving": "Negatief", "norm": "-5"}
    response = client.post(
        url("beheer-afspraak-nieuw", world.a),
        afspraak_post(world, [ACTIVITEITEN, bad]),
    )
    assert response.status_code == 200
    rows = response.context["formset"].forms
    assert rows[0].errors == {}
    assert "De norm moet nul of meer zijn." in rows[1].errors["norm"]
    html = text_of(response)
    assert "De norm moet nul of meer zijn." in html
    assert "er is nog niets opgeslagen" in html
    assert table_state(Afspraak) == afspraken
    assert table_state(Toezegging) == toezeggingen
    assert entries_since(seq) == []


def test_afspraak_create_filter_on_a_non_activity_indicator(client, world):
    client.force_login(world.a.beheerder)
    bad = KWALITATIEF | {"thema": "groen"}
    response = client.post(
        url("beheer-afspraak-nieuw", world.a), afspraak_post(world, [bad])
    )
    assert response.status_code == 200
    errors = response.context["formset"].forms[0].errors
    assert "indicatoren over activiteiten" in " ".join(errors["thema"])
    assert not Afspraak.objects.filter(titel="Sociale inbreng 2025–2028").exists()


def test_afspraak_create_bad_span_is_shown_on_the_field(client, world):
    client.force_login(world.a.beheerder)
    seq = journal_mark()
    response = client.post(
        url("beheer-afspraak-nieuw", world.a),
        afspraak_post(world, [ACTIVITEITEN], eindjaar="2020"),
    )
    assert response.status_code == 200
    assert "eindjaar" in response.context["form"].errors
    assert entries_since(seq) == []


def test_afspraak_create_choices_are_the_portals_only(client, world):
    client.force_login(world.a.beheerder)
    page = client.get(url("beheer-afspraak-nieuw", world.a))
    form = page.context["form"]
    assert list(form.fields["cooperatie"].queryset) == [world.a.cooperatie]
    assert list(form.fields["gebouwen"].queryset) == [world.a.gebouw]
    rows = table_state(Afspraak)
    response = client.post(
        url("beheer-afspraak-nieuw", world.a),
        afspraak_post(
            world,
            [ACTIVITEITEN],
            cooperatie=str(world.b.cooperatie.pk),
            gebouwen=[str(world.b.gebouw.pk)],
        ),
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"cooperatie", "gebouwen"}
    assert table_state(Afspraak) == rows


def test_afspraak_edit_changes_adds_and_deletes_rows(client, world):
    afspraak = world.a.afspraak
    plain = world.a.toezegging  # aantal_activiteiten, not assessed
    assessed = world.a.beoordeling.toezegging
    client.force_login(world.a.beheerder)
    page = client.get(url("beheer-afspraak-bewerken", world.a))
    data = page_data(page)
    forms = page.context["formset"].forms
    index = {row.instance.pk: i for i, row in enumerate(forms) if row.instance.pk}
    data["titel"] = "Nieuwe titel"
    data[row_key(data, index[assessed.pk], "omschrijving")] = "Moestuin open"
    data[row_key(data, index[plain.pk], "DELETE")] = "on"
    new = len(index)
    for key, value in (
        ACTIVITEITEN
        | {
            "omschrijving": "Vrijwilligersuren",
            "indicator": "vrijwilligersuren",
            "norm": "200",
        }
    ).items():
        data[row_key(data, new, key)] = value
    seq = journal_mark()
    response = client.post(url("beheer-afspraak-bewerken", world.a), data)
    assert response.status_code == 302, response.context["formset"].errors
    afspraak.refresh_from_db()
    assert afspraak.titel == "Nieuwe titel"
    assert not Toezegging.objects.filter(pk=plain.pk).exists()
    assessed.refresh_from_db()
    assert assessed.omschrijving == "Moestuin open"
    added = afspraak.toezeggingen.get(indicator="vrijwilligersuren")
    assert added.norm == Decimal("200.00")
    assert added.volgorde > assessed.volgorde
    actions = sorted(e.action for e in entries_since(seq))
    assert actions == [
        "afspraak_update",
        "toezegging_create",
        "toezegging_delete",
        "toezegging_update",
    ]
    update = AuditEntry.objects.get(pk__gt=seq, action="toezegging_update")
    assert update.after == {"omschrijving": "Moestuin open"}
    assert messages_of(response) == [
        "Afspraak Nieuwe titel is opgeslagen: 1 toezegging toegevoegd, "
        "1 toezegging gewijzigd, 1 toezegging verwijderd."
    ]


def test_afspraak_edit_refused_delete_rolls_everything_back(client, world):
    assessed = world.a.beoordeling.toezegging
    client.force_login(world.a.beheerder)
    page = client.get(url("beheer-afspraak-bewerken", world.a))
    data = page_data(page)
    forms = page.context["formset"].forms
    index = {row.instance.pk: i for i, row in enumerate(forms) if row.instance.pk}
    data["titel"] = "Mag niet blijven staan"
    data[row_key(data, index[world.a.toezegging.pk], "norm")] = "15"
    data[row_key(data, index[assessed.pk], "DELETE")] = "on"
    seq = journal_mark()
    afspraken, toezeggingen = table_state(Afspraak), table_state(Toezegging)
    response = client.post(url("beheer-afspraak-bewerken", world.a), data)
    assert response.status_code == 200
    row = response.context["formset"].forms[index[assessed.pk]]
    assert "beoordeeld en blijft bewaard" in " ".join(row.non_field_errors())
    assert "beoordeeld en blijft bewaard" in text_of(response)
    # The page shows the stored afspraak, not the refused title.
    assert response.context["afspraak"].titel == world.a.afspraak.titel
    assert table_state(Afspraak) == afspraken
    assert table_state(Toezegging) == toezeggingen
    assert entries_since(seq) == []


def test_afspraak_edit_without_changes(client, world):
    client.force_login(world.a.beheerder)
    page = client.get(url("beheer-afspraak-bewerken", world.a))
    seq = journal_mark()
    response = client.post(url("beheer-afspraak-bewerken", world.a), page_data(page))
    assert response.status_code == 302
    assert entries_since(seq) == []
    assert messages_of(response) == ["Er was niets gewijzigd."]


def test_afspraak_edit_cannot_reach_another_tenants_toezegging(client, world):
    client.force_login(world.a.beheerder)
    page = client.get(url("beheer-afspraak-bewerken", world.a))
    data = page_data(page)
    data["toezeggingen-0-id"] = str(world.b.toezegging.pk)
    data["toezeggingen-0-omschrijving"] = "Overgenomen"
    rows = table_state(Toezegging)
    response = client.post(url("beheer-afspraak-bewerken", world.a), data)
    assert response.status_code == 200
    formset = response.context["formset"]
    assert "id" in formset.forms[0].errors
    assert "hoort niet (meer) bij deze afspraak" in " ".join(formset.non_form_errors())
    assert "hoort niet (meer) bij deze afspraak" in text_of(response)
    assert table_state(Toezegging) == rows


def test_afspraak_edit_shows_cooperatie_and_toetsingen(client, world):
    client.force_login(world.a.beheerder)
    response = client.get(url("beheer-afspraak-bewerken", world.a))
    html = text_of(response)
    assert world.a.cooperatie.naam in html
    assert "2024" in html
    assert "2023" in html
    assert world.a.toezegging.omschrijving in html
    assert world.b.toezegging.afspraak.titel not in html

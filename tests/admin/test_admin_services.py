"""The Django admin: every write goes through the services and into the journal."""

from __future__ import annotations

import json
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from afspraken.models import (
    Afspraak,
    Toezegging,
)
from cooperatie.models import (
    Gebouw,
    Lid,
)
from ledger.models import Activiteit, Bijlage, Boeking
from tests.admin.admin_helpers import (
    GEBOUW_FORM,
    LID_FORM,
    _afspraak_data,
    _toezegging_row,
    entries_since,
    error_messages,
    form_values,
    journal_seq,
    management_form,
    url,
)
from tests.ledger.factories import PNG_1PX

# Writes go through the services and into the journal --------------------------


def test_gebouw_added_in_admin_is_created_through_the_service(operator, world):
    seq = journal_seq()
    data = {
        "corporatie": world.a.corporatie.pk,
        "complexnummer": "C9001",
        "naam": "De Populier",
        "straat": "Populierstraat",
        "huisnummer": "4",
        "postcode": "3511 AB",
        "plaats": "Utrecht",
        "gemeentecode": "GM0344",
        "buurtcode": "",
        "kaartjaar": "",
        "aantal_woningen": "16",
        "bouwjaar": "1972",
        "daeb": "daeb",
    }
    response = operator.post(url(Gebouw, "add"), data)

    assert response.status_code == 302
    gebouw = Gebouw.objects.get(complexnummer="C9001")
    assert gebouw.corporatie == world.a.corporatie
    [entry] = entries_since(seq)
    assert entry.action == "gebouw_create"
    assert entry.object_id == str(gebouw.pk)
    assert entry.actor == world.superuser
    assert entry.corporatie_id == world.a.corporatie.pk
    assert entry.after["naam"] == "De Populier"


def test_gebouw_changed_in_admin_journals_only_the_changed_field(operator, world):
    gebouw = world.a.gebouw
    old_naam = gebouw.naam
    seq = journal_seq()
    data = form_values(gebouw, GEBOUW_FORM)
    data["naam"] = "De Linde (gerenoveerd)"

    response = operator.post(url(Gebouw, "change", gebouw.pk), data)

    assert response.status_code == 302
    gebouw.refresh_from_db()
    assert gebouw.naam == "De Linde (gerenoveerd)"
    [entry] = entries_since(seq)
    assert entry.action == "gebouw_update"
    assert entry.before == {"naam": old_naam}
    assert entry.after == {"naam": "De Linde (gerenoveerd)"}


def test_saving_an_unchanged_gebouw_writes_no_journal_entry(operator, world):
    seq = journal_seq()
    response = operator.post(
        url(Gebouw, "change", world.a.gebouw.pk),
        form_values(world.a.gebouw, GEBOUW_FORM),
    )
    assert response.status_code == 302
    assert entries_since(seq) == []


def test_afspraak_added_with_two_toezeggingen_journals_all_three(operator, world):
    seq = journal_seq()
    data = {
        **_afspraak_data(world, world.a.gebouw, "Sociale inbreng 2025-2028"),
        **management_form("toezeggingen", total=2, initial=0),
        **_toezegging_row(0, "Tien activiteiten per jaar", "10"),
        **_toezegging_row(1, "Twintig activiteiten per jaar", "20"),
    }

    response = operator.post(url(Afspraak, "add"), data)

    assert response.status_code == 302
    afspraak = Afspraak.objects.get(titel="Sociale inbreng 2025-2028")
    assert list(afspraak.gebouwen.all()) == [world.a.gebouw]
    toezeggingen = list(afspraak.toezeggingen.order_by("volgorde"))
    assert [t.norm for t in toezeggingen] == [Decimal("10"), Decimal("20")]
    entries = entries_since(seq)
    assert [e.action for e in entries] == [
        "afspraak_create",
        "toezegging_create",
        "toezegging_create",
    ]
    assert entries[0].object_id == str(afspraak.pk)
    assert entries[0].after["gebouwen"] == [world.a.gebouw.pk]
    assert [e.object_id for e in entries[1:]] == [str(t.pk) for t in toezeggingen]


def test_toezegging_inline_rows_are_updated_and_deleted_through_services(
    operator, world
):
    afspraak = world.a.afspraak
    blijft = world.a.toezegging
    weg = Toezegging.objects.create(
        afspraak=afspraak, omschrijving="Vervalt", indicator="aantal_leden", norm=5
    )
    fields = ("omschrijving", "indicator", "norm", "richting", "deels_vanaf")
    fields += ("zwaarwegend", "thema", "alleen_open_voor_buurt", "volgorde")
    data = {
        **form_values(
            afspraak,
            ("titel", "ingangsjaar", "eindjaar", "indienen_maand", "indienen_dag"),
        ),
        "ondertekend_op": "",
        "prestatieafspraak": afspraak.prestatieafspraak_id,
        "prestatieafspraak_kenmerk": "",
        "gebouwen": [world.a.gebouw.pk],
        **management_form("toezeggingen", total=2, initial=2),
        **form_values(blijft, fields, prefix="toezeggingen-0-"),
        "toezeggingen-0-id": str(blijft.pk),
        "toezeggingen-0-afspraak": str(afspraak.pk),
        "toezeggingen-0-norm": "15.00",
        **form_values(weg, fields, prefix="toezeggingen-1-"),
        "toezeggingen-1-id": str(weg.pk),
        "toezeggingen-1-afspraak": str(afspraak.pk),
        "toezeggingen-1-DELETE": "on",
    }
    seq = journal_seq()

    response = operator.post(url(Afspraak, "change", afspraak.pk), data)

    assert response.status_code == 302
    blijft.refresh_from_db()
    assert blijft.norm == Decimal("15.00")
    assert not Toezegging.objects.filter(pk=weg.pk).exists()
    entries = entries_since(seq)
    assert [(e.action, e.object_id) for e in entries] == [
        ("toezegging_update", str(blijft.pk)),
        ("toezegging_delete", str(weg.pk)),
    ]
    assert entries[0].after == {"norm": "15.00"}


def test_lid_changed_in_admin_keeps_personal_data_out_of_the_journal(operator, world):
    lid = world.a.lid
    data = {"cooperatie": lid.cooperatie_id, **form_values(lid, LID_FORM)}
    data["naam"] = "Henriëtte van Oosterhout"
    seq = journal_seq()

    response = operator.post(url(Lid, "change", lid.pk), data)

    assert response.status_code == 302
    lid.refresh_from_db()
    assert lid.naam == "Henriëtte van Oosterhout"
    [entry] = entries_since(seq)
    assert entry.action == "lid_update"
    assert set(entry.after) == {"naam"}
    assert entry.after["naam"].startswith("hmac-sha256:")
    assert "Oosterhout" not in json.dumps(
        [entry.before, entry.after, entry.object_repr]
    )


def test_lid_action_ends_membership_through_lid_end(operator, world):
    lid = world.a.bestuurslid
    seq = journal_seq()

    response = operator.post(
        url(Lid, "changelist"),
        {"action": "lidmaatschap_beeindigen", "_selected_action": [lid.pk]},
    )

    assert response.status_code == 302
    lid.refresh_from_db()
    assert lid.lid_tot is not None
    assert lid.bestuursfunctie == ""
    assert [e.action for e in entries_since(seq)] == ["lid_end"]


def test_activiteit_change_sets_volunteers_and_adds_evidence_through_services(
    operator, world
):
    activiteit = world.a.activiteit
    bijlage = world.a.bijlage
    fields = ("datum", "titel", "thema", "omschrijving", "open_voor_buurt")
    fields += ("deelnemers_leden", "deelnemers_buurt", "vrijwilligersuren", "partners")
    data = {
        **form_values(activiteit, fields),
        "vrijwilligers": [world.a.lid.pk, world.a.bestuurslid.pk],
        **management_form("bijlagen", total=2, initial=1),
        "bijlagen-0-id": str(bijlage.pk),
        "bijlagen-0-activiteit": str(activiteit.pk),
        "bijlagen-1-activiteit": str(activiteit.pk),
        "bijlagen-1-bestand": SimpleUploadedFile("bon.png", PNG_1PX),
        "bijlagen-1-omschrijving": "Kassabon",
    }
    seq = journal_seq()

    response = operator.post(url(Activiteit, "change", activiteit.pk), data)

    assert response.status_code == 302
    assert set(activiteit.vrijwilligers.values_list("pk", flat=True)) == {
        world.a.lid.pk,
        world.a.bestuurslid.pk,
    }
    nieuw = activiteit.bijlagen.get(omschrijving="Kassabon")
    assert (nieuw.content_type, nieuw.grootte) == ("image/png", len(PNG_1PX))
    assert Bijlage.objects.filter(pk=bijlage.pk).exists()
    entries = entries_since(seq)
    assert [(e.action, e.object_id) for e in entries] == [
        ("activiteit_update", str(activiteit.pk)),
        ("bijlage_add", str(nieuw.pk)),
    ]
    assert entries[0].after == {
        "vrijwilligers": sorted([world.a.lid.pk, world.a.bestuurslid.pk])
    }


# Bookings: added, cancelled by storno, never edited -----------------------------


def test_boeking_storno_action_creates_a_storno_and_refuses_a_second(operator, world):
    boeking = world.a.boeking
    action = {"action": "storneren", "_selected_action": [boeking.pk]}
    seq = journal_seq()

    first = operator.post(url(Boeking, "changelist"), action)

    assert first.status_code == 302
    storno = Boeking.objects.get(corrigeert=boeking)
    assert storno.bedrag == boeking.bedrag
    assert storno.cooperatie_id == boeking.cooperatie_id
    [entry] = entries_since(seq)
    assert entry.action == "boeking_storno"
    assert entry.object_id == str(storno.pk)
    assert error_messages(first) == []

    count, seq = Boeking.objects.count(), journal_seq()
    second = operator.post(url(Boeking, "changelist"), action, follow=True)

    assert second.status_code == 200
    [message] = error_messages(second)
    assert "al gestorneerd" in message
    assert Boeking.objects.count() == count
    assert entries_since(seq) == []


def test_boeking_added_in_admin_goes_through_boeking_create(operator, world):
    seq = journal_seq()
    response = operator.post(
        url(Boeking, "add"),
        {
            "cooperatie": world.a.cooperatie.pk,
            "datum": "2024-06-01",
            "soort": "budget",
            "bedrag": "1500.00",
            "omschrijving": "Leefbaarheidsbudget 2024",
            "activiteit": "",
        },
    )
    assert response.status_code == 302
    boeking = Boeking.objects.get(omschrijving="Leefbaarheidsbudget 2024")
    assert boeking.bedrag == Decimal("1500.00")
    assert [(e.action, e.object_id) for e in entries_since(seq)] == [
        ("boeking_create", str(boeking.pk))
    ]

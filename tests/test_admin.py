"""The Django admin: every model reachable, and every write through the services,
so admin changes land in the journal and service refusals show on the form."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Max
from django.urls import reverse

import pytest

from afspraken.models import (
    Afspraak,
    Beoordeling,
    Jaarparameter,
    Rapport,
    Toetsing,
    Toezegging,
)
from cooperatie.models import (
    ApiToken,
    Cooperatie,
    Corporatie,
    Gebouw,
    GeslotenJaar,
    LedenInzage,
    Lid,
    Overeenkomst,
    Relatie,
    Rol,
)
from cooperatie.privacy import log_inzage
from cooperatie.services import apitoken_create
from kern import checkpoints, journal
from kern.models import (
    AuditChainHead,
    AuditChainVerification,
    AuditCheckpoint,
    AuditEntry,
)
from ledger.models import Activiteit, Bijlage, Boeking
from tests.cooperatie.factories import GebouwFactory, UserFactory
from tests.ledger.factories import PNG_1PX

REGISTERED = (
    Corporatie,
    Gebouw,
    Cooperatie,
    Overeenkomst,
    Lid,
    Rol,
    Relatie,
    GeslotenJaar,
    Afspraak,
    Toezegging,
    Toetsing,
    Beoordeling,
    Rapport,
    Jaarparameter,
    Activiteit,
    Bijlage,
    Boeking,
    AuditEntry,
    AuditChainHead,
    AuditChainVerification,
    AuditCheckpoint,
    ApiToken,
    LedenInzage,
)
# Nothing creates these through a service the admin may call.
ADD_DISABLED = {
    Relatie,
    GeslotenJaar,
    Beoordeling,
    Rapport,
    AuditEntry,
    AuditChainHead,
    AuditChainVerification,
    AuditCheckpoint,
    ApiToken,
    LedenInzage,
}
# Append-only or without an update service: the change page only shows the row.
VIEW_ONLY = {
    Relatie,
    GeslotenJaar,
    Rol,
    Toetsing,
    Beoordeling,
    Rapport,
    Bijlage,
    Boeking,
    AuditEntry,
    AuditChainHead,
    AuditChainVerification,
    AuditCheckpoint,
    ApiToken,
    LedenInzage,
}

GEBOUW_FORM = (
    "complexnummer",
    "naam",
    "straat",
    "huisnummer",
    "postcode",
    "plaats",
    "gemeentecode",
    "buurtcode",
    "kaartjaar",
    "aantal_woningen",
    "bouwjaar",
    "daeb",
)
LID_FORM = (
    "naam",
    "email",
    "telefoon",
    "adres",
    "lid_sinds",
    "lid_tot",
    "bestuursfunctie",
    "doelgroep",
)
COOPERATIE_FORM = (
    "naam",
    "soort",
    "kvk_nummer",
    "rechtsvorm",
    "opgericht_op",
    "email",
    "website",
)


def url(model, view: str, *args) -> str:
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def form_values(obj, names, prefix: str = "") -> dict[str, str]:
    """POST values of a form that leaves `obj` as it is (unchecked boxes absent)."""
    data = {}
    for name in names:
        value = getattr(obj, obj._meta.get_field(name).attname)
        if value is False:
            continue
        if value is True:
            value = "on"
        elif value is None:
            value = ""
        elif isinstance(value, datetime.date):
            value = value.isoformat()
        data[f"{prefix}{name}"] = str(value)
    return data


def management_form(prefix: str, total: int, initial: int) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def journal_seq() -> int:
    return AuditEntry.objects.aggregate(m=Max("pk"))["m"] or 0


def entries_since(seq: int) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(pk__gt=seq).order_by("pk"))


def error_messages(response) -> list[str]:
    return [
        m.message for m in get_messages(response.wsgi_request) if m.level_tag == "error"
    ]


@pytest.fixture
def operator(client, world):
    # Tenant A's beheerder has an API token, so that list is not empty either.
    apitoken_create(naam="BI-koppeling", actor=world.a.beheerder)
    # And one read of a member list, so the read log is not empty either.
    log_inzage(
        actor=world.a.bestuur, cooperatie=world.a.cooperatie, bron="pagina", aantal=3
    )
    # A signed checkpoint and a verification mark of the journal's chains.
    with transaction.atomic():
        checkpoints.sign_heads(journal.heads(), aanleiding="test")
    journal.verify_incremental(k.keten for k in journal.heads())
    client.force_login(world.superuser)
    return client


def _one_of_each(world) -> dict:
    objects = {type(obj): obj for obj in world.a.objects().values()}
    objects[Jaarparameter] = world.jaarparameter
    objects[AuditChainHead] = AuditChainHead.objects.order_by("keten").first()
    objects[AuditChainVerification] = AuditChainVerification.objects.first()
    objects[AuditCheckpoint] = AuditCheckpoint.objects.first()
    objects[ApiToken] = ApiToken.objects.filter(user=world.a.beheerder).first()
    objects[LedenInzage] = LedenInzage.objects.first()
    return objects


# Every model is reachable --------------------------------------------------------


def test_every_model_of_the_apps_is_registered_and_tested():
    models = {
        model
        for label in ("kern", "cooperatie", "afspraken", "ledger")
        for model in apps.get_app_config(label).get_models()
    }
    assert models == set(REGISTERED)
    assert all(admin.site.is_registered(model) for model in models)


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m.__name__)
def test_changelist_answers_200_and_lists_rows(operator, world, model):
    response = operator.get(url(model, "changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count == model._default_manager.count() > 0


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m.__name__)
def test_add_page_answers_200_or_403_where_adding_is_disabled(operator, model):
    response = operator.get(url(model, "add"))
    assert response.status_code == (403 if model in ADD_DISABLED else 200)


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m.__name__)
def test_change_page_of_one_object_answers_200(operator, world, model):
    obj = _one_of_each(world)[model]
    response = operator.get(url(model, "change", obj.pk))
    assert response.status_code == 200
    assert response.context["original"].pk == obj.pk
    # A view-only page offers no save button; an editable one does.
    assert (b'name="_save"' in response.content) is (model not in VIEW_ONLY)


@pytest.mark.parametrize(
    "model",
    [Boeking, AuditEntry, Rapport, AuditCheckpoint],
    ids=lambda m: m.__name__,
)
def test_append_only_rows_cannot_be_changed_or_deleted(operator, world, model):
    obj = _one_of_each(world)[model]
    seq = journal_seq()
    assert operator.post(url(model, "change", obj.pk), {}).status_code == 403
    assert operator.get(url(model, "delete", obj.pk)).status_code == 403
    assert operator.post(url(model, "delete", obj.pk), {"post": "yes"}).status_code == (
        403
    )
    assert model._default_manager.filter(pk=obj.pk).exists()
    assert entries_since(seq) == []


def test_staff_without_superuser_cannot_see_members(client, world):
    staff = UserFactory(username="medewerker", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_lid"))
    client.force_login(staff)
    assert client.get(url(Lid, "changelist")).status_code == 403
    assert client.get(url(Lid, "change", world.a.lid.pk)).status_code == 403


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


def _toezegging_row(index: int, omschrijving: str, norm: str) -> dict[str, str]:
    prefix = f"toezeggingen-{index}-"
    return {
        f"{prefix}omschrijving": omschrijving,
        f"{prefix}indicator": "aantal_activiteiten",
        f"{prefix}norm": norm,
        f"{prefix}richting": "minimaal",
        f"{prefix}deels_vanaf": "75",
        f"{prefix}zwaarwegend": "on",
        f"{prefix}thema": "",
        f"{prefix}volgorde": str(index),
    }


def _afspraak_data(world, gebouw, titel: str) -> dict:
    return {
        "corporatie": world.a.corporatie.pk,
        "cooperatie": world.a.cooperatie.pk,
        "gebouwen": [gebouw.pk],
        "titel": titel,
        "ingangsjaar": "2025",
        "eindjaar": "2028",
        "ondertekend_op": "2024-12-01",
        "prestatieafspraak": "",
    }


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
        **form_values(afspraak, ("titel", "ingangsjaar", "eindjaar")),
        "ondertekend_op": "",
        "prestatieafspraak": "",
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


# Service refusals show on the form and write nothing ----------------------------


def test_overlapping_overeenkomst_shows_a_form_error_and_creates_nothing(
    operator, world
):
    count, seq = Overeenkomst.objects.count(), journal_seq()

    response = operator.post(
        url(Overeenkomst, "add"),
        {
            "gebouw": world.a.gebouw.pk,
            "cooperatie": world.b.cooperatie.pk,
            "soort": "beheer",
            "ingangsdatum": "2024-01-01",
            "einddatum": "",
            "aantal_woningen": "10",
        },
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "overlappen" in " ".join(errors["ingangsdatum"])
    assert Overeenkomst.objects.count() == count
    assert entries_since(seq) == []


def test_activiteit_in_a_locked_year_shows_a_form_error(operator, world):
    # The tenant's 2023 toetsing is vastgesteld (it has a sealed report).
    count, seq = Activiteit.objects.count(), journal_seq()

    response = operator.post(
        url(Activiteit, "add"),
        {
            "cooperatie": world.a.cooperatie.pk,
            "datum": "2023-06-01",
            "titel": "Buurtbarbecue",
            "thema": "ontmoeting",
            "omschrijving": "",
            "deelnemers_leden": "10",
            "deelnemers_buurt": "5",
            "vrijwilligersuren": "6",
            "partners": "",
            **management_form("bijlagen", total=0, initial=0),
        },
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "2023" in " ".join(errors["datum"])
    assert Activiteit.objects.count() == count
    assert entries_since(seq) == []


def test_refused_afspraak_rolls_back_its_toezeggingen_too(operator, world):
    counts = (Afspraak.objects.count(), Toezegging.objects.count())
    seq = journal_seq()
    data = {
        # A gebouw of the other corporatie: refused by afspraak_create.
        **_afspraak_data(world, world.b.gebouw, "Met een vreemd gebouw"),
        **management_form("toezeggingen", total=1, initial=0),
        **_toezegging_row(0, "Tien activiteiten per jaar", "10"),
    }

    response = operator.post(url(Afspraak, "add"), data)

    assert response.status_code == 200
    assert "gebouwen" in response.context["adminform"].form.errors
    assert (Afspraak.objects.count(), Toezegging.objects.count()) == counts
    assert entries_since(seq) == []


def test_refused_inline_row_shows_on_the_row_and_undoes_the_parent(operator, world):
    cooperatie = world.a.cooperatie
    old_naam = cooperatie.naam
    leden = list(cooperatie.leden.all())
    data = {
        **form_values(cooperatie, COOPERATIE_FORM),
        "naam": "Nieuwe naam die niet mag blijven",
        **management_form("leden", total=len(leden) + 1, initial=len(leden)),
    }
    for index, lid in enumerate(leden):
        data.update(form_values(lid, LID_FORM, prefix=f"leden-{index}-"))
        data[f"leden-{index}-id"] = str(lid.pk)
        data[f"leden-{index}-cooperatie"] = str(cooperatie.pk)
    new = f"leden-{len(leden)}-"
    # Joining in 2023, a year that is vastgesteld: refused by lid_create.
    data.update(
        {
            f"{new}naam": "Nieuw lid",
            f"{new}lid_sinds": "2023-03-01",
            f"{new}doelgroep": "onbekend",
        }
    )
    seq = journal_seq()

    response = operator.post(url(Cooperatie, "change", cooperatie.pk), data)

    assert response.status_code == 200
    [formset] = response.context["inline_admin_formsets"]
    row_errors = formset.formset.forms[len(leden)].errors
    assert "2023" in " ".join(row_errors["lid_sinds"])
    cooperatie.refresh_from_db()
    assert cooperatie.naam == old_naam
    assert cooperatie.leden.count() == len(leden)
    assert entries_since(seq) == []


def test_refused_delete_shows_a_message_and_keeps_the_gebouw(operator, world):
    # Named in an afspraak (a many-to-many, not protected by the database), so the
    # admin offers the delete and gebouw_delete refuses it.
    vrij = GebouwFactory(corporatie=world.a.corporatie)
    world.a.afspraak.gebouwen.add(vrij)
    seq = journal_seq()

    response = operator.post(
        url(Gebouw, "delete", vrij.pk), {"post": "yes"}, follow=True
    )

    assert response.status_code == 200
    [message] = error_messages(response)
    assert "blijft bewaard" in message
    assert Gebouw.objects.filter(pk=vrij.pk).exists()
    assert world.a.afspraak.gebouwen.filter(pk=vrij.pk).exists()
    assert entries_since(seq) == []


def test_delete_in_admin_goes_through_the_delete_service(operator, world):
    toezegging = world.a.toezegging
    seq = journal_seq()

    response = operator.post(url(Toezegging, "delete", toezegging.pk), {"post": "yes"})

    assert response.status_code == 302
    assert not Toezegging.objects.filter(pk=toezegging.pk).exists()
    [entry] = entries_since(seq)
    assert (entry.action, entry.object_id) == ("toezegging_delete", str(toezegging.pk))


def test_bulk_delete_is_all_or_nothing_when_a_service_refuses(operator, world):
    vrij = GebouwFactory(corporatie=world.b.corporatie)
    in_afspraak = GebouwFactory(corporatie=world.b.corporatie)
    world.b.afspraak.gebouwen.add(in_afspraak)
    seq = journal_seq()

    response = operator.post(
        url(Gebouw, "changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [vrij.pk, in_afspraak.pk],
            "post": "yes",
        },
        follow=True,
    )

    assert response.status_code == 200
    [message] = error_messages(response)
    assert "blijft bewaard" in message
    assert Gebouw.objects.filter(pk__in=[vrij.pk, in_afspraak.pk]).count() == 2
    assert entries_since(seq) == []


def test_the_operator_revokes_api_tokens_through_the_service(operator, world):
    token = ApiToken.objects.get(user=world.a.beheerder)
    seq = journal_seq()
    response = operator.post(
        url(ApiToken, "changelist"),
        {"action": "intrekken", "_selected_action": [token.pk]},
        follow=True,
    )
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert [e.action for e in entries_since(seq)] == ["apitoken_revoke"]

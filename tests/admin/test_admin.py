"""The Django admin: every model reachable, and service refusals shown on the form."""

from __future__ import annotations

from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Permission

import pytest

from afspraken.models import (
    Afspraak,
    Rapport,
    Toezegging,
)
from cooperatie.models import (
    ApiClient,
    ApiToken,
    Cooperatie,
    Gebouw,
    Lid,
    Overeenkomst,
)
from kern.models import (
    AuditCheckpoint,
    AuditEntry,
)
from ledger.models import Activiteit, Boeking
from tests.admin.admin_helpers import (
    ADD_DISABLED,
    COOPERATIE_FORM,
    LID_FORM,
    REGISTERED,
    VIEW_ONLY,
    _afspraak_data,
    _one_of_each,
    _toezegging_row,
    entries_since,
    error_messages,
    form_values,
    journal_seq,
    management_form,
    url,
)
from tests.api.oauth_helpers import register as register_client
from tests.cooperatie.factories import GebouwFactory, UserFactory

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
    _one_of_each(world)  # rows of the models the world itself leaves empty
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


def test_the_operator_revokes_machine_clients_through_the_service(operator, world):
    client, _secret = register_client(world.a, "Coopsturing.Gebouwen.Read")
    seq = journal_seq()
    response = operator.post(
        url(ApiClient, "changelist"),
        {"action": "intrekken", "_selected_action": [client.pk]},
        follow=True,
    )
    assert response.status_code == 200
    client.refresh_from_db()
    assert client.revoked_at is not None
    assert client.applicatie is None
    assert [e.action for e in entries_since(seq)] == ["apiclient_revoke"]

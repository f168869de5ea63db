"""The invitation and role resources of the API (/api/v1/uitnodigingen/ and
/api/v1/rollen/): who may invite whom, the mail with the link that the answer
never holds, withdrawing and sending again, the status and its filter, and
ending a role."""

from __future__ import annotations

import datetime
import re

from django.core import mail as django_mail
from django.utils import timezone

import pytest

from cooperatie import uitnodigingen
from cooperatie.choices import RolSoort
from cooperatie.models import Rol, Uitnodiging
from tests.api.problems import invalid_params, problem_of
from tests.api.rules_helpers import client_for, unknown_pk_message
from tests.cooperatie.factories import RolFactory, UserFactory
from tests.helpers import entries_since, journal_mark, table_state

UITNODIGINGEN = "/api/v1/uitnodigingen/"
ROLLEN = "/api/v1/rollen/"
EMAIL = "nieuw.bestuurslid@example.org"

FIELDS = {
    "id",
    "email",
    "soort",
    "corporatie",
    "cooperatie",
    "status",
    "verloopt_op",
    "created_at",
    "uitgenodigd_door",
    "geaccepteerd_op",
    "ingetrokken_op",
}


def token_in(body: str) -> str:
    return re.search(r"/uitnodiging/([^/\s]+)/", body).group(1)


def invite_bestuur(tenant, **kwargs) -> Uitnodiging:
    """An open invitation to the board of the tenant's cooperatie."""
    return uitnodigingen.uitnodiging_create(
        email=kwargs.pop("email", EMAIL),
        soort=RolSoort.BESTUUR,
        cooperatie=tenant.cooperatie,
        actor=tenant.beheerder,
        **kwargs,
    )


def refused_without_a_trace(call, status: int):
    """The response of `call`, which must be `status` and write nothing."""
    seq, rows = journal_mark(), table_state(Uitnodiging)
    response = call()
    assert response.status_code == status, response.content
    assert table_state(Uitnodiging) == rows
    assert entries_since(seq) == []
    return response


# Inviting ------------------------------------------------------------------------


def test_create_sends_one_mail_and_the_answer_holds_no_token(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.a.beheerder).post(
            UITNODIGINGEN,
            {"email": EMAIL, "soort": "bestuur", "cooperatie": world.a.cooperatie.pk},
            format="json",
        )

    assert response.status_code == 201, response.content
    assert len(django_mail.outbox) == 1
    assert django_mail.outbox[0].to == [EMAIL]
    body = response.json()
    assert set(body) == FIELDS
    assert body["status"] == "open"
    assert body["uitgenodigd_door"] == world.a.beheerder.pk
    assert body["corporatie"] is None
    uitnodiging = Uitnodiging.objects.get(pk=body["id"])
    token = token_in(django_mail.outbox[0].body)
    assert uitnodiging.key_hash == uitnodigingen.hash_token(token)
    for answer in (response, client_for(world.a.beheerder).get(UITNODIGINGEN)):
        assert token not in answer.content.decode()
        assert uitnodiging.key_hash not in answer.content.decode()
    detail = client_for(world.a.beheerder).get(f"{UITNODIGINGEN}{uitnodiging.pk}/")
    assert set(detail.json()) == FIELDS
    assert uitnodiging.key_hash not in detail.content.decode()


def test_beheerder_invites_an_auditor_of_its_own_corporatie(world):
    response = client_for(world.a.beheerder).post(
        UITNODIGINGEN,
        {"email": EMAIL, "soort": "auditor", "corporatie": world.a.corporatie.pk},
        format="json",
    )

    assert response.status_code == 201, response.content
    assert response.json()["corporatie"] == world.a.corporatie.pk
    assert response.json()["cooperatie"] is None


def test_bestuur_may_not_invite_a_beheerder(world):
    """The bestuur sees its corporatie (the object exists for it), but granting
    a role there is the beheerder's."""
    response = refused_without_a_trace(
        lambda: client_for(world.a.bestuur).post(
            UITNODIGINGEN,
            {
                "email": EMAIL,
                "soort": "beheerder",
                "corporatie": world.a.corporatie.pk,
            },
            format="json",
        ),
        403,
    )
    assert problem_of(response)["detail"]


def test_beheerder_cannot_invite_into_another_corporaties_cooperatie(world):
    """B's cooperatie reads as one that does not exist, as elsewhere."""
    response = refused_without_a_trace(
        lambda: client_for(world.a.beheerder).post(
            UITNODIGINGEN,
            {"email": EMAIL, "soort": "bestuur", "cooperatie": world.b.cooperatie.pk},
            format="json",
        ),
        400,
    )
    assert invalid_params(response) == {
        "cooperatie": [unknown_pk_message(world.b.cooperatie.pk)]
    }


@pytest.mark.parametrize(
    "organisation",
    [
        lambda a: {},
        lambda a: {"cooperatie": a.cooperatie.pk},
        lambda a: {"corporatie": a.corporatie.pk, "cooperatie": a.cooperatie.pk},
    ],
    ids=["none", "the-wrong-one", "both"],
)
def test_the_organisation_must_fit_the_soort(world, organisation):
    data = {"email": EMAIL, "soort": "beheerder", **organisation(world.a)}

    response = refused_without_a_trace(
        lambda: client_for(world.a.beheerder).post(UITNODIGINGEN, data, format="json"),
        400,
    )

    assert list(invalid_params(response)) == ["soort"]


def test_an_invalid_address_is_a_field_error(world):
    response = refused_without_a_trace(
        lambda: client_for(world.a.beheerder).post(
            UITNODIGINGEN,
            {"email": "geen-adres", "soort": "bestuur", "cooperatie": 0},
            format="json",
        ),
        400,
    )
    assert {"email", "cooperatie"} <= set(invalid_params(response))


# Withdrawing and sending again -----------------------------------------------------


def test_withdraw_twice_is_a_400_the_second_time(world):
    uitnodiging = invite_bestuur(world.a)
    url = f"{UITNODIGINGEN}{uitnodiging.pk}/intrekken/"

    first = client_for(world.a.bestuur).post(url, format="json")
    assert first.status_code == 200, first.content
    assert first.json()["status"] == "ingetrokken"
    assert first.json()["ingetrokken_op"] is not None

    again = refused_without_a_trace(
        lambda: client_for(world.a.bestuur).post(url, format="json"), 400
    )
    assert invalid_params(again) == {
        "non_field_errors": ["Een ingetrokken uitnodiging moet ongewijzigd blijven."]
    }


def test_sending_again_mails_a_new_link_and_the_old_one_stops(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        uitnodiging = invite_bestuur(world.a)
    old = token_in(django_mail.outbox[-1].body)

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.a.beheerder).post(
            f"{UITNODIGINGEN}{uitnodiging.pk}/opnieuw-versturen/", format="json"
        )

    assert response.status_code == 200, response.content
    assert len(django_mail.outbox) == 2
    new = token_in(django_mail.outbox[-1].body)
    assert new != old
    assert new not in response.content.decode()
    assert uitnodigingen.open_uitnodiging(new).pk == uitnodiging.pk
    with pytest.raises(uitnodigingen.UitnodigingOngeldigError):
        uitnodigingen.open_uitnodiging(old)


# Scope, status and filters ---------------------------------------------------------


def test_another_tenants_invitation_is_404_and_not_listed(world):
    theirs = invite_bestuur(world.b)
    ours = invite_bestuur(world.a)
    client = client_for(world.a.beheerder)

    listed = [row["id"] for row in client.get(UITNODIGINGEN).json()["results"]]
    assert listed == [ours.pk]
    assert client.get(f"{UITNODIGINGEN}{theirs.pk}/").status_code == 404
    refused_without_a_trace(
        lambda: client.post(f"{UITNODIGINGEN}{theirs.pk}/intrekken/", format="json"),
        404,
    )
    assert (
        client.get(UITNODIGINGEN, {"cooperatie": world.b.cooperatie.pk}).json()[
            "results"
        ]
        == []
    )


def test_auditor_sees_no_invitations(world):
    invite_bestuur(world.a)
    response = client_for(world.a.auditor).get(UITNODIGINGEN)
    assert response.json()["results"] == []


def test_status_and_its_filter_agree(world):
    now = timezone.now()
    # One open invitation per address and role: each its own address.
    made = {
        status: invite_bestuur(world.a, email=f"{status}@example.nl")
        for status in ("open", "verlopen", "gebruikt", "ingetrokken")
    }
    Uitnodiging.objects.filter(pk=made["verlopen"].pk).update(
        verloopt_op=now - datetime.timedelta(minutes=1)
    )
    Uitnodiging.objects.filter(pk=made["gebruikt"].pk).update(
        geaccepteerd_op=now, ingetrokken_op=now
    )
    Uitnodiging.objects.filter(pk=made["ingetrokken"].pk).update(
        ingetrokken_op=now, verloopt_op=now - datetime.timedelta(minutes=1)
    )
    client = client_for(world.a.beheerder)

    statuses = {
        row["id"]: row["status"] for row in client.get(UITNODIGINGEN).json()["results"]
    }
    assert statuses == {u.pk: status for status, u in made.items()}
    for status, uitnodiging in made.items():
        rows = client.get(UITNODIGINGEN, {"status": status}).json()["results"]
        assert [row["id"] for row in rows] == [uitnodiging.pk], status
    assert client.get(UITNODIGINGEN, {"status": "weg"}).status_code == 400


# Roles ----------------------------------------------------------------------------


def test_bestuur_ends_a_fellow_board_members_role_and_it_is_journaled(world):
    fellow = RolFactory(cooperatie=world.a.cooperatie, bestuur=True)
    seq = journal_mark()

    response = client_for(world.a.bestuur).delete(f"{ROLLEN}{fellow.pk}/")

    assert response.status_code == 204, response.content
    assert not Rol.objects.filter(pk=fellow.pk).exists()
    entries = entries_since(seq)
    assert [e.action for e in entries] == ["rol_delete"]
    assert entries[0].actor_id == world.a.bestuur.pk
    assert entries[0].object_id == str(fellow.pk)


def test_the_last_beheerder_cannot_end_its_own_role(world):
    rol = world.a.rol_beheerder
    seq, rows = journal_mark(), table_state(Rol)

    response = client_for(world.a.beheerder).delete(f"{ROLLEN}{rol.pk}/")

    assert response.status_code == 400
    assert invalid_params(response) == {
        "non_field_errors": ["Een corporatie moet minstens één beheerder houden."]
    }
    assert table_state(Rol) == rows
    assert entries_since(seq) == []


def test_a_beheerder_with_a_colleague_may_end_its_own_role(world):
    RolFactory(corporatie=world.a.corporatie)

    response = client_for(world.a.beheerder).delete(
        f"{ROLLEN}{world.a.rol_beheerder.pk}/"
    )

    assert response.status_code == 204


def test_roles_show_the_users_name_and_are_scoped(world):
    named = UserFactory(first_name="Sanne", last_name="de Wit")
    rol = RolFactory(user=named, cooperatie=world.a.cooperatie, bestuur=True)
    nameless = UserFactory(username="kas_beheer", first_name="", last_name="")
    rol_nameless = RolFactory(
        user=nameless, cooperatie=world.a.cooperatie, bestuur=True
    )
    client = client_for(world.a.bestuur)

    rows = {row["id"]: row for row in client.get(ROLLEN).json()["results"]}

    assert rows[rol.pk] == {
        "id": rol.pk,
        "soort": "bestuur",
        "corporatie": None,
        "cooperatie": world.a.cooperatie.pk,
        "gemeentecode": "",
        "gebruiker": named.pk,
        "gebruiker_naam": "Sanne de Wit",
    }
    assert rows[rol_nameless.pk]["gebruiker_naam"] == "kas_beheer"
    # A bestuur sees the board of its own cooperatie, not the corporatie's roles.
    assert set(rows) == {rol.pk, rol_nameless.pk, world.a.rol_bestuur.pk}
    assert client.get(f"{ROLLEN}{world.b.rol_bestuur.pk}/").status_code == 404
    filtered = client.get(ROLLEN, {"gebruiker": world.b.bestuur.pk}).json()
    assert filtered["results"] == []

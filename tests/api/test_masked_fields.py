"""Filters never reach what the serializer hides.

A beheerder reads the current board members of the cooperaties of their
corporatie, and of those only the name (and function): e-mail, telephone,
address and doelgroep are null (`privacy.MemberMask`). For that user a filter or
an ordering term on a hidden field is ignored, and the search `q` searches only
the name, so that neither `?doelgroep=ja` nor a
search for an e-mail address, character by character, tells anything about a
hidden value: the answer is the same with and without the parameter, whatever
the hidden values are. The cooperatie's own bestuur (who sees the fields)
filters, searches and sorts on them as before.
"""

from __future__ import annotations

from django.urls import reverse

import pytest
from rest_framework.test import APIClient

from config.api_urls import router
from cooperatie.api.views import LidViewSet
from cooperatie.choices import Bestuursfunctie, Doelgroep
from cooperatie.filtersets import LidFilter
from cooperatie.models import Lid
from cooperatie.privacy import MemberMask
from kern.api.base import ScopedViewSet
from kern.filtering import fields_read
from tests.api.problems import invalid_params
from tests.cooperatie.factories import LidFactory, RolFactory, UserFactory
from tests.helpers import fresh

HIDDEN_FROM_BEHEERDER = {"email", "telefoon", "adres", "doelgroep"}
SECRET_EMAIL = "zqx.verborgen@voorbeeld.nl"
SECRET_ADRES = "Kwartelweg 77-3"


@pytest.fixture
def board(world):
    """Board members of cooperatie A with known hidden values: names share no
    character sequence with the e-mail or address they hide."""
    a = world.a
    Lid.objects.filter(pk=a.bestuurslid.pk).update(
        naam="Anna Bos", doelgroep=Doelgroep.NEE, email="ab@voorbeeld.nl"
    )
    penningmeester = LidFactory(
        cooperatie=a.cooperatie,
        naam="Tom Mol",
        email=SECRET_EMAIL,
        telefoon="06-11223344",
        adres=SECRET_ADRES,
        doelgroep=Doelgroep.JA,
        bestuursfunctie=Bestuursfunctie.PENNINGMEESTER,
    )
    return [Lid.objects.get(pk=a.bestuurslid.pk), penningmeester]


def client_of(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(fresh(user))
    return client


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def _hidden_parameters() -> list[tuple[str, str, str]]:
    """(hidden field, parameter, value): every filter of the leden list that
    reads a field hidden from the beheerder, and every ordering term on one
    that the list offers (another term is a 400 for anyone)."""
    filterset = LidFilter()
    cases = []
    for name, filter_ in filterset.filters.items():
        reads = fields_read(filterset, name, filter_) or set()
        cases.extend(
            (field, name, "ja") for field in sorted(reads & HIDDEN_FROM_BEHEERDER)
        )
    for field in sorted(HIDDEN_FROM_BEHEERDER & set(LidViewSet.ordering_fields)):
        cases.append((field, "ordering", field))
        cases.append((field, "ordering", f"-{field}"))
        cases.append((field, "ordering", f"naam,{field}"))
    return cases


HIDDEN_PARAMETERS = _hidden_parameters()


def test_the_mask_is_the_one_declaration_of_the_models_personal_fields(world):
    assert MemberMask.masked_fields == Lid.PERSONAL_FIELDS
    assert MemberMask.of(fresh(world.a.beheerder)).hidden_fields() == (
        HIDDEN_FROM_BEHEERDER
    )
    assert MemberMask.of(fresh(world.a.bestuur)).hidden_fields() == frozenset()
    assert MemberMask.of(fresh(world.superuser)).hidden_fields() == frozenset()
    # Every hidden field that is filtered or sorted on has a parameter tested
    # below; the others are a 400 for anyone as an ordering term
    # (test_ordering_on_a_field_the_list_does_not_offer_is_a_400_for_anyone).
    tested = {field for field, _, _ in HIDDEN_PARAMETERS}
    assert not (HIDDEN_FROM_BEHEERDER - tested) & set(LidViewSet.ordering_fields)
    assert tested >= {"doelgroep", "email"}
    assert ("doelgroep", "doelgroep", "ja") in HIDDEN_PARAMETERS


def test_only_the_leden_resource_masks_fields():
    """A new resource with a field mask needs its own cases here."""
    masked = {
        prefix
        for prefix, viewset, _ in router.registry
        if viewset.get_field_mask is not ScopedViewSet.get_field_mask
    }
    assert masked == {"leden"}


def _answers(client, board, params) -> list:
    """The list and a board member's detail, as the beheerder gets them."""
    listed = client.get("/api/v1/leden/", params)
    detail = client.get(f"/api/v1/leden/{board[1].pk}/", params)
    return [listed.status_code, listed.json(), detail.status_code, detail.json()]


@pytest.mark.parametrize(("field", "parameter", "value"), HIDDEN_PARAMETERS)
def test_a_parameter_on_a_hidden_field_changes_nothing_for_the_beheerder(
    world, board, field, parameter, value
):
    client = client_of(world.a.beheerder)
    without = _answers(client, board, {})
    assert without[0] == without[2] == 200
    assert {row[field] for row in without[1]["results"]} == {None}
    assert sorted(row["id"] for row in without[1]["results"]) == sorted(
        lid.pk for lid in board
    )
    with_parameter = _answers(client, board, {parameter: value})
    assert with_parameter == without
    # Whatever the hidden values are: swapped between the two board members,
    # every answer stays the same.
    first, second = (Lid.objects.get(pk=lid.pk) for lid in board)
    temporary = Doelgroep.ONBEKEND if field == "doelgroep" else ""  # e-mail unique
    Lid.objects.filter(pk=second.pk).update(**{field: temporary})
    Lid.objects.filter(pk=first.pk).update(**{field: getattr(second, field)})
    Lid.objects.filter(pk=second.pk).update(**{field: getattr(first, field)})
    assert _answers(client, board, {parameter: value}) == without
    if parameter != "ordering":
        for other in ("nee", "onbekend"):
            assert _answers(client, board, {parameter: other}) == without
        # A malformed value is refused as for anyone: it depends on the value
        # alone.
        response = client.get("/api/v1/leden/", {parameter: "AAA"})
        assert response.status_code == 400
        assert list(invalid_params(response)) == [parameter]
        bestuur = client_of(world.a.bestuur)
        assert bestuur.get("/api/v1/leden/", {parameter: "AAA"}).status_code == 400


@pytest.mark.parametrize(
    "field", sorted(HIDDEN_FROM_BEHEERDER - set(LidViewSet.ordering_fields))
)
def test_ordering_on_a_field_the_list_does_not_offer_is_a_400_for_anyone(
    world, board, field
):
    answers = [
        client_of(user).get("/api/v1/leden/", {"ordering": f"naam,-{field}"})
        for user in (world.a.beheerder, world.a.bestuur)
    ]
    assert [a.status_code for a in answers] == [400, 400]
    assert answers[0].json()["invalid-params"] == answers[1].json()["invalid-params"]
    assert list(invalid_params(answers[0])) == ["ordering"]


@pytest.mark.parametrize(("field", "parameter", "value"), HIDDEN_PARAMETERS)
def test_the_bestuur_filters_and_sorts_on_the_same_parameters(
    world, board, field, parameter, value
):
    client = client_of(world.a.bestuur)
    response = client.get("/api/v1/leden/", {parameter: value})
    assert response.status_code == 200, response.content
    rows = response.json()["results"]
    if parameter == "ordering":
        terms = value.split(",")
        stored = Lid.objects.filter(pk__in=ids(response)).order_by(*terms)
        assert [row[field] for row in rows] == [getattr(lid, field) for lid in stored]
    else:
        assert rows
        assert {row[field] for row in rows} == {value}


def test_doelgroep_filter_answers_for_the_bestuur_and_the_operator(world, board):
    expected = {world.a.lid.pk, board[1].pk}
    for user in (world.a.bestuur, world.superuser):
        found = ids(client_of(user).get("/api/v1/leden/", {"doelgroep": "ja"}))
        assert expected <= set(found)
        assert board[0].pk not in found
        assert all(Lid.objects.get(pk=pk).doelgroep == Doelgroep.JA for pk in found)


def _search_results(client, secret: str) -> dict[str, list[int]]:
    """The list for every prefix of `secret`, as an attacker would try them."""
    return {
        secret[:n]: ids(client.get("/api/v1/leden/", {"q": secret[:n]}))
        for n in range(1, len(secret) + 1)
    }


def test_searching_an_email_character_by_character_finds_nothing(world, board):
    """The exact attack: guess an e-mail address one character at a time and
    watch whether the board member stays in the results."""
    client = client_of(world.a.beheerder)
    email_search = _search_results(client, SECRET_EMAIL)
    adres_search = _search_results(client, SECRET_ADRES)

    assert set(map(tuple, email_search.values())) == {()}
    assert set(map(tuple, adres_search.values())) == {()}
    # The results do not depend on the hidden values: with others stored,
    # every try answers the same.
    Lid.objects.filter(pk=board[1].pk).update(email="ander@voorbeeld.nl", adres="")
    assert _search_results(client, SECRET_EMAIL) == email_search
    assert _search_results(client, SECRET_ADRES) == adres_search
    # What the beheerder sees, the name, is still searched.
    assert ids(client.get("/api/v1/leden/", {"q": "tom m"})) == [board[1].pk]


def test_the_telephone_number_is_searched_only_by_whom_it_shows(world, board):
    """`q` searches the telephone number too (an additive change, with the UI's
    member search); for a beheerder it is hidden, so never searched."""
    telefoon = "06-11223344"
    assert set(
        map(tuple, _search_results(client_of(world.a.beheerder), telefoon).values())
    ) == {()}
    found = ids(client_of(world.a.bestuur).get("/api/v1/leden/", {"q": "1122334"}))
    assert found == [board[1].pk]


def test_the_bestuur_still_searches_email_and_address(world, board):
    client = client_of(world.a.bestuur)
    for text in (SECRET_EMAIL, SECRET_EMAIL[:4], SECRET_ADRES[:6], "Tom"):
        assert ids(client.get("/api/v1/leden/", {"q": text})) == [board[1].pk]


def test_a_user_with_both_roles_cannot_filter_what_one_of_them_hides(world, board):
    """Bestuur of cooperatie B and beheerder of corporatie A: B's members show
    every field, A's board members only their names. The rule is per user, so
    the fields hidden on A's rows are ignored as parameters and not searched
    for B's rows either; such a user filters B's members in B's bestuur
    portal."""
    user = UserFactory(username="beide")
    RolFactory(user=user, corporatie=world.a.corporatie)
    RolFactory(user=user, cooperatie=world.b.cooperatie, bestuur=True, corporatie=None)
    client = client_of(user)
    everyone = ids(client.get("/api/v1/leden/"))
    assert ids(client.get("/api/v1/leden/", {"doelgroep": "ja"})) == everyone
    assert ids(client.get("/api/v1/leden/", {"ordering": "-email"})) == everyone
    rows = {row["id"]: row for row in client.get("/api/v1/leden/").json()["results"]}
    assert rows[world.b.lid.pk]["email"] == world.b.lid.email
    assert rows[board[1].pk]["email"] is None
    assert ids(client.get("/api/v1/leden/", {"q": SECRET_EMAIL})) == []
    assert ids(client.get("/api/v1/leden/", {"q": world.b.lid.email})) == []
    assert ids(client.get("/api/v1/leden/", {"q": "Tom Mol"})) == [board[1].pk]


@pytest.mark.parametrize("role", ["beheerder", "bestuur", "superuser"])
def test_a_field_that_may_be_filtered_is_shown_on_every_row(world, board, role):
    """`hidden_fields` (what filters may not read) and `shows` (what the
    serializer nulls) agree on every row the user reaches."""
    user = world.superuser if role == "superuser" else getattr(world.a, role)
    mask = MemberMask.of(fresh(user))
    rows = client_of(user).get("/api/v1/leden/").json()["results"]
    assert rows
    for row in rows:
        lid = Lid.objects.get(pk=row["id"])
        for field in Lid.PERSONAL_FIELDS:
            if field not in mask.hidden_fields():
                assert mask.shows(lid, field), (role, field)
                assert row[field] == getattr(lid, field), (role, field)
            if not mask.shows(lid, field):
                assert row[field] is None


def test_the_web_lists_give_a_beheerder_no_member_filter(client, world, board):
    """The pages: the member list with its search is the bestuur's alone, and
    the beheerder's cooperatie list (board names) takes no member filter, so the
    parameters of the attack change nothing there."""
    a = world.a
    client.force_login(a.beheerder)
    leden = reverse("bestuur-leden", args=[a.cooperatie.pk])
    assert client.get(leden, {"zoek": SECRET_EMAIL}).status_code in (403, 404)
    cooperaties = reverse("beheer-cooperaties", args=[a.corporatie.pk])
    plain = client.get(cooperaties)
    assert plain.status_code == 200
    for params in ({"zoek": SECRET_EMAIL}, {"q": "zqx"}, {"doelgroep": "ja"}):
        response = client.get(cooperaties, params)
        assert response.status_code == 200
        assert [
            [lid.pk for lid in c.bestuursleden]
            for c in response.context["page"].object_list
        ] == [[lid.pk for lid in c.bestuursleden] for c in plain.context["page"]]

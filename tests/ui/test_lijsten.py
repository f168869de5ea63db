"""The lists of the portals filter with the API's FilterSets (portalen.filters):
the same search and filters as the API, the page's own parameter names kept,
bad input an error on the form (never a 500), and a field the user may not see
neither offered nor searched."""

from __future__ import annotations

from django.http import QueryDict
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

import pytest

from cooperatie.models import Lid
from cooperatie.privacy import MemberMask
from portalen.bestuur.forms.leden import LidListFilter
from tests.cooperatie.factories import (
    GebouwFactory,
    LidFactory,
    RolFactory,
    UserFactory,
)
from tests.helpers import page_text


def beheer(name: str, tenant) -> str:
    return reverse(f"beheer-{name}", args=[tenant.corporatie.pk])


def bestuur(name: str, tenant) -> str:
    return reverse(f"bestuur-{name}", args=[tenant.cooperatie.pk])


def test_gebouw_search_finds_the_buurtcode_in_the_page_and_the_api(client, world):
    gebouw = GebouwFactory(
        corporatie=world.a.corporatie,
        naam="Het Buurthuis",
        buurtcode="BU03639912",
        kaartjaar=2024,
    )
    client.force_login(world.a.beheerder)

    html = page_text(client.get(beheer("gebouwen", world.a), {"q": "bu0363991"}))
    api = client.get("/api/v1/gebouwen/", {"q": "bu0363991"}).json()["results"]

    assert gebouw.naam in html
    assert world.a.gebouw.naam not in html
    assert [row["id"] for row in api] == [gebouw.pk]


@pytest.mark.parametrize(
    ("page", "query", "field"),
    [
        ("gebouwen", {"gemeente": "GM9999"}, "gemeente"),
        ("overeenkomsten", {"gebouw": "abc"}, "gebouw"),
        ("overeenkomsten", {"cooperatie": "99999999999999999999999"}, "cooperatie"),
        ("overeenkomsten", {"status": "weg"}, "status"),
        ("afspraken", {"jaar": "twee"}, "jaar"),
        ("afspraken", {"jaar": "0"}, "jaar"),
    ],
)
def test_bad_filter_input_in_the_beheer_lists_is_a_field_error(
    client, world, page, query, field
):
    client.force_login(world.a.beheerder)

    response = client.get(beheer(page, world.a), query)

    assert response.status_code == 200
    assert field in response.context["filters"].form.errors
    assert 'class="errorlist"' in response.content.decode()


@pytest.mark.parametrize(
    ("page", "query", "field"),
    [
        ("activiteiten", {"thema": "onzin"}, "thema"),
        ("activiteiten", {"jaar": "1066"}, "jaar"),
        ("boekingen", {"jaar": "x"}, "jaar"),
        ("leden", {"status": "iedereen"}, "status"),
    ],
)
def test_bad_filter_input_in_the_bestuur_lists_is_a_field_error(
    client, world, page, query, field
):
    client.force_login(world.a.bestuur)

    response = client.get(bestuur(page, world.a), query)

    assert response.status_code == 200
    assert field in response.context["filters"].form.errors


def test_a_refused_year_shows_the_running_year(client, world):
    client.force_login(world.a.bestuur)

    response = client.get(bestuur("boekingen", world.a), {"jaar": "x"})

    assert response.context["jaar"] == timezone.localdate().year


def test_a_refused_member_status_shows_the_current_members(client, world):
    oud = LidFactory(
        cooperatie=world.a.cooperatie,
        naam="Oud Lid",
        lid_tot=timezone.localdate().replace(year=2020),
    )
    client.force_login(world.a.bestuur)

    response = client.get(bestuur("leden", world.a), {"status": "iedereen"})

    shown = set(response.context["page"].object_list)
    assert world.a.lid in shown
    assert oud not in shown


def test_the_member_search_finds_the_telephone_number(client, world):
    Lid.objects.filter(pk=world.a.lid.pk).update(telefoon="06-98765432")
    client.force_login(world.a.bestuur)

    response = client.get(bestuur("leden", world.a), {"zoek": "98765"})

    assert list(response.context["page"].object_list) == [world.a.lid]


def test_the_journal_names_the_apis_action_filter_actie(client, world):
    client.force_login(world.a.auditor)

    response = client.get(
        reverse("audit-journaal", args=[world.a.corporatie.pk]), {"actie": "geen"}
    )

    assert response.status_code == 200
    assert "actie" in response.context["filters"].form.errors


def test_a_field_hidden_from_the_user_is_neither_offered_nor_searched(world):
    hidden = MemberMask.of(world.a.beheerder).hidden_fields()
    assert "email" in hidden

    filters = LidListFilter(
        QueryDict("zoek=" + world.a.lid.email),
        Lid.objects.filter(cooperatie=world.a.cooperatie),
        hidden=hidden,
        choices={},
    )

    assert "email" not in filters.search_fields
    assert "naam" in filters.search_fields
    # The status reads lid_tot, which the beheerder sees.
    assert set(filters.form.fields) == {"status", "zoek"}
    assert world.a.lid not in filters.qs


def test_with_two_roles_the_bestuur_portal_searches_every_field(client, world):
    """Beheerder of corporatie A (names only of A's board) and bestuur of B: in
    B's portal every row shows every field, so all of them are searched."""
    user = UserFactory(username="beide")
    RolFactory(user=user, corporatie=world.a.corporatie)
    RolFactory(user=user, cooperatie=world.b.cooperatie, bestuur=True, corporatie=None)
    mask = MemberMask.of(user)
    assert mask.hidden_fields([world.b.cooperatie.pk]) == frozenset()
    assert "email" in mask.hidden_fields([world.a.cooperatie.pk])
    client.force_login(user)

    response = client.get(
        bestuur("leden", world.b), {"zoek": world.b.lid.email, "status": "alle"}
    )

    assert list(response.context["page"].object_list) == [world.b.lid]


def test_the_header_cells_of_a_list():
    html = Template(
        '{% load lijst %}{% koppen _("Naam") getal:_("Woningen") '
        'verborgen:_("Acties") naam %}'
    ).render(Context({"naam": "<b>x</b>"}))

    assert html.split("\n") == [
        '<th scope="col">Naam</th>',
        '<th scope="col" class="num">Woningen</th>',
        '<th scope="col"><span class="visually-hidden">Acties</span></th>',
        '<th scope="col">&lt;b&gt;x&lt;/b&gt;</th>',
    ]

"""A later page's query kept compiled between requests (`seek.Plan`,
`ReadViewSet.plans_kept`).

The plan of a list is kept per view, user, scope, parameters and language:
walking a list again builds and compiles no queryset for its later pages, and
gives the rows the pages by number give; another filter, ordering or page
size, another user, another language or a changed scope (a revoked role) gets
a plan of its own, so nothing is read through another request's query.
"""

from __future__ import annotations

import datetime
import inspect
from collections import OrderedDict

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest
from django_filters.filters import QuerySetRequestMixin

from config import api_urls
from kern.api import base, seek
from kern.api.base import ReadViewSet, ScopedViewSet
from kern.api.filtering import ApiFilterBackend, ApiOrderingFilter
from kern.scoping import ScopedQuerySet
from tests.api.test_vervolg import PAGE, _by_number, _client, _walk, make_rows
from tests.ledger.factories import ActiviteitFactory


@pytest.fixture
def rows(world):
    return make_rows(world)


@pytest.fixture
def counted(monkeypatch):
    """How often a plan is compiled and a list's queryset is filtered."""
    calls = {"plan": 0, "filter": 0}
    plan_init = seek.Plan.__init__
    filter_queryset = ReadViewSet.filter_queryset

    def counting_plan(self, *args, **kwargs):
        plan_init(self, *args, **kwargs)
        calls["plan"] += 1

    def counting_filter(self, queryset):
        calls["filter"] += 1
        return filter_queryset(self, queryset)

    monkeypatch.setattr(seek.Plan, "__init__", counting_plan)
    monkeypatch.setattr(ReadViewSet, "filter_queryset", counting_filter)
    monkeypatch.setattr(base, "_PLANS", OrderedDict())
    return calls


def test_a_walk_again_compiles_nothing_for_its_later_pages(world, rows, counted):
    client = _client(world.a.bestuur)
    query = f"page_size={PAGE}&ordering=-titel"
    first = _walk(client, query)
    assert len(first) == 5
    # The first page and the second build their queryset; the second's plan
    # serves the rest.
    assert counted == {"plan": 1, "filter": 2}
    counted.update(plan=0, filter=0)
    again = _walk(client, query)
    assert again == first
    # Only the first page (no position) builds its queryset.
    assert counted == {"plan": 0, "filter": 1}
    assert [p["results"] for p in again] == [
        p["results"] for p in _by_number(client, query)
    ]


def test_a_page_read_with_a_plan_costs_the_same_queries(world, rows, counted):
    client = _client(world.a.bestuur)
    link = client.get(f"/api/v1/activiteiten/?page_size={PAGE}").json()["next"]
    with CaptureQueriesContext(connection) as made:
        made_body = client.get(link).json()
    with CaptureQueriesContext(connection) as reused:
        reused_body = client.get(link).json()
    assert counted["plan"] == 1
    assert reused_body == made_body
    assert [q["sql"] for q in reused.captured_queries] == [
        q["sql"] for q in made.captured_queries
    ]


@pytest.mark.parametrize(
    "other",
    [
        "thema=groen",
        "thema=overig",
        "ordering=titel",
        "q=maaltijd",
        "jaar=2024",
        "datum_vanaf=2024-01-02",
    ],
)
def test_each_filter_and_ordering_has_its_own_plan(world, rows, counted, other):
    client = _client(world.a.bestuur)
    _walk(client, "page_size=1")
    plans = counted["plan"]
    query = f"page_size=1&{other}"
    walked = _walk(client, query)
    assert len(walked) > 2  # the second page makes the plan, the third reads it
    assert [p["results"] for p in walked] == [
        p["results"] for p in _by_number(client, query)
    ]
    assert counted["plan"] == plans + 1


def test_a_date_in_another_language_is_not_read_through_an_earlier_plan(
    world, rows, counted
):
    """02/01/2024 is 2 January in Dutch and 1 February in English: a plan (and
    a position) made in one language is not used in the other."""
    query = "page_size=2&datum_vanaf=02/01/2024"
    dutch, english = _client(world.a.bestuur), _client(world.a.bestuur)
    dutch.credentials(HTTP_ACCEPT_LANGUAGE="nl")
    english.credentials(HTTP_ACCEPT_LANGUAGE="en")
    walked = _walk(dutch, query)
    assert len(walked) > 2
    assert counted["plan"] == 1
    # In English only the world's one later row is on or after 1 February:
    # the Dutch link's page 2 does not exist.
    assert english.get(walked[0]["next"]).status_code == 404
    (only,) = _walk(english, query)
    assert [row["datum"] for row in only["results"]] == ["2024-03-15"]


def test_a_revoked_role_reads_nothing_through_an_earlier_plan(world, rows, counted):
    client = _client(world.a.bestuur)
    link = client.get(f"/api/v1/activiteiten/?page_size={PAGE}").json()["next"]
    assert client.get(link).json()["results"]
    assert counted["plan"] == 1
    world.a.rol_bestuur.delete()
    # The same user signed in anew (each request reads the roles again): with
    # no role left the list is empty, so its page 2 does not exist. Read
    # through the kept plan, it would have answered the rows.
    after = _client(world.a.bestuur).get(link)
    assert after.status_code == 404


def test_another_user_of_the_same_list_gets_a_plan_of_their_own(world, rows, counted):
    query = f"page_size={PAGE}&cooperatie={world.a.cooperatie.pk}"
    bestuur = _walk(_client(world.a.bestuur), query)
    beheerder = _walk(_client(world.a.beheerder), query)
    assert [p["results"] for p in beheerder] == [p["results"] for p in bestuur]
    assert counted["plan"] == 2
    # The other tenant's bestuur, with the same parameters and the links the
    # first bestuur followed, sees none of it.
    other = _client(world.b.bestuur)
    assert _walk(other, query)[0]["results"] == []
    for page in bestuur[:-1]:
        response = other.get(page["next"])
        assert response.status_code == 404


def test_a_row_added_before_the_position_leaves_the_next_page_as_it_was(
    world, rows, counted
):
    client = _client(world.a.bestuur)
    first = client.get(f"/api/v1/activiteiten/?page_size={PAGE}").json()
    second = client.get(first["next"]).json()
    ActiviteitFactory(cooperatie=world.a.cooperatie, datum=datetime.date(2030, 1, 1))
    assert client.get(first["next"]).json()["results"] == second["results"]
    assert counted["plan"] == 1


def _views_keeping_plans():
    views = {
        viewset
        for _prefix, viewset, _basename in api_urls.router.registry
        if getattr(viewset, "plans_kept", False)
    }
    return sorted(views, key=lambda v: v.__name__)


def test_the_main_ledger_lists_keep_their_plans():
    names = {view.__name__ for view in _views_keeping_plans()}
    assert {"ActiviteitViewSet", "BoekingViewSet"} <= names


@pytest.mark.parametrize("view", _views_keeping_plans(), ids=lambda v: v.__name__)
def test_a_list_that_keeps_plans_reads_only_its_scope_and_parameters(view):
    """What a kept plan assumes: the queryset is the scope's (`visible_to`,
    the base `get_queryset`), filtered by the API's own backends with a
    filterset none of whose filters reads the request or the database
    while validating, and no field mask."""
    assert view.get_queryset is ScopedViewSet.get_queryset
    assert view.filter_queryset in (
        ReadViewSet.filter_queryset,
        ScopedViewSet.filter_queryset,
    )
    assert view.get_field_mask is ScopedViewSet.get_field_mask
    assert tuple(view.filter_backends) == (ApiFilterBackend, ApiOrderingFilter)
    visible_to = inspect.getattr_static(type(view.model.objects.all()), "visible_to")
    assert visible_to is ScopedQuerySet.__dict__["visible_to"]
    filterset = view.filterset_class
    assert not any(
        isinstance(f, QuerySetRequestMixin) for f in filterset.base_filters.values()
    )

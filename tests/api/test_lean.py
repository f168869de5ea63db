"""The lean list path (`kern.api.lean`) gives exactly the serializer's JSON.

Every list endpoint is read twice for every role that sees different fields
(beheerder, auditor, bestuur, the platform operator): once along the lean path,
once with the lean path switched off (the serializer over model instances), on
a seeded mix of rows (split volunteer hours, several volunteers, evidence files,
a storno pair with receipts, board members and plain members of two
cooperaties). The answers must be equal as text parsed with key order kept.
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from config.api_urls import router
from cooperatie.models import Gebouw
from kern.api.base import ReadViewSet
from ledger.models import Vrijwilliger
from tests.cooperatie.factories import LidFactory
from tests.helpers import fresh
from tests.ledger.factories import (
    ActiviteitFactory,
    BijlageFactory,
    BoekingFactory,
    BonFactory,
)

ROLES = ("beheerder", "auditor", "bestuur", "superuser")
LEAN = ("activiteiten", "boekingen", "leden", "gebouwen")


def _seed(world):
    a = world.a
    board = LidFactory(
        cooperatie=a.cooperatie, naam="Zus Bestuur", bestuursfunctie="voorzitter"
    )
    activiteit = ActiviteitFactory(
        cooperatie=a.cooperatie,
        vrijwilligers=[a.lid, board],
        vrijwilligersuren=Decimal("3.50"),
        datum=datetime.date(2024, 3, 1),
    )
    Vrijwilliger.objects.filter(activiteit=activiteit, lid=a.lid).update(
        uren=Decimal("1.25")
    )
    Vrijwilliger.objects.filter(activiteit=activiteit, lid=board).update(
        uren=Decimal("2.25")
    )
    BijlageFactory(activiteit=activiteit)
    BijlageFactory(activiteit=activiteit)
    ActiviteitFactory(cooperatie=a.cooperatie, vrijwilligers=[])
    original = BoekingFactory(cooperatie=a.cooperatie, activiteit=activiteit)
    BonFactory(boeking=original)
    BoekingFactory(cooperatie=a.cooperatie, corrigeert=original)
    LidFactory(cooperatie=world.b.cooperatie, bestuursfunctie="penningmeester")
    # A gebouw with its verblijfsobjecten in the BAG (a list stored as JSON).
    prefix = a.gebouw.gemeentecode.removeprefix("GM")
    Gebouw.objects.filter(pk=a.gebouw.pk).update(
        bag_verblijfsobject_ids=[f"{prefix}01000000000{k}" for k in (1, 2)]
    )


def _user(world, role):
    if role == "superuser":
        from tests.cooperatie.factories import UserFactory

        return UserFactory(username="operator", is_superuser=True, is_staff=True)
    return getattr(world.a, role)


def _ordered(response):
    assert response.status_code == 200, response.content
    return json.loads(response.content, object_pairs_hook=list)


def _serializer_only(monkeypatch):
    monkeypatch.setattr(ReadViewSet, "lean_reading", lambda self: None)


@pytest.mark.parametrize("role", ROLES)
def test_lean_lists_equal_the_serializer(world, monkeypatch, role):
    _seed(world)
    client = APIClient()
    client.force_authenticate(fresh(_user(world, role)))
    prefixes = [prefix for prefix, _viewset, _basename in router.registry]
    lean = {}
    for prefix in prefixes:
        lean[prefix] = _ordered(client.get(f"/api/v1/{prefix}/?page_size=500"))
    with monkeypatch.context() as patch:
        _serializer_only(patch)
        for prefix in prefixes:
            plain = _ordered(client.get(f"/api/v1/{prefix}/?page_size=500"))
            assert lean[prefix] == plain, prefix


def test_the_main_lists_are_lean(world):
    """Activities, bookings and members are read without model instances."""
    for prefix, viewset, _basename in router.registry:
        if prefix in LEAN:
            view = viewset()
            view.action = "list"
            view.format_kwarg = None
            assert view.lean_reading() is not None, prefix


def test_lean_json_has_the_masked_members_as_null(world):
    """A beheerder sees the board members of the cooperatie, only by name."""
    _seed(world)
    client = APIClient()
    client.force_authenticate(fresh(world.a.beheerder))
    rows = client.get("/api/v1/leden/").json()["results"]
    assert rows
    for row in rows:
        assert row["naam"]
        assert row["email"] is None
        assert row["adres"] is None


def test_lean_activiteit_shows_split_hours_and_files(world):
    _seed(world)
    client = APIClient()
    client.force_authenticate(fresh(world.a.bestuur))
    rows = client.get("/api/v1/activiteiten/?jaar=2024").json()["results"]
    split = next(row for row in rows if row["vrijwilligers_uren"])
    assert split["vrijwilligersuren"] == "3.50"
    assert sorted(split["vrijwilligers_uren"].values()) == ["1.25", "2.25"]
    assert len(split["bijlagen"]) == 2
    assert len(split["vrijwilligers"]) == 2


def test_a_lean_page_is_built_without_cycle_searches(world, monkeypatch):
    """The page's rows are fetched and made with the collector paused; it runs
    again once the page is built."""
    import gc

    from kern.api import lean

    _seed(world)
    seen = []
    make_rows = lean.LeanRows.render

    def render(self, rows, mask=None):
        seen.append(gc.isenabled())
        return make_rows(self, rows, mask)

    monkeypatch.setattr(lean.LeanRows, "render", render)
    client = APIClient()
    client.force_authenticate(fresh(world.a.bestuur))
    response = client.get("/api/v1/activiteiten/")
    assert response.status_code == 200
    assert seen
    assert not any(seen)
    assert gc.isenabled()


def test_a_pages_relations_are_sent_before_its_rows_are_made(world, monkeypatch):
    """The volunteers' and the evidence queries go to the database first and
    are read after the rows are made (`Later`); on PostgreSQL they are sent
    in pipeline mode, so the database answers them meanwhile. The answer is
    the serializer's (test_lean_lists_equal_the_serializer)."""
    from django.db import connection

    from kern.api import lean
    from kern.inlezen import PerIds

    _seed(world)
    events = []
    send, make = PerIds.send, lean.LeanRows._made

    def sending(self, ids):
        raw = connection.connection
        events.append(("send", getattr(raw, "_pipeline", None) is not None))
        return send(self, ids)

    def making(self, rows, fetched, mask):
        events.append(("make", None))
        return make(self, rows, fetched, mask)

    monkeypatch.setattr(PerIds, "send", sending)
    monkeypatch.setattr(lean.LeanRows, "_made", making)
    client = APIClient()
    client.force_authenticate(fresh(world.a.bestuur))
    body = client.get("/api/v1/activiteiten/?jaar=2024").json()
    assert any(row["vrijwilligers"] for row in body["results"])
    assert any(row["bijlagen"] for row in body["results"])
    kinds = [kind for kind, _ in events]
    # Two relation queries (volunteers, evidence), then the page's rows; the
    # evidence rows' own rows are made when they are read.
    assert kinds[:3] == ["send", "send", "make"]
    pipelined = [flag for kind, flag in events[:2]]
    assert pipelined == [connection.vendor == "postgresql"] * 2

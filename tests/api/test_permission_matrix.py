"""Every cell of the permission matrix, run against the API's routes."""

from __future__ import annotations

from contextlib import contextmanager

from django.apps import apps
from django.db import transaction
from django.urls import reverse

import pytest
from rest_framework.test import APIClient

from config.api_urls import router
from kern.api.scopes import SCOPES
from tests.api.matrix_inputs import TARGETS
from tests.api.oauth_helpers import access_token, api_as
from tests.api.oauth_helpers import register as register_client
from tests.api.permission_matrix import (
    ACTORS,
    ALLOWED,
    CLIENT,
    CLIENTS,
    MATRIX,
    METHODS,
    NOT_ALLOWED,
    Cell,
    client_scopes,
    client_statuses,
)
from tests.helpers import actor_of, entries_since, fresh, journal_mark, table_state

# The router ----------------------------------------------------------------------


def router_routes() -> dict[str, set[str]]:
    """Every named route of the API router with the methods it takes."""
    routes: dict[str, set[str]] = {}
    for pattern in router.get_urls():
        actions = getattr(pattern.callback, "actions", None)
        if actions is None:  # the API root view
            methods = {m for m in METHODS if hasattr(pattern.callback.view_class, m)}
        else:
            methods = set(actions)
        routes.setdefault(pattern.name, set()).update(methods)
    return routes


def route_parts(name: str) -> tuple[str, str]:
    """(basename, kind) of a route name: kind is list, detail or an action."""
    for _prefix, _viewset, basename in router.registry:
        if name.startswith(f"{basename}-"):
            return basename, name.removeprefix(f"{basename}-")
    return name, "root"


def viewset_of(basename: str):
    return next(v for _p, v, b in router.registry if b == basename)


def is_detail(name: str) -> bool:
    pattern = next(p for p in router.get_urls() if p.name == name)
    return bool(pattern.pattern.regex.groupindex.keys() - {"format"})


def test_matrix_covers_every_route_and_method():
    routes = router_routes()
    missing = sorted(set(routes) - set(MATRIX))
    stale = sorted(set(MATRIX) - set(routes))
    assert not missing, f"routes without a row in MATRIX: {missing}"
    assert not stale, f"MATRIX rows for routes the router lacks: {stale}"
    for name, methods in routes.items():
        cells = MATRIX[name]
        assert set(cells) == set(METHODS), (name, sorted(set(METHODS) - set(cells)))
        for method in METHODS:
            cell = cells[method]
            assert set(cell.statuses) == set(ACTORS), (name, method)
            assert cell.statuses["anonymous"] == 401, (name, method)
            says_405 = cell.statuses == NOT_ALLOWED.statuses
            assert says_405 == (method not in methods), (
                f"{name} {method.upper()}: the router "
                f"{'routes' if method in methods else 'does not route'} it, "
                f"the matrix says {cell.statuses}"
            )


# POST routes that only read (they write no journal entry).
READING_POSTS = frozenset({"rapport-verifieer"})


def test_every_write_cell_names_its_journal_action():
    """An allowed write without an action would skip the journal check."""
    for name, cells in MATRIX.items():
        for method, cell in cells.items():
            allowed = ALLOWED & set(cell.statuses.values())
            if method != "get" and allowed and name not in READING_POSTS:
                assert cell.action, (name, method)
            if method == "get":
                assert cell.action is None, (name, method)


# Running a cell ------------------------------------------------------------------

DATA_MODELS = [
    model
    for label in ("kern", "cooperatie", "afspraken", "ledger")
    for model in apps.get_app_config(label).get_models()
]


def database_state() -> list:
    return [table_state(model) for model in DATA_MODELS]


@contextmanager
def rolled_back():
    """Run the block in a savepoint that is always rolled back."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def _url(name: str, target) -> str:
    if not is_detail(name):
        return reverse(name)
    basename, _kind = route_parts(name)
    lookup = viewset_of(basename).lookup_field
    return reverse(name, kwargs={lookup: getattr(target, lookup)})


def _client_of_a(world, name: str, method: str, actor_name: str):
    """A machine client of corporatie A and an API client sending its token:
    holding a scope the cell accepts, or (CLIENT_WITHOUT_SCOPE) every other."""
    accepted = client_scopes(name, method)
    if actor_name == CLIENT:
        # The first accepted scope (a read needs no write scope), or any.
        scopes = list(accepted[:1]) or ["Coopsturing.Journaal.Read"]
    else:
        scopes = [scope for scope in SCOPES if scope not in accepted]
    koppeling, secret = register_client(world.a, *scopes)
    return koppeling, api_as(access_token(koppeling, secret))


def _request(world, name, method, cell: Cell, actor_name: str, target, client=None):
    if client is None:
        client = APIClient()
        if actor_name != "anonymous":
            client.force_authenticate(fresh(actor_of(world, actor_name)))
    url = _url(name, target)
    if cell.query:
        query = "&".join(f"{k}={v}" for k, v in cell.query(world).items())
        url = f"{url}?{query}"
    kwargs = {}
    if method != "get" and cell.body is not None:
        kwargs = {"data": cell.body(world, target), "format": cell.fmt}
    response = getattr(client, method)(url, **kwargs)
    if response.streaming:
        # Read to the end, which closes the file the way a WSGI server would.
        b"".join(response.streaming_content)
    return response


def _check_journal(name, method, cell, actor, seq, response, before):
    """What a cell wrote: one entry for an allowed write (by `actor`, a user
    or a client's account), nothing for a denied request or a reading POST."""
    entries = entries_since(seq)
    status = response.status_code
    where = f"{name} {method.upper()} as {actor.get_username()}"
    if status in ALLOWED and cell.action:
        assert [e.action for e in entries] == [cell.action], where
        assert entries[0].actor_id == actor.pk, where
        assert entries[0].actor_name == actor.get_username(), where
        if method == "post" and route_parts(name)[1] == "list":
            assert entries[0].object_id == str(response.json()["id"]), where
        return
    if status in ALLOWED and method == "get":
        # Reads are not checked here: a read of a member list may be journaled
        # (domain §8).
        return
    assert entries == [], f"{where} wrote {[e.action for e in entries]}"
    if before is not None:
        assert database_state() == before, f"{where} changed rows"


CASES = [
    pytest.param(name, method, id=f"{name}-{method}")
    for name, cells in MATRIX.items()
    for method in cells
]


@pytest.mark.parametrize(("name", "method"), CASES)
def test_permission_matrix(world, name, method):
    cell = MATRIX[name][method]
    basename, _kind = route_parts(name)
    make_target = cell.target or TARGETS.get(basename)
    target = make_target(world) if make_target else None

    expected = {**cell.statuses, **client_statuses(name, method, cell)}
    got = {}
    for actor_name in (*ACTORS, *CLIENTS):
        with rolled_back():
            client = None
            actor = actor_of(world, actor_name) if actor_name in ACTORS else None
            if actor_name in CLIENTS:
                koppeling, client = _client_of_a(world, name, method, actor_name)
                actor = koppeling.gebruiker
            seq = journal_mark()
            reaches_view = expected[actor_name] not in (401, 405)
            before = database_state() if method != "get" and reaches_view else None
            response = _request(world, name, method, cell, actor_name, target, client)
            got[actor_name] = response.status_code
            if response.status_code == expected[actor_name]:
                _check_journal(name, method, cell, actor, seq, response, before)
    assert got == expected

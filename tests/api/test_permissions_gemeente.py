"""Every route of the permission matrix, asked by a user with the gemeente role
(domain §1) for tenant A's gemeente: read-only, and only the names of the
corporaties and the gebouwen in its gemeente exist for it (and the public
legal figures), besides its own roll-up. Tenant B's gebouw lies in another gemeente.

The rule (`expected`): a list answers 200 (holding only what the role
reaches); a detail 200 for a corporatie or gebouw in its gemeente, else 404; a
write 403 (the role may write nothing; decided before the body is read) on
what it reaches, 404 on what it does not. `EIGEN` names the routes where the
role acts for itself, as every signed-in user may. Each request runs in a
rolled-back savepoint, and a refused one writes nothing.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.api.matrix_inputs import TARGETS
from tests.api.permission_matrix import MATRIX, NOT_ALLOWED, Cell
from tests.api.test_permission_matrix import (
    _check_journal,
    _request,
    database_state,
    is_detail,
    rolled_back,
    route_parts,
)
from tests.cooperatie.factories import RolFactory
from tests.helpers import journal_mark

ACTOR = "g.gemeente"
# What exists for the role besides lists: the corporaties and gebouwen in its
# gemeente, and the legal figures every signed-in user reads.
OPEN = {"corporatie", "gebouw", "jaarparameter", "prestatieafspraak"}

# Routes where the role acts for itself, as any signed-in user may: its own
# API tokens, verifying a report (it reaches none, so none is verified), its
# own roll-up.
EIGEN: dict[tuple[str, str], int] = {
    ("apitoken-list", "post"): 201,
    ("rapport-verifieer", "post"): 200,
    # The auditor bundle of corporatie A: its name exists for the role, none of
    # its sealed reports does.
    ("rapport-bundel", "get"): 404,
    # The loose prestatieafspraak the delete aims at is made with another
    # gemeente (the factory's), so it does not exist for the role.
    ("prestatieafspraak-detail", "delete"): 404,
}


def expected(name: str, method: str, cell: Cell) -> int:
    if cell.statuses == NOT_ALLOWED.statuses:
        return 405
    if (name, method) in EIGEN:
        return EIGEN[name, method]
    basename, _kind = route_parts(name)
    reached = basename in OPEN or not is_detail(name)
    if method == "get":
        return 200 if reached else 404
    return 403 if reached else 404


CASES = [
    pytest.param(name, method, id=f"{name}-{method}")
    for name, cells in MATRIX.items()
    for method in cells
]


@pytest.mark.parametrize(("name", "method"), CASES)
def test_the_gemeente_role_on_every_route(world, name, method):
    world.b.gebouw.gemeentecode = "GM0599"
    world.b.gebouw.save()
    gebruiker = RolFactory(gemeente=True, gemeentecode=world.a.gebouw.gemeentecode)
    world.g = SimpleNamespace(gemeente=gebruiker.user)
    cell = MATRIX[name][method]
    basename, _kind = route_parts(name)
    make_target = cell.target or TARGETS.get(basename)
    target = make_target(world) if make_target else None
    want = expected(name, method, cell)
    with rolled_back():
        seq = journal_mark()
        before = database_state() if method != "get" and want != 405 else None
        response = _request(world, name, method, cell, ACTOR, target)
        assert response.status_code == want, response.content[:300]
        _check_journal(name, method, cell, gebruiker.user, seq, response, before)

"""Fixtures shared by the page tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def bestuur(client, world):
    client.force_login(world.a.bestuur)
    return client

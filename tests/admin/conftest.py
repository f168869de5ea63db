"""Fixtures shared by the Django admin tests."""

from __future__ import annotations

from django.db import transaction

import pytest

from cooperatie.privacy import log_inzage
from cooperatie.services import apitoken_create
from kern import checkpoints, journal


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

"""Clients and messages shared by the tests of the API's rules."""

from __future__ import annotations

from rest_framework.test import APIClient

from tests.helpers import fresh


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(fresh(user))
    return client


def unknown_pk_message(pk) -> str:
    """DRF's message for a pk that does not exist at all."""
    return f'Ongeldige pk "{pk}" - object bestaat niet.'


def absent_pk(model) -> int:
    return (model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1

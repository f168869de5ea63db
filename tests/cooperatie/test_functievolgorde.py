"""The board is listed by function: voorzitter, secretaris, penningmeester,
bestuurslid (then by name), wherever it is shown."""

from __future__ import annotations

from django.urls import reverse

import pytest

from cooperatie.choices import Bestuursfunctie
from cooperatie.models import Lid
from tests.cooperatie.factories import LidFactory

pytestmark = pytest.mark.django_db

ORDER = ["voorzitter", "secretaris", "penningmeester", "bestuurslid"]


@pytest.fixture
def bestuur(world):
    """A full board, created in the reverse of its usual order, with names that
    sort the other way round too."""
    cooperatie = world.a.cooperatie
    Lid.objects.filter(cooperatie=cooperatie).exclude(bestuursfunctie="").update(
        bestuursfunctie=""
    )
    for naam, functie in [
        ("Anna Bestuurslid", Bestuursfunctie.BESTUURSLID),
        ("Bart Penningmeester", Bestuursfunctie.PENNINGMEESTER),
        ("Cees Secretaris", Bestuursfunctie.SECRETARIS),
        ("Zoë Voorzitter", Bestuursfunctie.VOORZITTER),
        ("Aaron Bestuurslid", Bestuursfunctie.BESTUURSLID),
    ]:
        LidFactory(cooperatie=cooperatie, naam=naam, bestuursfunctie=functie)
    return cooperatie


def test_queryset_orders_by_function_then_name(bestuur):
    leden = list(Lid.objects.filter(cooperatie=bestuur).bestuur().in_functievolgorde())
    assert [lid.bestuursfunctie for lid in leden] == [*ORDER, "bestuurslid"]
    assert [lid.naam for lid in leden][-2:] == ["Aaron Bestuurslid", "Anna Bestuurslid"]


def test_members_without_a_function_come_last(bestuur):
    leden = list(Lid.objects.filter(cooperatie=bestuur).in_functievolgorde())
    functies = [lid.bestuursfunctie for lid in leden]
    assert functies[0] == "voorzitter"
    assert "" in functies
    assert functies.index("") > max(i for i, f in enumerate(functies) if f)


def _positions(html: str, names: list[str]) -> list[int]:
    return [html.index(name) for name in names]


def test_bestuur_member_list_shows_the_board_by_function(client, world, bestuur):
    client.force_login(world.a.bestuur)
    response = client.get(reverse("bestuur-leden", args=[bestuur.pk]))
    assert response.status_code == 200
    board = list(response.context["bestuur"])
    assert [lid.bestuursfunctie for lid in board][:4] == ORDER
    html = response.content.decode()
    start = html.index("Zoë Voorzitter")
    assert start < html.index("Cees Secretaris") < html.index("Bart Penningmeester")


def test_beheerder_sees_the_board_by_function(client, world, bestuur):
    client.force_login(world.a.beheerder)
    response = client.get(
        reverse("beheer-cooperatie-bewerken", args=[world.a.corporatie.pk, bestuur.pk])
    )
    assert response.status_code == 200
    html = response.content.decode()
    names = ["Zoë Voorzitter", "Cees Secretaris", "Bart Penningmeester"]
    positions = _positions(html, names)
    assert positions == sorted(positions)

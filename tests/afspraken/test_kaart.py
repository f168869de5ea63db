"""The map's selector: per gebouw with coordinates the latest verdict of the
afspraken on it, only the gebouwen it is given, in a constant number of queries."""

import datetime
from decimal import Decimal

import pytest

from afspraken.choices import ToetsingStatus, Verdict
from afspraken.kaart import kaart_gebouwen
from cooperatie.models import Gebouw
from tests.afspraken.factories import AfspraakFactory, ToetsingFactory
from tests.cooperatie.factories import (
    CooperatieFactory,
    GebouwFactory,
    OvereenkomstFactory,
)

pytestmark = pytest.mark.django_db

UTRECHT = {"latitude": Decimal("52.090737"), "longitude": Decimal("5.121420")}


def _op_kaart(corporatie, **velden):
    return GebouwFactory(corporatie=corporatie, **UTRECHT, **velden)


def _toetsing(afspraak, jaar, verdict, status=ToetsingStatus.INGEDIEND):
    return ToetsingFactory(afspraak=afspraak, jaar=jaar, status=status, verdict=verdict)


def _per_pk(kaart):
    return {g.pk: g for g in kaart.gebouwen}


def test_the_latest_toetsing_with_a_verdict_colours_the_gebouw(world):
    corporatie = world.a.corporatie
    gebouw = _op_kaart(corporatie)
    afspraak = AfspraakFactory(
        corporatie=corporatie, cooperatie=world.a.cooperatie, gebouwen=[gebouw]
    )
    _toetsing(afspraak, 2022, Verdict.NIET_NAGEKOMEN, ToetsingStatus.VASTGESTELD)
    _toetsing(afspraak, 2023, Verdict.NAGEKOMEN, ToetsingStatus.VASTGESTELD)
    # A later year still open has no verdict yet: it does not count.
    _toetsing(afspraak, 2024, "", ToetsingStatus.OPEN)

    kaart = kaart_gebouwen(gebouwen=Gebouw.objects.filter(pk=gebouw.pk))

    [marker] = kaart.gebouwen
    assert (marker.verdict, marker.jaar, marker.status) == (
        Verdict.NAGEKOMEN,
        2023,
        ToetsingStatus.VASTGESTELD,
    )
    assert marker.cooperatie == world.a.cooperatie.naam
    assert marker.cooperatie_id == world.a.cooperatie.pk
    assert (marker.latitude, marker.longitude) == (
        UTRECHT["latitude"],
        UTRECHT["longitude"],
    )
    assert marker.adres == gebouw.adres


def test_of_two_afspraken_the_later_year_wins_and_in_one_year_the_gravest(world):
    corporatie = world.a.corporatie
    later, gelijk = _op_kaart(corporatie), _op_kaart(corporatie)
    tweede = CooperatieFactory()
    a1 = AfspraakFactory(
        corporatie=corporatie, cooperatie=world.a.cooperatie, gebouwen=[later, gelijk]
    )
    a2 = AfspraakFactory(corporatie=corporatie, cooperatie=tweede, gebouwen=[later])
    a3 = AfspraakFactory(corporatie=corporatie, cooperatie=tweede, gebouwen=[gelijk])
    _toetsing(a1, 2023, Verdict.NIET_NAGEKOMEN)
    _toetsing(a2, 2024, Verdict.DEELS)
    _toetsing(a3, 2023, Verdict.TE_BEOORDELEN)

    markers = _per_pk(kaart_gebouwen(gebouwen=Gebouw.objects.all()))

    assert (markers[later.pk].verdict, markers[later.pk].jaar) == (Verdict.DEELS, 2024)
    assert markers[later.pk].cooperatie == tweede.naam
    # Same year: niet nagekomen asks for attention before te beoordelen.
    assert markers[gelijk.pk].verdict == Verdict.NIET_NAGEKOMEN
    assert markers[gelijk.pk].cooperatie == world.a.cooperatie.naam


def test_up_to_a_year_only_the_toetsingen_of_that_year_and_before_count(world):
    gebouw = _op_kaart(world.a.corporatie)
    afspraak = AfspraakFactory(
        corporatie=world.a.corporatie, cooperatie=world.a.cooperatie, gebouwen=[gebouw]
    )
    _toetsing(afspraak, 2023, Verdict.DEELS)
    _toetsing(afspraak, 2024, Verdict.NAGEKOMEN)

    gebouwen = Gebouw.objects.filter(pk=gebouw.pk)
    assert kaart_gebouwen(gebouwen=gebouwen, tot_jaar=2023).gebouwen[0].verdict == (
        Verdict.DEELS
    )
    assert kaart_gebouwen(gebouwen=gebouwen, tot_jaar=2022).gebouwen[0].verdict == ""


def test_a_gebouw_without_verdict_shows_the_cooperatie_of_todays_overeenkomst(world):
    gebouw = _op_kaart(world.a.corporatie)
    OvereenkomstFactory(
        gebouw=gebouw,
        cooperatie=world.a.cooperatie,
        ingangsdatum=datetime.date(2020, 1, 1),
        einddatum=None,
    )
    leeg = _op_kaart(world.a.corporatie)

    markers = _per_pk(
        kaart_gebouwen(
            gebouwen=Gebouw.objects.filter(pk__in=[gebouw.pk, leeg.pk]),
            datum=datetime.date(2025, 6, 1),
        )
    )

    assert (markers[gebouw.pk].verdict, markers[gebouw.pk].jaar) == ("", None)
    assert markers[gebouw.pk].cooperatie_id == world.a.cooperatie.pk
    assert (markers[leeg.pk].cooperatie_id, markers[leeg.pk].cooperatie) == (None, "")


def test_only_the_given_gebouwen_and_only_with_coordinates_are_on_the_map(world):
    """A beheerder's gebouwen: never another corporatie's, and those without
    coordinates are listed beside the map instead."""
    eigen = _op_kaart(world.a.corporatie)
    ander = _op_kaart(world.b.corporatie)
    zonder = world.a.gebouw  # the world's gebouwen have no coordinates

    kaart = kaart_gebouwen(gebouwen=Gebouw.objects.visible_to(world.a.beheerder))

    assert [g.pk for g in kaart.gebouwen] == [eigen.pk]
    assert ander.pk not in {g.pk for g in kaart.zonder_coordinaten}
    assert [g.pk for g in kaart.zonder_coordinaten] == [zonder.pk]
    assert kaart.aantal_zonder_coordinaten == 1


def test_the_list_without_coordinates_is_bounded_and_its_count_complete(
    world, monkeypatch
):
    monkeypatch.setattr("afspraken.kaart.MAX_ZONDER_COORDINATEN", 2)
    GebouwFactory.create_batch(3, corporatie=world.a.corporatie)

    kaart = kaart_gebouwen(
        gebouwen=Gebouw.objects.filter(corporatie=world.a.corporatie)
    )

    assert len(kaart.zonder_coordinaten) == 2
    assert kaart.aantal_zonder_coordinaten == 4


@pytest.mark.parametrize("aantal", [3, 30])
def test_the_map_costs_the_same_queries_for_3_and_30_gebouwen(
    world, aantal, django_assert_num_queries
):
    corporatie = world.a.corporatie
    for _ in range(aantal):
        gebouw = _op_kaart(corporatie)
        afspraak = AfspraakFactory(
            corporatie=corporatie, cooperatie=CooperatieFactory(), gebouwen=[gebouw]
        )
        _toetsing(afspraak, 2024, Verdict.NAGEKOMEN)
        OvereenkomstFactory(gebouw=gebouw, cooperatie=afspraak.cooperatie)

    # The links afspraak–gebouw, the toetsingen with a verdict, today's
    # overeenkomsten, the gebouwen with coordinates, those without (a page of
    # them, and their number).
    with django_assert_num_queries(6):
        kaart = kaart_gebouwen(gebouwen=Gebouw.objects.filter(corporatie=corporatie))

    assert len(kaart.gebouwen) == aantal
    assert {g.verdict for g in kaart.gebouwen} == {Verdict.NAGEKOMEN}

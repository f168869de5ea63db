"""The Woningwet flags of an activity (ledger.woningwet, ledger.selectors):
hints, never refusals; the pure rule, the selector that reads the gebouwen of
the coöperatie's overeenkomsten on the activity's date, the API field and the
bestuur's hint."""

from __future__ import annotations

import datetime

import pytest

from ledger import services
from ledger.models import Activiteit
from ledger.selectors import woningwet_signalen_in
from ledger.woningwet import signalen, uitleg
from tests.api.rules_helpers import client_for
from tests.cooperatie.factories import GebouwFactory, OvereenkomstFactory
from tests.ledger.factories import ActiviteitFactory

NIET_OPEN = "niet_open_geen_partners"
BUITEN = "buiten_de_buurt"


@pytest.mark.parametrize(
    ("open_voor_buurt", "partners", "buurtcode", "gebouwen", "verwacht"),
    [
        (True, "", "", {"BU03630000"}, []),
        (False, "Bibliotheek", "", {"BU03630000"}, []),
        (False, "", "", {"BU03630000"}, [NIET_OPEN]),
        (False, "   ", "", set(), [NIET_OPEN]),
        (True, "", "BU03630000", {"BU03630000", "BU03440304"}, []),
        (True, "", "BU03630001", {"BU03630000"}, [BUITEN]),
        (False, "", "BU03630001", {"BU03630000"}, [NIET_OPEN, BUITEN]),
        # No gebouw with a buurtcode: the comparison cannot be made.
        (True, "", "BU03630001", set(), []),
        (True, "", "BU03630001", {""}, []),
    ],
)
def test_the_flags_follow_the_rule(
    open_voor_buurt, partners, buurtcode, gebouwen, verwacht
):
    assert (
        signalen(
            open_voor_buurt=open_voor_buurt,
            partners=partners,
            buurtcode=buurtcode,
            gebouw_buurtcodes=gebouwen,
        )
        == verwacht
    )


def test_each_flag_is_explained_with_the_woningwet_rule():
    for item in uitleg([NIET_OPEN, BUITEN]):
        assert "directe omgeving, voor huurders en met partners" in item["uitleg"]
    assert [i["label"] for i in uitleg([BUITEN])] == ["buiten de buurt"]


def test_the_selector_reads_the_gebouwen_of_the_overeenkomsten_on_the_date(
    world, django_assert_num_queries
):
    a = world.a
    # The world's gebouw (BU03630000) runs from 2020 on; a second gebouw in
    # another buurt only in 2023.
    tweede = GebouwFactory(corporatie=a.corporatie, buurtcode="BU03440304")
    OvereenkomstFactory(
        gebouw=tweede,
        cooperatie=a.cooperatie,
        ingangsdatum=datetime.date(2023, 1, 1),
        einddatum=datetime.date(2023, 12, 31),
    )
    in_2023 = ActiviteitFactory(
        cooperatie=a.cooperatie,
        datum=datetime.date(2023, 5, 1),
        buurtcode="BU03440304",
    )
    in_2024 = ActiviteitFactory(
        cooperatie=a.cooperatie,
        datum=datetime.date(2024, 5, 1),
        buurtcode="BU03440304",
    )
    eigen_buurt = ActiviteitFactory(
        cooperatie=a.cooperatie, buurtcode=a.gebouw.buurtcode
    )
    alleen_leden = ActiviteitFactory(
        cooperatie=a.cooperatie, open_voor_buurt=False, partners=""
    )
    andere = ActiviteitFactory(cooperatie=world.b.cooperatie, buurtcode="BU03440304")
    ids = [in_2023.pk, in_2024.pk, eigen_buurt.pk, alleen_leden.pk, andere.pk]

    with django_assert_num_queries(2):
        flags = woningwet_signalen_in(Activiteit.objects.filter(pk__in=ids))

    assert flags == {
        in_2023.pk: [],
        in_2024.pk: [BUITEN],
        eigen_buurt.pk: [],
        alleen_leden.pk: [NIET_OPEN],
        andere.pk: [BUITEN],
    }


def test_activities_without_a_buurtcode_read_no_overeenkomsten(
    world, django_assert_num_queries
):
    """Only an activity with a buurtcode is compared with the gebouwen's
    buurten: a page without one reads its own rows and nothing more."""
    a = world.a
    open_ = ActiviteitFactory(cooperatie=a.cooperatie, buurtcode="")
    gesloten = ActiviteitFactory(
        cooperatie=a.cooperatie, buurtcode="", open_voor_buurt=False, partners=""
    )
    with django_assert_num_queries(1):
        flags = woningwet_signalen_in(
            Activiteit.objects.filter(pk__in=[open_.pk, gesloten.pk])
        )
    assert flags == {open_.pk: [], gesloten.pk: [NIET_OPEN]}


def test_the_api_shows_the_flags_read_only_and_takes_a_buurtcode(world):
    a = world.a
    client = client_for(a.bestuur)
    body = {
        "cooperatie": a.cooperatie.pk,
        "datum": "2024-06-01",
        "titel": "Buurtfeest",
        "thema": "ontmoeting",
        "open_voor_buurt": False,
        "buurtcode": "bu0344af09",
        "woningwet_signalen": [],
    }

    response = client.post("/api/v1/activiteiten/", body, format="json")

    assert response.status_code == 201, response.content
    data = response.json()
    assert data["buurtcode"] == "BU0344AF09"
    assert data["woningwet_signalen"] == [NIET_OPEN, BUITEN]
    assert Activiteit.objects.get(pk=data["id"]).buurtcode == "BU0344AF09"
    listed = client.get("/api/v1/activiteiten/?jaar=2024").json()["results"]
    assert {r["id"]: r["woningwet_signalen"] for r in listed}[data["id"]] == [
        NIET_OPEN,
        BUITEN,
    ]
    detail = client.get(f"/api/v1/activiteiten/{data['id']}/").json()
    assert detail["woningwet_signalen"] == [NIET_OPEN, BUITEN]


def test_the_api_refuses_a_bad_buurtcode_on_its_field(world):
    a = world.a
    response = client_for(a.bestuur).post(
        "/api/v1/activiteiten/",
        {
            "cooperatie": a.cooperatie.pk,
            "datum": "2024-06-01",
            "titel": "Buurtfeest",
            "thema": "ontmoeting",
            "buurtcode": "GM0344",
        },
        format="json",
    )

    assert response.status_code == 400
    assert [p["name"] for p in response.json()["invalid-params"]] == ["buurtcode"]


def test_a_flag_is_a_hint_and_never_refuses_the_activity(world):
    activiteit = services.activiteit_create(
        cooperatie=world.a.cooperatie,
        actor=world.a.bestuur,
        datum=datetime.date(2024, 6, 1),
        titel="Ledenvergadering",
        thema="overig",
        open_voor_buurt=False,
        buurtcode=" bu03440304 ",
    )

    assert activiteit.buurtcode == "BU03440304"
    flags = woningwet_signalen_in(Activiteit.objects.filter(pk=activiteit.pk))
    assert flags[activiteit.pk] == [NIET_OPEN, BUITEN]

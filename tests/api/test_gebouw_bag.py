"""A gebouw's BAG identifiers, cluster code and coordinates through the API:
stored as the service stores them, refused as problem details naming the field."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cooperatie.models import Gebouw
from kern.coordinaten import rd_naar_wgs84
from tests.api.matrix_inputs import new_gebouw
from tests.api.problems import invalid_params
from tests.api.rules_helpers import client_for
from tests.helpers import entries_since, journal_mark, table_state

URL = "/api/v1/gebouwen/"
# new_gebouw lies in GM0344.
PAND = "0344100000012345"
VBO = "0344010000012345"


def _post(world, **changes):
    return client_for(world.a.beheerder).post(
        URL, {**new_gebouw(world, None), **changes}, format="json"
    )


def test_bag_ids_clustercode_and_coordinates_round_trip(world):
    response = _post(
        world,
        bag_pand_id=PAND,
        bag_verblijfsobject_ids=[VBO],
        clustercode="cl-7",
        latitude="52.090737",
        longitude="5.121420",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["bag_pand_id"] == PAND
    assert body["bag_verblijfsobject_ids"] == [VBO]
    assert body["clustercode"] == "CL-7"
    assert Decimal(body["latitude"]) == Decimal("52.090737")
    assert Decimal(body["longitude"]) == Decimal("5.121420")
    assert "rd_x" not in body


def test_a_bag_pand_id_of_another_gemeente_is_a_field_error(world):
    seq, rows = journal_mark(), table_state(Gebouw)

    response = _post(world, bag_pand_id="0363100000012345")

    assert response.status_code == 400
    reasons = invalid_params(response)
    assert list(reasons) == ["bag_pand_id"]
    assert (
        "moet met de gemeentecode van het gebouw beginnen" in reasons["bag_pand_id"][0]
    )
    assert table_state(Gebouw) == rows
    assert entries_since(seq) == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"bag_pand_id": "0344010000012345"}, "bag_pand_id"),
        ({"bag_verblijfsobject_ids": ["0363010000012345"]}, "bag_verblijfsobject_ids"),
        ({"bag_verblijfsobject_ids": [VBO, VBO]}, "bag_verblijfsobject_ids"),
        ({"bag_verblijfsobject_ids": ["x" * 17]}, "bag_verblijfsobject_ids.0"),
        ({"bag_verblijfsobject_ids": [VBO] * 501}, "bag_verblijfsobject_ids"),
        ({"clustercode": "a b"}, "clustercode"),
        ({"latitude": "12.15", "longitude": "-68.27"}, "latitude"),
        ({"latitude": "52.1"}, "longitude"),
        ({"rd_x": "155000"}, "rd_y"),
        ({"rd_x": "155000", "rd_y": "700000"}, "rd_y"),
    ],
)
def test_bad_bag_and_coordinate_input_is_a_field_error(world, changes, field):
    rows = table_state(Gebouw)

    response = _post(world, **changes)

    assert response.status_code == 400
    assert field in invalid_params(response), invalid_params(response)
    assert table_state(Gebouw) == rows


def test_rd_coordinates_are_stored_as_wgs84(world):
    response = _post(world, rd_x="155000", rd_y="463000")

    assert response.status_code == 201, response.json()
    latitude, longitude = rd_naar_wgs84(Decimal(155000), Decimal(463000))
    assert Decimal(response.json()["latitude"]) == latitude
    assert Decimal(response.json()["longitude"]) == longitude


def test_a_patch_of_the_gemeentecode_checks_the_bag_id_again(world):
    created = _post(world, bag_pand_id=PAND).json()

    response = client_for(world.a.beheerder).patch(
        f"{URL}{created['id']}/", {"gemeentecode": "GM0363"}, format="json"
    )

    assert response.status_code == 400
    assert "bag_pand_id" in invalid_params(response)
    assert Gebouw.objects.get(pk=created["id"]).gemeentecode == "GM0344"

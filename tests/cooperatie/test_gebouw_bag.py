"""A gebouw's BAG identifiers, cluster code and coordinates, as the services
store and refuse them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cooperatie import services
from cooperatie.models import Gebouw
from kern import writes
from kern.coordinaten import rd_naar_wgs84
from kern.validators import BAG_VERBLIJFSOBJECTEN_MAX
from tests.cooperatie.services_helpers import GEBOUW
from tests.helpers import check_refused, entries_since, journal_mark, table_state

# GEBOUW lies in GM0344 (Utrecht).
PAND = "0344100000012345"
VBO = "0344010000012345"


def _gebouw(world, **changes):
    return lambda: services.gebouw_create(
        corporatie=world.a.corporatie, actor=world.a.beheerder, **{**GEBOUW, **changes}
    )


def test_bag_ids_clustercode_and_coordinates_are_stored_and_journalled(world):
    seq = journal_mark()
    gebouw = _gebouw(
        world,
        bag_pand_id=f" {PAND} ",
        bag_verblijfsobject_ids=[VBO, "0344010000012346"],
        clustercode="cl-12.a",
        latitude=Decimal("52.090737"),
        longitude=Decimal("5.121420"),
    )()

    gebouw.refresh_from_db()
    assert gebouw.bag_pand_id == PAND
    assert gebouw.bag_verblijfsobject_ids == [VBO, "0344010000012346"]
    assert gebouw.clustercode == "CL-12.A"
    assert (gebouw.latitude, gebouw.longitude) == (
        Decimal("52.090737"),
        Decimal("5.121420"),
    )
    (entry,) = entries_since(seq)
    assert entry.after["bag_pand_id"] == PAND
    assert entry.after["bag_verblijfsobject_ids"] == [VBO, "0344010000012346"]


def test_a_gebouw_needs_none_of_them(world):
    gebouw = _gebouw(world)()

    gebouw.refresh_from_db()
    assert gebouw.bag_pand_id == gebouw.clustercode == ""
    assert gebouw.bag_verblijfsobject_ids == []
    assert gebouw.latitude is gebouw.longitude is None


def test_a_bag_pand_id_of_another_gemeente_is_refused(world):
    # 0363 is Amsterdam; the gebouw lies in GM0344.
    check_refused(
        _gebouw(world, bag_pand_id="0363100000012345"),
        "bag_pand_id",
        "moet met de gemeentecode van het gebouw beginnen",
        "0344",
        model=Gebouw,
    )


def test_an_update_to_another_gemeente_checks_the_bag_id_again(world):
    gebouw = _gebouw(world, bag_pand_id=PAND)()

    check_refused(
        lambda: services.gebouw_update(
            gebouw=gebouw, actor=world.a.beheerder, gemeentecode="GM0363"
        ),
        "bag_pand_id",
        "0363",
        model=Gebouw,
    )


@pytest.mark.parametrize(
    "value",
    [
        "034410000001234",  # 15 digits
        "03441000000123456",  # 17 digits
        "0344010000012345",  # a verblijfsobject, not a pand
        "034410000001234a",
        "０３４４１００００００１２３４５",  # full-width digits
    ],
)
def test_a_bad_bag_pand_id_is_refused(world, value):
    check_refused(
        _gebouw(world, bag_pand_id=value), "bag_pand_id", "16 cijfers", model=Gebouw
    )


@pytest.mark.parametrize(
    ("ids", "words"),
    [
        (["0363010000012345"], ("gemeentecode", "0344", "0363010000012345")),
        ([PAND], ("16 cijfers", "01 (verblijfsobject)")),
        ([VBO, VBO], ("één keer", VBO)),
        ([1234], ("lijst van teksten",)),
        ("0344010000012345", ("lijst van teksten",)),
        (
            [f"0344010{n:09d}" for n in range(BAG_VERBLIJFSOBJECTEN_MAX + 1)],
            ("hoogstens 500",),
        ),
    ],
)
def test_bad_verblijfsobject_ids_are_refused(world, ids, words):
    check_refused(
        _gebouw(world, bag_verblijfsobject_ids=ids),
        "bag_verblijfsobject_ids",
        *words,
        model=Gebouw,
    )


@pytest.mark.parametrize("value", ["-A1", "A" * 21, "A 1", "Ä1", "A/1"])
def test_a_bad_clustercode_is_refused(world, value):
    check_refused(
        _gebouw(world, clustercode=value), "clustercode", "clustercode", model=Gebouw
    )


@pytest.mark.parametrize(
    ("latitude", "longitude", "field", "word"),
    [
        (Decimal("12.150000"), Decimal("-68.270000"), "latitude", "breedtegraad"),
        (Decimal("52.1"), Decimal("8.0"), "longitude", "lengtegraad"),
        (Decimal("52.1"), None, "longitude", "samen"),
        (None, Decimal("5.1"), "longitude", "samen"),
    ],
)
def test_coordinates_outside_the_netherlands_or_alone_are_refused(
    world, latitude, longitude, field, word
):
    check_refused(
        _gebouw(world, latitude=latitude, longitude=longitude),
        field,
        word,
        model=Gebouw,
    )


def test_the_amersfoort_reference_point_converts_to_wgs84():
    latitude, longitude = rd_naar_wgs84(Decimal(155000), Decimal(463000))

    assert abs(latitude - Decimal("52.1552")) < Decimal("0.0001")
    assert abs(longitude - Decimal("5.3872")) < Decimal("0.0001")


def test_rd_coordinates_are_stored_as_wgs84(world):
    gebouw = _gebouw(world, rd_x="155000", rd_y="463000,0")()

    gebouw.refresh_from_db()
    assert (gebouw.latitude, gebouw.longitude) == rd_naar_wgs84(
        Decimal(155000), Decimal(463000)
    )
    assert not hasattr(gebouw, "rd_x")


@pytest.mark.parametrize(
    ("changes", "field", "word"),
    [
        ({"rd_x": "155000"}, "rd_y", "beide"),
        ({"rd_x": "155000", "rd_y": "700000"}, "rd_y", "289000"),
        ({"rd_x": "-1", "rd_y": "463000"}, "rd_x", "300000"),
        ({"rd_x": "nan", "rd_y": "463000"}, "rd_x", "meters"),
        ({"rd_x": "1e400", "rd_y": "463000"}, "rd_x", "meters"),
        (
            {"rd_x": "155000", "rd_y": "463000", "latitude": Decimal("52.1")},
            "rd_x",
            "niet allebei",
        ),
    ],
)
def test_bad_rd_coordinates_are_refused(world, changes, field, word):
    check_refused(_gebouw(world, **changes), field, word, model=Gebouw)


@pytest.mark.parametrize("empty", [None, ""])
def test_no_verblijfsobject_ids_is_an_empty_list(world, empty):
    gebouw = _gebouw(world, bag_verblijfsobject_ids=empty)()

    gebouw.refresh_from_db()
    assert gebouw.bag_verblijfsobject_ids == []


# Many at once ----------------------------------------------------------------------


def _rows(n):
    return [
        {**GEBOUW, "complexnummer": f"N-{i}", "bag_pand_id": f"0344100000{i:06d}"}
        for i in range(n)
    ]


def test_many_gebouwen_are_created_each_journalled(world):
    seq = journal_mark()

    created = services.gebouw_create_many(
        corporatie=world.a.corporatie, rows=_rows(3), actor=world.a.beheerder
    )

    assert [g.complexnummer for g in created] == ["N-0", "N-1", "N-2"]
    entries = entries_since(seq)
    assert [e.action for e in entries] == ["gebouw_create"] * 3
    assert entries[2].after["bag_pand_id"] == "0344100000000002"


def test_many_gebouwen_are_all_or_nothing_naming_each_refused_row(world):
    rows = _rows(4)
    rows[1]["bag_pand_id"] = "0363100000000001"
    rows[3]["complexnummer"] = "N-0"  # twice in the rows

    seq, before = journal_mark(), table_state(Gebouw)

    with pytest.raises(writes.RowValidationError) as excinfo:
        services.gebouw_create_many(
            corporatie=world.a.corporatie, rows=rows, actor=world.a.beheerder
        )

    assert table_state(Gebouw) == before
    assert entries_since(seq) == []
    assert set(excinfo.value.rows) == {1, 3}
    assert "bag_pand_id" in excinfo.value.rows[1].message_dict
    assert "complexnummer" in excinfo.value.rows[3].message_dict


def test_many_gebouwen_are_bounded(world):
    check_refused(
        lambda: services.gebouw_create_many(
            corporatie=world.a.corporatie, rows=[], actor=world.a.beheerder
        ),
        "gebouwen",
        "minstens één rij",
        model=Gebouw,
    )

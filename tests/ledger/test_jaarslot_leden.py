"""Member changes dated in a locked year are refused by the services."""

from __future__ import annotations

import datetime

from afspraken.choices import ToetsingStatus
from cooperatie import services as cooperatie_services
from cooperatie.models import Lid
from tests.afspraken.factories import set_status
from tests.cooperatie.factories import LidFactory
from tests.helpers import check_refused

D = datetime.date


def test_lid_ending_in_a_locked_year_is_refused(world):
    set_status(world.a.toetsing, ToetsingStatus.INGEDIEND)
    lid = LidFactory(cooperatie=world.a.cooperatie, lid_sinds=D(2022, 1, 1))

    check_refused(
        lambda: cooperatie_services.lid_end(
            lid=lid, lid_tot=D(2024, 7, 1), actor=world.a.bestuur
        ),
        "lid_tot",
        "2024",
        model=Lid,
    )


def test_lid_sinds_moved_out_of_a_locked_year_is_refused(world):
    set_status(world.a.toetsing, ToetsingStatus.INGEDIEND)
    lid = LidFactory(cooperatie=world.a.cooperatie, lid_sinds=D(2024, 3, 1))

    check_refused(
        lambda: cooperatie_services.lid_update(
            lid=lid, lid_sinds=D(2025, 3, 1), actor=world.a.bestuur
        ),
        "lid_sinds",
        "2024",
        model=Lid,
    )

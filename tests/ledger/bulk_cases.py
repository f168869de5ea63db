"""The service cases of the bulk writes (tests/ledger/test_services.py), each
with one row: one journal entry per row."""

import datetime
from decimal import Decimal

from ledger import services
from ledger.models import Activiteit, Boeking
from tests.helpers import BESTUUR_DENIED, ServiceCase

D = datetime.date


def _cooperatie_a(world, obj):
    return (None, world.a.cooperatie.pk)


BULK_CASES = [
    ServiceCase(
        id="activiteit_create_many",
        kind="create",
        model=Activiteit,
        action="activiteit_create",
        call=lambda w, t, actor: services.activiteit_create_many(
            cooperatie=w.a.cooperatie,
            rows=[{"datum": D(2025, 4, 12), "titel": "Moestuindag", "thema": "groen"}],
            actor=actor,
        )[0],
        allowed=("a.bestuur",),
        denied=BESTUUR_DENIED,
        tags=_cooperatie_a,
        after=lambda w, obj: {"datum": "2025-04-12", "titel": "Moestuindag"},
    ),
    ServiceCase(
        id="activiteit_repeat",
        kind="create",
        model=Activiteit,
        action="activiteit_create",
        call=lambda w, t, actor: services.activiteit_repeat(
            activiteit=w.a.activiteit,
            herhaling="wekelijks",
            tot=w.a.activiteit.datum + datetime.timedelta(days=7),
            actor=actor,
        )[0],
        allowed=("a.bestuur",),
        denied=BESTUUR_DENIED,
        tags=_cooperatie_a,
        after=lambda w, obj: {
            "datum": (w.a.activiteit.datum + datetime.timedelta(days=7)).isoformat(),
            "titel": w.a.activiteit.titel,
        },
    ),
    ServiceCase(
        id="boeking_create_many",
        kind="create",
        model=Boeking,
        action="boeking_create",
        call=lambda w, t, actor: services.boeking_create_many(
            cooperatie=w.a.cooperatie,
            rows=[
                {
                    "datum": D(2025, 2, 1),
                    "soort": "uitgave",
                    "bedrag": Decimal("12.50"),
                    "omschrijving": "Zaaigoed",
                }
            ],
            actor=actor,
        )[0],
        allowed=("a.bestuur",),
        denied=BESTUUR_DENIED,
        tags=_cooperatie_a,
        after=lambda w, obj: {"datum": "2025-02-01", "bedrag": "12.50"},
    ),
]

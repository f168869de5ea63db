"""The dossier's neighbourhood section: per gebouw its buurt's Leefbaarometer
trend next to the coöperatie's contribution, read from the rendered page."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest

from cooperatie.buurtcijfers import CBS, LEEFBAAROMETER, import_buurtcijfers
from tests.cooperatie.factories import GebouwFactory, OvereenkomstFactory
from tests.helpers import page_text
from tests.ui.test_dossier import dossier_url, main


@pytest.fixture
def beheerder(client, world):
    client.force_login(world.a.beheerder)
    return client


def _lbm(world, *rows: tuple[str, int, str, str], versie: str = "3.0") -> None:
    lines = ["bu_code,jaar,lbm,afw"] + [",".join(map(str, row)) for row in rows]
    import_buurtcijfers(
        bron=LEEFBAAROMETER,
        data=("\n".join(lines) + "\n").encode(),
        naam="lbm.csv",
        actor=world.superuser,
        versie=versie,
    )


def _buurt(page: str) -> str:
    """The neighbourhood section of the dossier."""
    return main(page).split('id="buurt"', 1)[1].split('id="jaar"', 1)[0]


def test_the_dossier_shows_the_buurt_trend_of_a_gebouw(beheerder, world):
    lopend = timezone.localdate().year
    code = world.a.gebouw.buurtcode
    _lbm(
        world,
        (code, lopend - 12, "3.9000", "-0.2000"),  # older than ten years
        (code, lopend - 4, "4.1230", "0.0230"),
        (code, lopend - 2, "4.2110", "0.1110"),
    )
    # A later publication recomputes a year: the newest import is shown.
    _lbm(world, (code, lopend - 2, "4.2220", "0.1220"), versie="3.0 (herzien)")
    import_buurtcijfers(
        bron=CBS,
        data=(
            "ID;Codering_3;AantalInwoners_5;InBezitWoningcorporatie_42;"
            f"GemiddeldInkomenPerInwoner_72\n0;{code}  ;2140;38;27,5\n"
        ).encode(),
        naam="kwb.csv",
        actor=world.superuser,
        jaar=lopend - 1,
    )

    response = beheerder.get(dossier_url(world.a))

    assert response.status_code == 200
    buurt = _buurt(page_text(response))
    assert world.a.gebouw.naam in buurt
    assert f"buurt {code}" in buurt
    assert "4,123" in buurt
    assert "4,222" in buurt
    assert "4,211" not in buurt
    assert "3,900" not in buurt
    assert str(lopend - 12) not in buurt
    # The line of the scores, inline and without script.
    assert "<svg" in buurt
    assert "<polyline" in buurt
    assert "<script" not in buurt
    assert "2140 inwoners, 38,0% huurwoningen van een corporatie" in buurt
    # The coöperatie's contribution sits in the same table, per year.
    trend = response.context["buurttrends"][0]
    jaren_met_bijdrage = [r["jaar"] for r in trend["rijen"] if r["bijdrage"]]
    assert jaren_met_bijdrage, "the world's activities count as contribution"
    rij = next(r for r in trend["rijen"] if r["bijdrage"])
    assert rij["bijdrage"]["activiteiten"] > 0


def test_a_gebouw_without_scores_says_so(beheerder, world):
    response = beheerder.get(dossier_url(world.a))

    buurt = _buurt(page_text(response))
    assert "Voor deze buurt zijn geen Leefbaarometerscores ingelezen." in buurt


def _queries(client, tenant) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(dossier_url(tenant))
    assert response.status_code == 200
    return len(queries)


def _gebouwen_met_scores(world, codes: list[str]) -> None:
    lopend = timezone.localdate().year
    for code in codes:
        gebouw = GebouwFactory(corporatie=world.a.corporatie, buurtcode=code)
        OvereenkomstFactory(gebouw=gebouw, cooperatie=world.a.cooperatie)
    _lbm(
        world,
        *[
            (code, jaar, "4.0", "0.0")
            for code in codes
            for jaar in (lopend - 3, lopend - 1)
        ],
        versie=f"v{codes[0]}",
    )


def test_queries_do_not_grow_with_the_gebouwen(beheerder, world):
    _gebouwen_met_scores(world, ["BU03630101"])
    een = _queries(beheerder, world.a)
    _gebouwen_met_scores(world, [f"BU0363020{i}" for i in range(1, 6)])
    zes = _queries(beheerder, world.a)

    assert een == zes

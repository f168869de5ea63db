"""What the cells of the permission matrix (`permission_matrix.MATRIX`) send
and act on: the request bodies and queries, and the target objects of tenant A
that the detail routes name."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from afspraken import services as afspraken_services
from cooperatie import services as cooperatie_services
from cooperatie import uitnodigingen
from cooperatie.choices import RolSoort
from tests.api.oauth_helpers import register as register_client
from tests.cooperatie.factories import GebouwFactory, RolFactory
from tests.helpers import fresh
from tests.ledger.factories import PNG_1PX, ActiviteitFactory

# Request bodies ------------------------------------------------------------------


def as_put(serializer_class, **changes) -> Callable[[Any, Any], dict]:
    """A full PUT body: the target as the API shows it, with some changes."""

    def body(world, target):
        data = dict(serializer_class(target).data)
        data.pop("id", None)
        return {**data, **changes}

    return body


def fixed(data: dict) -> Callable[[Any, Any], dict]:
    return lambda world, target: dict(data)


def new_corporatie(world, target):
    return {"naam": "Woonstichting Nieuw", "kvk_nummer": "12345678", "plaats": "Ede"}


def new_gebouw(world, target):
    return {
        "corporatie": world.a.corporatie.pk,
        "complexnummer": "C-9001",
        "naam": "Complex De Nieuwe Linde",
        "straat": "Lindelaan",
        "huisnummer": "12",
        "postcode": "3511 AB",
        "plaats": "Utrecht",
        "gemeentecode": "GM0344",
        "aantal_woningen": 12,
        "daeb": "daeb",
    }


def new_cooperatie(world, target):
    return {
        "naam": "Wooncoöperatie Nieuw Begin",
        "soort": "beheer",
        "kvk_nummer": "87654321",
        "rechtsvorm": "vereniging",
        "aangemeld_door": world.a.corporatie.pk,
    }


def new_overeenkomst(world, target):
    # Before A's running overeenkomst on the same gebouw, so no overlap.
    return {
        "gebouw": world.a.gebouw.pk,
        "cooperatie": world.a.cooperatie.pk,
        "soort": "beheer",
        "ingangsdatum": "2015-01-01",
        "einddatum": "2019-12-31",
    }


def new_lid(world, target):
    return {
        "cooperatie": world.a.cooperatie.pk,
        "naam": "Fatima el Amrani",
        "email": "fatima@example.nl",
        "lid_sinds": "2025-02-01",
        "doelgroep": "ja",
    }


def new_afspraak(world, target):
    return {
        "corporatie": world.a.corporatie.pk,
        "cooperatie": world.a.cooperatie.pk,
        "gebouwen": [world.a.gebouw.pk],
        "titel": "Afspraken sociale inbreng 2025-2028",
        "ingangsjaar": 2025,
        "eindjaar": 2028,
    }


def new_toezegging(world, target):
    return {
        "afspraak": world.a.afspraak.pk,
        "omschrijving": "Minstens 100 vrijwilligersuren",
        "indicator": "vrijwilligersuren",
        "norm": "100",
        "richting": "minimaal",
    }


def new_activiteit(world, target):
    return {
        "cooperatie": world.a.cooperatie.pk,
        "datum": "2025-05-01",
        "titel": "Plantjesmarkt",
        "thema": "groen",
        "vrijwilligers": [world.a.lid.pk],
        "vrijwilligersuren": "2.50",
    }


def new_bijlage(world, target):
    return {
        "bestand": SimpleUploadedFile("foto.png", PNG_1PX, "image/png"),
        "omschrijving": "Foto van de plantjesmarkt",
    }


def new_boeking(world, target):
    return {
        "cooperatie": world.a.cooperatie.pk,
        "datum": "2025-05-01",
        "soort": "uitgave",
        "bedrag": "12.50",
        "omschrijving": "Potgrond",
    }


def new_toetsing(world, target):
    return {"afspraak": world.a.afspraak.pk, "jaar": 2025}


def beoordeling(world, target):
    return {
        "toezegging": world.a.beoordeling.toezegging_id,
        "oordeel": "deels",
        "toelichting": "Open, maar alleen op zaterdag.",
    }


def sha256_of_a_rapport(world, target):
    return {"sha256": world.a.rapport.sha256}


def corporatie_a_2024(world):
    return {"corporatie": world.a.corporatie.pk, "jaar": 2024}


def new_jaarparameter(world, target):
    return {
        "jaar": 2030,
        "code": "daeb_inkomensgrens_meerpersoons",
        "waarde": "60000.00",
        "bron": "Staatscourant 2030",
    }


def new_uitnodiging(world, target):
    return {
        "email": "nieuw.bestuurslid@example.org",
        "soort": "bestuur",
        "cooperatie": world.a.cooperatie.pk,
    }


def new_apiclient(world, target):
    return {
        "corporatie": world.a.corporatie.pk,
        "naam": "Power BI",
        "scopes": ["Coopsturing.Activiteiten.Read"],
    }


# Targets -------------------------------------------------------------------------


def loose_gebouw(world):
    """A gebouw of A without contracts (a gebouw with contracts is kept)."""
    return GebouwFactory(corporatie=world.a.corporatie)


def loose_activiteit(world):
    """An activiteit of A without bookings (one with bookings is kept)."""
    return ActiviteitFactory(cooperatie=world.a.cooperatie)


def ingediend(world):
    return afspraken_services.toetsing_indienen(
        toetsing=world.a.toetsing, actor=fresh(world.a.bestuur)
    )


def sealed_2024(world):
    """A's 2024 toetsing sealed for real, so the bundle holds a rendered report."""
    toetsing = ingediend(world)
    afspraken_services.toetsing_vaststellen(
        toetsing=toetsing, actor=fresh(world.a.beheerder)
    )


def token_of_a_beheerder(world):
    token, _key = cooperatie_services.apitoken_create(
        naam="ERP", actor=world.a.beheerder
    )
    return token


def apiclient_of_a(world):
    """A machine client of corporatie A, registered by its beheerder."""
    return register_client(world.a, "Coopsturing.Gebouwen.Read")[0]


def uitnodiging_of_a(world):
    """An open invitation to the board of cooperatie A, sent by A's beheerder."""
    return uitnodigingen.uitnodiging_create(
        email="kandidaat@example.org",
        soort=RolSoort.BESTUUR,
        cooperatie=world.a.cooperatie,
        actor=world.a.beheerder,
    )


def rol_of_a_fellow_board_member(world):
    """A bestuur role on cooperatie A of another user than a.bestuur."""
    return RolFactory(cooperatie=world.a.cooperatie, bestuur=True)


TARGETS: dict[str, Callable[[Any], Any]] = {
    "corporatie": lambda w: w.a.corporatie,
    "gebouw": lambda w: w.a.gebouw,
    "cooperatie": lambda w: w.a.cooperatie,
    "overeenkomst": lambda w: w.a.overeenkomst,
    "lid": lambda w: w.a.bestuurslid,
    "afspraak": lambda w: w.a.afspraak,
    "toezegging": lambda w: w.a.toezegging,
    "activiteit": lambda w: w.a.activiteit,
    "boeking": lambda w: w.a.boeking,
    "toetsing": lambda w: w.a.toetsing,
    "rapport": lambda w: w.a.rapport,
    "jaarparameter": lambda w: w.jaarparameter,
    "journaal": lambda w: w.a.journaal,
    "apitoken": token_of_a_beheerder,
    "apiclient": apiclient_of_a,
    "uitnodiging": uitnodiging_of_a,
    "rol": rol_of_a_fellow_board_member,
}

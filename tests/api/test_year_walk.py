"""A whole year, walked through the API alone.

Only the starting point is written directly: the users, the corporatie with its
beheerder, the platform operator who grants the bestuur its role (through the
service, as the admin would), and the other tenant (B) that must stay out of
reach. Everything else — gebouw, coöperatie, overeenkomst, afspraak,
toezeggingen, leden, activiteiten, boekingen and the whole yearly cycle up to the
sealed report and its verification — goes through /api/v1/ with API tokens.
"""

from __future__ import annotations

import hashlib
import io
from decimal import Decimal

import pytest
from pypdf import PdfReader
from rest_framework.test import APIClient

from afspraken.models import Afspraak, Beoordeling, Rapport, Toetsing, Toezegging
from cooperatie import services as cooperatie_services
from cooperatie.models import ApiToken, Cooperatie, Gebouw, Lid, Overeenkomst
from kern.models import AuditEntry
from ledger.models import Activiteit, Boeking
from tests.api.problems import invalid_params
from tests.conftest import make_tenant
from tests.cooperatie.factories import CorporatieFactory, RolFactory, UserFactory

JAAR = 2024
API = "/api/v1"


def token_client(user) -> APIClient:
    """A client that speaks with an API token the user made through the API."""
    client = APIClient()
    client.force_authenticate(user)
    response = client.post(f"{API}/tokens/", {"naam": "jaarloop"}, format="json")
    assert response.status_code == 201, response.content
    key = response.json()["sleutel"]
    client.force_authenticate(None)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def post(client, path: str, data=None, status: int = 201) -> dict:
    response = client.post(f"{API}{path}", data or {}, format="json")
    assert response.status_code == status, response.content
    return response.json()


def get(client, path: str, status: int = 200):
    response = client.get(f"{API}{path}")
    assert response.status_code == status, response.content
    return response


def last_entry(action: str) -> AuditEntry:
    return AuditEntry.objects.filter(action=action).order_by("-pk").first()


@pytest.fixture
def start(db):
    """Users, roles and the corporatie; the other tenant, fully built."""
    corporatie = CorporatieFactory(naam="Woonstichting Jaarloop", plaats="Utrecht")
    beheerder = UserFactory(username="beheerder_jaarloop")
    RolFactory(user=beheerder, corporatie=corporatie)
    return {
        "corporatie": corporatie,
        "beheerder": beheerder,
        "bestuur": UserFactory(username="bestuur_jaarloop"),
        "platform": UserFactory(username="platform", superuser=True),
        "b": make_tenant("B"),
    }


def test_a_year_walks_from_agreement_to_sealed_verified_report(start):
    corporatie, b = start["corporatie"], start["b"]
    beheerder = token_client(start["beheerder"])
    assert ApiToken.objects.filter(user=start["beheerder"]).count() == 1

    # The beheerder sets up the agreement ------------------------------------------
    gebouw = post(
        beheerder,
        "/gebouwen/",
        {
            "corporatie": corporatie.pk,
            "complexnummer": "C-2024",
            "naam": "De Kastanjehof",
            "straat": "Kastanjelaan",
            "huisnummer": "12",
            "postcode": "3511ab",
            "plaats": "Utrecht",
            "gemeentecode": "GM0344",
            "buurtcode": "BU03440101",
            "kaartjaar": 2024,
            "aantal_woningen": 30,
            "bouwjaar": 1972,
            "daeb": "daeb",
        },
    )
    assert gebouw["postcode"] == "3511 AB"
    assert Gebouw.objects.get(pk=gebouw["id"]).corporatie == corporatie
    assert last_entry("gebouw_create").object_id == str(gebouw["id"])
    # The other tenant's corporatie cannot own it.
    response = beheerder.post(
        f"{API}/gebouwen/",
        {**gebouw, "corporatie": b.corporatie.pk, "complexnummer": "C-B"},
        format="json",
    )
    assert response.status_code == 400
    assert "corporatie" in invalid_params(response)

    cooperatie = post(
        beheerder,
        "/cooperaties/",
        {
            "naam": "Wooncoöperatie De Kastanje",
            "soort": "woon",
            "kvk_nummer": "72000001",
            "rechtsvorm": "vereniging",
            "opgericht_op": "2021-03-01",
            "email": "bestuur@kastanje.example.nl",
            "website": "https://kastanje.example.nl",
            "aangemeld_door": corporatie.pk,
        },
    )
    assert Cooperatie.objects.get(pk=cooperatie["id"]).aangemeld_door == corporatie

    overeenkomst = post(
        beheerder,
        "/overeenkomsten/",
        {
            "gebouw": gebouw["id"],
            "cooperatie": cooperatie["id"],
            "soort": "huur",
            "ingangsdatum": "2023-01-01",
        },
    )
    assert overeenkomst["aantal_woningen"] == 30
    assert overeenkomst["einddatum"] is None
    assert Overeenkomst.objects.filter(gebouw_id=gebouw["id"]).count() == 1

    afspraak = post(
        beheerder,
        "/afspraken/",
        {
            "corporatie": corporatie.pk,
            "cooperatie": cooperatie["id"],
            "gebouwen": [gebouw["id"]],
            "titel": "Sociale inbreng De Kastanje 2023-2027",
            "ondertekend_op": "2023-01-15",
            "ingangsjaar": 2023,
            "eindjaar": 2027,
        },
    )
    assert list(
        Afspraak.objects.get(pk=afspraak["id"]).gebouwen.values_list("pk", flat=True)
    ) == [gebouw["id"]]

    def toezegging(omschrijving, indicator, norm, **extra) -> dict:
        return post(
            beheerder,
            "/toezeggingen/",
            {
                "afspraak": afspraak["id"],
                "omschrijving": omschrijving,
                "indicator": indicator,
                "norm": norm,
                **extra,
            },
        )

    activiteiten_t = toezegging(
        "Twee activiteiten per jaar", "aantal_activiteiten", "2"
    )
    besteding_t = toezegging("Het leefbaarheidsbudget besteed", "besteding", "200.00")
    leden_t = toezegging("Ten minste drie leden", "aantal_leden", "3")
    kwalitatief = toezegging(
        "De binnentuin is een ontmoetingsplek voor de buurt", "kwalitatief", "0"
    )
    assert Toezegging.objects.filter(afspraak_id=afspraak["id"]).count() == 4
    assert besteding_t["norm"] == "200.00"

    # The platform operator gives the cooperative's board its role -----------------
    cooperatie_services.rol_create(
        user=start["bestuur"],
        soort="bestuur",
        cooperatie=Cooperatie.objects.get(pk=cooperatie["id"]),
        actor=start["platform"],
    )
    bestuur = token_client(start["bestuur"])

    # The year is opened; the other tenant does not see it ------------------------
    toetsing = post(
        beheerder, "/toetsingen/", {"afspraak": afspraak["id"], "jaar": JAAR}
    )
    assert toetsing["status"] == "open"
    toetsing_url = f"/toetsingen/{toetsing['id']}"
    assert Toetsing.objects.get(pk=toetsing["id"]).status == "open"
    other = token_client(b.beheerder)
    get(other, f"{toetsing_url}/", status=404)
    get(other, f"/afspraken/{afspraak['id']}/", status=404)

    # The bestuur keeps its member list ---------------------------------------------
    def lid(naam, **extra) -> dict:
        return post(
            bestuur,
            "/leden/",
            {
                "cooperatie": cooperatie["id"],
                "naam": naam,
                "lid_sinds": "2021-03-01",
                "doelgroep": "ja",
                **extra,
            },
        )

    voorzitter = lid("Anna de Vries", bestuursfunctie="voorzitter")
    jan = lid("Jan Bakker", doelgroep="nee")
    vertrokken = lid("Kees Smit")
    nieuw = lid("Fatima El Amrani", lid_sinds="2024-03-01")
    ended = post(
        bestuur,
        f"/leden/{vertrokken['id']}/beeindigen/",
        {"lid_tot": "2024-06-30"},
        status=200,
    )
    assert ended["lid_tot"] == "2024-06-30"
    assert Lid.objects.get(pk=vertrokken["id"]).lid_tot.isoformat() == "2024-06-30"
    assert last_entry("lid_end").object_id == str(vertrokken["id"])
    # Only the board member's name reaches the beheerder.
    listed = get(beheerder, f"/leden/?cooperatie={cooperatie['id']}").json()
    assert [row["naam"] for row in listed["results"]] == ["Anna de Vries"]

    # …books activities with a volunteer, and the money ------------------------------
    tuin = post(
        bestuur,
        "/activiteiten/",
        {
            "cooperatie": cooperatie["id"],
            "datum": "2024-05-11",
            "titel": "Plantdag in de binnentuin",
            "thema": "groen",
            "open_voor_buurt": True,
            "deelnemers_leden": 9,
            "deelnemers_buurt": 14,
            "vrijwilligersuren": "6.5",
            "vrijwilligers": [jan["id"]],
        },
    )
    post(
        bestuur,
        "/activiteiten/",
        {
            "cooperatie": cooperatie["id"],
            "datum": "2024-09-21",
            "titel": "Buurtmaaltijd",
            "thema": "ontmoeting",
            "open_voor_buurt": True,
            "deelnemers_leden": 12,
            "deelnemers_buurt": 20,
            "vrijwilligersuren": "10",
            "vrijwilligers": [voorzitter["id"], nieuw["id"]],
        },
    )
    assert list(
        Activiteit.objects.get(pk=tuin["id"]).vrijwilligers.values_list("pk", flat=True)
    ) == [jan["id"]]

    def boeking(datum, soort, bedrag, omschrijving, **extra) -> dict:
        return post(
            bestuur,
            "/boekingen/",
            {
                "cooperatie": cooperatie["id"],
                "datum": datum,
                "soort": soort,
                "bedrag": bedrag,
                "omschrijving": omschrijving,
                **extra,
            },
        )

    boeking("2024-01-15", "budget", "500.00", "Leefbaarheidsbudget 2024")
    boeking(
        "2024-05-11", "uitgave", "120.50", "Planten en potgrond", activiteit=tuin["id"]
    )
    fout = boeking("2024-05-12", "uitgave", "80.00", "Dubbel geboekt")
    storno = post(
        bestuur, f"/boekingen/{fout['id']}/storno/", {"omschrijving": "Dubbel"}
    )
    assert storno["corrigeert"] == fout["id"]
    assert storno["bedrag"] == "80.00"
    assert Boeking.objects.get(pk=fout["id"]).storno.pk == storno["id"]
    assert get(bestuur, f"/boekingen/{fout['id']}/").json()["storno"] == storno["id"]
    # A boeking is never changed.
    response = bestuur.patch(
        f"{API}/boekingen/{fout['id']}/", {"bedrag": "1.00"}, format="json"
    )
    assert response.status_code == 405

    # Indienen: the year is measured and frozen --------------------------------------
    ingediend = post(bestuur, f"{toetsing_url}/indienen/", status=200)
    assert ingediend["status"] == "ingediend"
    assert ingediend["verdict"] == "te_beoordelen"
    cijfers = ingediend["snapshot"]["cijfers"]
    assert cijfers["aantal_activiteiten"] == 2
    assert cijfers["aantal_leden"] == 3  # Kees left before the peildatum
    assert cijfers["besteding"] == "120.50"  # the 80.00 was cancelled
    rows = {row["id"]: row for row in ingediend["snapshot"]["toezeggingen"]}
    assert rows[activiteiten_t["id"]]["verdict"] == "nagekomen"
    assert rows[leden_t["id"]]["verdict"] == "nagekomen"
    assert rows[besteding_t["id"]]["verdict"] == "niet_nagekomen"
    assert rows[kwalitatief["id"]]["verdict"] == "te_beoordelen"
    assert Toetsing.objects.get(pk=toetsing["id"]).status == "ingediend"
    # A submitted year is closed for bookings.
    response = bestuur.post(
        f"{API}/boekingen/",
        {
            "cooperatie": cooperatie["id"],
            "datum": "2024-11-20",
            "soort": "uitgave",
            "bedrag": "95.00",
            "omschrijving": "Te laat",
        },
        format="json",
    )
    assert response.status_code == 400, response.content
    assert Boeking.objects.filter(omschrijving="Te laat").count() == 0

    # Terugsturen needs a reason -----------------------------------------------------
    response = beheerder.post(f"{API}{toetsing_url}/terugsturen/", {}, format="json")
    assert response.status_code == 400
    assert "reden" in invalid_params(response)
    reden = "De rekening van de buurtmaaltijd ontbreekt."
    teruggestuurd = post(
        beheerder, f"{toetsing_url}/terugsturen/", {"reden": reden}, status=200
    )
    assert teruggestuurd["status"] == "teruggestuurd"
    assert teruggestuurd["teruggestuurd_reden"] == reden
    assert Toetsing.objects.get(pk=toetsing["id"]).status == "teruggestuurd"

    # The bestuur corrects and submits again -----------------------------------------
    boeking("2024-09-21", "uitgave", "95.00", "Boodschappen buurtmaaltijd")
    opnieuw = post(bestuur, f"{toetsing_url}/indienen/", status=200)
    assert opnieuw["status"] == "ingediend"
    assert opnieuw["snapshot"]["cijfers"]["besteding"] == "215.50"
    rows = {row["id"]: row for row in opnieuw["snapshot"]["toezeggingen"]}
    assert rows[besteding_t["id"]]["verdict"] == "nagekomen"
    # The bestuur cannot approve its own year.
    response = bestuur.post(f"{API}{toetsing_url}/vaststellen/", format="json")
    assert response.status_code == 403

    # Beoordelen, then vaststellen ---------------------------------------------------
    response = beheerder.post(f"{API}{toetsing_url}/vaststellen/", format="json")
    assert response.status_code == 400  # the kwalitatief clause is unassessed
    assert "toezeggingen" in invalid_params(response)
    beoordeeld = post(
        beheerder,
        f"{toetsing_url}/beoordelen/",
        {
            "toezegging": kwalitatief["id"],
            "oordeel": "nagekomen",
            "toelichting": "Bij het bezoek in oktober druk gebruikt door buurtgenoten.",
        },
        status=200,
    )
    assert beoordeeld["verdict"] == "nagekomen"
    assert Beoordeling.objects.get(toetsing_id=toetsing["id"]).oordeel == "nagekomen"
    vastgesteld = post(beheerder, f"{toetsing_url}/vaststellen/", status=200)
    assert vastgesteld["status"] == "vastgesteld"
    assert vastgesteld["verdict"] == "nagekomen"
    rapport = Rapport.objects.get(toetsing_id=toetsing["id"])
    assert vastgesteld["rapport"] == rapport.pk
    # Vastgesteld is final.
    response = beheerder.post(
        f"{API}{toetsing_url}/terugsturen/", {"reden": "Toch niet"}, format="json"
    )
    assert response.status_code == 400

    # The sealed report: download, read, verify --------------------------------------
    meta = get(bestuur, f"/rapporten/{rapport.pk}/").json()
    assert meta["sha256"] == rapport.sha256
    assert (meta["jaar"], meta["afspraak"]) == (JAAR, afspraak["id"])
    response = get(bestuur, f"/rapporten/{rapport.pk}/pdf/")
    assert response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    assert hashlib.sha256(pdf).hexdigest() == rapport.sha256
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Wooncoöperatie De Kastanje" in text
    assert str(JAAR) in text
    get(other, f"/rapporten/{rapport.pk}/pdf/", status=404)

    upload = io.BytesIO(pdf)
    upload.name = "rapport.pdf"
    response = beheerder.post(
        f"{API}/rapporten/verifieer/", {"pdf": upload}, format="multipart"
    )
    assert response.status_code == 200, response.content
    assert response.json()["verzegeld"] is True
    assert response.json()["rapport"]["id"] == rapport.pk
    by_hash = post(
        beheerder,
        "/rapporten/verifieer/",
        {"sha256": rapport.sha256.upper()},
        status=200,
    )
    assert by_hash["verzegeld"] is True
    assert by_hash["rapport"]["id"] == rapport.pk
    tampered = io.BytesIO(pdf + b"\n%")
    tampered.name = "rapport.pdf"
    response = beheerder.post(
        f"{API}/rapporten/verifieer/", {"pdf": tampered}, format="multipart"
    )
    assert response.json()["verzegeld"] is False
    # Another corporatie's user learns nothing about this report.
    assert (
        post(other, "/rapporten/verifieer/", {"sha256": rapport.sha256}, status=200)[
            "verzegeld"
        ]
        is False
    )

    # The journal lists every transition, in order -----------------------------------
    journaal = get(
        beheerder,
        f"/journaal/?object_type=afspraken.toetsing&object_id={toetsing['id']}"
        "&ordering=seq",
    ).json()["results"]
    assert [entry["action"] for entry in journaal] == [
        "toetsing_open",
        "toetsing_indienen",
        "toetsing_terugsturen",
        "toetsing_indienen",
        "toetsing_vaststellen",
    ]
    assert [entry["actor_name"] for entry in journaal] == [
        "beheerder_jaarloop",
        "bestuur_jaarloop",
        "beheerder_jaarloop",
        "bestuur_jaarloop",
        "beheerder_jaarloop",
    ]
    assert journaal[2]["after"]["reden"] == reden
    assert journaal[4]["after"]["rapport_sha256"] == rapport.sha256
    assert journaal[4]["before"] == {"status": "ingediend"}
    # The bestuur reads the same transitions; the other tenant none of them.
    own = get(
        bestuur,
        f"/journaal/?object_type=afspraken.toetsing&object_id={toetsing['id']}",
    ).json()
    assert own["count"] == 5
    foreign = get(
        other,
        f"/journaal/?object_type=afspraken.toetsing&object_id={toetsing['id']}",
    ).json()
    assert foreign["count"] == 0
    assert Decimal(
        Toetsing.objects.get(pk=toetsing["id"]).snapshot["cijfers"]["besteding"]
    ) == Decimal("215.50")

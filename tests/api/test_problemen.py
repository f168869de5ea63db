"""Every API error is problem details (RFC 9457) in the request's language, every
API answer names the API's version, downloads answer the file types they
declare, a role that may not write gets 403 whatever the body holds, and an
unknown ordering is a 400."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

import pytest
from rest_framework.test import APIClient

from afspraken import services as afspraken_services
from afspraken.models import Rapport
from config.urls import handler500
from cooperatie.models import Gebouw
from tests.api.matrix_inputs import TARGETS
from tests.api.permission_matrix import ACTORS, MATRIX
from tests.api.problems import PROBLEM_JSON, invalid_params, problem_of
from tests.api.rules_helpers import client_for
from tests.api.test_permission_matrix import (
    _url,
    database_state,
    rolled_back,
    route_parts,
)
from tests.helpers import actor_of, entries_since, fresh, journal_mark

BLANK = "about:blank"


def _type(response) -> str:
    return problem_of(response)["type"]


# The shape of each error ------------------------------------------------------------


def test_a_400_names_a_refused_nested_field_by_its_path(world):
    response = client_for(world.a.beheerder).post(
        "/api/v1/afspraken/",
        {
            "corporatie": world.a.corporatie.pk,
            "cooperatie": world.a.cooperatie.pk,
            "gebouwen": [world.a.gebouw.pk],
            "titel": "Sociale inbreng",
            "ingangsjaar": 2025,
            "toezeggingen": [
                {"omschrijving": "Goed", "indicator": "besteding", "norm": "1.00"},
                {"omschrijving": "Fout", "indicator": "besteding", "norm": "-1.00"},
            ],
        },
        format="json",
    )

    assert response.status_code == 400
    body = problem_of(response)
    assert body["type"] == "http://testserver/api/v1/problemen/ongeldige-invoer/"
    assert body["title"] == "Ongeldige invoer"
    assert body["instance"] == "/api/v1/afspraken/"
    assert invalid_params(response) == {
        "toezeggingen.1.norm": ["De norm moet nul of meer zijn."]
    }
    assert body["detail"] == "toezeggingen.1.norm: De norm moet nul of meer zijn."


def test_a_400_names_every_refused_field_at_once(world):
    response = client_for(world.a.bestuur).post("/api/v1/leden/", {}, format="json")

    assert response.status_code == 400
    body = problem_of(response)
    required = {p["name"] for p in body["invalid-params"] if p["code"] == "required"}
    assert {"cooperatie", "naam", "lid_sinds"} <= required
    assert all(
        set(param) == {"name", "reason", "code"} for param in body["invalid-params"]
    )
    assert body["detail"].startswith(f"{len(body['invalid-params'])} fouten")


def test_a_single_refused_field_is_the_detail_itself(world):
    response = client_for(world.a.bestuur).post(
        f"/api/v1/boekingen/{world.a.boeking.pk}/storno/", {}, format="json"
    )

    assert response.status_code == 400
    assert problem_of(response)["detail"] == (
        "omschrijving: Een reden voor de storno moet ingevuld zijn."
    )


def test_a_401_is_a_problem_with_the_authentication_challenge(world):
    response = APIClient().get("/api/v1/gebouwen/")

    assert response.status_code == 401
    assert _type(response) == BLANK
    assert problem_of(response)["title"] == "Niet aangemeld"
    assert response["WWW-Authenticate"].startswith("Token")


def test_a_403_is_a_problem(world):
    response = client_for(world.a.auditor).patch(
        f"/api/v1/gebouwen/{world.a.gebouw.pk}/", {"naam": "X"}, format="json"
    )

    assert response.status_code == 403
    assert _type(response) == BLANK
    assert problem_of(response)["title"] == "Geen toestemming"


def test_a_404_names_the_object_in_dutch(world):
    response = client_for(world.a.beheerder).get(
        f"/api/v1/gebouwen/{world.b.gebouw.pk}/"
    )

    assert response.status_code == 404
    body = problem_of(response)
    assert body["type"] == BLANK
    assert body["title"] == "Niet gevonden"
    assert body["detail"] == "Gebouw niet gevonden."
    assert response["Content-Language"] == "nl"


def test_a_404_is_english_when_the_client_asks_for_english(world):
    response = client_for(world.a.beheerder).get(
        f"/api/v1/gebouwen/{world.b.gebouw.pk}/", HTTP_ACCEPT_LANGUAGE="en-GB,nl;q=0.5"
    )

    assert response.status_code == 404
    body = problem_of(response)
    assert response["Content-Language"] == "en"
    assert "accept-language" in response["Vary"].lower()
    assert body["title"] == "Not found"
    with translation.override("en"):
        expected = _("%(object)s niet gevonden.") % {
            "object": Gebouw._meta.verbose_name.capitalize()
        }
    assert body["detail"] == expected
    assert body["detail"].startswith("Building")


def test_the_language_cookie_wins_over_accept_language(world):
    client = client_for(world.a.beheerder)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"

    response = client.get(
        f"/api/v1/gebouwen/{world.b.gebouw.pk}/", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert problem_of(response)["detail"] == "Gebouw niet gevonden."


def test_english_field_errors_when_asked(world):
    response = client_for(world.a.bestuur).post(
        "/api/v1/leden/", {}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 400
    assert invalid_params(response)["naam"] == ["This field is required."]


def test_a_path_no_route_answers_is_a_problem(world):
    response = client_for(world.a.beheerder).get("/api/v1/bestaat-niet/")

    assert response.status_code == 404
    assert _type(response) == BLANK
    assert response["API-Version"] == settings.API_VERSION


def test_a_server_error_under_the_api_is_a_problem_without_internals(rf):
    response = handler500(rf.get("/api/v1/gebouwen/"))

    assert response.status_code == 500
    assert response["Content-Type"] == PROBLEM_JSON
    body = json.loads(response.content)
    assert body["type"] == BLANK
    assert body["instance"] == "/api/v1/gebouwen/"
    assert "Traceback" not in body["detail"]
    assert handler500(rf.get("/beheer/1/"))["Content-Type"].startswith("text/html")


def test_a_method_the_route_does_not_take_is_a_405_problem(world):
    response = client_for(world.a.bestuur).put(
        f"/api/v1/boekingen/{world.a.boeking.pk}/", {}, format="json"
    )

    assert response.status_code == 405
    assert problem_of(response)["title"] == "Methode niet toegestaan"
    assert "PUT" not in response["Allow"]


def test_an_unsatisfiable_accept_is_a_406_problem(world):
    client = client_for(world.a.beheerder)

    listed = client.get("/api/v1/gebouwen/", HTTP_ACCEPT="application/pdf")
    download = client.get(
        f"/api/v1/rapporten/{world.a.toetsing.pk}/pdf/", HTTP_ACCEPT="text/csv"
    )

    for response in (listed, download):
        assert response.status_code == 406
        assert _type(response) == BLANK


def test_an_unsupported_body_type_is_a_415_problem(world):
    response = client_for(world.a.bestuur).post(
        "/api/v1/leden/", "naam=X", content_type="text/plain"
    )

    assert response.status_code == 415
    assert _type(response) == BLANK


def test_a_stale_if_match_is_a_412_of_its_own_type(world):
    response = client_for(world.a.beheerder).patch(
        f"/api/v1/gebouwen/{world.a.gebouw.pk}/",
        {"naam": "X"},
        format="json",
        HTTP_IF_MATCH='"verouderd"',
    )

    assert response.status_code == 412
    assert _type(response).endswith("/api/v1/problemen/gewijzigd/")


def test_an_error_is_no_browsable_page_even_in_debug(world, settings):
    settings.DEBUG = True
    response = client_for(world.a.beheerder).get(
        f"/api/v1/gebouwen/{world.b.gebouw.pk}/", HTTP_ACCEPT="text/html"
    )

    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM_JSON


@pytest.mark.parametrize("naam", ["ongeldige-invoer", "gewijzigd", "zegel-klopt-niet"])
def test_each_problem_type_is_described_at_its_uri(client, naam):
    response = client.get(f"/api/v1/problemen/{naam}/")

    assert response.status_code == 200
    body = response.json()
    assert body["type"] == f"http://testserver/api/v1/problemen/{naam}/"
    assert body["title"]
    assert body["description"]


def test_an_unknown_problem_type_is_a_404_problem(client):
    response = client.get("/api/v1/problemen/bestaat-niet/")

    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM_JSON


# The version header ---------------------------------------------------------------


def test_every_api_answer_names_the_full_version(world):
    client = client_for(world.a.bestuur)
    url = f"/api/v1/activiteiten/{world.a.activiteit.pk}/"
    answers = {
        "list": client.get("/api/v1/activiteiten/"),
        "detail": client.get(url),
        "not modified": client.get(url, HTTP_IF_NONE_MATCH=client.get(url)["ETag"]),
        "error": client.get("/api/v1/activiteiten/0/"),
        "write": client.patch(url, {"titel": "Taalcafé plus"}, format="json"),
        "anonymous": APIClient().get("/api/v1/activiteiten/"),
        "schema": client.get("/api/v1/schema/"),
    }

    assert {name: r.status_code for name, r in answers.items()} == {
        "list": 200,
        "detail": 200,
        "not modified": 304,
        "error": 404,
        "write": 200,
        "anonymous": 401,
        "schema": 200,
    }
    assert {r["API-Version"] for r in answers.values()} == {settings.API_VERSION}
    assert settings.SPECTACULAR_SETTINGS["VERSION"] == settings.API_VERSION


def test_pages_outside_the_api_carry_no_api_version(client):
    assert "API-Version" not in client.get("/accounts/login/")


# Downloads -----------------------------------------------------------------------


@pytest.fixture
def sealed(world):
    toetsing = afspraken_services.toetsing_indienen(
        toetsing=world.a.toetsing, actor=fresh(world.a.bestuur)
    )
    afspraken_services.toetsing_vaststellen(
        toetsing=toetsing, actor=fresh(world.a.beheerder)
    )
    return Rapport.objects.get(toetsing=toetsing)


@pytest.mark.parametrize(
    "accept", ["application/pdf", "*/*", "application/json", "application/*"]
)
def test_the_report_downloads_as_a_pdf_for_what_it_declares(world, sealed, accept):
    response = client_for(world.a.auditor).get(
        f"/api/v1/rapporten/{sealed.pk}/pdf/", HTTP_ACCEPT=accept
    )

    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert response["API-Version"] == settings.API_VERSION
    assert response["ETag"]


@pytest.mark.parametrize("accept", ["application/zip", "*/*", "application/json"])
def test_the_bundle_downloads_as_a_zip_for_what_it_declares(world, sealed, accept):
    response = client_for(world.a.auditor).get(
        "/api/v1/rapporten/bundel/",
        {"corporatie": world.a.corporatie.pk, "jaar": 2024},
        HTTP_ACCEPT=accept,
    )

    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.testzip() is None
    assert any(name.endswith("nalevingsrapport.pdf") for name in archive.namelist())


def test_a_refused_download_is_a_problem_whatever_was_accepted(world, sealed):
    response = client_for(world.b.auditor).get(
        f"/api/v1/rapporten/{sealed.pk}/pdf/", HTTP_ACCEPT="application/pdf"
    )
    bundle = client_for(world.b.auditor).get(
        "/api/v1/rapporten/bundel/",
        {"corporatie": world.a.corporatie.pk, "jaar": 2024},
        HTTP_ACCEPT="application/zip",
    )

    assert response.status_code == bundle.status_code == 404
    assert problem_of(response)["detail"] == "Nalevingsrapport niet gevonden."
    assert problem_of(bundle)["detail"] == "Corporatie niet gevonden."


def test_a_report_that_no_longer_matches_its_seal_is_a_409_of_its_own_type(
    world, sealed
):
    Path(sealed.pdf.path).write_bytes(b"%PDF-1.7 changed after sealing")

    response = client_for(world.a.auditor).get(
        f"/api/v1/rapporten/{sealed.pk}/pdf/", HTTP_ACCEPT="application/pdf"
    )

    assert response.status_code == 409
    assert _type(response).endswith("/api/v1/problemen/zegel-klopt-niet/")


# Ordering ------------------------------------------------------------------------


@pytest.mark.parametrize("ordering", ["onbekend", "naam,onbekend", "--naam", "naam,"])
def test_an_ordering_the_list_does_not_offer_is_a_400_naming_the_choices(
    world, ordering
):
    response = client_for(world.a.beheerder).get(
        "/api/v1/gebouwen/", {"ordering": ordering}
    )

    assert response.status_code == 400
    (reason,) = invalid_params(response)["ordering"]
    for field in ("complexnummer", "naam", "plaats", "gemeentecode"):
        assert field in reason


def test_an_offered_ordering_still_sorts(world):
    client = client_for(world.a.beheerder)
    up = client.get("/api/v1/gebouwen/", {"ordering": "naam"}).json()["results"]
    down = client.get("/api/v1/gebouwen/", {"ordering": "-naam,plaats"}).json()

    rows = Gebouw.objects.filter(pk__in=[row["id"] for row in up])
    assert [row["id"] for row in up] == list(
        rows.order_by("naam", "pk").values_list("pk", flat=True)
    )
    assert [row["id"] for row in down["results"]] == list(
        rows.order_by("-naam", "plaats", "pk").values_list("pk", flat=True)
    )


def test_ordering_given_twice_is_a_400(world):
    response = client_for(world.a.beheerder).get(
        "/api/v1/gebouwen/?ordering=naam&ordering=plaats"
    )

    assert response.status_code == 400
    assert list(invalid_params(response)) == ["ordering"]


# Permission before validation ----------------------------------------------------


def test_a_bestuur_posting_nothing_to_corporaties_gets_403(world):
    response = client_for(world.a.bestuur).post(
        "/api/v1/corporaties/", {}, format="json"
    )

    assert response.status_code == 403
    assert "invalid-params" not in problem_of(response)


INVALID_BODIES = {
    "json": "geen object",
    "multipart": {"bestand": "geen bestand", "omschrijving": "x" * 10_000},
}

DENIED = [
    pytest.param(name, method, id=f"{name}-{method}")
    for name, cells in MATRIX.items()
    for method, cell in cells.items()
    if method != "get" and {403, 404} & set(cell.statuses.values())
]


@pytest.mark.parametrize(("name", "method"), DENIED)
def test_a_refused_write_with_an_invalid_body_is_still_refused(world, name, method):
    """Every write of the permission matrix, as every signed-in actor that may
    not do it, with a body that no write accepts: the same 403 or 404 (never
    a 400 listing the fields), and nothing written."""
    cell = MATRIX[name][method]
    basename, _kind = route_parts(name)
    make_target = cell.target or TARGETS.get(basename)
    target = make_target(world) if make_target else None
    denied = [a for a in ACTORS if cell.statuses[a] in (403, 404)]
    assert denied

    got = {}
    for actor_name in denied:
        with rolled_back():
            client = APIClient()
            client.force_authenticate(fresh(actor_of(world, actor_name)))
            seq, before = journal_mark(), database_state()
            response = getattr(client, method)(
                _url(name, target), INVALID_BODIES[cell.fmt], format=cell.fmt
            )
            got[actor_name] = response.status_code
            problem_of(response)
            assert entries_since(seq) == [], actor_name
            assert database_state() == before, actor_name
    assert got == {a: cell.statuses[a] for a in denied}


def test_every_write_of_the_router_declares_who_may_do_it():
    """A write without a declaration would answer 500 (fail closed, loudly)."""
    from config.api_urls import router
    from kern.api.permissions import _roles

    for pattern in router.get_urls():
        actions = getattr(pattern.callback, "actions", None) or {}
        view = pattern.callback.cls(**pattern.callback.initkwargs)
        for method, action in actions.items():
            if method.upper() not in ("GET", "HEAD", "OPTIONS"):
                _roles(view, action)  # raises ImproperlyConfigured when missing

"""The OpenAPI schema follows the NL GOV API Design Rules: servers, contact,
problem details, version and ETag headers, If-Match, the code patterns of the
validators; and Logius' own Spectral ruleset, run for real, finds no error
apart from the exceptions docs/api.md names."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command

import pytest
import yaml

from kern import validators

ROOT = Path(settings.BASE_DIR)
SPECTRAL_DIR = ROOT / ".ci" / "spectral"
SPECTRAL = SPECTRAL_DIR / "node_modules" / ".bin" / "spectral"
PROBLEM_JSON = "application/problem+json"
METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def schema_file(tmp_path_factory, django_db_blocker):
    path = tmp_path_factory.mktemp("schema") / "openapi.yaml"
    with django_db_blocker.unblock():
        call_command("spectacular", validate=True, fail_on_warn=True, file=str(path))
    return path


@pytest.fixture(scope="module")
def schema(schema_file):
    return yaml.safe_load(schema_file.read_text())


def _operations(schema):
    for path, item in schema["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def test_servers_contact_and_version(schema):
    assert schema["servers"] == [
        {"url": "/api/v1", "description": "Coöperatiesturing API v1"}
    ]
    assert set(schema["info"]["contact"]) == {"name", "email", "url"}
    assert schema["info"]["version"] == settings.API_VERSION
    assert all(not path.startswith("/api/") for path in schema["paths"])


def test_every_error_is_problem_details_and_every_answer_names_the_version(schema):
    problem = schema["components"]["schemas"]["Probleem"]
    assert {"type", "title", "status", "detail", "instance"} <= set(problem["required"])
    for path, method, operation in _operations(schema):
        for code, response in operation["responses"].items():
            where = f"{method.upper()} {path} {code}"
            assert "API-Version" in response["headers"], where
            if code[0] in "45":
                assert list(response["content"]) == [PROBLEM_JSON], where


def test_if_match_on_updates_and_etag_where_the_api_sets_it(schema):
    for path, method, operation in _operations(schema):
        headers = {p["name"] for p in operation["parameters"] if p["in"] == "header"}
        where = f"{method.upper()} {path}"
        assert ("If-Match" in headers) == (method in ("put", "patch")), where
        assert ("If-None-Match" in headers) == (method == "get"), where
        if method == "get":
            assert "ETag" in operation["responses"]["200"]["headers"], where
            assert "ETag" in operation["responses"]["304"]["headers"], where
    responses = {
        (path, method): operation["responses"]
        for path, method, operation in _operations(schema)
    }
    for key, code in [
        (("/gebouwen/", "post"), "201"),
        (("/gebouwen/{id}/", "patch"), "200"),
        (("/toetsingen/{id}/indienen/", "post"), "200"),
        (("/overeenkomsten/{id}/beeindigen/", "post"), "200"),
    ]:
        assert "ETag" in responses[key][code]["headers"], key
    for key, code in [
        (("/boekingen/bulk/", "post"), "201"),
        (("/tokens/", "post"), "201"),
    ]:
        assert "ETag" not in responses[key][code]["headers"], key


def test_every_etag_the_api_declares_is_sent(world):
    """The writes the schema names with an ETag answer with one."""
    from tests.api.rules_helpers import client_for

    client = client_for(world.a.beheerder)
    url = f"/api/v1/overeenkomsten/{world.a.overeenkomst.pk}/beeindigen/"
    response = client.post(url, {"einddatum": "2030-12-31"}, format="json")

    assert response.status_code == 200, response.content
    detail = client.get(f"/api/v1/overeenkomsten/{world.a.overeenkomst.pk}/")
    assert response["ETag"] == detail["ETag"]


def test_the_downloads_declare_their_file_types(schema):
    pdf = schema["paths"]["/rapporten/{id}/pdf/"]["get"]["responses"]
    bundle = schema["paths"]["/rapporten/bundel/"]["get"]["responses"]

    assert list(pdf["200"]["content"]) == ["application/pdf"]
    assert list(bundle["200"]["content"]) == ["application/zip"]
    assert "406" in pdf
    assert "406" in bundle


def test_the_paging_parameters_are_described_in_dutch(schema):
    parameters = {
        p["name"]: p for p in schema["paths"]["/gebouwen/"]["get"]["parameters"]
    }
    assert parameters["page"]["description"].startswith("Paginanummer")
    assert parameters["page_size"]["description"].startswith("Rijen per pagina")
    assert "Sorteervolgorde" in parameters["ordering"]["description"]


def test_ordering_states_the_offered_fields(schema):
    (ordering,) = [
        p
        for p in schema["paths"]["/gebouwen/"]["get"]["parameters"]
        if p["name"] == "ordering"
    ]
    pattern = re.compile(ordering["schema"]["pattern"])
    assert pattern.match("naam,-plaats")
    assert not pattern.match("onbekend")
    assert not pattern.match("naam,")


# Code patterns ---------------------------------------------------------------------

CODES = {
    # field: (component, validator, normalisation, examples)
    "postcode": (
        "Gebouw",
        validators.postcode_validator,
        validators.normalize_postcode,
        [
            "3511 AB",
            "3511AB",
            "3511ab",
            "3511  aB",
            "0511 AB",
            "3511 A",
            "35111 AB",
            "3511-AB",
            "3511 ÄB",
            "AB 3511",
            "",
        ],
    ),
    "gemeentecode": (
        "Gebouw",
        validators.gemeentecode_validator,
        validators.normalize_code,
        ["GM0363", "gm0363", "Gm0363", "GM363", "GM03633", "XX0363", "GM036a", ""],
    ),
    "buurtcode": (
        "Gebouw",
        validators.buurtcode_validator,
        validators.normalize_code,
        [
            "BU03440101",
            "bu0363af09",
            "BU0363AF0",
            "BU0363ßß",
            "BU0363AF091",
            "GM0363",
            "",
        ],
    ),
    "clustercode": (
        "Gebouw",
        validators.clustercode_validator,
        validators.normalize_code,
        ["CL-12.A", "cl_7", "0", "-A1", "A" * 20, "A" * 21, "A 1", "Ä1", "A/1", ""],
    ),
    "bag_pand_id": (
        "Gebouw",
        validators.bag_pand_validator,
        str.strip,
        [
            "0344100000012345",
            "0344010000012345",
            "034410000001234",
            "03441000000123456",
            "034410000001234a",
            "",
        ],
    ),
    "kvk_nummer": (
        "Corporatie",
        validators.kvk_validator,
        str,
        ["12345678", "1234567", "123456789", "1234567a", "１２３４５６７８", ""],
    ),
}


def _pattern(prop: dict) -> tuple[str, bool]:
    """A property's pattern, and whether the empty text is its other choice."""
    if "oneOf" in prop:
        pattern, blank = prop["oneOf"]
        assert blank == {"type": "string", "maxLength": 0}
        return pattern["pattern"], True
    return prop["pattern"], False


def _valid(validator, value: str) -> bool:
    try:
        validator(value)
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize("field", sorted(CODES))
def test_the_schema_pattern_of_a_code_is_its_validators(schema, field):
    component, validator, normalize, examples = CODES[field]
    schemas = schema["components"]["schemas"]
    answer, answer_blank = _pattern(schemas[component]["properties"][field])
    request, request_blank = _pattern(
        schemas[f"{component}Request"]["properties"][field]
    )
    blank_allowed = field in {"buurtcode", "clustercode", "bag_pand_id"}
    assert answer == validator.regex.pattern
    assert answer_blank == request_blank == blank_allowed

    for value in examples:
        if value == "" and blank_allowed:
            continue  # the oneOf's other choice; no validator reads empty text
        stored = _valid(validator, value)
        accepted = _valid(validator, normalize(value))
        assert bool(re.search(answer, value)) == stored, (field, value)
        assert bool(re.search(request, value)) == accepted, (field, value)


# The Logius ruleset, run for real --------------------------------------------------


def _spectral() -> Path:
    """The pinned spectral-cli, installed as `make lint-api` does when missing."""
    if SPECTRAL.exists():
        return SPECTRAL
    if shutil.which("npm") is None:
        message = "npm is not installed: the Logius API lint (spectral-cli) cannot run"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    subprocess.run(
        [
            "npm",
            "ci",
            "--ignore-scripts",
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
        ],
        cwd=SPECTRAL_DIR,
        check=True,
        timeout=600,
    )
    return SPECTRAL


def _lint(schema_file: Path, ruleset: Path) -> list[dict]:
    result = subprocess.run(
        [
            str(_spectral()),
            "lint",
            "--ruleset",
            str(ruleset),
            "--format",
            "json",
            "--quiet",
            str(schema_file),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.stdout.strip().startswith("["), result.stderr
    return json.loads(result.stdout)


def _excepted_rules() -> set[str]:
    ruleset = yaml.safe_load((SPECTRAL_DIR / "ruleset.yaml").read_text())
    assert ruleset["extends"] == ["./logius-adr.yaml"]
    assert set(ruleset["rules"].values()) == {"off"}
    return set(ruleset["rules"])


def test_the_logius_ruleset_finds_no_error_apart_from_the_documented_exceptions(
    schema_file,
):
    results = _lint(schema_file, SPECTRAL_DIR / "ruleset.yaml")
    assert [r for r in results if r["severity"] == 0] == []
    excepted = _excepted_rules()
    vendored = _lint(schema_file, SPECTRAL_DIR / "logius-adr.yaml")
    assert {r["code"] for r in vendored if r["severity"] == 0} <= excepted
    # Each exception is a rule of the Logius set, explained in docs/api.md.
    logius = yaml.safe_load((SPECTRAL_DIR / "logius-adr.yaml").read_text())
    assert excepted <= set(logius["rules"])
    doc = (ROOT / "docs" / "api.md").read_text()
    section = doc.split("## Logius API Design Rules: v1 exceptions")[1]
    section = section.split("Warnings:")[0]
    assert excepted == set(re.findall(r"`((?:nlgov:)?[a-z0-9-]+)`", section)) & set(
        logius["rules"]
    )

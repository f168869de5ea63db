"""Request bodies the API bounds before it reads them, and refusals that were
server errors: a file to verify over the form's limit, JSON nested deeper than
any resource or larger than Django's body limit, and a unique key that another
request wrote between validation and insert."""

from __future__ import annotations

import io
import json

from django.db.models import UniqueConstraint

import pytest
from rest_framework.test import APIClient

from cooperatie.models import Lid
from tests.api.problems import invalid_params, problem_of
from tests.helpers import entries_since, fresh, journal_mark, table_state

VERIFIEER = "/api/v1/rapporten/verifieer/"
LEDEN = "/api/v1/leden/"


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(fresh(user))
    return client


# Verification uploads -------------------------------------------------------------


def test_verifieer_refuses_a_pdf_over_the_limit_naming_the_field(world, settings):
    settings.VERIFIEER_MAX_BYTES = 1000

    response = client_for(world.a.auditor).post(
        VERIFIEER, {"pdf": io.BytesIO(b"%" * 1001)}, format="multipart"
    )

    assert response.status_code == 400
    assert invalid_params(response) == {
        "pdf": [
            "Dit bestand is te groot (1001\xa0bytes): een rapport om te verifiëren "
            "mag hoogstens 1000\xa0bytes zijn."
        ]
    }


def test_verifieer_accepts_a_pdf_at_the_limit(world, settings):
    settings.VERIFIEER_MAX_BYTES = 1000

    response = client_for(world.a.auditor).post(
        VERIFIEER, {"pdf": io.BytesIO(b"%" * 1000)}, format="multipart"
    )

    assert response.status_code == 200
    assert response.json()["verzegeld"] is False


@pytest.mark.parametrize("auth", ["token", "session"])
def test_verifieer_refuses_a_large_body_by_its_declared_length_unread(
    world, client, auth
):
    """A body that declares 1 GB is refused with 413 before anything reads it:
    the test body has 100 bytes, so a read past them would fail the request
    (the test server refuses to read more than there is)."""
    body = b"--x\r\nContent-Disposition: form-data; name=sha256\r\n\r\nab\r\n--x--\r\n"
    if auth == "token":
        api = client_for(world.a.auditor)
    else:
        api = APIClient(enforce_csrf_checks=True)
        api.force_login(world.a.auditor)

    response = api.generic(
        "POST",
        VERIFIEER,
        body,
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(1 << 30),
    )

    assert response.status_code == 413
    assert invalid_params(response) == {
        "pdf": ["Een rapport om te verifiëren mag hoogstens 20,0\xa0MB zijn."]
    }


def test_the_web_form_and_the_api_share_the_limit(world, client, settings):
    settings.VERIFIEER_MAX_BYTES = 2000
    client.force_login(world.a.auditor)
    from tests.ui.test_rapporten import upload, verify

    page = verify(client, world.a, pdf=upload(b"%" * 2001))
    api = client_for(world.a.auditor).post(
        VERIFIEER, {"pdf": io.BytesIO(b"%" * 2001)}, format="multipart"
    )

    assert page.context["form"].errors["pdf"] == invalid_params(api)["pdf"]


# JSON bodies ----------------------------------------------------------------------


def _post_json(user, url: str, body: str | bytes):
    return client_for(user).generic("POST", url, body, content_type="application/json")


@pytest.mark.parametrize(
    "body",
    [
        "[" * 100_000 + "]" * 100_000,
        '{"naam": ' + "[" * 100_000 + "]" * 100_000 + "}",
        '{"naam": ' + "{" * 33 + "}" * 33 + "}",
        # Unbalanced: the decoder would recurse before it found the error.
        "[" * 100_000,
    ],
    ids=["100000-arrays", "in-a-field", "33-objects-in-a-field", "unclosed"],
)
def test_deeply_nested_json_is_a_400_on_every_write(world, body):
    seq, rows = journal_mark(), table_state(Lid)

    response = _post_json(world.a.bestuur, LEDEN, body)

    assert response.status_code == 400
    assert problem_of(response)["detail"] == (
        "JSON mag hoogstens 32 niveaus diep genest zijn."
    )
    assert table_state(Lid) == rows
    assert entries_since(seq) == []


def test_nesting_within_the_limit_and_brackets_in_text_are_read_as_json(world):
    """32 levels pass the parser (and meet the serializer's field check), and
    brackets inside a string are text, not nesting."""
    nested = _post_json(world.a.bestuur, LEDEN, '{"naam": ' + "[" * 31 + "]" * 31 + "}")
    text = _post_json(
        world.a.bestuur,
        LEDEN,
        json.dumps({"naam": "[" * 5000 + '\\"{', "lid_sinds": "2025-01-01"}),
    )

    assert nested.status_code == 400
    assert "naam" in invalid_params(nested)
    assert text.status_code == 400
    # A field error, not a body the parser could not read.
    assert invalid_params(text)


def test_json_body_over_the_limit_is_a_413(world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"naam": "x" * 2000, "lid_sinds": "2025-01-01"})

    response = _post_json(world.a.bestuur, LEDEN, body)

    assert response.status_code == 413
    assert problem_of(response)["detail"] == (
        "Een JSON-aanvraag mag hoogstens 1.000 bytes zijn."
    )


# A unique key written between validation and insert ------------------------------


def _lid_payload(world, email: str) -> dict:
    return {
        "cooperatie": world.a.cooperatie.pk,
        "naam": "Nieuw Lid",
        "email": email,
        "lid_sinds": "2025-01-01",
    }


def test_duplicate_email_is_a_field_error_from_validation(world):
    """Control: the ordinary path, where validation sees the existing row."""
    response = client_for(world.a.bestuur).post(
        LEDEN, _lid_payload(world, world.a.lid.email), format="json"
    )
    assert response.status_code == 400
    assert invalid_params(response) == {
        "email": [
            "Een e-mailadres mag per coöperatie maar bij één lid horen: deze "
            "coöperatie heeft al een lid met dit e-mailadres."
        ]
    }


def test_unique_key_that_collides_at_insert_is_a_400_naming_the_field(
    world, monkeypatch
):
    """What two simultaneous creates of one key meet: both pass validation (the
    other's row is not committed yet), and the second insert collides. Here
    validation of unique constraints is switched off, so the insert meets the
    existing row exactly so; the database's refusal must be the same field
    error, not a 500, and leave nothing behind."""
    assert world.a.lid.email
    monkeypatch.setattr(UniqueConstraint, "validate", lambda *args, **kwargs: None)
    seq, rows = journal_mark(), table_state(Lid)

    response = client_for(world.a.bestuur).post(
        LEDEN, _lid_payload(world, world.a.lid.email), format="json"
    )

    assert response.status_code == 400
    assert invalid_params(response) == {
        "email": [
            "Een e-mailadres mag per coöperatie maar bij één lid horen: deze "
            "coöperatie heeft al een lid met dit e-mailadres."
        ]
    }
    assert table_state(Lid) == rows
    assert entries_since(seq) == []

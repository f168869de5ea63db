"""Log lines (kern/logformat.py): JSON objects with the request id, user id and
every `extra` field, or escaped text; neither can be forged by what a request
sends."""

from __future__ import annotations

import io
import json
import logging

from django.urls import reverse

import pytest

from kern.logformat import JsonFormatter, RequestContextFilter, TextFormatter
from tests.test_deployment import production_env, run_django


@pytest.fixture
def log_lines():
    """A handler as settings.LOGGING builds it (the JSON formatter and the
    request filter) on the root logger, writing to a buffer; yields a function
    that returns the lines written so far. `lines.handler` is the handler."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.addFilter(RequestContextFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)

    def lines() -> list[str]:
        return buffer.getvalue().splitlines()

    lines.handler = handler
    yield lines
    root.removeHandler(handler)
    root.setLevel(old_level)


def records(lines: list[str]) -> list[dict]:
    return [json.loads(line) for line in lines]


def test_a_denied_request_logs_one_json_line_with_request_and_user_id(
    client, world, log_lines
):
    user = world.a.bestuur
    client.force_login(user)
    path = reverse("beheer-gebouwen", args=[world.a.corporatie.pk])
    response = client.get(path)
    assert response.status_code == 403
    request_id = response["X-Request-ID"]
    lines = records(log_lines())
    security = [line for line in lines if line["logger"] == "coopsturing.security"]
    assert len(security) == 1
    line = security[0]
    assert line["level"] == "WARNING"
    assert line["request_id"] == request_id
    assert line["user_id"] == user.pk
    assert line["time"].endswith("Z")
    assert line["time"][10] == "T"
    # The security log's extra fields are fields of the line.
    assert line["security_kind"] == 403
    assert line["security_user_id"] == user.pk
    assert line["security_username"] == user.username
    assert line["security_path"] == path
    assert line["security_reason"]
    # Django's own line about the 403 answer, logged after the middleware has
    # returned, carries the same request id (and not the request object).
    django_lines = [line for line in lines if line["logger"] == "django.request"]
    assert [line["request_id"] for line in django_lines] == [request_id]
    assert django_lines[0]["user_id"] == user.pk
    assert django_lines[0]["status_code"] == 403
    assert "request" not in django_lines[0]


def test_an_anonymous_request_logs_no_user_id(client, world, log_lines):
    response = client.get(reverse("bestuur-leden", args=[world.a.cooperatie.pk]))
    assert response.status_code == 302
    (line,) = [
        line
        for line in records(log_lines())
        if line["logger"] == "coopsturing.security"
    ]
    assert line["request_id"] == response["X-Request-ID"]
    assert line["user_id"] is None
    assert line["security_kind"] == 401


def test_an_exception_is_a_field_of_its_line(log_lines):
    try:
        raise ValueError("kapot")
    except ValueError:
        logging.getLogger("coopsturing.test").exception("mislukt", extra={"n": 3})
    (line,) = records(log_lines())
    assert line["message"] == "mislukt"
    assert line["n"] == 3
    assert line["request_id"] is None
    assert line["exception"].startswith("Traceback (most recent call last):")
    assert "ValueError: kapot" in line["exception"]


FORGED = 'naam"\n2025-01-01T00:00:00.000Z ERROR coopsturing.security [x] nep\r\x1b[2J'


def test_a_json_line_cannot_be_forged(log_lines):
    logging.getLogger("coopsturing.test").warning("zoek %s", FORGED)
    lines = log_lines()
    assert len(lines) == 1
    assert json.loads(lines[0])["message"] == f"zoek {FORGED}"


def test_a_text_line_cannot_be_forged(log_lines):
    log_lines.handler.setFormatter(TextFormatter())
    logger = logging.getLogger("coopsturing.test")
    logger.warning("zoek %s", FORGED)
    try:
        raise ValueError(FORGED)
    except ValueError:
        logger.exception("mislukt")
    lines = log_lines()
    # Two records: each starts a line; a traceback's lines are indented.
    starts = [line for line in lines if not line.startswith("    | ")]
    assert len(starts) == 2
    assert starts[0].endswith(
        ' WARNING coopsturing.test [- user=-] zoek naam"\\n2025-01-01T00:00:00.000Z'
        " ERROR coopsturing.security [x] nep\\r\\u001b[2J"
    )
    assert "\x1b" not in "".join(lines)
    # The exception's message breaks the traceback's lines, indented all.
    assert '    | ValueError: naam"' in lines
    assert (
        "    | 2025-01-01T00:00:00.000Z ERROR coopsturing.security [x] nep\\r\\u001b[2J"
        in lines
    )


def test_the_log_format_follows_debug_and_the_environment():
    script = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "print(settings.LOGGING['handlers']['console']['formatter'])\n"
    )
    production = run_django(["-c", script], **production_env())
    development = run_django(["-c", script], DJANGO_DEBUG="true")
    chosen = run_django(["-c", script], **production_env(DJANGO_LOG_FORMAT="tekst"))
    wrong = run_django(["-c", script], DJANGO_LOG_FORMAT="xml")
    assert production.stdout.strip() == "json", production.stderr
    assert development.stdout.strip() == "tekst", development.stderr
    assert chosen.stdout.strip() == "tekst", chosen.stderr
    assert wrong.returncode != 0
    assert "DJANGO_LOG_FORMAT" in wrong.stderr


def test_production_writes_json_lines_with_the_request_id(tmp_path):
    """The configured console handler itself: a request in a process with the
    production settings writes JSON lines on stderr."""
    script = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "r = Client().get('/api/v1/gebouwen/', secure=True)\n"
        "print(r.status_code, r['X-Request-ID'])\n"
    )
    result = run_django(
        ["-c", script],
        **production_env(
            DJANGO_ALLOWED_HOSTS="testserver",
            DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        ),
    )
    status, request_id = result.stdout.split()
    assert status == "401", result.stderr
    lines = [
        json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")
    ]
    assert {line["logger"] for line in lines} == {
        "coopsturing.security",
        "django.request",
    }
    assert {line["request_id"] for line in lines} == {request_id}
    security = next(line for line in lines if line["logger"] == "coopsturing.security")
    assert security["security_reason"] == "not_authenticated"

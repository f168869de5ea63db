"""Error tracking (config/sentry.py): off without SENTRY_DSN; with it, an error
in a request reaches the tracker through sentry-sdk's real transport, without
request bodies, cookies, headers, query strings or local variables.

The tracker is a small HTTP server that this test starts on a local port."""

from __future__ import annotations

import gzip
import json
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.test_deployment import run_django
from tests.test_gunicorn import database_url

sentry_sdk = pytest.importorskip("sentry_sdk")


def test_without_a_dsn_nothing_is_sent():
    assert not sentry_sdk.get_client().is_active()


class Tracker(BaseHTTPRequestHandler):
    received: list[bytes]

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "deflate":
            body = zlib.decompress(body)
        elif encoding == "br":
            import brotli

            body = brotli.decompress(body)
        self.received.append(body)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def tracker():
    received: list[bytes] = []
    handler = type("Handler", (Tracker,), {"received": received})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://publiekesleutel@127.0.0.1:{server.server_port}/1", received
    server.shutdown()
    server.server_close()


# The request goes through Django's WSGI application, as under gunicorn.
SCRIPT = """
import io, wsgiref.util
import django; django.setup()
import sentry_sdk
from django.core.wsgi import get_wsgi_application
from django.test import override_settings

body = b"naam=Pietje+Puk"
environ = {
    "REQUEST_METHOD": "POST",
    "PATH_INFO": "/kapot/",
    "QUERY_STRING": "zoek=Jansen",
    "HTTP_HOST": "testserver",
    "HTTP_COOKIE": f"sessionid=geheim-koekje; csrftoken={'Csrfgeheim' * 3}xy",
    "HTTP_X_CSRFTOKEN": "Csrfgeheim" * 3 + "xy",
    "HTTP_X_GEHEIM": "kop-geheim",
    "CONTENT_TYPE": "application/x-www-form-urlencoded",
    "CONTENT_LENGTH": str(len(body)),
    "wsgi.input": io.BytesIO(body),
}
wsgiref.util.setup_testing_defaults(environ)
answer = {}
with override_settings(ROOT_URLCONF="tests.test_deployment", DEBUG=False):
    geheim_lokaal = "lokale-variabele-geheim"
    b"".join(get_wsgi_application()(environ, lambda s, h: answer.update(h, s=s)))
print(answer["s"].split()[0], answer["X-Request-ID"])
sentry_sdk.flush(timeout=10)
"""


def test_an_error_reaches_the_tracker_without_personal_data(db, tracker):
    dsn, received = tracker
    result = run_django(
        ["-c", SCRIPT],
        DATABASE_URL=database_url(),
        DJANGO_ALLOWED_HOSTS="testserver",
        SENTRY_DSN=dsn,
        SENTRY_ENVIRONMENT="acceptatie",
        SENTRY_RELEASE="coopsturing@1.2.3",
        DJANGO_LOG_LEVEL="CRITICAL",
    )
    assert result.returncode == 0, result.stderr
    status, request_id = result.stdout.split()
    assert status == "500"
    assert received, "no envelope reached the tracker"
    raw = b"\n".join(received).decode()
    events = [
        item
        for line in raw.splitlines()
        if line.startswith("{")
        for item in [json.loads(line)]
        if "exception" in item
    ]
    assert events
    for event in events:
        assert event["environment"] == "acceptatie"
        assert event["release"] == "coopsturing@1.2.3"
        (error,) = event["exception"]["values"]
        assert error["type"] == "RuntimeError"
        assert error["value"] == "geheime-details-uit-de-code"
        assert set(event["request"]) <= {"method", "url"}
        assert event["request"]["method"] == "POST"
        assert event["request"]["url"] == "http://testserver/kapot/"
        assert event["tags"]["request_id"] == request_id
        assert "user" not in event
    for secret in (
        "Jansen",
        "Pietje",
        "geheim-koekje",
        "kop-geheim",
        "lokale-variabele-geheim",
        "Csrfgeheim",
    ):
        assert secret not in raw

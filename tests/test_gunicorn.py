"""gunicorn as deployed (deploy/gunicorn.conf.py): access lines with the request
id the app answered with, as JSON; Prometheus counts of all workers together.

One test starts a real gunicorn with two workers on a free local port, against
the test database, and stops it again."""

from __future__ import annotations

import json
import os
import runpy
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.db import connection

import pytest
from prometheus_client.parser import text_string_to_metric_families

BASE_DIR = Path(__file__).resolve().parent.parent
CONFIG = BASE_DIR / "deploy" / "gunicorn.conf.py"


def test_the_access_log_format_names_the_request_id(monkeypatch):
    monkeypatch.setenv("DJANGO_LOG_FORMAT", "tekst")
    text = runpy.run_path(str(CONFIG))
    assert "%({x-request-id}o)s" in text["access_log_format"]
    # The path without the query string (a search may hold a name).
    assert "%(U)s" in text["access_log_format"]
    assert "%(r)s" not in text["access_log_format"]
    assert "%(q)s" not in text["access_log_format"]
    assert "logconfig_dict" not in text
    monkeypatch.setenv("DJANGO_LOG_FORMAT", "json")
    formatter = runpy.run_path(str(CONFIG))["logconfig_dict"]["formatters"]["json"]
    assert formatter == {"()": "kern.logformat.GunicornJsonFormatter"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url() -> str:
    """The test database, for a process of its own."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def get(url: str, token: str | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture
def gunicorn(db, tmp_path):
    """A gunicorn of two workers with the production settings; yields its base
    URL, metrics token and the path of its stdout."""
    port, token = free_port(), secrets.token_urlsafe(32)
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "GUNICORN_", "PROMETHEUS_"))
    }
    env = {
        **clean,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
        "DATABASE_URL": database_url(),
        "METRICS_TOKEN": token,
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "prometheus"),
    }
    stdout = tmp_path / "stdout.log"
    with stdout.open("wb") as out, (tmp_path / "stderr.log").open("wb") as err:
        process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                *("-c", str(CONFIG), "--bind", f"127.0.0.1:{port}", "--workers", "2"),
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=out,
            stderr=err,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                get(f"{base}/gezondheid/live/")
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail((tmp_path / "stderr.log").read_text())
                time.sleep(0.2)
        yield base, token, stdout
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_gunicorn_logs_json_access_lines_and_counts_all_workers(gunicorn):
    base, token, stdout = gunicorn
    request_ids = []
    for _ in range(6):
        status, headers, body = get(f"{base}/gezondheid/live/")
        assert (status, body) == (200, b'{"status": "ok"}')
        request_ids.append(headers["X-Request-ID"])
    # Whichever worker answers the scrape, it counts the requests of both.
    counts = set()
    for _ in range(4):
        status, headers, body = get(f"{base}/metrics", token)
        assert status == 200
        families = {
            family.name: family
            for family in text_string_to_metric_families(body.decode())
        }
        counts.add(
            sum(
                sample.value
                for sample in families["coopsturing_http_requests"].samples
                if sample.name == "coopsturing_http_requests_total"
                and sample.labels["view"] == "health-live"
            )
        )
        assert "coopsturing_toetsingen" in families
        assert "coopsturing_task_queue_lag_seconds" in families
    assert len(counts) == 1
    assert counts.pop() >= 7  # the first answer of the start-up poll too
    assert get(f"{base}/metrics")[0] == 401

    time.sleep(0.5)  # the access lines of the last requests reach the file
    lines = [
        json.loads(line)
        for line in stdout.read_text().splitlines()
        if line.startswith("{")
    ]
    access = {line["request_id"]: line for line in lines}
    for request_id in request_ids:
        line = access[request_id]
        assert line["logger"] == "gunicorn.access"
        assert (line["method"], line["path"], line["status"]) == (
            "GET",
            "/gezondheid/live/",
            200,
        )
        assert line["message"] == "GET /gezondheid/live/ 200"
        assert line["time"].endswith("Z")
        assert isinstance(line["duration_ms"], int)

"""Health endpoints (config/health.py): liveness without the database,
readiness with database, media storage and queue lag, and the load balancer's
check; no login, no details, never cached, plain HTTP in production."""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from django_tasks_db.models import DBTaskResult

from tests.test_deployment import production_env, run_django


def test_liveness_answers_without_login_and_without_the_database(client):
    response = client.get("/gezondheid/live/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response.headers["Cache-Control"]


def test_health_and_readiness_answer_ok_without_login(client, db, settings):
    for url, checks in (
        ("/gezondheid/", ("database", "storage")),
        ("/gezondheid/gereed/", ("database", "storage", "queue")),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert response.json() == {"status": "ok", **dict.fromkeys(checks, "ok")}
        assert "no-cache" in response.headers["Cache-Control"]
    # The storage probe removed its file.
    assert list(Path(settings.MEDIA_ROOT).rglob("*.txt")) == []


def test_readiness_is_503_when_media_storage_cannot_be_written(
    client, db, settings, tmp_path, caplog
):
    # A folder below a file can never be made (tests run as root, for whom
    # permission bits would not stop a write).
    (tmp_path / "bestand").write_text("geen map")
    settings.MEDIA_ROOT = tmp_path / "bestand" / "media"
    for url in ("/gezondheid/gereed/", "/gezondheid/"):
        response = client.get(url)
        assert response.status_code == 503
        body = response.json()
        assert body["status"] == "error"
        assert body["storage"] == "error"
        assert body["database"] == "ok"
        assert "bestand" not in response.content.decode()
    assert "Health check 'storage' failed" in caplog.text
    assert "NotADirectoryError" in caplog.text or "FileExistsError" in caplog.text


def test_readiness_is_503_when_the_queue_lags(client, db, settings):
    """A ready task waiting longer than GEZONDHEID_MAX_WACHTRIJ_SECONDEN makes the
    instance not ready; the load balancer's /gezondheid/ leaves the shared
    queue out, so a stalled worker does not take every server out."""
    settings.GEZONDHEID_MAX_WACHTRIJ_SECONDEN = 60
    task = DBTaskResult.objects.create(
        status="READY",
        args_kwargs={"args": [], "kwargs": {}},
        task_path="kern.tasks.send_email",
        backend_name="default",
        run_after=timezone.now(),
    )
    assert client.get("/gezondheid/gereed/").status_code == 200
    DBTaskResult.objects.filter(pk=task.pk).update(
        enqueued_at=timezone.now() - timedelta(minutes=5),
        run_after=timezone.now() - timedelta(minutes=2),
    )
    response = client.get("/gezondheid/gereed/")
    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "database": "ok",
        "storage": "ok",
        "queue": "error",
    }
    assert client.get("/gezondheid/").status_code == 200


def test_health_answers_503_without_details_when_the_database_is_unreachable(
    tmp_path,
):
    unreachable = tmp_path / "bestaat-niet" / "db.sqlite3"
    script = (
        "import django, json; django.setup()\n"
        "from django.test import Client\n"
        "for path in ('/gezondheid/', '/gezondheid/gereed/', '/gezondheid/live/'):\n"
        "    r = Client().get(path)\n"
        "    print(r.status_code, r.content.decode())\n"
    )
    result = run_django(
        ["-c", script],
        DATABASE_URL=f"sqlite:///{unreachable}",
        DJANGO_MEDIA_ROOT=str(tmp_path / "media"),
        DJANGO_ALLOWED_HOSTS="testserver",
        DJANGO_LOG_LEVEL="CRITICAL",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        '503 {"status": "error", "database": "error", "storage": "ok"}',
        '503 {"status": "error", "database": "error", "storage": "ok", '
        '"queue": "error"}',
        '200 {"status": "ok"}',
    ]


def test_production_serves_health_and_metrics_over_plain_http(journaal_sleutel):
    """Load balancers, monitors and Prometheus ask the app servers directly over
    HTTP; every other address is redirected to HTTPS."""
    script = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "for path in ('/gezondheid/live/', '/metrics', '/accounts/login/'):\n"
        "    print(path, Client().get(path).status_code)\n"
    )
    result = run_django(
        ["-c", script],
        **production_env(
            DJANGO_ALLOWED_HOSTS="testserver",
            DJANGO_LOG_LEVEL="ERROR",
            METRICS_TOKEN=secrets.token_urlsafe(32),
        ),
    )
    assert result.stdout.splitlines() == [
        "/gezondheid/live/ 200",
        "/metrics 401",
        "/accounts/login/ 301",
    ], result.stderr

"""The Prometheus endpoint `/metrics`: only with its token (or from an allowed
address, straight and not through the proxy), never cached, in Prometheus' text
format, with request, database, queue and toetsing metrics and no personal data
in its labels."""

from __future__ import annotations

import ipaddress
import secrets
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest
from django_tasks_db.models import DBTaskResult
from prometheus_client.parser import text_string_to_metric_families

from afspraken.choices import ToetsingStatus
from tests.afspraken.factories import ToetsingFactory

TOKEN = secrets.token_urlsafe(32)


@pytest.fixture
def metrics_token(settings):
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_TOEGESTANE_ADRESSEN = []
    return TOKEN


def scrape(client, token=TOKEN, **extra):
    return client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {token}", **extra)


def samples(response) -> dict[tuple[str, tuple], float]:
    """(sample name, sorted labels) -> value, parsed by prometheus_client."""
    assert response["Content-Type"].startswith("text/plain; version=")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def test_without_a_configured_token_or_address_there_is_no_endpoint(client, db):
    assert client.get("/metrics").status_code == 404
    assert scrape(client).status_code == 404


def test_only_the_token_opens_the_endpoint(client, db, metrics_token):
    missing = client.get("/metrics")
    assert missing.status_code == 401
    assert missing["WWW-Authenticate"] == 'Bearer realm="metrics"'
    wrong = scrape(client, token=metrics_token[:-1] + "x")
    assert wrong.status_code == 401
    assert 'error="invalid_token"' in wrong["WWW-Authenticate"]
    assert scrape(client, token="é" * 43).status_code == 401
    other_scheme = client.get("/metrics", HTTP_AUTHORIZATION=f"Basic {metrics_token}")
    assert other_scheme.status_code == 401
    for response in (missing, wrong):
        assert b"coopsturing_" not in response.content
    ok = scrape(client)
    assert ok.status_code == 200
    assert "no-store" in ok["Cache-Control"]
    post = client.post("/metrics", HTTP_AUTHORIZATION=f"Bearer {metrics_token}")
    assert post.status_code == 405


def test_an_allowed_address_may_scrape_only_when_it_connects_straight(
    client, db, settings
):
    settings.METRICS_TOKEN = ""
    settings.METRICS_TOEGESTANE_ADRESSEN = [ipaddress.ip_network("10.0.5.0/24")]
    assert client.get("/metrics", REMOTE_ADDR="10.0.5.7").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="10.0.6.7").status_code == 403
    # Through the load balancer (which adds X-Forwarded-For) the address is the
    # proxy's, whoever asks: refused even when the proxy's address is allowed.
    relayed = client.get(
        "/metrics", REMOTE_ADDR="10.0.5.1", HTTP_X_FORWARDED_FOR="203.0.113.9"
    )
    assert relayed.status_code == 403


def test_the_metrics_count_requests_queries_tasks_and_toetsingen(
    client, world, metrics_token
):
    # Seeded: per tenant one open (2024) and one vastgesteld (2023) toetsing.
    ToetsingFactory(afspraak=world.a.afspraak, jaar=2022, status="ingediend")
    ToetsingFactory(afspraak=world.b.afspraak, jaar=2022, status="teruggestuurd")
    now = timezone.now()
    task = {
        "args_kwargs": {"args": [], "kwargs": {}},
        "task_path": "kern.tasks.send_email",
        "backend_name": "default",
        "run_after": now,
    }
    DBTaskResult.objects.create(status="READY", **task)
    oldest = DBTaskResult.objects.create(status="READY", **task)
    DBTaskResult.objects.filter(pk=oldest.pk).update(
        enqueued_at=now - timedelta(minutes=10), run_after=now - timedelta(minutes=9)
    )
    DBTaskResult.objects.create(status="RUNNING", **task)
    DBTaskResult.objects.create(status="FAILED", **task)
    DBTaskResult.objects.create(status="SUCCESSFUL", **task)
    # A task for later is not ready, and does not wait yet.
    DBTaskResult.objects.create(
        status="READY", **{**task, "run_after": now + timedelta(hours=1)}
    )

    client.force_login(world.a.beheerder)
    page = client.get(f"/beheer/{world.a.corporatie.pk}/gebouwen/")
    assert page.status_code == 200
    values = samples(scrape(client))

    assert values[("coopsturing_toetsingen", (("status", "open"),))] == 2
    assert values[("coopsturing_toetsingen", (("status", "ingediend"),))] == 1
    assert values[("coopsturing_toetsingen", (("status", "teruggestuurd"),))] == 1
    assert values[("coopsturing_toetsingen", (("status", "vastgesteld"),))] == 2
    statuses = {
        labels[0][1] for name, labels in values if name == "coopsturing_toetsingen"
    }
    assert statuses == set(ToetsingStatus.values)

    queue = "coopsturing_task_queue_tasks"
    assert values[(queue, (("status", "ready"),))] == 2
    assert values[(queue, (("status", "running"),))] == 1
    assert values[(queue, (("status", "failed"),))] == 1
    lag = values[("coopsturing_task_queue_lag_seconds", ())]
    assert 9 * 60 <= lag < 9 * 60 + 60

    # The page's request, labelled by its URL pattern's name, not its path.
    request = (
        "coopsturing_http_requests_total",
        (("method", "GET"), ("status", "200"), ("view", "beheer-gebouwen")),
    )
    assert values[request] >= 1
    assert (
        "coopsturing_http_request_duration_seconds_count",
        (("method", "GET"), ("view", "beheer-gebouwen")),
    ) in values
    alias = (("alias", "default"), ("statement", "select"))
    assert values[("coopsturing_db_queries_total", alias)] >= 1
    assert (
        "coopsturing_db_query_duration_seconds_count",
        (("alias", "default"),),
    ) in values
    # No label holds an id, a path or a username.
    label_values = {value for _name, labels in values for _key, value in labels}
    assert not any("/" in value for value in label_values)
    assert world.a.beheerder.username not in label_values


def test_the_gauges_cost_two_queries(client, world, metrics_token):
    with CaptureQueriesContext(connection) as queries:
        response = scrape(client)
    assert response.status_code == 200
    # The task queue in one aggregate, the toetsingen in one GROUP BY.
    statements = [query["sql"] for query in queries.captured_queries]
    assert len(statements) == 2, statements


def test_a_request_method_outside_http_is_one_label(client, db, metrics_token):
    client.generic("BREW", "/gezondheid/live/")
    values = samples(scrape(client))
    methods = {
        dict(labels).get("method")
        for name, labels in values
        if name == "coopsturing_http_requests_total"
    }
    assert "BREW" not in methods
    assert "other" in methods
    views = {
        dict(labels)["view"]
        for name, labels in values
        if name == "coopsturing_http_requests_total"
    }
    assert "health-live" in views

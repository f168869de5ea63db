"""Prometheus metrics of the platform: requests and database queries, counted as
they happen, and the task queue, read from the database when Prometheus asks.

Labels never hold personal data or ids: a request is labelled by the name of its
URL pattern (never its path), its method and status; a query by the kind of
statement. The endpoint that serves them is `config/metrics.py`.

Under gunicorn every worker counts for itself; with `PROMETHEUS_MULTIPROC_DIR`
set (docs/deploy.md) the workers write their counts to files there and a scrape
of any worker answers for all of them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.db.models import Case, Count, F, Min, Q, When
from django.utils import timezone

from django_tasks_db.models import DBTaskResult, get_date_max
from prometheus_client import Counter, Histogram
from prometheus_client.core import GaugeMetricFamily

try:  # Django 6+
    from django.tasks import TaskResultStatus
except ImportError:  # Django 5.2 with the backport
    from django_tasks import TaskResultStatus

HTTP_REQUESTS = Counter(
    "coopsturing_http_requests",
    "Answered requests, by URL pattern name, method and status.",
    ["view", "method", "status"],
)
HTTP_DURATION = Histogram(
    "coopsturing_http_request_duration_seconds",
    "Time to answer a request, by URL pattern name and method.",
    ["view", "method"],
)
DB_QUERIES = Counter(
    "coopsturing_db_queries",
    "Executed database statements, by connection and kind of statement.",
    ["alias", "statement"],
)
DB_DURATION = Histogram(
    "coopsturing_db_query_duration_seconds",
    "Time a database statement took, by connection.",
    ["alias"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5),
)
DB_ERRORS = Counter(
    "coopsturing_db_errors",
    "Database statements that raised an error, by connection.",
    ["alias"],
)
DB_CONNECTIONS = Counter(
    "coopsturing_db_connections",
    "Database connections opened, by connection.",
    ["alias"],
)

# A label takes one of a few values whatever the request sends.
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
_STATEMENTS = frozenset(
    {"select", "insert", "update", "delete", "savepoint", "release", "rollback"}
)


def view_label(request) -> str:
    """The URL pattern's name (`app:name`, or the view's dotted path when the
    pattern has no name); `unmatched` for an address no pattern knows."""
    match = getattr(request, "resolver_match", None)
    return match.view_name if match is not None else "unmatched"


class MetricsMiddleware:
    """Counts and times every request; first in MIDDLEWARE, so the time covers
    all other middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        start = time.perf_counter()
        response = self.get_response(request)
        view = view_label(request)
        method = request.method if request.method in _METHODS else "other"
        HTTP_DURATION.labels(view, method).observe(time.perf_counter() - start)
        HTTP_REQUESTS.labels(view, method, str(response.status_code)).inc()
        return response


def _statement(sql: str) -> str:
    word = sql.lstrip()[:10].split(None, 1)
    kind = word[0].lower() if word else ""
    return kind if kind in _STATEMENTS else "other"


def _measure_query(execute, sql, params, many, context):
    alias = context["connection"].alias
    start = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    except Exception:
        DB_ERRORS.labels(alias).inc()
        raise
    finally:
        DB_DURATION.labels(alias).observe(time.perf_counter() - start)
        DB_QUERIES.labels(alias, _statement(sql)).inc()


def instrument_connection(sender, connection, **kwargs) -> None:
    """`connection_created` receiver: count the new connection and measure its
    statements. The wrapper goes first in the list: Django's own
    `execute_wrapper()` blocks pop the last one when they end, and a connection
    may open inside such a block."""
    DB_CONNECTIONS.labels(connection.alias).inc()
    if _measure_query not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, _measure_query)


@dataclass(frozen=True)
class TaskQueue:
    ready: int
    running: int
    failed: int
    # Seconds the longest-waiting ready task has waited (0 when none waits).
    lag_seconds: float


def task_queue() -> TaskQueue:
    """The database task queue (django-tasks-db) in one query. A task is ready
    when it may run now; it waits since it was enqueued, or since the moment it
    was scheduled for."""
    now = timezone.now()
    never = get_date_max()
    ready = Q(status=TaskResultStatus.READY) & (
        Q(run_after=never) | Q(run_after__lte=now)
    )
    state = DBTaskResult.objects.order_by().aggregate(
        ready=Count("pk", filter=ready),
        running=Count("pk", filter=Q(status=TaskResultStatus.RUNNING)),
        failed=Count("pk", filter=Q(status=TaskResultStatus.FAILED)),
        waiting_since=Min(
            Case(When(run_after=never, then=F("enqueued_at")), default=F("run_after")),
            filter=ready,
        ),
    )
    since = state.pop("waiting_since")
    lag = max((now - since).total_seconds(), 0.0) if since else 0.0
    return TaskQueue(**state, lag_seconds=lag)


class TaskQueueCollector:
    """The queue's gauges, read at scrape time."""

    def collect(self):
        queue = task_queue()
        tasks = GaugeMetricFamily(
            "coopsturing_task_queue_tasks",
            "Tasks in the database queue, by status.",
            labels=["status"],
        )
        for status in ("ready", "running", "failed"):
            tasks.add_metric([status], getattr(queue, status))
        yield tasks
        yield GaugeMetricFamily(
            "coopsturing_task_queue_lag_seconds",
            "How long the longest-waiting ready task has waited.",
            value=queue.lag_seconds,
        )

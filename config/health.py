"""Health endpoints for load balancers, orchestrators and uptime monitors.

- `/gezondheid/live/`: the process answers (no database); restart it when not.
- `/gezondheid/gereed/`: ready to serve and nothing waits: the database answers,
  media storage takes, returns and removes a small file, and the oldest ready
  task has waited less than `GEZONDHEID_MAX_WACHTRIJ_SECONDEN`.
- `/gezondheid/`: what this server needs to serve (database and storage), for
  the load balancer. The queue is left out on purpose: it is shared by all
  servers, so a stalled worker would take every server out of the rotation.

No login and no details: the body names each check with `ok` or `error`; why a
check failed goes to the log.
"""

import logging
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from kern.metrics import task_queue

logger = logging.getLogger(__name__)

# Probe files live here in media storage, each removed right after its check.
PROBE_PREFIX = "gezondheid"
_PROBE = b"coopsturing-gezondheid"


def database() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def storage() -> bool:
    name = default_storage.save(
        f"{PROBE_PREFIX}/{uuid.uuid4().hex}.txt", ContentFile(_PROBE)
    )
    try:
        with default_storage.open(name, "rb") as probe:
            return probe.read() == _PROBE
    finally:
        default_storage.delete(name)


def queue() -> bool:
    lag = task_queue().lag_seconds
    if lag > settings.GEZONDHEID_MAX_WACHTRIJ_SECONDEN:
        logger.error("Health check: the oldest ready task has waited %.0f s", lag)
        return False
    return True


def _answer(checks) -> JsonResponse:
    results = {}
    for check in checks:
        try:
            ok = check()
        except Exception:
            logger.exception("Health check %r failed", check.__name__)
            ok = False
        results[check.__name__] = "ok" if ok else "error"
    healthy = all(value == "ok" for value in results.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **results},
        status=200 if healthy else 503,
    )


@never_cache
@require_GET
def live(request):
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def ready(request):
    return _answer((database, storage, queue))


@never_cache
@require_GET
def health(request):
    return _answer((database, storage))

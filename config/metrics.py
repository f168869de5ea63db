"""The Prometheus endpoint, `GET /metrics`: the platform's request, database
and queue metrics (kern/metrics.py) and the toetsingen per status
(afspraken/metrics.py).

It answers only a scraper that shows `METRICS_TOKEN` as bearer token, or that
connects straight from an address in `METRICS_TOEGESTANE_ADRESSEN`; with neither
configured the endpoint does not exist (404). See docs/deploy.md, "Metrics".
"""

from __future__ import annotations

import hmac
import ipaddress
import os

from django.conf import settings
from django.http import Http404, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from prometheus_client import REGISTRY, CollectorRegistry, multiprocess
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest

from afspraken.metrics import ToetsingenCollector
from kern.metrics import TaskQueueCollector

# Headers a proxy adds: a request that carries one did not come straight from
# the scraper, so its address says nothing about who asks.
_PROXY_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_FORWARDED", "HTTP_X_REAL_IP")


def _bearer_token(request) -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def _direct_from_allowed_address(request) -> bool:
    networks = settings.METRICS_TOEGESTANE_ADRESSEN
    if not networks or any(header in request.META for header in _PROXY_HEADERS):
        return False
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in network for network in networks)


def _refusal(request) -> HttpResponse | None:
    """None when the scraper may read the metrics, else the answer it gets."""
    expected = settings.METRICS_TOKEN
    if not expected and not settings.METRICS_TOEGESTANE_ADRESSEN:
        raise Http404
    given = _bearer_token(request)
    if (
        expected
        and given is not None
        and hmac.compare_digest(given.encode(), expected.encode())
    ):
        return None
    if _direct_from_allowed_address(request):
        return None
    if not expected:
        return HttpResponse(status=403)
    response = HttpResponse(status=401)
    response["WWW-Authenticate"] = (
        'Bearer realm="metrics"'
        if given is None
        else 'Bearer realm="metrics", error="invalid_token"'
    )
    return response


class _Scrape:
    """What one scrape answers: the counters of this process (or of all
    gunicorn workers in multiprocess mode), then the gauges read now."""

    def collect(self):
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            counters = CollectorRegistry()
            multiprocess.MultiProcessCollector(counters)
        else:
            counters = REGISTRY
        yield from counters.collect()
        yield from TaskQueueCollector().collect()
        yield from ToetsingenCollector().collect()


@never_cache
def metrics(request):
    refusal = _refusal(request)
    if refusal is not None:
        return refusal
    return _serve(request)


@require_GET
def _serve(request):
    return HttpResponse(generate_latest(_Scrape()), content_type=CONTENT_TYPE_LATEST)

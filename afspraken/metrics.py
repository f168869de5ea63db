"""Prometheus gauge of the toetsingen per status, read at scrape time (served by
config/metrics.py): how far the year's assessments are, across all tenants,
as counts only."""

from __future__ import annotations

from django.db.models import Count

from prometheus_client.core import GaugeMetricFamily

from .choices import ToetsingStatus
from .models import Toetsing


class ToetsingenCollector:
    def collect(self):
        counts = dict(
            Toetsing.objects.order_by().values_list("status").annotate(n=Count("pk"))
        )
        gauge = GaugeMetricFamily(
            "coopsturing_toetsingen",
            "Toetsingen (yearly assessments), by status.",
            labels=["status"],
        )
        for status in ToetsingStatus:
            gauge.add_metric([status.value], counts.get(status.value, 0))
        yield gauge

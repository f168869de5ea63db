"""Addresses and steps shared by the tests of the yearly cycle pages."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from afspraken import services
from afspraken.models import Toetsing
from tests.helpers import fresh

JAAR = 2024  # the world's open toetsing


def lopend() -> int:
    return timezone.localdate().year


def url(name: str, org, *args) -> str:
    return reverse(name, args=[org.pk, *args])


def beheer_url(tenant, name: str = "beheer-toetsing", *args) -> str:
    return url(name, tenant.corporatie, *(args or (tenant.toetsing.pk,)))


def html(response) -> str:
    return response.content.decode()


def sha256_html(sha256: str) -> str:
    """A SHA-256 as the toetsing page shows it: four parts that may wrap."""
    return "<wbr>".join(sha256[i : i + 16] for i in range(0, 64, 16))


def indienen(tenant) -> Toetsing:
    """Tenant's 2024 toetsing submitted by its bestuur, through the service."""
    return services.toetsing_indienen(
        toetsing=tenant.toetsing, actor=fresh(tenant.bestuur)
    )

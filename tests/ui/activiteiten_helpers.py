"""Addresses, form data and files shared by the tests of the activity pages."""

from __future__ import annotations

from django.contrib.messages import get_messages
from django.core.files.storage import default_storage
from django.urls import reverse

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


def url(tenant, name: str, *args) -> str:
    return reverse(f"bestuur-{name}", args=[tenant.cooperatie.pk, *args])


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def form_data(tenant, **overrides) -> dict:
    data = {
        "datum": "2024-05-04",
        "titel": "Moestuindag",
        "thema": "groen",
        "omschrijving": "Zaaien en wieden in de gemeenschappelijke tuin.",
        "open_voor_buurt": "on",
        "deelnemers_leden": "7",
        "deelnemers_buurt": "3",
        "vrijwilligersuren": "4,5",
        "vrijwilligers": [tenant.lid.pk, tenant.bestuurslid.pk],
        "partners": "Buurtvereniging",
    }
    data.update(overrides)
    return data


def stored_files() -> set[str]:
    """Every evidence file in storage."""
    found: set[str] = set()

    def walk(folder: str) -> None:
        if not default_storage.exists(folder):
            return
        dirs, files = default_storage.listdir(folder)
        found.update(f"{folder}/{name}" for name in files)
        for name in dirs:
            walk(f"{folder}/{name}")

    walk("bijlagen")
    return found

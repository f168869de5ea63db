"""Addresses and uploads shared by the tests of the member pages."""

from __future__ import annotations

import html
import re

from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

HEADER = "naam;e-mail;telefoon;adres;lid_sinds;lid_tot;bestuursfunctie;doelgroep"


def url(tenant, name: str, *args) -> str:
    return reverse(f"bestuur-{name}", args=[tenant.cooperatie.pk, *args])


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def text_of(response) -> str:
    """The page's text without tags, with whitespace collapsed."""
    page = response.content.decode()
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", page).split()))


def upload(*lines: str, name: str = "leden.csv", header: str = HEADER):
    content = "\r\n".join([header, *lines]).encode()
    return SimpleUploadedFile(name, content, content_type="text/csv")


def gegevens_of(response) -> str | None:
    match = re.search(r'name="gegevens" value="([^"]+)"', response.content.decode())
    return match.group(1) if match else None


PAGES = [
    ("leden", False),
    ("lid-nieuw", False),
    ("lid-bewerken", True),
    ("lid-beeindigen", True),
    ("leden-import", False),
    ("leden-import-resultaat", False),
    ("leden-sjabloon", False),
    ("leden-export", False),
]


def page_url(tenant, name, with_lid, lid=None):
    args = [(lid or tenant.lid).pk] if with_lid else []
    return url(tenant, name, *args)

"""Mail to people: one message per recipient, in the recipient's language, plain
text plus HTML, queued after the transaction commits.

A message kind is a name under ``templates/mail/``: ``<naam>_onderwerp.txt`` (the
subject, one line), ``<naam>.txt`` (the plain text) and ``<naam>.html`` (extends
``mail/base.html``). The context a caller passes is rendered once per recipient
inside ``translation.override(<their language>)``; it must hold no member personal
data (mail leaves the system).

Rendering happens in the calling transaction, sending through the tasks queue
(`kern.tasks.send_email`) after it commits: a write that rolls back sends
nothing, and a slow mail server never holds a request. Notification mail
(`verplicht=False`) goes only to users who leave `meldingen_per_mail` on
(`Accountinstelling`); invitations and password mail are `verplicht`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .models import Accountinstelling, Verzending
from .tasks import send_email

logger = logging.getLogger("coopsturing.mail")

SUBJECT_MAX = 200


def taal_van(user) -> str:
    """The language mail to `user` is written in (their setting, else the site's)."""
    try:
        return user.accountinstelling.taal
    except Accountinstelling.DoesNotExist:
        return settings.LANGUAGE_CODE


def wil_meldingen(user) -> bool:
    try:
        return user.accountinstelling.meldingen_per_mail
    except Accountinstelling.DoesNotExist:
        return True


def absolute_url(path: str) -> str:
    """`path` on the site's public address (settings.SITE_URL): mail is read
    outside any request, so links cannot come from one."""
    return settings.SITE_URL.rstrip("/") + path


def render(naam: str, context: dict[str, Any], *, taal: str) -> tuple[str, str, str]:
    """(subject, text, html) of message kind `naam` in language `taal`."""
    context = {
        **context,
        "LANGUAGE_CODE": taal,
        "site_url": settings.SITE_URL.rstrip("/"),
        "instellingen_url": absolute_url(reverse("account-instellingen")),
    }
    with translation.override(taal):
        subject = render_to_string(f"mail/{naam}_onderwerp.txt", context)
        text = render_to_string(f"mail/{naam}.txt", context)
        html = render_to_string(f"mail/{naam}.html", context)
    # A subject is one line whatever a name in it holds.
    subject = " ".join(subject.split())[:SUBJECT_MAX]
    return subject, text, html


def _queue(adres: str, subject: str, text: str, html: str, *, naam: str) -> None:
    headers = {"Auto-Submitted": "auto-generated"}

    def enqueue() -> None:
        send_email.enqueue(
            to=[adres], subject=subject, text=text, html=html, headers=headers
        )

    transaction.on_commit(enqueue)
    logger.info("mail queued: %s", naam, extra={"mail_kind": naam})


def send(
    *,
    to: Iterable,
    naam: str,
    context: dict[str, Any],
    verplicht: bool = False,
) -> int:
    """Queue message `naam` to each user in `to` (once per address), skipping
    users without an e-mail address or, unless `verplicht`, who switched
    notification mail off. Returns how many were queued."""
    seen: set[str] = set()
    queued = 0
    for user in to:
        adres = (user.email or "").strip()
        if not adres or adres.lower() in seen or not user.is_active:
            continue
        if not verplicht and not wil_meldingen(user):
            continue
        seen.add(adres.lower())
        subject, text, html = render(
            naam, {**context, "ontvanger": user}, taal=taal_van(user)
        )
        _queue(adres, subject, text, html, naam=naam)
        queued += 1
    return queued


def send_to_address(
    *, adres: str, naam: str, context: dict[str, Any], taal: str | None = None
) -> None:
    """Queue message `naam` to an address that may have no account yet (an
    invitation), in `taal` (default: the site's language)."""
    subject, text, html = render(naam, context, taal=taal or settings.LANGUAGE_CODE)
    _queue(adres, subject, text, html, naam=naam)


def once(sleutel: str) -> bool:
    """Record `sleutel` in the current transaction; False when it was recorded
    before (the message it stands for went out already)."""
    try:
        with transaction.atomic():
            Verzending.objects.create(sleutel=sleutel[:200])
    except IntegrityError:
        return False
    return True

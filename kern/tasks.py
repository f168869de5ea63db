"""The platform's background tasks (Django's tasks API; see afspraken/tasks.py
for how the backend is chosen). Tasks take JSON values only."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives

try:  # Django 6+
    from django.tasks import task
except ImportError:  # Django 5.2 with the backport
    from django_tasks import task


@task()
def send_email(
    *, to: list[str], subject: str, text: str, html: str, headers: dict[str, str]
) -> int:
    """Send one rendered message (kern.mail renders it); returns the number sent."""
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
        headers=headers,
    )
    message.attach_alternative(html, "text/html")
    return message.send()

"""Settings helpers for logging and error mail: the LOGGING dict, ADMINS and
address ranges read from the environment (config/settings.py calls them)."""

import ipaddress
from email.utils import getaddresses

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import validate_email


def admins(value: str) -> list[tuple[str, str]]:
    """DJANGO_ADMINS="Naam <beheer@example.nl>, ops@example.nl" as Django's
    list of (name, address)."""
    pairs = getaddresses([value]) if value.strip() else []
    for _name, address in pairs:
        try:
            validate_email(address)
        except ValidationError:
            raise ImproperlyConfigured(
                f"DJANGO_ADMINS: {address!r} is no e-mail address; write "
                '"Naam <adres@example.nl>, adres2@example.nl".'
            ) from None
    return pairs


def cidr_ranges(name: str, values: list[str]) -> list:
    """A comma-separated list of CIDR ranges from the environment variable
    `name`, as networks."""
    try:
        return [
            ipaddress.ip_network(cidr.strip(), strict=False)
            for cidr in values
            if cidr.strip()
        ]
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}: {exc}") from None


def logging_config(*, log_format: str, log_level: str) -> dict:
    """Log lines on stderr (kern/logformat.py) in `log_format` (json or tekst),
    each with the request id and user id; Django's errors also mailed to ADMINS."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_context": {"()": "kern.logformat.RequestContextFilter"},
            "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
        },
        "formatters": {
            "json": {"()": "kern.logformat.JsonFormatter"},
            "tekst": {"()": "kern.logformat.TextFormatter"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": log_format,
                "filters": ["request_context"],
            },
            "mail_admins": {
                "level": "ERROR",
                "class": "django.utils.log.AdminEmailHandler",
                "filters": ["require_debug_false"],
            },
        },
        "root": {"handlers": ["console"], "level": log_level},
        "loggers": {
            # Django's errors mail ADMINS too; every line reaches the console once.
            "django": {"handlers": ["mail_admins"], "level": log_level},
            # WeasyPrint narrates every rendering step and font subset at INFO.
            "weasyprint": {"level": "WARNING"},
            "weasyprint.progress": {"level": "WARNING"},
            "fontTools": {"level": "WARNING"},
        },
    }

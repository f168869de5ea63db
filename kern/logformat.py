"""Log lines that a log collector can read and nobody can forge.

Every record that passes a handler with `RequestContextFilter` carries the id of
the request it belongs to (the `X-Request-ID` of the answer, also in journal
entries) and the id of the signed-in user. `JsonFormatter` writes one JSON
object per line: time (ISO 8601, UTC), level, logger, message, request id, user
id, every `extra=` field of the call and the traceback as `exception`.
`TextFormatter` is the same for a person at a console; it escapes control
characters so that text from a request cannot start a line of its own.

`DJANGO_LOG_FORMAT=json|tekst` chooses (config/settings.py); gunicorn's access
and error lines use `GunicornJsonFormatter` (deploy/gunicorn.conf.py).
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

from kern.middleware import current_request, current_request_id, user_id_of

# Set by the filter and written by the formatters in their own place; `request`
# (Django's log records of 4xx/5xx answers and runserver lines carry the request
# object, whose text holds the query string) and `server_time` stay out.
_OWN_FIELDS = ("request_id", "user_id", "request", "server_time", "taskName")


class RequestContextFilter(logging.Filter):
    """Adds `request_id` and `user_id` of the request being answered (None
    outside a request). An id the call passed itself (`extra=`) is kept."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        if not hasattr(request, "request_id"):
            request = current_request()
        if not getattr(record, "request_id", None):
            record.request_id = (
                getattr(request, "request_id", None) or current_request_id() or None
            )
        if getattr(record, "user_id", None) is None:
            record.user_id = user_id_of(request) if request is not None else None
        return True


def utc_time(record: logging.LogRecord) -> str:
    moment = datetime.fromtimestamp(record.created, tz=UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class JsonFormatter(_JsonFormatter):
    """One JSON object per line; fields in a fixed order, then the extras."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, *_OWN_FIELDS])
        super().__init__(*args, **kwargs)

    def add_fields(self, log_data, record, message_dict) -> None:
        log_data["time"] = utc_time(record)
        log_data["level"] = record.levelname
        log_data["logger"] = record.name
        log_data["message"] = record.message
        log_data["request_id"] = getattr(record, "request_id", None)
        log_data["user_id"] = getattr(record, "user_id", None)
        super().add_fields(log_data, record, {})
        if message_dict.get("exc_info"):
            log_data["exception"] = message_dict["exc_info"]
        if message_dict.get("stack_info"):
            log_data["stack"] = message_dict["stack_info"]


# Control characters, and the Unicode line and paragraph separators some
# viewers break lines at.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def escape_control(text: str) -> str:
    """`text` on one line: every control character written as an escape."""
    return _CONTROL.sub(lambda m: _NAMED.get(m[0]) or f"\\u{ord(m[0]):04x}", text)


class TextFormatter(logging.Formatter):
    """A readable line for the development console:

        2025-03-01T09:30:00.123Z WARNING coopsturing.security [9f2c… user=7] …

    The message is escaped to one line; a traceback follows on lines indented
    with `    | ` (escaped too), so no text from a request starts a line that
    looks like a record."""

    def __init__(self, fmt=None, *args, **kwargs) -> None:
        super().__init__(
            fmt
            or "%(utc_time)s %(levelname)s %(name)s "
            "[%(request_id)s user=%(user_id)s] %(message)s",
            *args,
            **kwargs,
        )

    def format(self, record: logging.LogRecord) -> str:
        line = logging.makeLogRecord(record.__dict__)
        line.msg, line.args = escape_control(record.getMessage()), None
        line.exc_text = None  # another handler's formatter may have cached its own
        line.utc_time = utc_time(record)
        line.request_id = getattr(record, "request_id", None) or "-"
        line.user_id = getattr(record, "user_id", None) or "-"
        return super().format(line)

    def formatException(self, ei) -> str:  # noqa: N802 (logging.Formatter)
        return self._indent(super().formatException(ei))

    def formatStack(self, stack_info: str) -> str:  # noqa: N802 (logging.Formatter)
        return self._indent(stack_info)

    @staticmethod
    def _indent(text: str) -> str:
        return "\n".join(
            f"    | {escape_control(part)}" for part in text.rstrip("\n").split("\n")
        )


class GunicornJsonFormatter(JsonFormatter):
    """gunicorn's access lines as JSON: the request without its query string (a
    search may hold a name), status, size, duration and the request id the app
    answered with. gunicorn's other lines are plain JSON records."""

    def add_fields(self, log_data, record, message_dict) -> None:
        atoms = record.args if isinstance(record.args, dict) else None
        if atoms is None:
            super().add_fields(log_data, record, message_dict)
            return
        # gunicorn escapes double quotes in its atoms for its text format.
        atom = {
            key: value.replace('\\"', '"') if isinstance(value, str) else value
            for key, value in atoms.items()
        }
        record.message = f"{atom['m']} {atom['U'] or '-'} {atom['s']}"
        record.request_id = atoms["{x-request-id}o"]
        super().add_fields(log_data, record, message_dict)
        log_data.update(
            remote_addr=atom["h"],
            method=atom["m"],
            path=atom["U"],
            protocol=atom["H"],
            status=int(atom["s"]) if str(atom["s"]).isdigit() else atom["s"],
            bytes=atom["B"],
            duration_ms=atom["M"],
            user_agent=atoms["{user-agent}i"],
        )

"""Request bodies read with bounds: a body larger than its endpoint accepts is
refused by its declared length before a byte of it is read (413), and JSON is
refused when nested deeper than any resource needs (400) instead of running
the decoder into Python's recursion limit.
"""

from __future__ import annotations

import codecs
import re
from itertools import accumulate

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rest_framework import exceptions, parsers, renderers, status
from rest_framework.settings import api_settings
from rest_framework.utils import json

MAX_JSON_DEPTH = 32
"""Nesting of arrays and objects in a JSON body (a resource uses at most 3)."""

_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = re.compile(rb"[^\[\]{}]+")
_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


class RequestTooLargeError(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = gettext_lazy("De aanvraag is te groot.")
    default_code = "request_too_large"


def declared_length(request) -> int:
    """The body length the request declares (a WSGI server reads no further)."""
    meta = request.META
    try:
        return max(0, int(meta.get("CONTENT_LENGTH") or 0))
    except (TypeError, ValueError):
        return 0


def refuse_larger_than(request, limit: int, detail) -> None:
    """Raise 413 with `detail` when the declared body is over `limit` bytes."""
    if declared_length(request) > limit:
        raise RequestTooLargeError(detail=detail)


def json_depth_exceeds(body: bytes, limit: int) -> bool:
    """Whether arrays and objects nest deeper than `limit`, counted outside the
    strings; a few passes at C speed, so a hostile body costs little."""
    brackets = _NOT_BRACKET.sub(b"", _STRING.sub(b"", body))
    if len(brackets) <= limit:
        return False
    return max(accumulate(_STEP[byte] for byte in brackets)) > limit


class BoundedJSONParser(parsers.BaseParser):
    """DRF's JSON parser with a body of at most DATA_UPLOAD_MAX_MEMORY_SIZE bytes
    (refused with a JSON 413 by its declared length, before it is read) and at
    most MAX_JSON_DEPTH levels of nesting (a 400 instead of a RecursionError).

    Not a subclass of DRF's JSONParser: DRF reads the whole body for those
    before the parser runs; this one reads the stream itself, bounded."""

    media_type = "application/json"
    renderer_class = renderers.JSONRenderer
    strict = api_settings.STRICT_JSON

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        request = parser_context.get("request")
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        too_large = _("Een JSON-aanvraag mag hoogstens %(max)s bytes zijn.") % {
            "max": f"{limit:,}".replace(",", ".")
        }
        if request is not None:
            refuse_larger_than(request, limit, too_large)
        body = stream.read(limit + 1) if stream is not None else b""
        if len(body) > limit:
            raise RequestTooLargeError(detail=too_large)
        if json_depth_exceeds(body, MAX_JSON_DEPTH):
            raise exceptions.ParseError(
                _("JSON mag hoogstens %(max)s niveaus diep genest zijn.")
                % {"max": MAX_JSON_DEPTH}
            )
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = codecs.decode(body, encoding)
            parse_constant = json.strict_constant if self.strict else None
            return json.loads(text, parse_constant=parse_constant)
        except RecursionError as exc:  # a depth the scan above cannot see
            raise exceptions.ParseError(
                _("JSON mag hoogstens %(max)s niveaus diep genest zijn.")
                % {"max": MAX_JSON_DEPTH}
            ) from exc
        except ValueError as exc:
            raise exceptions.ParseError(f"JSON parse error - {exc}") from exc

"""Request middleware: the request id that journal entries and log lines carry,
and the page language."""

import contextvars
import re
import uuid

from django.conf import settings
from django.utils import translation

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar(
    "request_id", default=""
)


def current_request_id() -> str:
    return _request_id.get()


_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdMiddleware:
    """Makes an id per request and echoes it in `X-Request-ID`. Behind a proxy
    that sets the header itself (DJANGO_TRUST_REQUEST_ID=true), its id is kept so
    log lines and journal entries match; a client's own header is never trusted."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        trusted = settings.TRUST_REQUEST_ID_HEADER and _SAFE_ID.match(incoming)
        request_id = incoming if trusted else uuid.uuid4().hex
        token = _request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response["X-Request-ID"] = request_id
        return response


class LanguageMiddleware:
    """Dutch unless the user picked another language with the switch.

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language:
    the product's users work in Dutch organisations on whatever computer is at
    hand, and the page language must not change with the browser's settings.
    The switch (``/i18n/setlang/``) stores the choice in the language cookie.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if code not in self.languages:
            code = settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = code
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", code)
        return response

"""Request middleware: the request id that journal entries and log lines carry,
the page language (the API's: also by Accept-Language), and the API's version
header."""

import contextvars
import re
import uuid

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.functional import SimpleLazyObject, empty
from django.utils.translation.trans_real import parse_accept_lang_header

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar(
    "request_id", default=""
)
_request: contextvars.ContextVar[object | None] = contextvars.ContextVar(
    "request", default=None
)


def current_request_id() -> str:
    return _request_id.get()


def current_request():
    """The request being answered in this context, or None outside one."""
    return _request.get()


def user_id_of(request) -> int | None:
    """The id of the request's signed-in user, if the user is known already.

    Reads what authentication has put on the request (Django's lazy user, or the
    user an API authentication found) without resolving a lazy user that nobody
    asked for yet: a log line must not cost a session query, nor fail when the
    database does."""
    user = getattr(request, "__dict__", {}).get("user")
    if user is None:
        return None
    if isinstance(user, SimpleLazyObject) and user._wrapped is empty:
        return None
    return user.pk if user.is_authenticated else None


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
        # On the request too: Django logs a 4xx/5xx answer after the middleware
        # has returned, with the request in the log record.
        request.request_id = request_id
        token = _request_id.set(request_id)
        request_token = _request.set(request)
        try:
            response = self.get_response(request)
        finally:
            _request.reset(request_token)
            _request_id.reset(token)
        response["X-Request-ID"] = request_id
        return response


API_PATH = "/api/"


def is_api(request) -> bool:
    return request.path_info.startswith(API_PATH)


class LanguageMiddleware:
    """Dutch unless the user picked another language with the switch.

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language
    on pages: the product's users work in Dutch organisations on whatever
    computer is at hand, and the page language must not change with the
    browser's settings. The switch (``/i18n/setlang/``) stores the choice in the
    language cookie.

    The API has no switch: a client without that cookie asks for a language
    with Accept-Language (its error messages are then in that language);
    without either it is Dutch.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        api = is_api(request)
        if code not in self.languages:
            code = self._asked(request) if api else None
        code = code or settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = code
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", code)
        if api:
            patch_vary_headers(response, ("Accept-Language",))
        return response

    def _asked(self, request) -> str | None:
        """The first language of Accept-Language the site speaks, if any."""
        header = request.headers.get("Accept-Language", "")[:256]
        for accepted, _quality in parse_accept_lang_header(header):
            code = accepted.split("-")[0].lower()
            if code in self.languages:
                return code
        return None


class ApiVersionMiddleware:
    """Every API answer, errors included, names the API's full version in
    `API-Version` (settings.API_VERSION, also the schema's info.version)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if is_api(request):
            response["API-Version"] = settings.API_VERSION
        return response

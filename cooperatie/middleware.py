"""Request middleware of the web UI."""

from django.conf import settings
from django.utils import translation


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

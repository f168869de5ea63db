"""Error tracking with Sentry (or a Sentry-compatible service such as GlitchTip),
switched on by `SENTRY_DSN` (config/settings.py); the optional extra
`pip install ".[sentry]"` brings sentry-sdk.

Personal data stays here: no user identity, no request bodies, cookies, headers
or query strings, no local variables of the failing frames, and no breadcrumbs
of the security log (its lines name users). What is sent: the exception, its
stack (code only), the method and path of the request, the request id, the
environment and release.
"""

from __future__ import annotations

# Of a request, only these reach the tracker.
_REQUEST_KEPT = ("method", "url")
# Loggers whose lines name users: never breadcrumbs.
_PERSONAL_LOGGERS = frozenset({"coopsturing.security"})


def strip_personal_data(event: dict, hint: dict | None = None) -> dict:
    """`before_send`: the event without request data and user identity."""
    request = event.get("request")
    if isinstance(request, dict):
        event["request"] = {
            key: request[key] for key in _REQUEST_KEPT if key in request
        }
    event.pop("user", None)
    breadcrumbs = event.get("breadcrumbs")
    if isinstance(breadcrumbs, dict) and isinstance(breadcrumbs.get("values"), list):
        breadcrumbs["values"] = [
            crumb for crumb in breadcrumbs["values"] if keep_breadcrumb(crumb)
        ]
    return event


def keep_breadcrumb(crumb: dict, hint: dict | None = None) -> dict | None:
    """`before_breadcrumb`: drop the lines of loggers that name users."""
    return None if crumb.get("category") in _PERSONAL_LOGGERS else crumb


def _request_id_tag(event: dict, hint: dict | None = None) -> dict:
    from kern.middleware import current_request_id

    request_id = current_request_id()
    if request_id:
        event.setdefault("tags", {})["request_id"] = request_id
    return event


def before_send(event: dict, hint: dict | None = None) -> dict:
    return strip_personal_data(_request_id_tag(event, hint), hint)


def init_sentry(
    *, dsn: str, environment: str, release: str | None, traces_sample_rate: float
) -> None:
    try:
        import sentry_sdk
        from sentry_sdk.integrations.django import DjangoIntegration
    except ImportError as exc:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            'SENTRY_DSN is set but sentry-sdk is missing: pip install ".[sentry]".'
        ) from exc
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release,
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        traces_sample_rate=traces_sample_rate,
        before_send=before_send,
        before_send_transaction=strip_personal_data,
        before_breadcrumb=keep_breadcrumb,
        integrations=[DjangoIntegration()],
    )

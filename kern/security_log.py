"""The log of failed authorizations (logger ``coopsturing.security``).

Every request the site refuses for who is asking is one WARNING line: a page or
API call without a login (401), an object or organisation outside the user's
scope (404), a role that may not do it (403). The line names the user by id and
username, the method, the path without its query string (a search may hold a
name), the kind and the request id that journal entries carry too; never a
member's personal data. Operators watch it for probing: many 404s from one
user on ids that exist elsewhere are someone walking other tenants' ids.
"""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError

from kern.middleware import current_request_id

logger = logging.getLogger("coopsturing.security")

UNAUTHENTICATED = 401
FORBIDDEN = 403
OUT_OF_SCOPE = 404


def log_denied(request, kind: int, reason: str = "") -> None:
    """Log one refused request; `reason` is a short code, not user text."""
    user = getattr(request, "user", None)
    authenticated = bool(user is not None and user.is_authenticated)
    user_id = user.pk if authenticated else None
    username = user.get_username() if authenticated else ""
    request_id = current_request_id()
    logger.warning(
        "authorization failed: %s %s %s user=%s(%s) reason=%s request_id=%s",
        kind,
        request.method,
        request.path,
        user_id if user_id is not None else "-",
        username or "anonymous",
        reason or "-",
        request_id or "-",
        extra={
            "security_kind": kind,
            "security_method": request.method,
            "security_path": request.path,
            "security_user_id": user_id,
            "security_username": username,
            "security_reason": reason,
            "request_id": request_id,
        },
    )


def exists_outside_scope(queryset, **lookup) -> bool:
    """Whether an object that answered 404 exists in `queryset` (a manager or a
    queryset before the scope is applied), so the 404 came from the scope rather
    than from a wrong id (only then is it logged)."""
    try:
        return queryset.all().filter(**lookup).exists()
    except (ValueError, TypeError, ValidationError):  # an id the field cannot take
        return False


def log_second_factor(request, event: str, user, *, warning: bool = False) -> None:
    """One line for a user's second factor: enrolled, removed, recovery codes
    made anew, a session signed out because its sign-in epoch is past
    (`session_outdated`) (INFO), a wrong code or a sign-in with a recovery code
    (WARNING). Never the code or secret."""
    request_id = current_request_id()
    logger.log(
        logging.WARNING if warning else logging.INFO,
        "second factor: %s %s user=%s(%s) request_id=%s",
        event,
        request.path,
        user.pk,
        user.get_username(),
        request_id or "-",
        extra={
            "security_reason": event,
            "security_path": request.path,
            "security_user_id": user.pk,
            "security_username": user.get_username(),
            "request_id": request_id,
        },
    )


def log_single_sign_on(
    event: str, *, user_id: int | None = None, detail: str = "", refused: bool = True
) -> None:
    """One WARNING line of single sign-on: a sign-in or a session refused
    (`refused`, "single sign-on refused: <event>"), or a sign-in worth a look
    ("single sign-on: <event>", e.g. the provider's address of a known
    identity changed). `detail` is a short code or an account number, never an
    address or a token."""
    request_id = current_request_id()
    logger.warning(
        "single sign-on%s: %s user=%s detail=%s request_id=%s",
        " refused" if refused else "",
        event,
        user_id if user_id is not None else "-",
        detail or "-",
        request_id or "-",
        extra={
            "security_reason": event,
            "security_user_id": user_id,
            "request_id": request_id,
        },
    )

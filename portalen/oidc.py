"""Signing in through an OpenID Connect provider (mozilla-django-oidc), e.g.
Microsoft Entra ID, and checking the provider again while the session lasts.

Configured by the environment alone (config/settings.py, docs/sso.md): the
issuer's discovery document names the endpoints, fetched when first needed and
kept for an hour. The ID token is checked for its signature (the provider's
JWKS, one algorithm), nonce, expiry and issue time (each within KLOKVERSCHIL
of our clock), issuer, audience and, when it names several audiences or any
authorized party, `azp`; its subject (`sub`) and the e-mail address then
decide who signs in (`cooperatie.sso.user_for_sign_in`), and a completed
sign-in binds the subject to the account (`aanmelding.sign_in`). A refused
sign-in keeps a message for the login page and a line in the security log.
The token endpoint's answer must be a JSON object; anything else is refused
like a provider that cannot be reached.

While the session lasts, `hercontrole` asks the token endpoint for new tokens
with the session's refresh token every OIDC_HERCONTROLE_SECONDEN: a provider
that no longer accepts the user (disabled, sessions revoked, refresh token
withdrawn) refuses, and the session ends. This back-channel check works for
every request (POST and API calls too) without sending the browser away, which
a `prompt=none` redirect would.
"""

from __future__ import annotations

import threading
import time
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation
from django.utils.translation import gettext as _

import jwt
import requests
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from cooperatie.sso import MAX_SUB, SsoGeweigerdError, user_for_sign_in
from kern.security_log import log_single_sign_on

# Session keys: the refresh token, the moment of the next check, whether the
# provider said it checked a second factor (`amr` holds "mfa"), and the
# identity (issuer and `sub`) the sign-in came with.
SESSIE_REFRESH = "oidc_refresh_token"
SESSIE_HERCONTROLE = "oidc_hercontrole_op"
SESSIE_AMR_MFA = "oidc_amr_mfa"
SESSIE_IDENTITEIT = "oidc_identiteit"
SESSIE_SLEUTELS = (
    SESSIE_REFRESH,
    SESSIE_HERCONTROLE,
    SESSIE_AMR_MFA,
    SESSIE_IDENTITEIT,
)
# Set on a sign-in the backend refused, for the login page's message.
WEIGERING = "sso_weigering"

# How far the provider's clock may run ahead of ours, in seconds: an ID token
# issued later than this from now is refused.
KLOKVERSCHIL = 60
# The longest refresh token kept in the session (Entra ID's are some 2 KB).
MAX_REFRESH_TOKEN = 8192

_DISCOVERY_TTL = 3600
_discovery: dict[str, tuple[float, dict]] = {}
_discovery_lock = threading.Lock()


class ProviderError(Exception):
    """The provider's discovery document cannot be read or does not fit."""


def configured() -> bool:
    return bool(settings.OIDC_ISSUER and settings.OIDC_RP_CLIENT_ID)


def provider() -> dict:
    """The provider's discovery document (cached an hour per issuer)."""
    issuer = settings.OIDC_ISSUER
    with _discovery_lock:
        cached = _discovery.get(issuer)
        if cached and cached[0] > time.monotonic():
            return cached[1]
    url = f"{issuer}/.well-known/openid-configuration"
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise ProviderError(f"discovery {url}: {exc}") from exc
    needed = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")
    if not isinstance(document, dict) or any(
        not isinstance(document.get(key), str) for key in needed
    ):
        raise ProviderError(f"discovery {url}: {', '.join(needed)} are required")
    # OpenID Connect Discovery §4.3: the issuer must be the one asked.
    if document["issuer"].rstrip("/") != issuer:
        raise ProviderError(f"discovery {url}: issuer {document['issuer']!r}")
    with _discovery_lock:
        _discovery[issuer] = (time.monotonic() + _DISCOVERY_TTL, document)
    return document


def log_refused(request, reason: str, detail: str = "") -> None:
    """One security-log line for a sign-in or a session the provider refused."""
    user = getattr(request, "user", None)
    user_id = user.pk if user is not None and user.is_authenticated else None
    log_single_sign_on(reason, user_id=user_id, detail=detail)


def tokens_of(answer) -> dict:
    """The token endpoint's answer, read: a JSON object whose refresh token,
    when it gives one, is a string of bounded length. ValueError otherwise."""
    if not isinstance(answer, dict):
        raise ValueError("token endpoint answered no JSON object")
    refresh_token = answer.get("refresh_token")
    if refresh_token is not None and not (
        isinstance(refresh_token, str) and len(refresh_token) <= MAX_REFRESH_TOKEN
    ):
        raise ValueError("token endpoint answered an unusable refresh token")
    return answer


class Backend(OIDCAuthenticationBackend):
    """The authorization code flow's backend: answers only to the callback
    (a code and a state) and only when single sign-on is configured."""

    def __init__(self, *args, **kwargs):
        # The endpoints come from discovery, when a sign-in needs them; a
        # password sign-in (which also asks this backend) fetches nothing.
        self.UserModel = get_user_model()

    def _load_endpoints(self) -> None:
        document = provider()
        self.OIDC_OP_TOKEN_ENDPOINT = document["token_endpoint"]
        self.OIDC_OP_USER_ENDPOINT = document.get("userinfo_endpoint", "")
        self.OIDC_OP_JWKS_ENDPOINT = document["jwks_uri"]
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None

    def authenticate(self, request, **kwargs):
        if request is None or "nonce" not in kwargs or not configured():
            return None
        self.request = request
        try:
            self._load_endpoints()
            return super().authenticate(request, **kwargs)
        except (
            ProviderError,
            requests.RequestException,
            SuspiciousOperation,
            jwt.PyJWTError,
            ValueError,
            KeyError,
        ) as exc:
            log_refused(request, "provider", type(exc).__name__)
            return None

    def get_token(self, payload):
        token_info = tokens_of(super().get_token(payload))
        self._refresh_token = token_info.get("refresh_token")
        return token_info

    def retrieve_matching_jwk(self, token):
        """The provider's signing key for this token: the one its `kid`
        names, or the only one of the token's algorithm when it names none
        (OpenID Connect Core §10.1)."""
        header = jwt.get_unverified_header(token)
        response = requests.get(
            self.OIDC_OP_JWKS_ENDPOINT, timeout=settings.OIDC_TIMEOUT
        )
        response.raise_for_status()
        keys = [
            key
            for key in response.json().get("keys", [])
            if key.get("use", "sig") == "sig"
            and key.get("alg", header.get("alg")) == header.get("alg")
            and ("kid" not in header or key.get("kid") == header["kid"])
        ]
        if len(keys) != 1:
            raise SuspiciousOperation("no single signing key for the ID token")
        return jwt.PyJWK(keys[0])

    def get_payload_data(self, token, key):
        """The ID token's claims: signed with the provider's key in the one
        algorithm configured, with an expiry, an issue time and a subject;
        expiry, issue time and `nbf` hold within KLOKVERSCHIL (the provider's
        clock may run a little ahead of ours or behind it)."""
        return jwt.decode(
            token,
            key,
            algorithms=[self.OIDC_RP_SIGN_ALGO],
            options={"verify_aud": False, "require": ["exp", "iat", "sub"]},
            leeway=KLOKVERSCHIL,
        )

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        if "nonce" in kwargs:
            _require_ours(payload)
            self._id_claims = payload
        return payload

    def store_tokens(self, access_token, id_token):
        session = self.request.session
        claims = getattr(self, "_id_claims", {})
        session[SESSIE_REFRESH] = getattr(self, "_refresh_token", None) or ""
        amr = claims.get("amr") or []
        session[SESSIE_AMR_MFA] = isinstance(amr, list) and "mfa" in amr
        session[SESSIE_IDENTITEIT] = {
            "issuer": settings.OIDC_ISSUER,
            "sub": claims.get("sub"),
        }

    def get_userinfo(self, access_token, id_token, payload):
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT:
            userinfo = super().get_userinfo(access_token, id_token, payload)
            # OpenID Connect Core §5.3.4: the userinfo must be the ID token's
            # subject's.
            if not isinstance(userinfo, dict) or userinfo.get("sub") != payload["sub"]:
                raise SuspiciousOperation("userinfo of another subject")
            claims.update(userinfo)
        return claims

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        geverifieerd = claims.get("email_verified") is True or (
            settings.OIDC_EMAIL_VERTROUWD and "email_verified" not in claims
        )
        try:
            return user_for_sign_in(
                issuer=settings.OIDC_ISSUER,
                sub=payload["sub"],
                email=claims.get("email"),
                geverifieerd=geverifieerd,
            )
        except SsoGeweigerdError as exc:
            refuse(self.request, exc)
            return None

    def get_user(self, user_id):
        # Inactive accounts are no one (mozilla-django-oidc's own get_user
        # would return them).
        return ModelBackend.get_user(self, user_id)


def _require_ours(payload: dict) -> None:
    """The ID token is from our provider, for us (OpenID Connect Core
    §3.1.3.7): its issuer; our client among its audiences and, when it names
    others too or any authorized party, as its `azp`; issued no later than
    KLOKVERSCHIL from now (also with a library that does not check); a
    subject of at most MAX_SUB characters."""
    audience = payload.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    client_id = settings.OIDC_RP_CLIENT_ID
    if str(payload.get("iss", "")).rstrip("/") != settings.OIDC_ISSUER:
        raise SuspiciousOperation("ID token from another issuer")
    if client_id not in audiences:
        raise SuspiciousOperation("ID token for another client")
    if (len(audiences) > 1 or "azp" in payload) and payload.get("azp") != client_id:
        raise SuspiciousOperation("ID token authorized for another party")
    iat = payload.get("iat")
    if (
        not isinstance(iat, int | float)
        or isinstance(iat, bool)
        or iat > time.time() + KLOKVERSCHIL
    ):
        raise SuspiciousOperation("ID token issued in the future")
    sub = payload.get("sub")
    if not isinstance(sub, str) or not 0 < len(sub) <= MAX_SUB:
        raise SuspiciousOperation("ID token without a usable sub")


def refuse(request, exc: SsoGeweigerdError) -> None:
    """A sign-in `cooperatie.sso` refused: its message for the login page and
    a line in the security log."""
    setattr(request, WEIGERING, str(exc))
    log_refused(request, exc.reden, exc.detail)


def schedule_check(session) -> None:
    """The next check's moment, in the session (or the keys held for it)."""
    session[SESSIE_HERCONTROLE] = time.time() + settings.OIDC_HERCONTROLE_SECONDEN


def check_due(session) -> bool:
    """Whether the session's check at the provider is due: at its moment, or
    at once when it has none."""
    moment = session.get(SESSIE_HERCONTROLE)
    return not isinstance(moment, (int, float)) or time.time() >= moment


def hercontrole(request) -> bool:
    """Ask the provider whether this session's user still signs in: new tokens
    for the session's refresh token. True (and the next check scheduled) when
    it agrees; False when it refuses, cannot be reached, or no refresh token
    was given (then the session cannot be checked and ends)."""
    session = request.session
    refresh_token = session.get(SESSIE_REFRESH)
    if not refresh_token or not configured():
        log_refused(request, "no_refresh_token")
        return False
    try:
        response = requests.post(
            provider()["token_endpoint"],
            data={"grant_type": "refresh_token", "refresh_token": refresh_token},
            # HTTP Basic, the client authentication every server must take
            # (RFC 6749 §2.3.1: both parts form-encoded first).
            auth=(
                quote(settings.OIDC_RP_CLIENT_ID, safe=""),
                quote(settings.OIDC_RP_CLIENT_SECRET, safe=""),
            ),
            timeout=settings.OIDC_TIMEOUT,
        )
    except (ProviderError, requests.RequestException) as exc:
        log_refused(request, "refresh_unreachable", type(exc).__name__)
        return False
    if response.status_code != 200:
        log_refused(request, "refresh_refused", str(response.status_code))
        return False
    try:
        tokens = tokens_of(response.json())
    except ValueError as exc:
        log_refused(request, "refresh_invalid", type(exc).__name__)
        return False
    # A provider that rotates refresh tokens gives a new one.
    session[SESSIE_REFRESH] = tokens.get("refresh_token") or refresh_token
    schedule_check(session)
    return True


def refusal_message(request) -> str:
    return getattr(request, WEIGERING, "") or _(
        "Aanmelden via %(naam)s is niet gelukt; probeer het opnieuw of meld u "
        "aan met uw wachtwoord."
    ) % {"naam": settings.OIDC_NAAM}

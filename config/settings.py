"""Settings for the whole project, driven by environment variables.

Every variable has a documented default in `.env.example`; a new user needs none of
them: SQLite in the project folder and debug mode on.
"""

import os
import tempfile
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

import environ
from csp.constants import NONE, SELF

from config import kaart
from config.api_schema import spectacular_settings
from config.logboek import admins, cidr_ranges, logging_config
from config.media import media_storage
from kern.api.scopes import SCOPES as API_SCOPES

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=True)
_DEV_SECRET_KEY = "dev-only-insecure-key-change-me-in-production-0123456789"
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=_DEV_SECRET_KEY)
if not DEBUG and (
    SECRET_KEY == _DEV_SECRET_KEY
    or SECRET_KEY.startswith("django-insecure-")
    or len(SECRET_KEY) < 50
    or len(set(SECRET_KEY)) < 5
):
    raise ImproperlyConfigured(
        "DJANGO_DEBUG=false needs DJANGO_SECRET_KEY: a random string of at least "
        "50 characters (python -c 'import secrets; print(secrets.token_urlsafe(50))')."
    )
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "oauth2_provider",
    "django_tasks",
    "django_tasks_db",
    # Before kern, whose admin replaces django-otp's device admin.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "kern",
    "cooperatie",
    "afspraken",
    "ledger",
    "portalen",
    "portalen.beheer",
    "portalen.bestuur",
    "portalen.audit",
    "portalen.gemeente",
    "demo",
    "csp",
    "axes",
]

MIDDLEWARE = [
    # First: counts and times every request (kern/metrics.py).
    "kern.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside ConditionalGetMiddleware, so a 304 keeps the header too.
    "kern.middleware.ApiVersionMiddleware",
    # A GET whose If-None-Match names the answer's ETag gets 304 (an ETag the
    # view set, else one over the body, so it differs wherever the content does).
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kern.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "kern.middleware.RequestIdMiddleware",
    # A session at an older sign-in epoch than its user's is signed out; one
    # signed in through the identity provider is checked there again every
    # OIDC_HERCONTROLE_SECONDEN; then the second factor is required of those
    # MFA_VERPLICHT_VOOR names (portalen/middleware.py).
    "portalen.middleware.AanmeldtijdperkMiddleware",
    "portalen.middleware.SsoHercontroleMiddleware",
    "portalen.middleware.TweestapsVerplichtMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last: turns a locked-out login attempt into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portalen.context_processors.portal",
            ],
        },
    },
]

# Database: SQLite in the project folder unless DATABASE_URL says otherwise
# (postgres://user@host:5432/name selects PostgreSQL through psycopg 3).
DATABASES = {
    "default": env.db_url(
        "DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
    ),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the writer; IMMEDIATE takes the write lock at
    # BEGIN, so concurrent writers queue up instead of failing with
    # "database is locked" halfway through a transaction.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL;"
                "PRAGMA synchronous=NORMAL;"
                "PRAGMA foreign_keys=ON;"
            ),
        }
    )
    # Tests use a file (not memory) so that threads share it like real writers do;
    # one file per test process, so parallel runs never share a database.
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"coopsturing-test-{os.getpid()}.db")
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", 60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# PostgreSQL with two roles (docs/security.md, "Database roles"): DATABASE_URL
# names the runtime role that serves (no table ownership), DATABASE_OWNER_URL the
# role that owns the schema. `migrate`, `flush`, `restore` and `grant_runtime_role`
# connect as the owner (ledger/dbroles.py); everything else as the runtime role.
# Unset: one role does everything (SQLite, or a laptop's PostgreSQL).
DATABASE_OWNER = None
if env.str("DATABASE_OWNER_URL", default=""):
    _owner = env.db_url("DATABASE_OWNER_URL")
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured(
            "DATABASE_OWNER_URL is for PostgreSQL: DATABASE_URL must be a "
            "postgres:// URL too."
        )
    if _owner["ENGINE"] != DATABASES["default"]["ENGINE"] or (
        _owner["NAME"] != DATABASES["default"]["NAME"]
    ):
        raise ImproperlyConfigured(
            "DATABASE_OWNER_URL must name the same PostgreSQL database as "
            "DATABASE_URL (only the role differs)."
        )
    if _owner["USER"] == DATABASES["default"]["USER"]:
        raise ImproperlyConfigured(
            "DATABASE_OWNER_URL and DATABASE_URL name the same role: the runtime "
            "role of DATABASE_URL must not be the owner."
        )
    DATABASE_OWNER = {key: _owner[key] for key in ("USER", "PASSWORD", "HOST", "PORT")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background work (rendering reports) through Django's tasks API (the django-tasks
# backport; Django 6 ships it as `django.tasks`). By default a task runs at once in
# the process that enqueues it, so nobody needs a worker. With
# DJANGO_TASKS_BACKEND=database the database is the queue and
# `python manage.py db_worker` processes (on any number of machines) run the tasks.
_tasks_backends = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
_tasks_backend = env.str("DJANGO_TASKS_BACKEND", default="immediate").strip().lower()
if _tasks_backend not in _tasks_backends:
    raise ImproperlyConfigured(
        f"DJANGO_TASKS_BACKEND={_tasks_backend!r}: use one of "
        f"{', '.join(sorted(_tasks_backends))}."
    )
TASKS = {
    "default": {
        "BACKEND": _tasks_backends[_tasks_backend],
        "QUEUES": ["default"],
    }
}

# Login throttling (django-axes): its backend comes first and refuses a locked-out
# username+IP before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Sign-in through an OpenID Connect provider; answers only when OIDC_ISSUER
    # is set (portalen/oidc.py).
    "portalen.oidc.Backend",
]

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env.int("DJANGO_PASSWORD_MIN_LENGTH", default=10)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Password reset mails: printed on the console unless an SMTP server is configured
# (DJANGO_EMAIL_URL=smtp://user:password@host:587, see django-environ).
_email = env.email_url("DJANGO_EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "")
EMAIL_PORT = _email.get("EMAIL_PORT")
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env.str(
    "DJANGO_DEFAULT_FROM_EMAIL", default="coopsturing@localhost"
)


# Error mails (an unhandled exception, outside DEBUG) go to ADMINS, from
# SERVER_EMAIL.
ADMINS = admins(env.str("DJANGO_ADMINS", default=""))
SERVER_EMAIL = env.str("DJANGO_SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)

# The public address of the site: links in mail (invitations, notifications,
# reminders) are read outside any request, so they are built on this.
SITE_URL = env.str("DJANGO_SITE_URL", default="http://127.0.0.1:8000")
# An invitation link works once, for this many days.
UITNODIGING_GELDIGHEID_DAGEN = env.int("UITNODIGING_GELDIGHEID_DAGEN", default=7)
# `send_reminders` reminds the bestuur this many days before a year's deadline
# (and once on the day after it).
HERINNERING_DAGEN_VOOR_TERMIJN = env.int("HERINNERING_DAGEN_VOOR_TERMIJN", default=14)

# --- Single sign-on and the second factor (docs/sso.md) -------------------------
# OpenID Connect (e.g. Microsoft Entra ID): on when OIDC_ISSUER and
# OIDC_CLIENT_ID are set. The endpoints come from the issuer's discovery
# document. The provider never grants a role: a sign-in matches an account by
# its verified e-mail address, or takes up the open invitations to it.
OIDC_ISSUER = env.str("OIDC_ISSUER", default="").rstrip("/")
OIDC_RP_CLIENT_ID = env.str("OIDC_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("OIDC_CLIENT_SECRET", default="")
# offline_access asks for the refresh token the session is checked with.
OIDC_RP_SCOPES = env.str("OIDC_SCOPES", default="openid email profile offline_access")
OIDC_NAAM = env.str("OIDC_NAAM", default="SSO")
OIDC_RP_SIGN_ALGO = env.str("OIDC_SIGN_ALGO", default="RS256")
OIDC_USE_PKCE = True
OIDC_TIMEOUT = env.int("OIDC_TIMEOUT_SECONDEN", default=10)
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc-callback"
# Every this many seconds a signed-in session asks the provider for new tokens
# with its refresh token; a refusal (user disabled, sessions revoked) ends it.
OIDC_HERCONTROLE_SECONDEN = env.int("OIDC_HERCONTROLE_SECONDEN", default=15 * 60)
# Only when the provider itself enforces MFA and says so in the ID token's
# `amr` claim ("mfa"): such a sign-in counts as the second factor here.
OIDC_MFA_VERTROUWD = env.bool("OIDC_MFA_VERTROUWD", default=False)
# Entra ID sends no `email_verified`; set true when the provider only hands out
# addresses it manages itself (a single-tenant directory).
OIDC_EMAIL_VERTROUWD = env.bool("OIDC_EMAIL_VERTROUWD", default=False)

# TOTP (an authenticator app) with recovery codes, enrolled on the account
# page. Those named here must have it: any of beheerder, auditor, bestuur,
# superuser. Default: beheerders, auditors and superusers in production, nobody
# in debug mode (so the demo logins of `make run` work as they are).
MFA_VERPLICHT_VOOR = [
    naam.strip().lower()
    for naam in env.list(
        "MFA_VERPLICHT_VOOR",
        default=[] if DEBUG else ["beheerder", "auditor", "superuser"],
    )
    if naam.strip()
]
if set(MFA_VERPLICHT_VOOR) - {"beheerder", "auditor", "bestuur", "superuser"}:
    raise ImproperlyConfigured(
        f"MFA_VERPLICHT_VOOR={','.join(MFA_VERPLICHT_VOOR)}: use beheerder, "
        "auditor, bestuur or superuser (comma-separated), or leave it empty."
    )
OTP_TOTP_ISSUER = env.str("MFA_UITGEVER", default="Coöperatiesturing")
# Wrong codes wait 1, 2, 4, 8 … seconds (django-otp), per user.
OTP_TOTP_THROTTLE_FACTOR = 1

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"] if (BASE_DIR / "static").is_dir() else []
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "media")))

STORAGES = {
    # DJANGO_MEDIA_BACKEND=lokaal|s3|azure (config/media.py, docs/deploy.md).
    "default": media_storage(env),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Keep the X-Request-ID a trusted proxy sets (else every request gets a new id).
TRUST_REQUEST_ID_HEADER = env.bool("DJANGO_TRUST_REQUEST_ID", default=False)

# The map of gebouwen (config/kaart.py, docs/kaart.md): background tiles from
# this URL template, default the PDOK BRT achtergrondkaart; empty: no tiles.
KAART_TEGELS_URL = env.str("KAART_TEGELS_URL", default=kaart.STANDAARD_TEGELS_URL)
KAART_TEGELS_ATTRIBUTIE = env.str(
    "KAART_TEGELS_ATTRIBUTIE", default=kaart.STANDAARD_TEGELS_ATTRIBUTIE
)

# Evidence uploads (bijlagen): largest accepted file, in bytes.
BIJLAGE_MAX_BYTES = env.int("BIJLAGE_MAX_BYTES", default=10 * 1024 * 1024)

# A report to verify (the web form and POST /api/v1/rapporten/verifieer/): largest
# accepted file, in bytes. A sealed report is some tens of kilobytes; the API
# refuses a larger request body before it reads it.
VERIFIEER_MAX_BYTES = env.int("VERIFIEER_MAX_BYTES", default=20 * 1024 * 1024)

# --- Security -------------------------------------------------------------------
# Content-Security-Policy (django-csp), on in every environment so that the browser
# tests prove the UI works under it: no inline scripts or styles, nothing from
# other sites (but the map's tile server, KAART_TEGELS_URL), no framing. The API
# docs page relaxes style-src for itself (config/urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "img-src": kaart.img_src(KAART_TEGELS_URL),
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Login throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one
# username from one IP address, that pair is locked out for AXES_COOLOFF_MINUTES;
# a successful login resets the count.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "config.security.lockout"
AXES_VERBOSE = False


def _proxy_ssl_header(value: str) -> tuple[str, str] | None:
    """DJANGO_SECURE_PROXY_SSL_HEADER: the header a TLS-terminating proxy sets,
    as Django's META key (HTTP_X_FORWARDED_PROTO) or as sent
    (X-Forwarded-Proto), optionally with the value meaning HTTPS after a comma
    (default https)."""
    header, _, secure_value = value.partition(",")
    header = header.strip().upper().replace("-", "_")
    if not header:
        return None
    if not header.startswith("HTTP_"):
        header = f"HTTP_{header}"
    return header, secure_value.strip() or "https"


if not DEBUG:
    # Production: HTTPS only. Behind a TLS-terminating proxy set
    # DJANGO_SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO (the header the proxy
    # sets to "https"; the proxy must overwrite it on every request).
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    # Load balancers, monitors and Prometheus ask the app servers directly, over
    # plain HTTP inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^gezondheid/", r"^metrics$"]
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool(
        "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True
    )
    # Preloading asks browsers to use HTTPS before the first visit; a site that
    # opts out on purpose (DJANGO_SECURE_HSTS_PRELOAD=false) silences the check.
    SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    if _proxy_header := _proxy_ssl_header(
        env.str("DJANGO_SECURE_PROXY_SSL_HEADER", default="")
    ):
        SECURE_PROXY_SSL_HEADER = _proxy_header
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # First, so an anonymous request answers 401 with WWW-Authenticate.
        "cooperatie.api.authentication.ApiTokenAuthentication",
        # A machine client's OAuth2 access token (`Bearer csc_…`).
        "cooperatie.api.authentication.ClientCredentialsAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Signed in, and a machine client only within its scopes (on every view:
    # a view without a resource group refuses clients).
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "kern.api.oauth.ClientScopePermission",
    ],
    "DEFAULT_PAGINATION_CLASS": "kern.api.pagination.Pagination",
    # DRF's JSON, written by orjson; the browsable API (DEBUG only) as before.
    "DEFAULT_RENDERER_CLASSES": [
        "kern.api.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    # JSON bodies bounded in size and nesting (a 400 or 413, never a 500).
    "DEFAULT_PARSER_CLASSES": [
        "kern.api.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Every error as problem details (RFC 9457), application/problem+json.
    "EXCEPTION_HANDLER": "kern.api.problems.exception_handler",
    "ORDERING_PARAM": "ordering",
    # JSON only outside DEBUG: the browsable API's inline styles break the CSP.
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "kern.api.negotiation.JsonOutsideDebug",
}

# The API's version (semantic versioning): every API answer carries it in the
# API-Version header, the schema in info.version; the major is in the URL (/v1).
API_VERSION = "1.0.0"
# The schema (config/api_schema.py): its server URL and contact from
# API_SERVER_URL and API_CONTACT_* (docs/api.md).
SPECTACULAR_SETTINGS = spectacular_settings(
    env, version=API_VERSION, sender=DEFAULT_FROM_EMAIL, site_url=SITE_URL
)

# --- Logs, metrics, errors -----------------------------------------------------
# Log lines on stderr (kern/logformat.py), each with the request id and user id:
# DJANGO_LOG_FORMAT=json, one JSON object per line for a log collector (default
# outside DEBUG), or tekst, a readable line (default in DEBUG).
LOG_FORMAT = (
    env.str("DJANGO_LOG_FORMAT", default="tekst" if DEBUG else "json").strip().lower()
)
if LOG_FORMAT not in ("json", "tekst"):
    raise ImproperlyConfigured(f"DJANGO_LOG_FORMAT={LOG_FORMAT!r}: use json or tekst.")
LOG_LEVEL = env.str("DJANGO_LOG_LEVEL", "INFO")
LOGGING = logging_config(log_format=LOG_FORMAT, log_level=LOG_LEVEL)

# AVG (GDPR) retention: `manage.py purge_members` erases the personal data of
# members whose membership ended more than this many years ago (docs/privacy.md).
AVG_BEWAARTERMIJN_JAREN = env.int("AVG_BEWAARTERMIJN_JAREN", default=7)

# API tokens stop working this many days after they are made (and at once when
# their user's password changes; docs/security.md).
API_TOKEN_GELDIGHEID_DAGEN = env.int("API_TOKEN_GELDIGHEID_DAGEN", default=90)

# Machine clients (docs/security.md): OAuth2 client credentials through
# django-oauth-toolkit, the token endpoint at /api/v1/oauth/token/. A beheerder
# registers a client for its corporatie (cooperatie.koppelingen); no other grant
# is accepted. Access tokens live OAUTH2_TOKEN_GELDIGHEID_SECONDEN (default one
# hour) and are stored as a SHA-256 only; client secrets as a password hash.
OAUTH2_PROVIDER = {
    "SCOPES": API_SCOPES,
    "SCOPES_BACKEND_CLASS": "cooperatie.oauth.ClientScopes",
    "OAUTH2_VALIDATOR_CLASS": "cooperatie.oauth.ClientCredentialsValidator",
    # A token endpoint of the client-credentials grant alone: a request of
    # another grant is refused before any of its parameters is read (the
    # password grant would check a user's password).
    "OAUTH2_SERVER_CLASS": "oauthlib.oauth2.BackendApplicationServer",
    "ACCESS_TOKEN_GENERATOR": "cooperatie.oauth.access_token",
    "ACCESS_TOKEN_EXPIRE_SECONDS": env.int(
        "OAUTH2_TOKEN_GELDIGHEID_SECONDEN", default=3600
    ),
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
    # No refresh token is issued (client credentials); should one ever be,
    # a replayed one ends its family.
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    # RFC 9700 (OAuth 2.0 Security Best Current Practice), all enforced: no
    # implicit or password grant, no token in a query string, tokens hashed.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_MATCHING": True,
    "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
}
# django-oauth-toolkit's own model, named because cooperatie.ApiClient refers to
# it (a swappable model's migrations read this setting).
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"

# Journal checkpoints (docs/journal.md): the Ed25519 key that signs the chain
# heads lives in a file, never in the database. `manage.py journaal_sleutel`
# makes one; keep it readable only by the application user, and ship its public
# half (and the checkpoints) to wherever the auditor or operator keeps them.
JOURNAAL_SLEUTEL = env.str(
    "JOURNAAL_SLEUTEL", default=str(BASE_DIR / "var" / "journaal-ed25519.pem")
)
# On a machine that only verifies: the public key to trust (PEM). Empty: the
# public half of JOURNAAL_SLEUTEL.
JOURNAAL_PUBLIEKE_SLEUTEL = env.str("JOURNAAL_PUBLIEKE_SLEUTEL", default="")

# Prometheus (GET /metrics, config/metrics.py): a scraper shows METRICS_TOKEN as
# bearer token, or connects straight (not through the proxy) from an address in
# METRICS_TOEGESTANE_ADRESSEN (comma-separated CIDR ranges). Neither set: 404.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
if METRICS_TOKEN and len(METRICS_TOKEN) < 32:
    raise ImproperlyConfigured(
        "METRICS_TOKEN must be at least 32 random characters "
        "(python -c 'import secrets; print(secrets.token_urlsafe(32))')."
    )
METRICS_TOEGESTANE_ADRESSEN = cidr_ranges(
    "METRICS_TOEGESTANE_ADRESSEN", env.list("METRICS_TOEGESTANE_ADRESSEN", default=[])
)

# Readiness (/gezondheid/gereed/) fails when the oldest ready background task
# has waited longer than this many seconds.
GEZONDHEID_MAX_WACHTRIJ_SECONDEN = env.int(
    "GEZONDHEID_MAX_WACHTRIJ_SECONDEN", default=300
)

# Error tracking (config/sentry.py): on when SENTRY_DSN is set, without personal
# data. Needs the optional extra: pip install ".[sentry]".
if SENTRY_DSN := env.str("SENTRY_DSN", default=""):
    from config.sentry import init_sentry

    init_sentry(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="productie"),
        release=env.str("SENTRY_RELEASE", default="") or None,
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )

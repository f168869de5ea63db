"""Hardened deployment: production settings pass `check --deploy`, the example
env files work behind the proxy, media storage and error mails are configured by
the environment, the systemd units name real commands, the
Content-Security-Policy, login throttling and error pages that leak nothing.
(Health endpoints: tests/test_health.py.)"""

from __future__ import annotations

import json
import os
import secrets
import shlex
import subprocess
import sys
from pathlib import Path

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import path

import pytest

from tests.cooperatie.factories import PASSWORD

BASE_DIR = Path(__file__).resolve().parent.parent
LOGIN = "/accounts/login/"


def run_django(args: list[str], **env: str) -> subprocess.CompletedProcess:
    """Run `python <args>` in the project folder with these environment variables
    (and none of the DJANGO_* ones of the test process)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    clean.pop("DATABASE_URL", None)
    clean.pop("DATABASE_OWNER_URL", None)
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env={"DJANGO_SETTINGS_MODULE": "config.settings", **clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_env(**extra: str) -> dict[str, str]:
    return {
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "coop.example.nl",
        **extra,
    }


# --- Production settings -----------------------------------------------------------


def test_production_settings_pass_check_deploy_without_warnings(journaal_sleutel):
    result = run_django(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        **production_env(JOURNAAL_SLEUTEL=str(journaal_sleutel)),
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)" in output
    assert "WARNING" not in output


def test_check_deploy_warns_without_the_journal_checkpoint_key(tmp_path):
    result = run_django(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        **production_env(JOURNAAL_SLEUTEL=str(tmp_path / "ontbreekt.pem")),
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "kern.W001" in output
    assert "journaal_sleutel" in output


def test_production_refuses_to_start_without_a_long_secret_key():
    env = production_env()
    del env["DJANGO_SECRET_KEY"]
    missing = run_django(["manage.py", "check"], **env)
    short = run_django(["manage.py", "check"], **{**env, "DJANGO_SECRET_KEY": "kort"})
    for result in (missing, short):
        assert result.returncode != 0
        assert "DJANGO_SECRET_KEY" in result.stderr


def test_the_owner_role_must_own_the_same_postgresql_database_as_another_role():
    """DATABASE_OWNER_URL names the owner role of DATABASE_URL's database; the
    runtime role of DATABASE_URL may not be that owner (docs/security.md)."""
    app = "postgres://coopsturing_app@127.0.0.1:5432/coopsturing"
    owner = "postgres://coopsturing_owner@127.0.0.1:5432/coopsturing"
    cases = {
        "DATABASE_URL must be a postgres:// URL": {"DATABASE_OWNER_URL": owner},
        "the same PostgreSQL database": {
            "DATABASE_URL": app,
            "DATABASE_OWNER_URL": owner + "_ander",
        },
        "name the same role": {"DATABASE_URL": owner, "DATABASE_OWNER_URL": owner},
    }
    for message, env in cases.items():
        result = run_django(["-c", "import config.settings"], **env)
        assert result.returncode != 0
        assert message in result.stderr
    accepted = run_django(
        ["-c", "from config import settings; print(settings.DATABASE_OWNER['USER'])"],
        DATABASE_URL=app,
        DATABASE_OWNER_URL=owner,
    )
    assert accepted.stdout.strip() == "coopsturing_owner", accepted.stderr


def test_password_validators_refuse_short_common_and_numeric_passwords():
    for weak in ("kort", "password123", "12345678901"):
        with pytest.raises(ValidationError):
            validate_password(weak)
    validate_password("Zonnebloem-Akker-42")


# --- Environment examples, proxy, media, admins ------------------------------------

ENV_EXAMPLES = (
    BASE_DIR / ".env.example",
    BASE_DIR / "docs/deploy/coopsturing.env.example",
)


def example_values(path: Path, *, commented: bool = False) -> dict[str, str]:
    """KEY=VALUE lines of an example env file; `commented`: also the lines
    written as `# KEY=VALUE` (the optional settings)."""
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        text = line.strip()
        if commented and text.startswith("# "):
            text = text[2:]
        key, sep, value = text.partition("=")
        if sep and key.isupper() and " " not in key and not key.startswith("#"):
            values.setdefault(key, value)
    return values


IS_SECURE = (
    "import django; django.setup()\n"
    "from django.test import RequestFactory\n"
    "rf = RequestFactory()\n"
    "for proto in ('https', 'http'):\n"
    "    print(rf.get('/', headers={'X-Forwarded-Proto': proto}).is_secure())\n"
)


def test_the_env_examples_proxy_header_makes_https_requests_secure():
    """Behind the TLS proxy `request.is_secure()` must be True, or the HTTPS
    redirect loops: the production example file as it is, and the proxy line of
    .env.example with production settings."""
    deploy = example_values(ENV_EXAMPLES[1])
    assert deploy["DJANGO_SECURE_PROXY_SSL_HEADER"] == "HTTP_X_FORWARDED_PROTO"
    local = example_values(ENV_EXAMPLES[0], commented=True)
    assert local["DJANGO_SECURE_PROXY_SSL_HEADER"] == "HTTP_X_FORWARDED_PROTO"
    for env in (
        deploy,
        production_env(
            DJANGO_SECURE_PROXY_SSL_HEADER=local["DJANGO_SECURE_PROXY_SSL_HEADER"]
        ),
    ):
        result = run_django(["-c", IS_SECURE], **env)
        assert result.stdout.split() == ["True", "False"], result.stderr


def test_the_proxy_header_may_be_written_as_sent_or_with_its_value():
    for value in ("X-Forwarded-Proto", "HTTP_X_FORWARDED_PROTO,https"):
        result = run_django(
            ["-c", IS_SECURE], **production_env(DJANGO_SECURE_PROXY_SSL_HEADER=value)
        )
        assert result.stdout.split() == ["True", "False"], result.stderr


PRINT_STORAGE = (
    "import django, json; django.setup()\n"
    "from django.conf import settings\n"
    "print(json.dumps(settings.STORAGES['default']))\n"
)

S3_ENV = {
    "DJANGO_MEDIA_BACKEND": "s3",
    "S3_BUCKET": "coopsturing-media",
    "S3_ENDPOINT_URL": "https://s3.example-cloud.nl",
    "S3_REGION": "nl-ams",
    "S3_ACCESS_KEY_ID": "sleutel-id",
    "S3_SECRET_ACCESS_KEY": "geheim",
}


def storage_settings(**env: str) -> dict:
    result = run_django(["-c", PRINT_STORAGE], **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_media_on_s3_is_configured_by_the_environment_alone():
    storage = storage_settings(**S3_ENV)
    assert storage == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": "coopsturing-media",
            "endpoint_url": "https://s3.example-cloud.nl",
            "region_name": "nl-ams",
            "access_key": "sleutel-id",
            "secret_key": "geheim",
            "location": "media",
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 60,
            "file_overwrite": False,
            "object_parameters": {"ServerSideEncryption": "AES256"},
        },
    }


AZURE_ENV = {
    "DJANGO_MEDIA_BACKEND": "azure",
    "AZURE_ACCOUNT_NAME": "coopsturing",
    "AZURE_ACCOUNT_KEY": "c2xldXRlbA==",
    "AZURE_CONTAINER": "media",
}


def test_media_on_azure_is_configured_by_the_environment_alone():
    storage = storage_settings(**AZURE_ENV)
    assert storage["BACKEND"] == "storages.backends.azure_storage.AzureStorage"
    assert storage["OPTIONS"] == {
        "azure_container": "media",
        "account_name": "coopsturing",
        "account_key": "c2xldXRlbA==",
        "location": "media",
        "expiration_secs": 60,
        "overwrite_files": False,
    }


@pytest.mark.parametrize(
    ("env", "module", "checks"),
    [
        (
            S3_ENV,
            "storages.backends.s3",
            {
                "bucket_name": "coopsturing-media",
                "endpoint_url": "https://s3.example-cloud.nl",
                "location": "media",
                "file_overwrite": False,
                "default_acl": "private",
            },
        ),
        (
            AZURE_ENV,
            "storages.backends.azure_storage",
            {"azure_container": "media", "location": "media", "overwrite_files": False},
        ),
    ],
    ids=["s3", "azure"],
)
def test_the_storage_library_takes_the_options(env, module, checks):
    """With the extra installed (`.[s3]`, `.[azure]`), the backend the settings
    name is made from their options as they are (no network needed)."""
    storage = storage_settings(**env)
    backend_module = pytest.importorskip(module)
    backend = getattr(backend_module, storage["BACKEND"].rsplit(".", 1)[1])(
        **storage["OPTIONS"]
    )
    assert {name: getattr(backend, name) for name in checks} == checks


def test_media_defaults_to_the_local_folder_and_refuses_what_it_cannot_use():
    assert storage_settings() == {
        "BACKEND": "django.core.files.storage.FileSystemStorage"
    }
    for env, named in (
        ({"DJANGO_MEDIA_BACKEND": "ftp"}, "DJANGO_MEDIA_BACKEND"),
        ({k: v for k, v in S3_ENV.items() if k != "S3_BUCKET"}, "S3_BUCKET"),
        ({"DJANGO_MEDIA_BACKEND": "azure", "AZURE_CONTAINER": "m"}, "AZURE_ACCOUNT"),
    ):
        result = run_django(["-c", PRINT_STORAGE], **env)
        assert result.returncode != 0
        assert named in result.stderr


def test_admins_and_server_email_come_from_the_environment():
    script = (
        "from config import settings\nprint(settings.ADMINS, settings.SERVER_EMAIL)\n"
    )
    result = run_django(
        ["-c", script],
        DJANGO_ADMINS='"Jansen, P." <p.jansen@example.nl>, ops@example.nl',
        DJANGO_SERVER_EMAIL="fouten@example.nl",
    )
    assert result.stdout.strip() == (
        "[('Jansen, P.', 'p.jansen@example.nl'), ('', 'ops@example.nl')] "
        "fouten@example.nl"
    ), result.stderr
    wrong = run_django(["-c", script], DJANGO_ADMINS="Beheer <geen-adres>")
    assert wrong.returncode != 0
    assert "DJANGO_ADMINS" in wrong.stderr


# --- systemd units -----------------------------------------------------------------

UNITS = BASE_DIR / "docs" / "deploy"


def test_every_management_command_in_a_unit_exists_and_takes_its_arguments(settings):
    from django.core.management import get_commands, load_command_class

    # As on the machines that run them (db_worker needs the database queue).
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    commands = get_commands()
    found = set()
    for unit in sorted(UNITS.glob("*.service")):
        text = unit.read_text(encoding="utf-8").replace("\\\n", " ")
        for line in text.splitlines():
            if not line.startswith("ExecStart=") or "manage.py" not in line:
                continue
            words = shlex.split(line.removeprefix("ExecStart="))
            if words[0] == "/bin/sh":  # a shell line: the command in its script
                words = shlex.split(words[-1].replace("$$", "$"))
            name, *arguments = words[words.index("manage.py") + 1 :]
            assert name in commands, f"{unit.name}: no command {name}"
            command = load_command_class(commands[name], name)
            command.create_parser("manage.py", name).parse_args(arguments)
            found.add(name)
    assert {
        "db_worker",
        "send_reminders",
        "purge_members",
        "backup",
        "export_checkpoint",
    } <= found


def test_every_timer_starts_a_oneshot_service_of_its_name():
    timers = sorted(UNITS.glob("*.timer"))
    assert len(timers) == 4
    for timer in timers:
        service = timer.with_suffix(".service")
        assert service.exists(), service.name
        assert "Type=oneshot" in service.read_text(encoding="utf-8")
        text = timer.read_text(encoding="utf-8")
        assert "OnCalendar=" in text
        assert "Persistent=true" in text
        assert "WantedBy=timers.target" in text
    documented = (BASE_DIR / "docs" / "deploy.md").read_text(encoding="utf-8")
    for unit in [*timers, *UNITS.glob("*.service")]:
        assert unit.name in documented, f"docs/deploy.md does not name {unit.name}"


# --- Content-Security-Policy -------------------------------------------------------


def test_every_page_has_the_content_security_policy(client, world):
    client.force_login(world.a.beheerder)
    response = client.get("/", follow=True)
    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    directives = dict(
        ([*part.strip().split(" ", 1), ""])[:2] for part in policy.split(";")
    )
    assert directives["default-src"] == "'self'"
    # Images from the site, data: URLs and the map's tile server alone.
    assert directives["img-src"] == "'self' data: https://service.pdok.nl"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert directives["base-uri"] == "'self'"
    assert "unsafe-inline" not in policy
    assert response.headers["X-Frame-Options"] == "DENY"


def test_api_docs_load_their_start_script_as_a_file(client, world):
    """Swagger UI under the policy: no inline script; only the docs page allows
    inline styles (Swagger UI sets them)."""
    client.force_login(world.a.beheerder)
    page = client.get("/api/v1/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<script>" not in html
    assert "SwaggerUIBundle(" not in html
    assert "style-src 'self' 'unsafe-inline'" in page.headers["Content-Security-Policy"]
    assert "script-src" not in page.headers["Content-Security-Policy"]
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200
    assert script.headers["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle(" in script.content.decode()
    assert "/api/v1/schema/" in script.content.decode()


# --- Login throttling (django-axes) ------------------------------------------------


def attempt(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def test_after_five_wrong_passwords_even_the_right_one_is_refused(client, world):
    user = world.a.bestuur
    for _ in range(4):
        response = attempt(client, user.username, "fout-wachtwoord")
        assert response.status_code == 200
        assert "Gebruikersnaam of wachtwoord klopt niet" in response.content.decode()
    assert attempt(client, user.username, "fout-wachtwoord").status_code == 429
    response = attempt(client, user.username, PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Aanmelden tijdelijk geblokkeerd" in page
    assert "Probeer het over 15 minuten opnieuw" in page
    assert "Traceback" not in page
    assert "_auth_user_id" not in client.session


def test_a_lockout_does_not_affect_another_user(client, world):
    for _ in range(6):
        attempt(client, world.a.bestuur.username, "fout-wachtwoord")
    response = attempt(client, world.a.beheerder.username, PASSWORD)
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == world.a.beheerder.pk


def test_a_successful_login_resets_the_count(client, world):
    user = world.a.auditor
    for _ in range(4):
        attempt(client, user.username, "fout-wachtwoord")
    assert attempt(client, user.username, PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    for _ in range(4):
        attempt(client, user.username, "fout-wachtwoord")
    assert attempt(client, user.username, PASSWORD).status_code == 302


# --- Error pages -------------------------------------------------------------------


def broken_view(request):
    raise RuntimeError("geheime-details-uit-de-code")


urlpatterns = [path("kapot/", broken_view)]


def test_an_exception_gives_the_generic_500_page(settings, db, mailoutbox):
    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__
    settings.ADMINS = [("Beheer", "beheer@example.nl")]
    client = Client(raise_request_exception=False)
    response = client.get("/kapot/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Er ging iets mis" in page
    assert "geheime-details-uit-de-code" not in page
    assert "RuntimeError" not in page
    assert "Traceback" not in page
    assert settings.SECRET_KEY not in page
    assert "SECRET_KEY" not in page
    # The error mail to ADMINS (logger django.request through mail_admins).
    (mail,) = mailoutbox
    assert mail.to == ["beheer@example.nl"]
    assert "RuntimeError" in mail.body
    assert mail.from_email == settings.SERVER_EMAIL


def test_an_unknown_address_gives_the_generic_404_page(client, settings, db):
    settings.DEBUG = False
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "<h1>" in page
    assert "config.urls" not in page
    assert "Using the URLconf" not in page

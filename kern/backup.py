"""Backup and restore of the whole system: the database and the media files
(sealed report PDFs, evidence, signed agreements) in one archive.

An archive is a `.tar.gz` with `manifest.json` (the SHA-256 of every file in it and
of the database's canonical content), the database and `media/`:

- SQLite: `database.sqlite3`, a consistent copy made with SQLite's online backup
  API while writers keep working;
- PostgreSQL: `database.pgdump` (`pg_dump -Fc`), or `database.json`
  (a JSON export of every row through Django's serializers) when `pg_dump`
  is not installed.

A restore copies rows as they are: no row is saved through the models, so the
journal's hash chain, the sealed reports' records and the append-only triggers
stay exactly as they were.
"""

from __future__ import annotations

import datetime
import decimal
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils.translation import gettext as _

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA_DIR = "media"

# Tables a freshly migrated database already fills: they do not make it "in use".
_SETUP_TABLES = frozenset(
    {"django_migrations", "django_content_type", "auth_permission"}
)


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why."""


@dataclass(frozen=True)
class Restored:
    archive: Path
    method: str
    media_files: int
    content_sha256: str


# Canonical content -----------------------------------------------------------


def _models():
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed
        and not model._meta.proxy
        and getattr(model, "IN_BACKUP", True)
    ]


class _Encoder(json.JSONEncoder):
    """JSON for database values without loss (DjangoJSONEncoder cuts datetimes to
    milliseconds, and the journal's hashes cover the microseconds)."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.date | datetime.time):
            return o.isoformat()
        if isinstance(o, decimal.Decimal | uuid.UUID):
            return str(o)
        if isinstance(o, bytes | memoryview):
            return bytes(o).hex()
        return super().default(o)


def canonical_export() -> bytes:
    """Every row of every table as JSON, tables by name and rows by primary key:
    the same bytes for the same content, whatever the file layout."""
    tables = {}
    for model in sorted(_models(), key=lambda m: m._meta.db_table):
        columns = [field.attname for field in model._meta.concrete_fields]
        order = ["pk"]
        if model._meta.auto_created:
            # A many-to-many link is its two ends; its own id is an accident of
            # insertion order (a JSON restore numbers the links anew).
            columns = [c for c in columns if c != model._meta.pk.attname]
            order = columns
        rows = model._base_manager.order_by(*order).values_list(*columns)
        tables[model._meta.db_table] = {"columns": columns, "rows": list(rows)}
    return json.dumps(
        tables, cls=_Encoder, sort_keys=True, separators=(",", ":")
    ).encode()


def content_sha256() -> str:
    return hashlib.sha256(canonical_export()).hexdigest()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def media_manifest(root: Path) -> dict[str, str]:
    """SHA-256 per media file, by path relative to the media folder."""
    if not root.is_dir():
        return {}
    return {
        path.relative_to(root).as_posix(): sha256_file(path)
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


# Backup ------------------------------------------------------------------------


def _pg_env() -> tuple[list[str], dict[str, str]]:
    params = connection.settings_dict
    args = []
    if params.get("HOST"):
        args += ["-h", str(params["HOST"])]
    if params.get("PORT"):
        args += ["-p", str(params["PORT"])]
    if params.get("USER"):
        args += ["-U", str(params["USER"])]
    env = dict(os.environ)
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = str(params["PASSWORD"])
    return args, env


def _dump_database(staging: Path, method: str) -> str:
    """Write the database into `staging`; return the file name."""
    if method == "sqlite":
        target = staging / "database.sqlite3"
        # SQLite refuses a backup from a connection in a write transaction, so a
        # second connection copies the last committed state: the one this
        # transaction, holding the write lock, also sees.
        source = sqlite3.connect(connection.settings_dict["NAME"], timeout=20)
        destination = sqlite3.connect(target)
        try:
            source.backup(destination)
        finally:
            destination.close()
            source.close()
        return target.name
    if method == "pg_dump":
        target = staging / "database.pgdump"
        args, env = _pg_env()
        # pg_dump reads the snapshot of this transaction, the one the content
        # digest is taken from, so both see the same rows under live writers.
        snapshot = []
        if len(connection.atomic_blocks) == 1:  # our own, outermost transaction
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = [f"--snapshot={cursor.fetchone()[0]}"]
        subprocess.run(
            [
                "pg_dump",
                "-Fc",
                "--no-owner",
                "--no-acl",
                *snapshot,
                *args,
                "-f",
                str(target),
                connection.settings_dict["NAME"],
            ],
            check=True,
            env=env,
            capture_output=True,
        )
        return target.name
    target = staging / "database.json"
    rows = []
    for model in _models():
        if not model._meta.auto_created:
            rows += serializers.serialize("python", model._base_manager.order_by("pk"))
    target.write_text(json.dumps(rows, cls=_Encoder), encoding="utf-8")
    return target.name


def default_method() -> str:
    if connection.vendor == "sqlite":
        return "sqlite"
    if connection.vendor == "postgresql" and shutil.which("pg_dump"):
        return "pg_dump"
    return "json"


def _private_folder(folder: Path) -> None:
    """Create `folder` (and its missing parents) readable by the owner only,
    whatever the umask; an existing folder is left as it is."""
    missing = []
    current = folder
    while not current.exists():
        missing.append(current)
        current = current.parent
    for path in reversed(missing):
        path.mkdir(mode=0o700, exist_ok=True)
        os.chmod(path, 0o700)


def _private_file(path: Path):
    """A new file open for writing, mode 0600 whatever the umask: the archive
    holds every member's personal data and the password hashes."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.fchmod(descriptor, 0o600)
    return os.fdopen(descriptor, "wb")


def backup(uit: Path, *, method: str | None = None) -> Path:
    """Write a timestamped archive into the folder `uit`; return its path. The
    archive is 0600 and a folder this creates 0700."""
    method = method or default_method()
    if method == "sqlite" and connection.vendor != "sqlite":
        raise BackupError(
            _("Voor de SQLite-methode moet de database een SQLite-database zijn.")
        )
    _private_folder(uit)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    archive = uit / f"coopsturing-backup-{stamp}.tar.gz"
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="coopsturing-backup-") as tmp:
        staging = Path(tmp)
        # The transaction keeps writers out (SQLite: the write lock of an
        # IMMEDIATE transaction; PostgreSQL: one exported snapshot), so the copy
        # and the content digest see the same database.
        with transaction.atomic():
            database_file = _dump_database(staging, method)
            digest = content_sha256()
        if media_root.is_dir():
            shutil.copytree(media_root, staging / MEDIA_DIR)
        files = {database_file: sha256_file(staging / database_file)}
        files.update(
            {
                f"{MEDIA_DIR}/{name}": sha
                for name, sha in media_manifest(staging / MEDIA_DIR).items()
            }
        )
        manifest = {
            "formaat": FORMAT,
            "gemaakt": datetime.datetime.now(datetime.UTC).isoformat(),
            "database": {
                "soort": connection.vendor,
                "methode": method,
                "bestand": database_file,
            },
            "inhoud_sha256": digest,
            "bestanden": files,
        }
        (staging / MANIFEST).write_text(
            json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8"
        )
        partial = archive.with_suffix(".partial")
        with (
            _private_file(partial) as out,
            tarfile.open(fileobj=out, mode="w:gz") as tar,
        ):
            for path in sorted(staging.rglob("*")):
                if path.is_file():
                    tar.add(path, arcname=path.relative_to(staging).as_posix())
        partial.rename(archive)
    return archive


# Restore -----------------------------------------------------------------------


def database_in_use() -> bool:
    """Whether any table holds rows beyond what a migration itself creates."""
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for model in _models():
            table = model._meta.db_table
            if table in _SETUP_TABLES or table not in existing:
                continue
            cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")
            if cursor.fetchone():
                return True
    return False


def _extract(archive: Path, into: Path) -> dict:
    try:
        with tarfile.open(archive, "r:*") as tar:
            tar.extractall(into, filter="data")
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(
            _("%(archive)s is geen leesbaar backup-archief: %(error)s")
            % {"archive": archive, "error": exc}
        ) from exc
    try:
        manifest = json.loads((into / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(_("Het archief heeft geen geldig manifest.")) from exc
    if manifest.get("formaat") != FORMAT:
        raise BackupError(_("Onbekend archiefformaat."))
    listed = manifest.get("bestanden", {})
    present = {
        path.relative_to(into).as_posix()
        for path in into.rglob("*")
        if path.is_file() and path.name != MANIFEST
    }
    if present != set(listed):
        raise BackupError(_("Het archief bevat andere bestanden dan het manifest."))
    for name, sha in listed.items():
        if sha256_file(into / name) != sha:
            raise BackupError(
                _("%(name)s in het archief is beschadigd (SHA-256 klopt niet).")
                % {"name": name}
            )
    return manifest


def _load_database(staging: Path, method: str, database_file: str) -> None:
    source = staging / database_file
    if method == "sqlite":
        if connection.vendor != "sqlite":
            raise BackupError(
                _("Een SQLite-backup kan alleen in een SQLite-database terug.")
            )
        connection.close()
        reader = sqlite3.connect(source)
        writer = sqlite3.connect(connection.settings_dict["NAME"])
        try:
            reader.backup(writer)
        finally:
            reader.close()
            writer.close()
        return
    if method == "pg_dump":
        if connection.vendor != "postgresql":
            raise BackupError(
                _("Een pg_dump-backup kan alleen in een PostgreSQL-database terug.")
            )
        connection.close()
        args, env = _pg_env()
        result = subprocess.run(
            [
                "pg_restore",
                "--no-owner",
                "--no-acl",
                "--clean",
                "--if-exists",
                "--single-transaction",
                "--exit-on-error",
                *args,
                "-d",
                connection.settings_dict["NAME"],
                str(source),
            ],
            env=env,
            capture_output=True,
            text=True,
        )
        if result.returncode:
            raise BackupError(result.stderr.strip())
        return
    from django.contrib.contenttypes.models import ContentType

    call_command("migrate", interactive=False, verbosity=0)
    # Data migrations, content types and permissions come back from the dump with
    # their own ids: empty every table first (TRUNCATE passes the row triggers).
    call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
    ContentType.objects.clear_cache()
    rows = json.loads(source.read_text(encoding="utf-8"))
    loaded = set()
    with transaction.atomic(), connection.constraint_checks_disabled():
        for item in serializers.deserialize("python", rows):
            # save_base(raw=True): the row as it was, no model save() rules.
            item.save()
            loaded.add(type(item.object))
    connection.check_constraints()
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(loaded)):
            cursor.execute(sql)


def restore(archive: Path, *, force: bool = False) -> Restored:
    """Put the archive's database and media files in place.

    Refuses a database that is in use, or a media folder with files, unless
    `force`; with `force` both are replaced (media files of the archive are
    overwritten, others stay).
    """
    archive = Path(archive)
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="coopsturing-restore-") as tmp:
        staging = Path(tmp)
        manifest = _extract(archive, staging)
        if not force:
            if database_in_use():
                raise BackupError(
                    _(
                        "De database bevat al gegevens; zet terug in een lege database "
                        "of gebruik --force om hem te vervangen."
                    )
                )
            if media_manifest(media_root):
                raise BackupError(
                    _(
                        "De mediamap %(path)s bevat al bestanden; gebruik een lege map "
                        "of --force."
                    )
                    % {"path": media_root}
                )
        database = manifest["database"]
        _load_database(staging, database["methode"], database["bestand"])
        media = staging / MEDIA_DIR
        count = 0
        if media.is_dir():
            media_root.mkdir(parents=True, exist_ok=True)
            for path in sorted(media.rglob("*")):
                if path.is_file():
                    target = media_root / path.relative_to(media)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(path, target)
                    count += 1
    digest = content_sha256()
    if digest != manifest["inhoud_sha256"]:
        raise BackupError(
            _(
                "De teruggezette database moet gelijk zijn aan de inhoud in "
                "het manifest."
            )
        )
    return Restored(archive, database["methode"], count, digest)

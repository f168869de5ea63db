"""Backup and restore: a round trip into a fresh database keeps the journal's chain,
every sealed report and every byte of content; damaged archives and databases in
use are refused."""

from __future__ import annotations

import contextlib
import io
import json
import os
import stat
import tarfile
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections

import pytest

from afspraken import rapporten, services
from afspraken.models import Rapport
from kern import backup, dbroles
from kern.journal import verify_chain
from tests.helpers import fresh


def manifest_of(archive: Path) -> dict:
    with tarfile.open(archive) as tar:
        return json.loads(tar.extractfile(backup.MANIFEST).read())


def make_backup(into: Path, *extra: str) -> Path:
    out = io.StringIO()
    call_command("backup", "--uit", str(into), *extra, stdout=out)
    (archive,) = into.glob("coopsturing-backup-*.tar.gz")
    assert str(archive) in out.getvalue()
    return archive


@contextlib.contextmanager
def fresh_database(tmp_path: Path):
    """Point the default connection at a new, empty database for the block.

    On PostgreSQL the owner role creates it (as an operator would, `createdb -O`):
    `restore` runs as the owner and then grants the runtime role, which the rest
    of the block connects as.
    """
    default = connections["default"]
    original = default.settings_dict["NAME"]
    if default.vendor == "sqlite":
        name = str(tmp_path / "hersteld.sqlite3")
    else:
        name = f"{original}_hersteld"
        with dbroles.as_owner(), default.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}"')
    default.close()
    default.settings_dict["NAME"] = name
    try:
        yield name
    finally:
        default.close()
        default.settings_dict["NAME"] = original
        if default.vendor == "postgresql":
            with dbroles.as_owner(), default.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.parametrize("methode", ["standaard", "json"])
@pytest.mark.django_db(transaction=True)
def test_round_trip_into_a_fresh_database_keeps_everything(
    world, tmp_path, settings, methode
):
    if methode == "json" and connection.vendor == "postgresql":
        pytest.skip("the JSON fallback is exercised on SQLite")
    # A real sealed report: the 2024 toetsing submitted and approved.
    toetsing = services.toetsing_indienen(
        toetsing=world.a.toetsing, actor=fresh(world.a.bestuur)
    )
    services.toetsing_vaststellen(toetsing=toetsing, actor=world.a.beheerder)
    extra = ["--methode", "json"] if methode == "json" else []
    archive = make_backup(tmp_path / "eerste", *extra)
    first = manifest_of(archive)
    export = backup.canonical_export()
    sealed = Rapport.objects.count()
    assert sealed >= 3
    assert any(name.startswith("media/rapporten/") for name in first["bestanden"])

    settings.MEDIA_ROOT = tmp_path / "hersteld-media"
    with fresh_database(tmp_path):
        out = io.StringIO()
        call_command("restore", str(archive), stdout=out)
        assert "Teruggezet" in out.getvalue()

        call_command("verify_ledger", stdout=io.StringIO())
        assert verify_chain().ok
        assert Rapport.objects.count() == sealed
        for rapport in Rapport.objects.all():
            with rapport.pdf.open("rb") as fh:
                assert rapporten.verify(pdf=fh.read()) == rapport
        assert backup.canonical_export() == export

        second = manifest_of(make_backup(tmp_path / "tweede", *extra))
    assert second["inhoud_sha256"] == first["inhoud_sha256"]
    media = {k: v for k, v in first["bestanden"].items() if k.startswith("media/")}
    assert {k: v for k, v in second["bestanden"].items() if k.startswith("media/")} == (
        media
    )
    print(
        f"\n{connection.vendor} ({methode}): {sealed} sealed reports, "
        f"{len(media)} media files, archive {archive.stat().st_size} bytes"
    )


@pytest.mark.django_db
def test_restore_refuses_a_database_in_use(world, tmp_path):
    archive = make_backup(tmp_path / "b")
    with pytest.raises(CommandError, match="bevat al gegevens"):
        call_command("restore", str(archive))


@pytest.mark.django_db
def test_restore_refuses_a_damaged_archive(world, tmp_path):
    archive = make_backup(tmp_path / "b")
    damaged = tmp_path / "beschadigd.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name.startswith("media/rapporten/"):
                data += b"%"
                member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    with pytest.raises(CommandError, match="beschadigd"):
        call_command("restore", str(damaged), "--force")
    # Nothing was touched: the journal still verifies.
    assert verify_chain().ok


@pytest.mark.parametrize("umask", [0o000, 0o022], ids=["umask-000", "umask-022"])
def test_backup_is_readable_by_its_owner_only_whatever_the_umask(
    world, tmp_path, umask
):
    """The archive holds every member's personal data and the password hashes:
    it is written 0600, and the folders the command creates are 0700."""
    folder = tmp_path / "nieuw" / "backups"
    previous = os.umask(umask)
    try:
        archive = make_backup(folder, "--methode", "json")
    finally:
        os.umask(previous)

    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "nieuw").stat().st_mode) == 0o700
    assert manifest_of(archive)["formaat"] == backup.FORMAT


def test_backup_into_an_existing_folder_leaves_the_folder_as_it_is(world, tmp_path):
    folder = tmp_path / "bestaand"
    folder.mkdir()
    folder.chmod(0o750)
    previous = os.umask(0)
    try:
        archive = make_backup(folder, "--methode", "json")
    finally:
        os.umask(previous)

    assert stat.S_IMODE(folder.stat().st_mode) == 0o750
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600

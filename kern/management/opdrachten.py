"""What the import commands share: the acting user and the file, each refused
with a clear message instead of a traceback."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


def actieve_gebruiker(username: str):
    """The active user who runs the command (named in the journal)."""
    actor = get_user_model().objects.filter(username=username, is_active=True).first()
    if actor is None:
        raise CommandError(f"Er is geen actieve gebruiker {username}.")
    return actor


def lees_bestand(path: Path, max_bytes: int | None = None) -> bytes:
    """The file's bytes; with `max_bytes`, at most one byte more than that (the
    reader then refuses the file as too large without reading all of it)."""
    try:
        with path.open("rb") as handle:
            return handle.read() if max_bytes is None else handle.read(max_bytes + 1)
    except OSError as exc:
        raise CommandError(f"{path}: {exc.strerror or exc}") from exc


def geweigerd(command: BaseCommand, errors, path: Path) -> CommandError:
    """A refused file: each error (row and column first) on the command's
    stderr, and the error to exit with, saying nothing was read."""
    for error in errors:
        command.stderr.write(str(error))
    return CommandError(
        f"{len(errors)} fout(en) in {path.name}; er is niets ingelezen."
    )

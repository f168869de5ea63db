"""Put a backup archive back: the database and the media files."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kern import backup, dbroles


class Command(BaseCommand):
    help = (
        "Zet een backup-archief terug in een lege database en mediamap. Controleert "
        "eerst elk bestand tegen het manifest en daarna de teruggezette inhoud. "
        "Draait als de eigenaar-rol (DATABASE_OWNER_URL) en geeft daarna de "
        "runtime-rol zijn rechten."
    )

    def add_arguments(self, parser):
        parser.add_argument("archief", type=Path, help="Het backup-archief (.tar.gz).")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Vervang ook een database of mediamap die al gegevens bevat.",
        )

    def handle(self, *args, **options):
        try:
            # The restored tables belong to the owner role (pg_restore --no-owner
            # gives them to the role that restores); the runtime role gets its
            # privileges on them afterwards.
            with dbroles.as_owner():
                result = backup.restore(options["archief"], force=options["force"])
                if dbroles.runs_as_owner():
                    dbroles.grant_runtime_role()
        except (backup.BackupError, dbroles.RoleError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Teruggezet uit {result.archive} ({result.method}, "
                f"{result.media_files} mediabestanden); inhoud-SHA-256 "
                f"{result.content_sha256}. Controleer het journaal met "
                "`manage.py verify_ledger`."
            )
        )

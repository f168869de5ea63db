"""Back up the database and the media files into one timestamped archive."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kern import backup


class Command(BaseCommand):
    help = (
        "Maakt een backup-archief (.tar.gz) van de database en de mediabestanden "
        "(verzegelde rapporten, bewijsstukken), met een manifest van SHA-256-sommen."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--uit",
            required=True,
            type=Path,
            help="Map waarin het archief komt; wordt aangemaakt als hij ontbreekt.",
        )
        parser.add_argument(
            "--methode",
            choices=["sqlite", "pg_dump", "json"],
            help="Hoe de database wordt opgeslagen; standaard de beste voor de "
            "database (SQLite: online backup, PostgreSQL: pg_dump, anders json).",
        )

    def handle(self, *args, **options):
        try:
            archive = backup.backup(options["uit"], method=options["methode"])
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Backup geschreven: {archive}"))

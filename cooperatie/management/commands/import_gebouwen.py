"""Import a corporatie's gebouwen from a CSV or XLSX file (see
`cooperatie.gebouwimport`): all rows or none, every gebouw through the service
and so in the journal."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from cooperatie.gebouwimport import COLUMNS, import_gebouwen
from cooperatie.models import Corporatie
from kern.tabelimport import MAX_BYTES, TableImportError


class Command(BaseCommand):
    help = (
        "Leest de gebouwen van een corporatie in uit een CSV- of XLSX-bestand met "
        f"de kolommen {', '.join(COLUMNS)}. Alles of niets: bij een fout wordt "
        "niets ingelezen en noemt de foutmelding de rij en de kolom (exitcode 1)."
    )

    def add_arguments(self, parser):
        parser.add_argument("bestand", help="Het CSV- of XLSX-bestand.")
        parser.add_argument(
            "--corporatie", type=int, required=True, help="Id van de corporatie."
        )
        parser.add_argument(
            "--actor",
            required=True,
            help="Gebruikersnaam van wie inleest: beheerder van de corporatie of "
            "platformbeheerder. Staat zo in het journaal.",
        )

    def handle(self, *args, **options):
        corporatie = Corporatie.objects.filter(pk=options["corporatie"]).first()
        if corporatie is None:
            raise CommandError(f"Er is geen corporatie met id {options['corporatie']}.")
        actor = (
            get_user_model()
            .objects.filter(username=options["actor"], is_active=True)
            .first()
        )
        if actor is None:
            raise CommandError(f"Er is geen actieve gebruiker {options['actor']}.")
        path = Path(options["bestand"])
        try:
            with path.open("rb") as file:
                # One byte more than allowed, so the reader can refuse it.
                data = file.read(MAX_BYTES + 1)
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror or exc}") from exc
        try:
            created = import_gebouwen(
                corporatie=corporatie, data=data, name=path.name, actor=actor
            )
        except TableImportError as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"{len(exc.errors)} fout(en) in {path.name}; er is niets ingelezen."
            ) from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Ingelezen: {len(created)} gebouwen."))

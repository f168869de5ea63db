"""Import a corporatie's gebouwen from a CSV or XLSX file (see
`cooperatie.gebouwimport`): all rows or none, every gebouw through the service
and so in the journal."""

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from cooperatie.gebouwimport import COLUMNS, import_gebouwen
from cooperatie.models import Corporatie
from kern.management.opdrachten import actieve_gebruiker, geweigerd, lees_bestand
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
        actor = actieve_gebruiker(options["actor"])
        path = Path(options["bestand"])
        data = lees_bestand(path, MAX_BYTES)
        try:
            created = import_gebouwen(
                corporatie=corporatie, data=data, name=path.name, actor=actor
            )
        except TableImportError as exc:
            raise geweigerd(self, exc.errors, path) from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Ingelezen: {len(created)} gebouwen."))

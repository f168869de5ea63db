"""The shared body of `import_activiteiten` and `import_boekingen`."""

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from cooperatie.models import Cooperatie
from kern.management.opdrachten import actieve_gebruiker, geweigerd, lees_bestand
from kern.tabelimport import TableImportError
from ledger import importeren


class ImportCommand(BaseCommand):
    soort = ""
    noun = ""

    def add_arguments(self, parser):
        parser.add_argument("bestand", help="Het CSV- of XLSX-bestand.")
        parser.add_argument(
            "--cooperatie", type=int, required=True, help="Id van de coöperatie."
        )
        parser.add_argument(
            "--actor",
            required=True,
            help="Gebruikersnaam van wie inleest: bestuur van de coöperatie of "
            "platformbeheerder. Staat zo in het journaal.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Alleen controleren en tonen wat er zou gebeuren.",
        )

    def handle(self, *args, **options):
        cooperatie = Cooperatie.objects.filter(pk=options["cooperatie"]).first()
        if cooperatie is None:
            raise CommandError(f"Er is geen coöperatie met id {options['cooperatie']}.")
        actor = actieve_gebruiker(options["actor"])
        path = Path(options["bestand"])
        data = lees_bestand(path)
        try:
            request = {
                "soort": self.soort,
                "cooperatie": cooperatie,
                "parsed": importeren.parse_file(self.soort, data, path.name),
                "actor": actor,
            }
            if options["dry_run"]:
                plan = importeren.plan_import(**request)
                if plan.errors:
                    raise TableImportError(plan.errors)
                self.stdout.write(
                    f"Proefrun voor {cooperatie}; er is niets ingelezen. "
                    f"Zou inlezen: {len(plan.rows)} {self.noun}."
                )
                return
            created = importeren.import_rows(**request)
        except TableImportError as exc:
            raise geweigerd(self, exc.errors, path) from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Ingelezen: {len(created)} {self.noun}."))

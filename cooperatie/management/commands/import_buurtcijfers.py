"""Import figures per buurt from a published file (see
`cooperatie.buurtcijfers` and docs/buurtcijfers.md): all rows or none, one
journal entry for the import."""

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from cooperatie import buurtcijfers
from kern.management.opdrachten import actieve_gebruiker, geweigerd, lees_bestand


class Command(BaseCommand):
    help = (
        "Leest buurtcijfers in: de scores van de Leefbaarometer (--bron "
        "leefbaarometer, met --versie van de publicatie) of kerncijfers van het "
        "CBS uit 'Kerncijfers wijken en buurten' (--bron cbs, met --jaar van de "
        "tabel). Alles of niets: bij een fout wordt niets ingelezen en noemt de "
        "foutmelding de rij en de kolom (exitcode 1). Een jaar dat er al is, "
        "wordt alleen met --vervang vervangen."
    )

    def add_arguments(self, parser):
        parser.add_argument("bestand", help="Het CSV- of XLSX-bestand.")
        parser.add_argument("--bron", required=True, choices=buurtcijfers.BRONNEN)
        parser.add_argument(
            "--versie",
            default="",
            help="Leefbaarometer: de publicatie, bijv. '3.0 (2024)'.",
        )
        parser.add_argument("--jaar", type=int, help="CBS: het jaar van de tabel.")
        parser.add_argument(
            "--vervang",
            action="store_true",
            help="Cijfers van een jaar (en versie) die er al zijn vervangen.",
        )
        parser.add_argument(
            "--actor",
            required=True,
            help="Gebruikersnaam van de platformbeheerder die inleest. Staat zo "
            "in het journaal.",
        )

    def handle(self, *args, **options):
        actor = actieve_gebruiker(options["actor"])
        path = Path(options["bestand"])
        data = lees_bestand(path, buurtcijfers.MAX_BYTES)
        try:
            verslag = buurtcijfers.import_buurtcijfers(
                bron=options["bron"],
                data=data,
                naam=path.name,
                actor=actor,
                versie=options["versie"],
                jaar=options["jaar"],
                vervang=options["vervang"],
            )
        except buurtcijfers.BuurtcijfersImportError as exc:
            raise geweigerd(self, exc.errors, path) from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        jaren = ", ".join(map(str, verslag.jaren))
        self.stdout.write(
            self.style.SUCCESS(
                f"Ingelezen: {verslag.aantal} buurten ({jaren}); "
                f"{verslag.vervangen} vervangen, {verslag.overgeslagen} "
                f"regio's die geen buurt zijn overgeslagen. SHA-256 {verslag.sha256}."
            )
        )

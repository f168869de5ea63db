"""Make the Ed25519 key that signs the journal's checkpoints."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kern import checkpoints


class Command(BaseCommand):
    help = (
        "Maakt een nieuwe Ed25519-sleutel voor journaalcheckpoints in BESTAND "
        "(standaard JOURNAAL_SLEUTEL), leesbaar alleen voor de eigenaar, met de "
        "publieke sleutel ernaast (BESTAND.pub). Overschrijft nooit een sleutel."
    )

    def add_arguments(self, parser):
        parser.add_argument("bestand", nargs="?", help="Pad van de nieuwe sleutel.")
        parser.add_argument(
            "--als-ontbrekend",
            action="store_true",
            help="Niets doen als de sleutel al bestaat (voor make run).",
        )

    def handle(self, *args, bestand=None, als_ontbrekend=False, **options):
        path = Path(bestand) if bestand else checkpoints.key_path()
        if path is None:
            raise CommandError("Geef een bestand of zet JOURNAAL_SLEUTEL.")
        if path.exists():
            if als_ontbrekend:
                return
            raise CommandError(
                f"{path} bestaat al; een sleutel wordt nooit overschreven."
            )
        public = checkpoints.generate_key(path)
        self.stdout.write(
            f"Sleutel gemaakt: {path} (publiek: {path}.pub, "
            f"{checkpoints.public_hex(public)[:16]}…)."
        )

"""Write the journal's current chain heads, signed, to a file to keep elsewhere."""

import json
import os
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from kern import checkpoints, journal


class Command(BaseCommand):
    help = (
        "Schrijft de koppen van alle journaalketens (volgnummer, hash, tijdstip), "
        "ondertekend met de Ed25519-sleutel uit JOURNAAL_SLEUTEL, naar BESTAND "
        "(- voor standaarduitvoer). Bewaar het buiten deze machine; controleer later "
        "met: verify_ledger --checkpoint BESTAND."
    )

    def add_arguments(self, parser):
        parser.add_argument("bestand", help="Doelbestand, of - voor standaarduitvoer.")

    def handle(self, *args, bestand: str, **options):
        try:
            with transaction.atomic():
                checkpoint = checkpoints.sign_heads(
                    journal.heads(), aanleiding="export_checkpoint"
                )
        except checkpoints.CheckpointError as exc:
            raise CommandError(str(exc), returncode=1) from exc
        data = checkpoints.document(checkpoint)
        if bestand == "-":
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
            return
        path = Path(bestand)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            tmp.write_bytes(data)
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
        n = len(json.loads(checkpoint.inhoud)["ketens"])
        self.stderr.write(f"Checkpoint van {n} ketens geschreven naar {path}.")

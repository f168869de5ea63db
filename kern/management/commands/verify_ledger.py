"""Walk every chain of the journal, cross-check what was anchored outside it
(sealed reports, signed checkpoints) and report whether everything verifies."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kern import checkpoints, journal


class Command(BaseCommand):
    help = (
        "Verifieert elke hashketen van het journaal, de verzegelde rapporten tegen "
        "hun keten (journaalhash, verzegelregel, SHA-256 van de PDF) en, met "
        "--checkpoint, dat elke ondertekende ketenkop nog in zijn keten staat. Exit 0 "
        "als alles klopt, anders exit 1 met de eerste afwijking (keten en volgnummer)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--checkpoint",
            action="append",
            default=[],
            metavar="BESTAND",
            help="Een checkpoint van export_checkpoint (mag vaker).",
        )
        parser.add_argument(
            "--sleutel",
            metavar="BESTAND",
            help="Publieke sleutel (PEM) om checkpoints mee te controleren; "
            "standaard JOURNAAL_PUBLIEKE_SLEUTEL of de publieke helft van "
            "JOURNAAL_SLEUTEL.",
        )

    def _fail(self, message: str):
        raise CommandError(f"Journaal NIET in orde: {message}", returncode=1)

    def handle(self, *args, checkpoint, sleutel=None, **options):
        payloads = []
        if checkpoint:
            try:
                public = checkpoints.load_public_key(Path(sleutel) if sleutel else None)
                for name in checkpoint:
                    path = Path(name)
                    with path.open("rb") as fh:
                        data = fh.read(checkpoints.MAX_BESTAND_BYTES + 1)
                    payloads.append((name, checkpoints.read_document(data, public)))
            except OSError as exc:
                self._fail(f"checkpoint {exc.filename}: {exc.strerror}")
            except checkpoints.CheckpointError as exc:
                self._fail(str(exc))

        # One consistent view for all checks (see journal.consistent_snapshot).
        with journal.consistent_snapshot():
            result = journal.verify_chain()
            if not result.ok:
                self._fail(f"na {result.count} goede regels: {result.message}")
            for check in journal.extra_checks():
                problems = check(None)
                if problems:
                    self._fail(problems[0])
            for name, payload in payloads:
                checked = checkpoints.check_against_journal(payload)
                if not checked.ok:
                    self._fail(f"checkpoint {name}: {checked.message}")
        journal.mark_verified(result.koppen)
        extra = f"; {len(payloads)} checkpoints kloppen" if payloads else ""
        self.stdout.write(
            self.style.SUCCESS(f"Journaal in orde: {result.message}{extra}.")
        )

"""Walk the journal's hash chain and report whether every entry verifies."""

from django.core.management.base import BaseCommand, CommandError

from ledger.journal import verify_chain


class Command(BaseCommand):
    help = (
        "Verifieert de hashketen van het journaal. Exit 0 met het aantal "
        "geverifieerde regels, of exit 1 met de eerste regel die niet klopt."
    )

    def handle(self, *args, **options):
        result = verify_chain()
        if not result.ok:
            raise CommandError(
                f"Journaal NIET in orde na {result.count} goede regels: "
                f"{result.message}",
                returncode=1,
            )
        self.stdout.write(self.style.SUCCESS(f"Journaal in orde: {result.message}."))

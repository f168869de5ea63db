"""Build the demo world (see `cooperatie.demo`) and print the demo logins."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from cooperatie import demo
from ledger.journal import verify_chain


class Command(BaseCommand):
    help = (
        "Bouwt een demowereld: twee corporaties, acht gebouwen, vier coöperaties met "
        "ongeveer 150 leden, afspraken met toezeggingen, en activiteiten en "
        "boekingen van vorig en dit jaar; alles via de services, dus in het "
        "journaal. Een tweede keer voegt niets toe. Toont daarna de demo-logins."
    )

    def handle(self, *args, **options):
        with translation.override("nl"):
            self._handle()

    def _handle(self):
        started = time.monotonic()
        try:
            built = demo.seed()
        except demo.DemoConflictError as exc:
            raise CommandError(str(exc)) from exc
        if built:
            elapsed = time.monotonic() - started
            self.stdout.write(
                self.style.SUCCESS(f"Demowereld aangemaakt in {elapsed:.1f} s.")
            )
            self.stdout.write("Rijen per model:")
            counts = demo.row_counts()
            width = max(len(label) for label, _count in counts)
            for label, count in counts:
                self.stdout.write(f"  {label:<{width}}  {count:>5}")
            check = verify_chain()
            status = "in orde" if check.ok else "NIET in orde"
            self.stdout.write(f"Journaal {status}: {check.message}.")
        else:
            self.stdout.write(
                "De demowereld bestaat al (corporatie met KvK-nummer "
                f"{demo.MARKER_KVK}); er is niets toegevoegd."
            )
        self.stdout.write("")
        self.stdout.write(
            f"Demo-logins (wachtwoord voor alle demogebruikers: {demo.DEMO_PASSWORD}):"
        )
        for line in demo.login_table(demo.demo_logins()):
            self.stdout.write(line)
        self.stdout.write("")
        self.stdout.write(f"Applicatie:   {demo.SITE_URL}")
        self.stdout.write(f"Django-admin: {demo.ADMIN_URL}")

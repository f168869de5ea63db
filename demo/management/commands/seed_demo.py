"""Build the demo world (see `demo.wereld`, its data in demo/data/wereld.yaml),
then print its sealed reports and the demo logins."""

import logging
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import formats, timezone, translation

from demo.schema import DemoDataError
from kern.journal import verify_chain


def _wereld():
    """`demo.wereld`, which reads and checks demo/data/wereld.yaml when first
    imported: a mistake in that file is reported as the command's error."""
    try:
        from demo import wereld
    except DemoDataError as exc:
        raise CommandError(str(exc)) from exc
    return wereld


class _OnceFilter(logging.Filter):
    """Let a repeated notice through once. WeasyPrint logs that HarfBuzz-Subset is
    missing (it then subsets fonts with fontTools) for every font of every report
    it renders: sixteen identical lines for the demo's four reports."""

    def __init__(self, prefix: str) -> None:
        super().__init__()
        self.prefix = prefix
        self.seen = False

    def filter(self, record: logging.LogRecord) -> bool:
        if not str(record.msg).startswith(self.prefix):
            return True
        first, self.seen = not self.seen, True
        return first


class Command(BaseCommand):
    help = (
        "Bouwt een demowereld: twee corporaties, acht gebouwen, vier coöperaties met "
        "ongeveer 150 leden, afspraken met toezeggingen, en activiteiten en "
        "boekingen van vorig en dit jaar. Vorig jaar is per afspraak ingediend, "
        "beoordeeld en vastgesteld, met een verzegeld nalevingsrapport; dit jaar "
        "staat open. Alles via de services, dus in het journaal. Een tweede keer "
        "voegt niets toe. Toont daarna de rapporten en de demo-logins."
    )

    def handle(self, *args, **options):
        with translation.override("nl"):
            self._handle()

    def _handle(self):
        wereld = _wereld()
        started = time.monotonic()
        weasyprint = logging.getLogger("weasyprint")
        once = _OnceFilter("Using fontTools instead of HarfBuzz-Subset")
        weasyprint.addFilter(once)
        try:
            built = wereld.seed()
        except wereld.DemoConflictError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            weasyprint.removeFilter(once)
        if built:
            elapsed = time.monotonic() - started
            self.stdout.write(
                self.style.SUCCESS(f"Demowereld aangemaakt in {elapsed:.1f} s.")
            )
            self.stdout.write("Rijen per model:")
            counts = wereld.row_counts()
            width = max(len(label) for label, _count in counts)
            for label, count in counts:
                self.stdout.write(f"  {label:<{width}}  {count:>5}")
            check = verify_chain()
            status = "in orde" if check.ok else "NIET in orde"
            self.stdout.write(f"Journaal {status}: {check.message}.")
        else:
            self.stdout.write(
                "De demowereld bestaat al (corporatie met KvK-nummer "
                f"{wereld.WERELD.kenmerk_kvk}); er is niets toegevoegd."
            )
        self._rapporten()
        self._uitnodigingen()
        self.stdout.write("")
        wachtwoord = wereld.DEMO_PASSWORD
        self.stdout.write(
            f"Demo-logins (wachtwoord voor alle demogebruikers: {wachtwoord}):"
        )
        for line in wereld.login_table(wereld.demo_logins()):
            self.stdout.write(line)
        self.stdout.write("")
        self.stdout.write(f"Applicatie:   {wereld.SITE_URL}")
        self.stdout.write(f"Django-admin: {wereld.admin_url()}")

    def _rapporten(self):
        rapporten = _wereld().sealed_reports()
        jaren = sorted({r.jaar for r in rapporten})
        self.stdout.write("")
        self.stdout.write(
            f"Verzegelde nalevingsrapporten: {len(rapporten)}"
            + (f" (vastgesteld: {', '.join(map(str, jaren))})" if jaren else "")
            + "; het lopende jaar staat open."
        )
        if not rapporten:
            return
        width = max(len(r.cooperatie) for r in rapporten)
        verdict_width = max(len(r.verdict) for r in rapporten)
        for r in rapporten:
            noot = "  (eerst teruggestuurd)" if r.teruggestuurd else ""
            self.stdout.write(
                f"  {r.cooperatie:<{width}}  {r.jaar}  {r.verdict:<{verdict_width}}"
                f"  sha256 {r.sha256[:12]}…{noot}"
            )
        wachtend = _wereld().waiting_years()
        if wachtend:
            self.stdout.write("")
            self.stdout.write("Ingediend, wacht op de beheerder:")
            for naam, jaar in wachtend:
                self.stdout.write(f"  {naam}  {jaar}")

    def _uitnodigingen(self):
        open_uitnodigingen = _wereld().open_invitations()
        if not open_uitnodigingen:
            return
        self.stdout.write("")
        self.stdout.write(
            "Open uitnodigingen (de link staat in de uitnodigingsmail; de "
            "beheerder verstuurt hem opnieuw onder Gebruikers):"
        )
        for email, naam, verloopt_op in open_uitnodigingen:
            verloopt = formats.date_format(timezone.localtime(verloopt_op), "j F Y")
            self.stdout.write(f"  {email}  bestuur {naam}  tot {verloopt}")

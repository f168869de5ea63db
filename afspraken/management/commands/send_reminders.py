"""Queue the deadline reminders and weekly digests due today (see
afspraken.meldingen); run daily from a scheduler. Running it twice on a day sends
each message once."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from afspraken import meldingen


class Command(BaseCommand):
    help = (
        "Verstuurt de herinneringen aan de termijn van indienen en het "
        "weekoverzicht voor beheerders; elk bericht gaat één keer uit."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--datum",
            metavar="JJJJ-MM-DD",
            help="de dag die als vandaag geldt (standaard: vandaag)",
        )

    def handle(self, *args, datum: str | None = None, **options):
        if datum:
            try:
                vandaag = datetime.date.fromisoformat(datum)
            except ValueError as exc:
                raise CommandError(
                    f"--datum {datum!r} moet een datum JJJJ-MM-DD zijn.", returncode=2
                ) from exc
        else:
            vandaag = timezone.localdate()
        samenvatting = meldingen.send_reminders(vandaag)
        self.stdout.write(
            f"{vandaag.isoformat()}: {samenvatting.corporaties} corporaties; "
            f"{samenvatting.herinnering_termijn} herinneringen voor de termijn, "
            f"{samenvatting.herinnering_te_laat} herinneringen te laat, "
            f"{samenvatting.weekoverzicht} weekoverzichten verstuurd."
        )

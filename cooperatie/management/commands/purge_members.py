"""Retention of members' personal data (AVG): erase the members whose membership
ended more than N years ago, the same way as an erasure on request (see
`cooperatie.privacy`), one journal entry per member."""

from django.core.management.base import BaseCommand, CommandError

from cooperatie import privacy


class Command(BaseCommand):
    help = (
        "Wist de persoonsgegevens van leden die langer dan N jaar geleden zijn "
        "vertrokken (naam, e-mail, telefoon, adres). Lidmaatschapsdata en "
        "doelgroep blijven voor de tellingen. Standaard N uit de instelling "
        "AVG_BEWAARTERMIJN_JAREN (omgevingsvariabele, standaard 7)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--jaren",
            type=int,
            default=None,
            help="Bewaartermijn in jaren (standaard AVG_BEWAARTERMIJN_JAREN).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Alleen tellen, niets wissen.",
        )

    def handle(self, *args, jaren=None, dry_run=False, **options):
        jaren = privacy.bewaartermijn_jaren() if jaren is None else jaren
        if jaren < 0:
            raise CommandError("--jaren: het aantal jaren kan niet negatief zijn.")
        result = privacy.purge_members(jaren=jaren, dry_run=dry_run)
        grens = result.grens.isoformat()
        if dry_run:
            self.stdout.write(
                f"Proefdraai: {result.gewist} leden vertrokken vóór {grens} zouden "
                f"worden gewist; {result.al_gewist} waren al gewist."
            )
        else:
            self.stdout.write(
                f"{result.gewist} leden vertrokken vóór {grens} gewist; "
                f"{result.al_gewist} waren al gewist."
            )

"""Check the activities' yearly totals and volunteer counts the database keeps
(`ledger.jaartotalen`) against the activity rows; rebuild them with --herstel."""

from django.core.management.base import BaseCommand, CommandError

from ledger import totaalcontrole


class Command(BaseCommand):
    help = (
        "Rekent de activiteitentotalen per coöperatiejaar (en de tellingen van "
        "vrijwilligers) opnieuw uit de activiteiten en meldt elk coöperatiejaar "
        "dat afwijkt (exitcode 1). Met --herstel worden ze opnieuw opgebouwd, "
        "met een journaalregel per hersteld coöperatiejaar."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--herstel",
            action="store_true",
            help="Bouw de totalen opnieuw op uit de activiteiten.",
        )

    def handle(self, *args, herstel=False, **options):
        verschillen = (
            totaalcontrole.herstel() if herstel else totaalcontrole.verschillen()
        )
        for v in verschillen:
            self.stdout.write(
                f"coöperatie {v.cooperatie_id} jaar {v.jaar}: {v.totalen} "
                f"totalen en {v.vrijwilligers} vrijwilligerstellingen wijken af"
            )
        if not verschillen:
            self.stdout.write("De activiteitentotalen kloppen met de activiteiten.")
        elif herstel:
            self.stdout.write(
                f"{len(verschillen)} coöperatiejaar/-jaren hersteld en in het "
                "journaal vastgelegd."
            )
        else:
            raise CommandError(
                f"{len(verschillen)} coöperatiejaar wijkt af; herstel met --herstel."
                if len(verschillen) == 1
                else f"{len(verschillen)} coöperatiejaren wijken af; herstel met "
                "--herstel."
            )

"""Import a cooperatie's member list from a CSV or XLSX file (see
`cooperatie.importeren`): all rows or none, every change through the services and
so in the journal."""

import datetime
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cooperatie import importeren
from cooperatie.models import Cooperatie
from kern.management.opdrachten import actieve_gebruiker, geweigerd, lees_bestand


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(
            f"--einddatum: “{text}” is geen datum; schrijf JJJJ-MM-DD."
        ) from exc


class Command(BaseCommand):
    help = (
        "Leest de ledenlijst van een coöperatie in uit een CSV- of XLSX-bestand "
        "met de kolommen naam, e-mail, telefoon, adres, lid_sinds, lid_tot, "
        "bestuursfunctie en doelgroep. Een lid wordt herkend aan het e-mailadres, "
        "anders aan naam plus adres. Alles of niets: bij een fout wordt niets "
        "ingelezen en noemt de foutmelding de rij en de kolom (exitcode 1)."
    )

    def add_arguments(self, parser):
        parser.add_argument("bestand", help="Het CSV- of XLSX-bestand.")
        parser.add_argument(
            "--cooperatie", type=int, required=True, help="Id van de coöperatie."
        )
        parser.add_argument(
            "--actor",
            required=True,
            help="Gebruikersnaam van wie inleest: bestuur van de coöperatie of "
            "platformbeheerder. Staat zo in het journaal.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Alleen controleren en tonen wat er zou gebeuren.",
        )
        parser.add_argument(
            "--beeindig-ontbrekende",
            action="store_true",
            help="Huidige leden die niet in het bestand staan beëindigen.",
        )
        parser.add_argument(
            "--einddatum",
            type=_date,
            help="Eerste dag dat ontbrekende leden geen lid meer zijn "
            "(JJJJ-MM-DD; standaard vandaag).",
        )

    def handle(self, *args, **options):
        cooperatie = Cooperatie.objects.filter(pk=options["cooperatie"]).first()
        if cooperatie is None:
            raise CommandError(f"Er is geen coöperatie met id {options['cooperatie']}.")
        actor = actieve_gebruiker(options["actor"])
        path = Path(options["bestand"])
        data = lees_bestand(path)

        end_missing = options["beeindig_ontbrekende"]
        if options["einddatum"] and not end_missing:
            raise CommandError("--einddatum hoort bij --beeindig-ontbrekende.")
        end_date = None
        if end_missing:
            end_date = options["einddatum"] or timezone.localdate()

        try:
            # A dry run plans exactly what the import would do.
            request = {
                "cooperatie": cooperatie,
                "parsed": importeren.parse_file(data, path.name),
                "actor": actor,
                "end_missing": end_missing,
                "end_date": end_date,
            }
            if options["dry_run"]:
                plan = importeren.plan_import(**request)
                if plan.errors:
                    raise importeren.MemberImportError(plan.errors, plan)
                self._plan(plan)
                return
            report = importeren.import_members(**request)
        except importeren.MemberImportError as exc:
            raise geweigerd(self, exc.errors, path) from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        self._report(report)

    def _plan(self, plan):
        self.stdout.write(f"Proefrun voor {plan.cooperatie}; er is niets ingelezen.")
        for row in plan.rows:
            if row.action == importeren.UPDATED:
                columns = ", ".join(row.changed_columns)
                self.stdout.write(f"  rij {row.number}: bijgewerkt ({columns})")
            elif row.action == importeren.NEW:
                self.stdout.write(f"  rij {row.number}: nieuw")
        for lid in plan.to_end:
            self.stdout.write(f"  te beëindigen per {plan.end_date}: {lid.naam}")
        self.stdout.write(
            f"Zou inlezen: {len(plan.new)} nieuw, {len(plan.updated)} bijgewerkt, "
            f"{len(plan.to_end)} beëindigd, {len(plan.unchanged)} ongewijzigd."
        )

    def _report(self, report):
        for lid in report.created:
            self.stdout.write(f"  nieuw: {lid.naam}")
        for lid, columns in report.updated:
            self.stdout.write(f"  bijgewerkt: {lid.naam} ({', '.join(columns)})")
        for lid in report.ended:
            self.stdout.write(f"  beëindigd per {lid.lid_tot}: {lid.naam}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Ingelezen: {len(report.created)} nieuw, {len(report.updated)} "
                f"bijgewerkt, {len(report.ended)} beëindigd, {report.unchanged} "
                "ongewijzigd."
            )
        )

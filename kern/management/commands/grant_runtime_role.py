"""(Re)grant the runtime role exactly its privileges, as the owner role."""

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from kern import dbroles


class Command(BaseCommand):
    help = (
        "Geeft de runtime-rol (de gebruiker van DATABASE_URL, of de genoemde rol) "
        "precies zijn rechten op PostgreSQL: lezen en toevoegen overal, wijzigen en "
        "verwijderen alleen waar het model dat toestaat, nooit op de append-only "
        "tabellen; geen eigendom, geen TRUNCATE, niets aanmaken in het schema. "
        "Draait als de eigenaar-rol (DATABASE_OWNER_URL); `migrate` doet dit zelf "
        "na elke migratie."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "rol",
            nargs="?",
            help="De runtime-rol; standaard de gebruiker van DATABASE_URL.",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, **options):
        using = options["database"]
        if connections[using].vendor != "postgresql":
            raise CommandError("Rollen zijn er alleen op PostgreSQL.")
        role = options["rol"] or dbroles.runtime_role(using)
        if not options["rol"] and not dbroles.owner_configured():
            raise CommandError(
                "Zet DATABASE_OWNER_URL (de eigenaar-rol) of noem de runtime-rol: "
                "zonder eigenaar-rol is de gebruiker van DATABASE_URL de eigenaar."
            )
        try:
            with dbroles.as_owner(using):
                granted = dbroles.grant_runtime_role(role, using=using)
        except dbroles.RoleError as exc:
            raise CommandError(str(exc)) from exc
        self.report(granted, options["verbosity"])

    def report(self, granted, verbosity):
        if verbosity < 1:
            return
        append_only = sorted(
            table
            for table, privileges in granted.tables.items()
            if "UPDATE" not in privileges
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Rol {granted.role} heeft nu op schema {granted.schema} van "
                f"{granted.owner}: SELECT en INSERT op {len(granted.tables)} "
                f"tabellen, UPDATE en DELETE op "
                f"{len(granted.tables) - len(append_only)}; append-only (geen UPDATE, "
                f"DELETE of TRUNCATE): {', '.join(append_only)}."
            )
        )
        if verbosity > 1:
            for table, privileges in granted.tables.items():
                self.stdout.write(f"  {table}: {', '.join(privileges)}")
            for table in granted.read_only:
                self.stdout.write(f"  {table}: SELECT")

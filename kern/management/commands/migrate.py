"""`migrate` as the owner role, then the runtime role's grant (ledger/dbroles.py).

Without DATABASE_OWNER_URL this is Django's own `migrate`.
"""

from django.core.management.commands import migrate

from kern import dbroles


class Command(migrate.Command):
    help = migrate.Command.help + (
        " With DATABASE_OWNER_URL: connects as the owner role and afterwards "
        "grants the runtime role of DATABASE_URL its privileges."
    )

    def handle(self, *args, **options):
        using = options["database"]
        with dbroles.as_owner(using):
            super().handle(*args, **options)
            if dbroles.owner_configured() and dbroles.runs_as_owner(using):
                granted = dbroles.grant_runtime_role(using=using)
                if options["verbosity"] >= 1:
                    self.stdout.write(
                        f"Runtime-rol {granted.role}: rechten op "
                        f"{len(granted.tables)} tabellen opnieuw gezet."
                    )

"""`flush` as the owner role: emptying the append-only tables takes TRUNCATE,
which the runtime role never has (ledger/dbroles.py). Tests that commit (Django's
TransactionTestCase) flush through this command after every test.
"""

from django.core.management.commands import flush

from kern import dbroles


class Command(flush.Command):
    def handle(self, **options):
        with dbroles.as_owner(options["database"]):
            return super().handle(**options)

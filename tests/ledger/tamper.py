"""Raw-SQL tampering, as someone with direct database access would do it.

On PostgreSQL the append-only triggers block UPDATE and DELETE even for raw SQL,
so these helpers switch triggers off for the current transaction
(`session_replication_role = replica`, a superuser's privilege) first: the tests
then show that `verify_ledger` catches what got past the database.
"""

from django.db import connection


def raw(sql: str, params=()) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = origin")

"""Raw-SQL tampering, as someone with direct database access would do it.

On PostgreSQL the append-only triggers block UPDATE and DELETE even for raw SQL,
so these helpers switch triggers off around the statement first: the tests then
show that `verify_ledger` catches what got past the database. With two roles
(tests/database_roles.py) the tests connect as the runtime role, which may do
neither; the statement then runs through the test database's `test_as_owner`
function with the owner's rights (ALTER TABLE … DISABLE TRIGGER USER), in the
test's own transaction. With one superuser role it switches triggers off for
the transaction (`session_replication_role = replica`).
"""

from django.db import connection

from kern import dbroles


def _as_owner(sql: str, params, *, bypass_triggers: bool) -> None:
    from psycopg import ClientCursor

    connection.ensure_connection()
    statement = ClientCursor(connection.connection).mogrify(sql, params or None)
    with connection.cursor() as cursor:
        cursor.execute("SELECT test_as_owner(%s, %s)", [statement, bypass_triggers])


def raw(sql: str, params=()) -> None:
    if connection.vendor == "postgresql" and dbroles.owner_configured():
        _as_owner(sql, params, bypass_triggers=True)
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = origin")


def as_owner(sql: str, params=()) -> None:
    """Run the statement with the owner's rights but the triggers on (PostgreSQL;
    with one role, simply on the test's connection)."""
    if connection.vendor == "postgresql" and dbroles.owner_configured():
        _as_owner(sql, params, bypass_triggers=False)
        return
    with connection.cursor() as cursor:
        cursor.execute(sql, params)

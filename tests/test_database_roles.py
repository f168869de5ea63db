"""PostgreSQL's least privilege: the runtime role the application (and this test
run) connects as owns nothing and cannot get past the append-only rules.

The owner role migrates and owns the tables; the runtime role (DATABASE_URL) may
read everything, insert into the models' tables, and update and delete only
where the model allows it (ledger/dbroles.py). So it cannot switch off the
append-only triggers, nor change, delete, truncate, drop or alter the journal,
the bookings or the sealed reports, nor create objects in the schema, nor give
itself more. Each statement below is one refusal, asserted on its own.
"""

from __future__ import annotations

import io

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

import pytest
from psycopg import errors

from afspraken.models import Toetsing
from kern import dbroles
from tests.ledger.tamper import as_owner

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.skipif(
        "connection.vendor != 'postgresql' or not dbroles.owner_configured()",
        reason="two PostgreSQL roles (DATABASE_OWNER_URL; make test-postgres)",
    ),
]

# The tables the runtime role must never change: every append-only model's
# table (the journal, bookings, sealed reports and whatever else carries the
# marker), derived from the models like the grant itself.
APPEND_ONLY = sorted(
    table
    for table, privileges in dbroles.table_privileges().items()
    if "UPDATE" not in privileges
)
# Tables with an append-only or seal trigger: the vastgestelde toetsing too.
TRIGGERED = [*APPEND_ONLY, Toetsing._meta.db_table]


def refusal(statement: str) -> Exception:
    """Run `statement` as the runtime role; return the database's refusal."""
    with (
        pytest.raises(DatabaseError) as excinfo,
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    return excinfo.value.__cause__


def quoted(name: str) -> str:
    return connection.ops.quote_name(name)


def owner_role() -> str:
    return dbroles.settings.DATABASE_OWNER["USER"]


def test_the_append_only_tables_are_derived_from_the_marker():
    assert {"ledger_auditentry", "ledger_boeking", "afspraken_rapport"} <= set(
        APPEND_ONLY
    )
    # A table whose rows the model changes stays writable.
    privileges = dbroles.table_privileges()
    assert "UPDATE" in privileges["afspraken_toetsing"]
    assert "DELETE" in privileges["django_session"]
    # Chain heads are updated, never deleted (a deleted head stops its chain).
    assert privileges["ledger_auditchainhead"] == ("SELECT", "INSERT", "UPDATE")


@pytest.mark.django_db
def test_the_test_run_connects_as_the_runtime_role_which_owns_nothing():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, session_user")
        assert cursor.fetchone() == (dbroles.runtime_role(),) * 2
        cursor.execute(
            "SELECT rolsuper, rolcreatedb, rolcreaterole FROM pg_roles"
            " WHERE rolname = current_user"
        )
        assert cursor.fetchone() == (False, False, False)
        cursor.execute(
            "SELECT count(*) FROM pg_class WHERE relowner ="
            " (SELECT oid FROM pg_roles WHERE rolname = current_user)"
        )
        assert cursor.fetchone() == (0,)
    assert dbroles.runtime_role() != owner_role()


@pytest.mark.django_db
def test_the_runtime_role_has_exactly_the_privileges_the_models_allow():
    all_privileges = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE")
    all_privileges += ("REFERENCES", "TRIGGER")
    expected = dbroles.table_privileges()
    existing = set(connection.introspection.table_names())
    actual = {}
    with connection.cursor() as cursor:
        for table in expected:
            assert table in existing
            actual[table] = tuple(
                privilege
                for privilege in all_privileges
                if cursor.execute(
                    "SELECT has_table_privilege(%s, %s)", [table, privilege]
                ).fetchone()[0]
            )
    assert actual == expected


@pytest.mark.django_db
@pytest.mark.parametrize("table", TRIGGERED)
def test_the_runtime_role_cannot_disable_the_triggers(table):
    error = refusal(f"ALTER TABLE {quoted(table)} DISABLE TRIGGER USER")
    assert isinstance(error, errors.InsufficientPrivilege), error
    assert "must be owner" in str(error)


@pytest.mark.django_db
@pytest.mark.parametrize("table", TRIGGERED)
def test_the_runtime_role_cannot_drop_a_trigger(table):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass"
            " AND NOT tgisinternal",
            [table],
        )
        triggers = [name for (name,) in cursor.fetchall()]
    assert triggers
    for trigger in triggers:
        error = refusal(f"DROP TRIGGER {quoted(trigger)} ON {quoted(table)}")
        assert isinstance(error, errors.InsufficientPrivilege), error


@pytest.mark.django_db
@pytest.mark.parametrize("table", APPEND_ONLY)
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE {t} SET id = id",
        "DELETE FROM {t}",
        "TRUNCATE {t}",
        "TRUNCATE {t} CASCADE",
        "SELECT id FROM {t} FOR UPDATE",
    ],
)
def test_the_runtime_role_cannot_change_an_append_only_table(table, statement):
    error = refusal(statement.format(t=quoted(table)))
    assert isinstance(error, errors.InsufficientPrivilege), error
    assert "permission denied" in str(error)


@pytest.mark.django_db
@pytest.mark.parametrize("table", TRIGGERED)
@pytest.mark.parametrize(
    "statement",
    [
        "DROP TABLE {t} CASCADE",
        "ALTER TABLE {t} ADD COLUMN vervalst text",
        "ALTER TABLE {t} RENAME TO vervalst",
        "ALTER TABLE {t} OWNER TO CURRENT_USER",
        "CREATE TRIGGER vervalst BEFORE INSERT ON {t}"
        " FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger()",
        "CREATE RULE vervalst AS ON INSERT TO {t} DO INSTEAD NOTHING",
        "ALTER TABLE {t} ENABLE ROW LEVEL SECURITY",
    ],
)
def test_the_runtime_role_cannot_alter_or_drop_a_protected_table(table, statement):
    error = refusal(statement.format(t=quoted(table)))
    assert isinstance(error, errors.InsufficientPrivilege), error


@pytest.mark.django_db
@pytest.mark.parametrize(
    "statement",
    [
        "CREATE TABLE public.vervalst (id int)",
        "CREATE FUNCTION public.vervalst() RETURNS trigger LANGUAGE plpgsql"
        " AS $$ BEGIN RETURN NEW; END; $$",
        # Replacing the trigger's function with one that lets everything pass.
        "CREATE OR REPLACE FUNCTION ledger_auditentry_append_only() RETURNS trigger"
        " LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END; $$",
        "DROP FUNCTION ledger_auditentry_append_only() CASCADE",
        "CREATE SCHEMA vervalst",
        "CREATE VIEW public.vervalst AS SELECT 1 AS id",
    ],
)
def test_the_runtime_role_cannot_create_or_replace_objects(statement):
    error = refusal(statement)
    assert isinstance(error, errors.InsufficientPrivilege), error


@pytest.mark.django_db
@pytest.mark.parametrize(
    "statement",
    [
        "GRANT {owner} TO CURRENT_USER",
        "SET ROLE {owner}",
        "ALTER ROLE CURRENT_USER SUPERUSER",
        "ALTER ROLE CURRENT_USER CREATEDB",
        "ALTER ROLE CURRENT_USER CREATEROLE",
        "ALTER ROLE CURRENT_USER BYPASSRLS",
        "ALTER DEFAULT PRIVILEGES FOR ROLE {owner} GRANT ALL ON TABLES TO CURRENT_USER",
        "SET session_replication_role = replica",
        "ALTER DATABASE {database} OWNER TO CURRENT_USER",
    ],
)
def test_the_runtime_role_cannot_give_itself_more(statement):
    error = refusal(
        statement.format(
            owner=quoted(owner_role()),
            database=quoted(connection.settings_dict["NAME"]),
        )
    )
    assert isinstance(error, errors.InsufficientPrivilege), error


@pytest.mark.django_db
@pytest.mark.parametrize("table", APPEND_ONLY)
def test_granting_itself_a_privilege_grants_nothing(table):
    """Without the grant option PostgreSQL only warns; the privilege stays out."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"GRANT UPDATE, DELETE, TRUNCATE ON {quoted(table)} TO CURRENT_USER"
        )
        for privilege in ("UPDATE", "DELETE", "TRUNCATE"):
            cursor.execute("SELECT has_table_privilege(%s, %s)", [table, privilege])
            assert cursor.fetchone() == (False,)
    error = refusal(f"DELETE FROM {quoted(table)}")
    assert isinstance(error, errors.InsufficientPrivilege), error


@pytest.mark.django_db
def test_a_table_of_a_later_migration_is_insert_only_until_granted():
    """Default privileges: what the owner creates next is readable and insertable
    for the runtime role, never updatable, before `migrate` grants again."""
    as_owner("CREATE TABLE later_model (id int)")
    with connection.cursor() as cursor:
        for privilege, granted in [
            ("SELECT", True),
            ("INSERT", True),
            ("UPDATE", False),
            ("DELETE", False),
            ("TRUNCATE", False),
        ]:
            cursor.execute("SELECT has_table_privilege('later_model', %s)", [privilege])
            assert cursor.fetchone() == (granted,), privilege


@pytest.mark.django_db(transaction=True)
def test_the_grant_command_converges_and_refuses_a_role_that_can_do_everything():
    out = io.StringIO()
    call_command("grant_runtime_role", stdout=out)
    assert dbroles.runtime_role() in out.getvalue()
    assert "ledger_auditentry" in out.getvalue()
    # Run again: the same privileges (checked table by table above).
    call_command("grant_runtime_role", stdout=io.StringIO())
    test_the_runtime_role_has_exactly_the_privileges_the_models_allow()
    with pytest.raises(CommandError, match="eigenaar-rol zelf"):
        call_command("grant_runtime_role", owner_role())
    with pytest.raises(CommandError, match="superuser"):
        call_command("grant_runtime_role", "postgres")

"""The test database on PostgreSQL with two roles, as in production.

With DATABASE_OWNER_URL set (`make test-postgres` sets it), the owner role creates
and migrates each worker's test database (`migrate` then grants the runtime role),
and the tests connect as the runtime role of DATABASE_URL: the application runs
with exactly the privileges it has when it serves. Flushing after a committing
test (`flush`, a TRUNCATE the runtime role may not do) and dropping the database
at the end run as the owner.

The owner also installs `test_as_owner(statement, bypass_triggers)` in the test
database only (never through a migration): `tests/ledger/tamper.py` plays
someone with the owner's access through it, inside the test's own transaction.
Without DATABASE_OWNER_URL one role does everything, as before.
"""

from __future__ import annotations

import pytest

from kern import dbroles

# SECURITY DEFINER: runs with the owner's rights in the caller's transaction.
AS_OWNER_FUNCTION = """
CREATE OR REPLACE FUNCTION test_as_owner(statement text, bypass_triggers boolean)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
    t regclass;
BEGIN
    IF bypass_triggers THEN
        -- ALTER TABLE refuses a table with pending (deferred) foreign-key checks.
        SET CONSTRAINTS ALL IMMEDIATE;
        FOR t IN SELECT DISTINCT tgrelid::regclass FROM pg_trigger
                 WHERE NOT tgisinternal LOOP
            EXECUTE format('ALTER TABLE %s DISABLE TRIGGER USER', t);
        END LOOP;
    END IF;
    EXECUTE statement;
    IF bypass_triggers THEN
        FOR t IN SELECT DISTINCT tgrelid::regclass FROM pg_trigger
                 WHERE NOT tgisinternal LOOP
            EXECUTE format('ALTER TABLE %s ENABLE TRIGGER USER', t);
        END LOOP;
        SET CONSTRAINTS ALL DEFERRED;
    END IF;
END;
$$;
REVOKE ALL ON FUNCTION test_as_owner(text, boolean) FROM PUBLIC;
"""


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """Create (and migrate) the test databases as the owner role."""
    dbroles.use_owner()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """After pytest-django's set-up (as the owner): connect as the runtime role."""
    from django.db import connection

    if dbroles.runs_as_owner():
        role = dbroles.runtime_role()
        quoted = connection.ops.quote_name(role)
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute(AS_OWNER_FUNCTION)
            cursor.execute(
                f"GRANT EXECUTE ON FUNCTION test_as_owner(text, boolean) TO {quoted}"
            )
        dbroles.use_runtime()
    yield
    # pytest-django drops the test database after this, as the owner.
    dbroles.use_owner()

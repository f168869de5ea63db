"""Two PostgreSQL roles: an owner that migrates and a runtime role that serves.

The owner role (DATABASE_OWNER_URL) owns the schema, its tables, sequences and
the append-only triggers. The runtime role (DATABASE_URL) owns nothing: it may
read every table and insert into the models' tables, and update and delete only
rows of models that are not append-only (`kern.immutable.AppendOnlyModel`, the
one marker). Because it owns no table it cannot disable, drop or replace a
trigger, alter or truncate a table, or create objects in the schema.

`grant_runtime_role()` (re)grants exactly that, derived from the installed models,
plus default privileges so that a table a later migration creates is readable and
insertable (never updatable) until the grant runs again; `migrate` runs it after
every migration. See docs/security.md, "Database roles".
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

from .immutable import AppendOnlyModel

_CREDENTIALS = ("USER", "PASSWORD", "HOST", "PORT")
# Per alias: the runtime role's credentials while a connection runs as the owner.
_runtime_credentials: dict[str, dict] = {}


class RoleError(Exception):
    """The roles are not set up as the grant needs; the message says why."""


def owner_configured() -> bool:
    return bool(getattr(settings, "DATABASE_OWNER", None))


def runs_as_owner(using: str = DEFAULT_DB_ALIAS) -> bool:
    return using in _runtime_credentials


def _switch(using: str, credentials: dict) -> None:
    connection = connections[using]
    connection.close()
    # The settings dictionary is shared by this alias's connections in every
    # thread, so a connection opened next (in any thread) uses these credentials.
    connection.settings_dict.update(credentials)


def use_owner(using: str = DEFAULT_DB_ALIAS) -> None:
    """Connect `using` as the owner role from now on (no-op without one)."""
    if not owner_configured() or runs_as_owner(using):
        return
    current = connections[using].settings_dict
    _runtime_credentials[using] = {key: current.get(key) for key in _CREDENTIALS}
    _switch(using, settings.DATABASE_OWNER)


def use_runtime(using: str = DEFAULT_DB_ALIAS) -> None:
    """Connect `using` as the runtime role again."""
    if runs_as_owner(using):
        _switch(using, _runtime_credentials.pop(using))


@contextlib.contextmanager
def as_owner(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Run the block over a connection of the owner role.

    Switching closes the connection, so inside a transaction (only a test does
    that) the block keeps the current connection and its role.
    """
    connection = connections[using]
    if (
        not owner_configured()
        or runs_as_owner(using)
        or connection.vendor != "postgresql"
        or connection.in_atomic_block
    ):
        yield
        return
    use_owner(using)
    try:
        yield
    finally:
        use_runtime(using)


def runtime_role(using: str = DEFAULT_DB_ALIAS) -> str | None:
    """The runtime role's name: the user of DATABASE_URL."""
    if runs_as_owner(using):
        return _runtime_credentials[using]["USER"]
    return connections[using].settings_dict.get("USER") or None


# Privileges --------------------------------------------------------------------


def is_append_only(model) -> bool:
    return issubclass(model, AppendOnlyModel)


def table_privileges() -> dict[str, tuple[str, ...]]:
    """The runtime role's privileges per table of every installed model."""
    privileges = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if not meta.managed or meta.proxy:
            continue
        if is_append_only(model):
            privileges[meta.db_table] = ("SELECT", "INSERT")
        elif not getattr(model, "RUNTIME_DELETE", True):
            # Rows the application updates but never deletes (the journal's
            # chain heads): a deleted head would stop its organisation's writes.
            privileges[meta.db_table] = ("SELECT", "INSERT", "UPDATE")
        else:
            privileges[meta.db_table] = ("SELECT", "INSERT", "UPDATE", "DELETE")
    return dict(sorted(privileges.items()))


@dataclass
class Granted:
    role: str
    owner: str
    schema: str
    tables: dict[str, tuple[str, ...]] = field(default_factory=dict)
    read_only: list[str] = field(default_factory=list)


def grant_runtime_role(
    role: str | None = None, *, using: str = DEFAULT_DB_ALIAS
) -> Granted:
    """(Re)grant the runtime role exactly its privileges; run as the owner role.

    Everything the role held on the schema's tables and sequences is revoked
    first, so a repeated grant converges on the same set.
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        raise RoleError("Rollen zijn er alleen op PostgreSQL.")
    role = role or runtime_role(using)
    if not role:
        raise RoleError("Noem de runtime-rol: er staat geen gebruiker in DATABASE_URL.")
    if '"' in role:
        raise RoleError(f"Ongeldige rolnaam: {role}")
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, current_schema()")
        owner, schema = cursor.fetchone()
        cursor.execute(
            "SELECT rolsuper, pg_has_role(oid, %s, 'MEMBER')"
            " FROM pg_roles WHERE rolname = %s",
            [owner, role],
        )
        row = cursor.fetchone()
        if row is None:
            raise RoleError(f"De rol {role} bestaat niet.")
        if role == owner:
            raise RoleError(
                f"{role} is de eigenaar-rol zelf; de runtime-rol moet een andere "
                "rol zijn (DATABASE_URL), de eigenaar staat in DATABASE_OWNER_URL."
            )
        superuser, member_of_owner = row
        if superuser or member_of_owner:
            raise RoleError(
                f"{role} is superuser of lid van {owner} en kan dus alles; "
                "de runtime-rol moet een gewone rol zijn."
            )
        cursor.execute(
            "SELECT c.relname FROM pg_class c"
            " JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = %s AND pg_get_userbyid(c.relowner) = %s"
            " ORDER BY c.relname",
            [schema, role],
        )
        owned = [name for (name,) in cursor.fetchall()]
        if owned:
            raise RoleError(
                f"{role} is eigenaar van {', '.join(owned)}; draag ze over "
                f"(REASSIGN OWNED BY {role} TO {owner}) en grant opnieuw."
            )
        existing = set(connection.introspection.table_names(cursor))
        r, s, o = quote(role), quote(schema), quote(owner)
        statements = [
            # Nobody but the owner creates objects in the schema.
            f"REVOKE CREATE ON SCHEMA {s} FROM PUBLIC",
            f"REVOKE ALL ON SCHEMA {s} FROM {r}",
            f"GRANT USAGE ON SCHEMA {s} TO {r}",
            f"REVOKE ALL ON ALL TABLES IN SCHEMA {s} FROM {r}",
            f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {s} FROM {r}",
            # Every table readable (django_migrations too: runserver checks it).
            f"GRANT SELECT ON ALL TABLES IN SCHEMA {s} TO {r}",
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {s} TO {r}",
            # A table a later migration creates: readable and insertable only,
            # until the grant runs again and knows whether its model may change.
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA {s}"
            f" REVOKE ALL ON TABLES FROM {r}",
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA {s}"
            f" GRANT SELECT, INSERT ON TABLES TO {r}",
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA {s}"
            f" REVOKE ALL ON SEQUENCES FROM {r}",
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA {s}"
            f" GRANT USAGE, SELECT ON SEQUENCES TO {r}",
        ]
        granted = Granted(role=role, owner=owner, schema=schema)
        for table, privileges in table_privileges().items():
            if table not in existing:
                continue
            statements.append(
                f"GRANT {', '.join(privileges)} ON {s}.{quote(table)} TO {r}"
            )
            granted.tables[table] = privileges
        granted.read_only = sorted(existing - set(granted.tables))
        for statement in statements:
            cursor.execute(statement)
    return granted

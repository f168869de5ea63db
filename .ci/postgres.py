"""Make sure a PostgreSQL server answers for the test run, with the project's two
roles and database. Exit 0 when ready, 3 when no server can be reached.

Used by `make test`; starts the local Debian cluster when it is installed but down.

- DATABASE_URL: the runtime role that serves (created LOGIN, nothing more).
- DATABASE_OWNER_URL: the owner role that migrates (created LOGIN CREATEDB: the
  test run creates a database per worker). The database is created owned by it.
- PG_ADMIN_URL: a superuser that may create roles and databases (default: the
  user postgres on the same server).

Without DATABASE_OWNER_URL only the database is made sure of, as the user of
DATABASE_URL. Running it again changes nothing; a password in a URL is set on
the role (with trust authentication, as on a laptop, none is needed).
"""

import glob
import os
import re
import shutil
import subprocess
import sys
import time
from urllib.parse import urlparse

import psycopg
from psycopg import sql

url = urlparse(os.environ["DATABASE_URL"])
owner_url = urlparse(os.environ.get("DATABASE_OWNER_URL") or "")
dbname = url.path.lstrip("/") or "coopsturing"
admin = urlparse(
    os.environ.get("PG_ADMIN_URL")
    or (
        f"postgres://postgres@{url.hostname or '127.0.0.1'}:{url.port or 5432}/postgres"
        if owner_url.username
        else os.environ["DATABASE_URL"]
    )
)
admin_dsn = {
    "host": admin.hostname or "127.0.0.1",
    "port": admin.port or 5432,
    "user": admin.username or "postgres",
    "password": admin.password or None,
    "dbname": "postgres",
    "connect_timeout": 3,
}


def connect():
    try:
        return psycopg.connect(**admin_dsn, autocommit=True)
    except psycopg.OperationalError:
        return None


def start_local_cluster() -> None:
    """Start the Debian cluster(s) on this machine, if there are any."""
    if shutil.which("pg_ctlcluster") is None:
        return
    for conf in sorted(glob.glob("/etc/postgresql/*/*")):
        version, cluster = conf.split("/")[-2:]
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", version, cluster, "start"],
            check=False,
            capture_output=True,
        )


def ensure_role(conn, name: str, password: str | None, attributes: str) -> None:
    role = sql.Identifier(name)
    row = conn.execute(
        "SELECT rolsuper FROM pg_roles WHERE rolname = %s", [name]
    ).fetchone()
    if row is None:
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(role))
        print(f"Created role {name}.")
    elif row[0] or name == admin_dsn["user"]:
        # Never demote an existing superuser (such as postgres) into an app role.
        sys.exit(
            f"{name} is a superuser: DATABASE_URL and DATABASE_OWNER_URL need "
            "roles of their own (for example coopsturing_app, coopsturing_owner)."
        )
    conn.execute(sql.SQL("ALTER ROLE {} " + attributes).format(role))
    if password:
        conn.execute(
            sql.SQL("ALTER ROLE {} PASSWORD {}").format(role, sql.Literal(password))
        )


def ensure_roles(conn) -> str:
    """Create or correct both roles; return the owner role's name."""
    owner = owner_url.username
    runtime = url.username
    if not runtime or runtime == owner:
        sys.exit("DATABASE_URL must name a runtime role other than the owner.")
    ensure_role(
        conn,
        owner,
        owner_url.password,
        "LOGIN CREATEDB NOSUPERUSER NOCREATEROLE NOREPLICATION NOBYPASSRLS",
    )
    ensure_role(
        conn,
        runtime,
        url.password,
        "LOGIN NOCREATEDB NOSUPERUSER NOCREATEROLE NOREPLICATION NOBYPASSRLS",
    )
    # Membership either way would give the runtime role more than its grant.
    for member, group in ((runtime, owner), (owner, runtime)):
        conn.execute(
            sql.SQL("REVOKE {} FROM {}").format(
                sql.Identifier(group), sql.Identifier(member)
            )
        )
    # Test databases left by an earlier run under another owner: the owner role
    # could not replace them. They hold nothing but a finished test run's rows.
    stale = conn.execute(
        "SELECT datname FROM pg_database"
        " WHERE datname ~ %s AND pg_get_userbyid(datdba) <> %s",
        [f"^test_{re.escape(dbname)}(_gw[0-9]+)?$", owner],
    ).fetchall()
    for (name,) in stale:
        conn.execute(
            sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name))
        )
        print(f"Dropped the old test database {name} (another owner).")
    return owner


conn = connect()
if conn is None:
    print("PostgreSQL answers not; starting the local cluster…", flush=True)
    start_local_cluster()
    for _ in range(20):
        conn = connect()
        if conn is not None:
            break
        time.sleep(0.5)
if conn is None:
    sys.exit(3)

with conn:
    owner = ensure_roles(conn) if owner_url.username else None
    exists = conn.execute(
        "SELECT 1 FROM pg_database WHERE datname = %s", [dbname]
    ).fetchone()
    database = sql.Identifier(dbname)
    if not exists:
        if owner:
            conn.execute(
                sql.SQL("CREATE DATABASE {} OWNER {}").format(
                    database, sql.Identifier(owner)
                )
            )
        else:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(database))
        print(f"Created database {dbname}.")
    elif owner:
        conn.execute(
            sql.SQL("ALTER DATABASE {} OWNER TO {}").format(
                database, sql.Identifier(owner)
            )
        )
where = f"{admin_dsn['host']}:{admin_dsn['port']}"
roles = f", owner {owner}, runtime {url.username}" if owner else ""
print(f"PostgreSQL ready at {where}, database {dbname}{roles}.")

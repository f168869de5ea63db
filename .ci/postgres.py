"""Make sure a PostgreSQL server answers for the test run, and that the project's
database exists. Exit 0 when ready, 3 when no server can be reached.

Used by `make test`; starts the local Debian cluster when it is installed but down.
"""

import glob
import os
import shutil
import subprocess
import sys
import time
from urllib.parse import urlparse

import psycopg

url = urlparse(os.environ["DATABASE_URL"])
dbname = url.path.lstrip("/") or "coopsturing"
admin_dsn = {
    "host": url.hostname or "127.0.0.1",
    "port": url.port or 5432,
    "user": url.username or "postgres",
    "password": url.password or None,
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
    exists = conn.execute(
        "SELECT 1 FROM pg_database WHERE datname = %s", [dbname]
    ).fetchone()
    if not exists:
        conn.execute(f'CREATE DATABASE "{dbname}"')
        print(f"Created database {dbname}.")
where = f"{admin_dsn['host']}:{admin_dsn['port']}"
print(f"PostgreSQL ready at {where}, database {dbname}.")

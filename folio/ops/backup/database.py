"""Copying a database out and back in: SQLite's online backup API, or pg_dump/pg_restore.

Row counts, chain heads and the schema revision are read from the same snapshot that is
dumped (the copy itself for SQLite, an exported snapshot for PostgreSQL), so a backup taken
while people keep working still matches its manifest exactly.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import sqlite3
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import NullPool

from folio.db import create_folio_engine

SQLITE_MEMBER = "database.sqlite3"
POSTGRES_MEMBER = "database.pgdump"
MEMBERS = {"sqlite": SQLITE_MEMBER, "postgresql": POSTGRES_MEMBER}
# Tables whose rows say nothing about the business: a database holding only these is empty.
OPERATIONAL_TABLES = frozenset({"alembic_version", "backups", "job_runs", "job_locks"})


class BackupError(Exception):
    """Something an operator must fix (a missing tool, a wrong backend, ...)."""


@dataclass
class Snapshot:
    """What the manifest records about the database at the moment it was copied."""

    backend: str
    schema_revision: str | None
    row_counts: dict[str, int] = field(default_factory=dict)
    books: list[dict[str, Any]] = field(default_factory=list)


def describe(connection: Connection) -> Snapshot:
    """Row counts per table, each book's chain, and the schema revision, as seen now."""
    tables = sorted(inspect(connection).get_table_names())
    quote = connection.dialect.identifier_preparer.quote
    counts = {name: int(connection.execute(text(f"SELECT count(*) FROM {quote(name)}"))
                        .scalar_one()) for name in tables}
    books: list[dict[str, Any]] = []
    if "books" in tables:
        books = [{"slug": slug, "chain_seq": int(seq), "chain_head": head}
                 for slug, seq, head in connection.execute(
                     text("SELECT slug, chain_seq, chain_head FROM books ORDER BY slug"))]
    revision = None
    if "alembic_version" in tables:
        revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return Snapshot(backend=connection.dialect.name, schema_revision=revision,
                    row_counts=counts, books=books)


def has_data(engine: Engine) -> bool:
    """Whether any business table has a row (an empty or unmigrated database has none)."""
    with engine.connect() as connection:
        tables = set(inspect(connection).get_table_names()) - OPERATIONAL_TABLES
        quote = connection.dialect.identifier_preparer.quote
        return any(connection.execute(text(f"SELECT 1 FROM {quote(t)} LIMIT 1")).first()
                   for t in sorted(tables))


def _plain_engine(path: Path) -> Engine:
    return create_engine(f"sqlite:///{path}", poolclass=NullPool)


def sqlite_path(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupError("only a SQLite database in a file can be backed up")
    return Path(database)


# --- dumping -----------------------------------------------------------------------------

def dump(engine: Engine, staging: Path) -> tuple[Path, Snapshot]:
    """Copy the database into ``staging``; the file and what it holds."""
    if engine.dialect.name == "sqlite":
        return _dump_sqlite(engine, staging / SQLITE_MEMBER)
    if engine.dialect.name == "postgresql":
        return _dump_postgres(engine, staging / POSTGRES_MEMBER)
    raise BackupError(f"backups of {engine.dialect.name} databases are not supported")


def _dump_sqlite(engine: Engine, target: Path) -> tuple[Path, Snapshot]:
    raw = engine.raw_connection()
    try:
        source = raw.driver_connection
        assert isinstance(source, sqlite3.Connection)
        with closing(sqlite3.connect(target)) as copy:
            source.backup(copy)  # a consistent copy, page by page, while others keep writing
            # One self-contained file: no -wal beside it.
            copy.execute("PRAGMA journal_mode=DELETE")
    finally:
        raw.close()
    copy_engine = _plain_engine(target)
    try:
        with copy_engine.connect() as connection:
            snapshot = describe(connection)
    finally:
        copy_engine.dispose()
    return target, snapshot


def _dump_postgres(engine: Engine, target: Path) -> tuple[Path, Snapshot]:
    pg_dump = pg_tool("pg_dump", engine)
    conninfo, env = libpq(engine)
    with engine.connect() as connection:
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            connection.execute(text("SET TRANSACTION READ ONLY"))
            snapshot_id = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            snapshot = describe(connection)
            # pg_dump reads the very snapshot the counts came from; keep it open until done.
            _run([pg_dump, "--format=custom", "--no-owner", "--no-privileges",
                  f"--snapshot={snapshot_id}", f"--file={target}", f"--dbname={conninfo}"],
                 env, "pg_dump")
    return target, snapshot


# --- PostgreSQL tools ----------------------------------------------------------------------

def libpq(engine: Engine, database: str | None = None) -> tuple[str, dict[str, str]]:
    """A libpq connection URI without the password, and an environment carrying it."""
    url = engine.url.set(drivername="postgresql")
    if database is not None:
        url = url.set(database=database)
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return url.set(password=None).render_as_string(hide_password=False), env


def _major(version_text: str) -> int | None:
    # "pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)" -> 15
    match = re.search(r"\)\s*(\d+)", version_text) or re.search(r"(\d+)", version_text)
    return int(match.group(1)) if match else None


def server_major(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("SHOW server_version_num")).scalar_one()) // 10000


def pg_tool(name: str, engine: Engine) -> str:
    """``name`` (pg_dump, pg_restore, psql) at least as new as the server, or BackupError."""
    server = server_major(engine)
    candidates = [f"/usr/lib/postgresql/{server}/bin/{name}", shutil.which(name) or "",
                  *sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)]
    found = [c for c in candidates if c and os.access(c, os.X_OK)]
    if not found:
        raise BackupError(f"{name} was not found on PATH or in /usr/lib/postgresql/*/bin; "
                          f"install the PostgreSQL {server} client tools "
                          f"(Debian/Ubuntu: apt install postgresql-client-{server})")
    for candidate in found:
        output = subprocess.run([candidate, "--version"], capture_output=True, text=True,
                                check=False).stdout
        major = _major(output)
        if major is not None and major >= server:
            return candidate
    raise BackupError(f"{found[0]} is older than the PostgreSQL {server} server; install "
                      f"postgresql-client-{server}")


def _run(command: list[str], env: dict[str, str], what: str,
         stdin: int | None = None) -> None:
    completed = subprocess.run(command, env=env, capture_output=True, text=True, check=False,
                               stdin=stdin)
    if completed.returncode != 0:
        detail = (completed.stderr or completed.stdout).strip().splitlines()
        raise BackupError(f"{what} failed: {' '.join(detail[-3:]) or completed.returncode}")


# --- loading -------------------------------------------------------------------------------

@contextmanager
def scratch_database(backend: str, member: Path, server: Engine | None) -> Iterator[Engine]:
    """The dump loaded into a throwaway database, dropped afterwards."""
    if backend == "sqlite":
        scratch = create_folio_engine(f"sqlite:///{member}")
        try:
            yield scratch
        finally:
            scratch.dispose()
        return
    if backend != "postgresql":
        raise BackupError(f"this backup is of a {backend} database, which Folio cannot load")
    if server is None or server.dialect.name != "postgresql":
        raise BackupError("this is a PostgreSQL backup: set DATABASE_URL to a PostgreSQL "
                          "server to verify or restore it")
    name = f"folio_verify_{uuid.uuid4().hex[:12]}"
    with server.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE template0'))
    scratch = create_folio_engine(
        server.url.set(database=name).render_as_string(hide_password=False))
    try:
        conninfo, env = libpq(server, name)
        _run([pg_tool("pg_restore", server), "--no-owner", "--no-privileges",
              "--exit-on-error", "--single-transaction", f"--dbname={conninfo}", str(member)],
             env, "pg_restore")
        yield scratch
    finally:
        scratch.dispose()
        with server.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def replace_database(engine: Engine, backend: str, member: Path) -> None:
    """Overwrite the live database with the dump, all or nothing."""
    if backend != engine.dialect.name:
        raise BackupError(f"this backup is of a {backend} database but DATABASE_URL points "
                          f"to {engine.dialect.name}")
    engine.dispose()
    if backend == "sqlite":
        with closing(sqlite3.connect(member)) as source, \
                closing(sqlite3.connect(sqlite_path(engine), timeout=30)) as live:
            source.backup(live)  # one write transaction on the live file
        return
    pg_restore, psql = pg_tool("pg_restore", engine), pg_tool("psql", engine)
    conninfo, env = libpq(engine)
    # pg_restore writes the dump as SQL; psql runs "drop everything" and that script in one
    # transaction, so a failure half-way leaves the old database untouched.
    script = subprocess.Popen([pg_restore, "--no-owner", "--no-privileges", "--file=-",
                               str(member)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              env=env)
    assert script.stdout is not None
    try:
        _run([psql, "--no-psqlrc", "--quiet", "--single-transaction", "--set=ON_ERROR_STOP=1",
              "--command=DROP SCHEMA public CASCADE",
              "--command=CREATE SCHEMA public",
              "--file=-", f"--dbname={conninfo}"], env, "psql", stdin=script.stdout.fileno())
    finally:
        script.stdout.close()
        _, errors = script.communicate()
    if script.returncode != 0:
        raise BackupError(f"pg_restore failed: {errors.decode(errors='replace').strip()}")

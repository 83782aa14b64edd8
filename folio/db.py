"""Engine, sessions and the declarative base.

SQLite runs in WAL mode with foreign keys on and a busy timeout; write transactions start
with ``BEGIN IMMEDIATE`` so two writers queue instead of failing half-way with
"database is locked". PostgreSQL needs none of this.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import BigInteger, Integer, MetaData, String, TypeDecorator, create_engine, event
from sqlalchemy.engine import Dialect, Engine, make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from folio.auth.actor import Actor, set_actor

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLite's INTEGER PRIMARY KEY is its rowid; BIGINT elsewhere.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class DecimalText(TypeDecorator[Decimal]):
    """An exact decimal stored as text, for rates; SQLite has no exact NUMERIC."""

    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> str | None:
        return None if value is None else format(Decimal(value).normalize(), "f")

    def process_result_value(self, value: str | None, dialect: Dialect) -> Decimal | None:
        return None if value is None else Decimal(value)


_engines: dict[str, Engine] = {}


def _prepare_sqlite_file(url: str) -> None:
    database = make_url(url).database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).parent.mkdir(parents=True, exist_ok=True)


def create_folio_engine(url: str, busy_timeout_ms: int = 10_000, **kwargs: Any) -> Engine:
    """Create an engine with Folio's connection settings for the URL's dialect."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True, **kwargs)

    _prepare_sqlite_file(url)
    engine = create_engine(url, connect_args={"timeout": busy_timeout_ms / 1000}, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, decide when transactions begin.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get("folio_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def get_engine(url: str | None = None) -> Engine:
    """The process-wide engine for ``url`` (default: the configured DATABASE_URL)."""
    from folio.settings import get_settings

    settings = get_settings()
    url = url or settings.DATABASE_URL
    if url not in _engines:
        _engines[url] = create_folio_engine(url, settings.SQLITE_BUSY_TIMEOUT_MS)
    return _engines[url]


def dispose_engines() -> None:
    for engine in _engines.values():
        engine.dispose()
    _engines.clear()


def make_session(engine: Engine | None = None, *, write: bool = False,
                 actor: Actor | None = None) -> Session:
    """A new session acting as ``actor`` (see folio.auth.actor; None may do nothing);
    ``write=True`` starts SQLite transactions with BEGIN IMMEDIATE."""
    engine = engine or get_engine()
    if write:
        engine = engine.execution_options(folio_write=True)
    session = sessionmaker(bind=engine, expire_on_commit=False)()
    return set_actor(session, actor)


@contextmanager
def transaction(engine: Engine | None = None, *, write: bool = True,
                actor: Actor | None = None) -> Iterator[Session]:
    """A session that commits when the block succeeds and rolls back when it raises."""
    session = make_session(engine, write=write, actor=actor)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()

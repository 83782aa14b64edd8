"""Shared fixtures: the database backends, a migrated database per test, books, clients.

Every test that asks for ``engine`` (directly or through ``session``, ``book``, ``client``)
runs twice: on SQLite and on the PostgreSQL server at 127.0.0.1:5432. Without a reachable
PostgreSQL the second run is skipped with a message, except under CI=true where that fails.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from typer.testing import Result

os.environ.setdefault("FOLIO_ENV", "test")

from folio.auth.actor import SYSTEM
from folio.books.models import Book
from folio.books.service import BookInput, create_book
from folio.db import Base, create_folio_engine, make_session
from folio.ledger.models import JournalEntry
from folio.ledger.service import EntryInput, LineInput, create_entry
from folio.migrate import upgrade

PG_ADMIN_URL = os.environ.get("FOLIO_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _missing(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: nothing may be skipped for a missing service)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file that each test copies (cheaper than migrating per test)."""
    path = tmp_path_factory.mktemp("template") / "folio.db"
    engine = create_folio_engine(f"sqlite:///{path}")
    upgrade(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A fresh PostgreSQL database for this test process, migrated, dropped at the end."""
    import psycopg

    name = f"folio_test_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{uuid.uuid4().hex[:8]}"
    try:
        admin = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        _missing(f"PostgreSQL is not reachable at {PG_ADMIN_URL} ({exc.__class__.__name__}); "
                 "start it to run the PostgreSQL half of the suite")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    engine = create_folio_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def engine(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty, migrated database on the backend under test."""
    if backend == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        path = tmp_path / "folio.db"
        shutil.copy(template, path)
        engine = create_folio_engine(f"sqlite:///{path}")
        yield engine
        engine.dispose()
        return
    url = request.getfixturevalue("pg_database")
    engine = create_folio_engine(url)
    yield engine
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    db = make_session(engine, write=True, actor=SYSTEM)
    yield db
    db.rollback()
    db.close()


@pytest.fixture
def book(session: Session) -> Book:
    """A USD book on the generic chart."""
    made = create_book(session, BookInput(slug="acme", name="Acme Ltd", base_currency="USD",
                                          locale="en_US", chart="generic"))
    session.commit()
    return made


@pytest.fixture
def idr_book(session: Session) -> Book:
    """An IDR book on the Indonesian PSAK chart."""
    made = create_book(session, BookInput(slug="studio", name="Studio Jakarta",
                                          base_currency="IDR", locale="id_ID", chart="id-psak"))
    session.commit()
    return made


def post(session: Session, book: Book, day: date | str, lines: list[tuple[str, str | int]],
         description: str = "Test entry", **kwargs: object) -> JournalEntry:
    """Post an entry from ``(account code, amount)`` pairs; amounts as strings or ints."""
    if isinstance(day, str):
        day = date.fromisoformat(day)
    entry = create_entry(session, book, EntryInput(
        date=day, description=description,
        lines=[LineInput(account=code, amount=Decimal(str(amount))) for code, amount in lines],
        **kwargs),  # type: ignore[arg-type]
        post=True)
    session.commit()
    return entry


@pytest.fixture
def client(engine: Engine) -> Iterator[object]:
    from fastapi.testclient import TestClient

    from folio.app import create_app

    with TestClient(create_app(engine)) as test_client:
        yield test_client


Cli = Callable[..., Result]


@pytest.fixture
def cli(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[Cli]:
    """Run ``folio ARGS...`` (with ``input`` as stdin) against the test database."""
    from typer.testing import CliRunner

    from folio.cli import app
    from folio.db import dispose_engines
    from folio.settings import get_settings

    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    dispose_engines()
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None) -> Result:
        return runner.invoke(app, list(args), input=input)

    yield invoke
    dispose_engines()
    get_settings.cache_clear()


def said(result: Result) -> str:
    """Everything the command printed, with Rich's line wrapping undone (and any crash)."""
    crash = "" if result.exception is None or isinstance(result.exception, SystemExit) \
        else f" [crashed: {result.exception!r}]"
    return " ".join((result.stdout + result.stderr).split()) + crash

"""Shared fixtures: the database backends, a migrated database per test, books, clients.

Every test that asks for ``engine`` (directly or through ``session``, ``book``, ``client``)
runs twice: on SQLite and on the PostgreSQL server at 127.0.0.1:5432. Without a reachable
PostgreSQL the second run is skipped with a message, except under CI=true where that fails.

Page and browser tests (``test_*pages*.py``, ``test_*browser*.py``) run on SQLite only:
what they add is the HTML, the forms and the browser; the services under them, and the API
fuzz tests, run on both databases.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from typer.testing import Result

os.environ.setdefault("FOLIO_ENV", "test")

from folio.auth.actor import SYSTEM
from folio.auth.models import User
from folio.books.models import Book
from folio.books.service import BookInput, create_book
from folio.db import Base, create_folio_engine, make_session
from folio.ledger.models import JournalEntry
from folio.ledger.service import EntryInput, LineInput, create_entry
from folio.migrate import upgrade
from tests.smtp_server import smtp_server  # noqa: F401

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


def _one_backend_is_enough(item: pytest.Item) -> bool:
    name = item.path.name
    return "pages" in name or "browser" in name


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    keep: list[pytest.Item] = []
    drop: list[pytest.Item] = []
    for item in items:
        params = getattr(item, "callspec", None)
        on_postgres = params is not None and params.params.get("backend") == "postgresql"
        (drop if on_postgres and _one_backend_is_enough(item) else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


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


OWNER = "owner@example.test"
PASSWORD = "correct horse battery staple"


def ensure_user(session: Session, email: str, *, is_admin: bool = False) -> User:
    """The user with ``email``, created (password ``PASSWORD``) when missing."""
    from folio.auth.service import create_user, find_user

    return find_user(session, email) or create_user(session, email, PASSWORD,
                                                    is_admin=is_admin)


def ensure_member(session: Session, book: Book, email: str, role: str) -> User:
    """``email`` as a member of ``book`` with ``role`` (created when missing)."""
    from folio.auth.service import add_member, role_in, set_role

    user = ensure_user(session, email, is_admin=email == OWNER)
    current = role_in(session, user, book)
    if current is None:
        add_member(session, book, user, role)
    elif current != role:
        set_role(session, book, user, role)
    return user


def _made_book(session: Session, data: BookInput) -> Book:
    made = create_book(session, data)
    ensure_member(session, made, OWNER, "owner")  # the `client` fixture signs in as OWNER
    session.commit()
    return made


@pytest.fixture
def book(session: Session) -> Book:
    """A USD book on the generic chart; OWNER owns it."""
    return _made_book(session, BookInput(slug="acme", name="Acme Ltd", base_currency="USD",
                                         locale="en_US", chart="generic"))


@pytest.fixture
def idr_book(session: Session) -> Book:
    """An IDR book on the Indonesian PSAK chart; OWNER owns it."""
    return _made_book(session, BookInput(slug="studio", name="Studio Jakarta",
                                         base_currency="IDR", locale="id_ID", chart="id-psak"))


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
def counts(engine: Engine) -> Callable[[], dict[str, int]]:
    """Rows per table, read in a session of its own (never holding SQLite's write lock), to
    show that a refused request wrote nothing."""
    from tests.ledger.factories import row_counts

    def read() -> dict[str, int]:
        with make_session(engine, actor=SYSTEM) as reader:
            return row_counts(reader)

    return read


def sign_in_as(client: Any, engine: Engine, email: str) -> None:
    """Give ``client`` a browser session of ``email`` (created when missing), with the CSRF
    token as a default header, as the pages' JavaScript sends it."""
    from folio.auth.sessions import cookie_name, csrf_token, start_session

    with make_session(engine, write=True, actor=SYSTEM) as db:
        user = ensure_user(db, email, is_admin=email == OWNER)
        _web, plain = start_session(db, user, mfa_passed=True)
        db.commit()
    client.cookies.set(cookie_name(), plain)
    client.headers["X-CSRF-Token"] = csrf_token(plain)


def bearer_token(engine: Engine, email: str, scope: str = "write") -> str:
    """A personal API token of ``email`` (created when missing)."""
    from folio.auth.tokens import create_api_token

    with make_session(engine, write=True, actor=SYSTEM) as db:
        user = ensure_user(db, email, is_admin=email == OWNER)
        _token, plain = create_api_token(db, user, "tests", scope)
        db.commit()
    return plain


def unthrottled_app(engine: Engine) -> Any:
    """The app without rate limits, for fuzzing that sends thousands of requests."""
    from folio.app import create_app
    from folio.auth.throttle import NoThrottle

    app = create_app(engine)
    app.state.throttle = NoThrottle()
    return app


@pytest.fixture
def anonymous(engine: Engine) -> Iterator[Any]:
    """A client that has not signed in."""
    from fastapi.testclient import TestClient

    from folio.app import create_app

    with TestClient(create_app(engine)) as test_client:
        yield test_client


@pytest.fixture
def client(anonymous: Any, engine: Engine) -> Any:
    """A client signed in (browser session) as OWNER, the owner of `book` and `idr_book`."""
    sign_in_as(anonymous, engine, OWNER)
    return anonymous


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

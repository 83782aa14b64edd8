"""SQLite connection settings: WAL, foreign keys, busy timeout, BEGIN IMMEDIATE writers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from typer.testing import CliRunner

from folio.auth.actor import SYSTEM
from folio.cli import app
from folio.db import create_folio_engine, make_session
from folio.migrate import upgrade


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = create_folio_engine(f"sqlite:///{tmp_path / 'folio.db'}", busy_timeout_ms=200)
    upgrade(engine)
    yield engine
    engine.dispose()


def test_it_runs_sqlite_in_wal_mode_with_foreign_keys_and_a_busy_timeout(
        sqlite_engine: Engine) -> None:
    with sqlite_engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 200


def test_it_refuses_a_row_that_breaks_a_foreign_key(sqlite_engine: Engine) -> None:
    with pytest.raises(IntegrityError), sqlite_engine.begin() as conn:
        conn.execute(text("INSERT INTO accounts (book_id, code, name, type, is_group, "
                          "is_active) VALUES (999, '1', 'x', 'asset', 0, 1)"))


def test_a_second_writer_waits_for_the_first_while_readers_carry_on(sqlite_engine: Engine) -> None:
    first = make_session(sqlite_engine, write=True, actor=SYSTEM)
    second = make_session(sqlite_engine, write=True, actor=SYSTEM)
    reader = make_session(sqlite_engine, actor=SYSTEM)
    try:
        first.execute(text("SELECT count(*) FROM books"))  # BEGIN IMMEDIATE: holds the write lock
        assert reader.execute(text("SELECT count(*) FROM books")).scalar() == 0
        with pytest.raises(OperationalError, match="locked"):
            second.execute(text("SELECT count(*) FROM books"))
        first.commit()
        second.rollback()
        assert second.execute(text("SELECT count(*) FROM books")).scalar() == 0
    finally:
        for session in (first, second, reader):
            session.close()


def test_serve_refuses_a_weak_secret_in_production_before_binding(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from folio.settings import get_settings

    monkeypatch.setenv("FOLIO_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "changeme")
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0"])  # noqa: S104
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1
    assert "SECRET_KEY must be set to at least 32 random characters" in result.output

"""Migrations: an empty database upgrades to head, and the models match the migrations."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Engine

import folio.models  # noqa: F401  (registers every table)
from folio.db import Base, create_folio_engine
from folio.migrate import current_revision, head_revision, is_at_head, upgrade
from tests.conftest import PG_ADMIN_URL


def test_the_migrated_database_is_at_head(engine: Engine) -> None:
    assert head_revision() is not None
    assert current_revision(engine) == head_revision()
    assert is_at_head(engine)


def test_upgrade_is_safe_to_repeat(engine: Engine) -> None:
    upgrade(engine)
    assert is_at_head(engine)


@pytest.fixture
def empty_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """A database with no tables at all, on the backend under test."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    import psycopg

    name = f"folio_empty_{uuid.uuid4().hex[:8]}"
    try:
        admin = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError:
        pytest.skip("PostgreSQL is not reachable")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_an_empty_database_upgrades_to_head(empty_url: str) -> None:
    engine = create_folio_engine(empty_url)
    try:
        assert current_revision(engine) is None
        upgrade(engine)
        assert is_at_head(engine)
        assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_the_models_and_the_migrations_do_not_drift(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True,
                                                               "compare_server_default": False})
        diff = compare_metadata(context, Base.metadata)
    assert diff == [], ("models and migrations differ; write a migration "
                        f"(alembic revision --autogenerate): {diff}")

"""Alembic environment: uses Folio's engine settings and metadata."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

import folio.models  # noqa: F401  (registers every table)
from folio.db import Base, create_folio_engine, get_engine

config = context.config
target_metadata = Base.metadata


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url")
    engine = create_folio_engine(url) if url else get_engine()
    with engine.connect() as conn:
        _run(conn)
    engine.dispose() if url else None


def _run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=True, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


run_migrations()

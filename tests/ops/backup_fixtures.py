"""Shared set-up for the backup and job tests: settings in a temp dir, ledgers, damage."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.ledger.reports import trial_balance
from folio.settings import Settings
from tests.conftest import _missing, post


def backup_settings(tmp_path: Path, **overrides: object) -> Settings:
    return Settings(FOLIO_ENV="test", DATA_DIR=tmp_path / "data", **overrides)  # type: ignore[arg-type]


def need_pg_tools(engine: Engine) -> None:
    """Skip (fail under CI) a PostgreSQL test when the client tools are missing."""
    if engine.dialect.name != "postgresql":
        return
    for tool in ("pg_dump", "pg_restore", "psql"):
        if not shutil.which(tool) and not list(Path("/usr/lib/postgresql").glob(f"*/bin/{tool}")):
            _missing(f"{tool} is not installed; install postgresql-client-15 to run the "
                     "PostgreSQL backup tests")


def a_few_entries(session: Session, book: Book) -> None:
    post(session, book, "2026-01-05", [("1010", "1200.00"), ("3100", "-1200.00")],
         description="Owner's capital")
    post(session, book, "2026-01-09", [("6400", "45.50"), ("1010", "-45.50")],
         description="Office supplies")
    post(session, book, "2026-02-01", [("1010", "980.25"), ("4100", "-980.25")],
         description="Consulting")


def balances(session: Session, book: Book) -> list[tuple[str, int, int]]:
    report = trial_balance(session, book, date(2026, 12, 31))
    rows = [(row.account.code if row.account else "", row.debit, row.credit)
            for row in report.rows]
    session.commit()  # the test session writes: end its transaction, or SQLite stays locked
    return rows


def truncate(path: Path, keep: float = 0.6) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])


def flip_byte(path: Path, at: float = 0.5) -> None:
    data = bytearray(path.read_bytes())
    data[int(len(data) * at)] ^= 0x01
    path.write_bytes(bytes(data))

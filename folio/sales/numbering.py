"""Document number series per book, kind and year: never skipping, never repeating.

The series row is taken with SELECT ... FOR UPDATE (PostgreSQL); SQLite write sessions
already hold the database with BEGIN IMMEDIATE. The number is taken in the transaction
that issues the document, so a failed issue rolls the counter back with it.
"""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from folio.audit import service as audit
from folio.auth.guard import require
from folio.books.models import Book
from folio.errors import ValidationError
from folio.sales.models import NumberSeries

DEFAULT_FORMATS = {"invoice": "INV/{yyyy}/{mm}/{seq:04d}", "credit_note": "CN/{yyyy}/{seq:04d}",
                   "quotation": "QUO/{yyyy}/{seq:04d}"}
# Purchases (folio.purchases) number their own vendor bills in the same table.
DEFAULT_FORMATS["bill"] = "BILL/{yyyy}/{seq:04d}"
_FIELD = re.compile(r"\{(yyyy|yy|mm|seq(?::0[1-9]d)?)\}")


def check_format(fmt: str) -> None:
    """A format holds {seq} (optionally {seq:04d}) and any of {yyyy}, {yy}, {mm}."""
    rest = _FIELD.sub("", fmt)
    if ("{seq" not in fmt or "{" in rest or "}" in rest or len(fmt) > 60
            or not fmt.isprintable()):
        raise ValidationError("a format with {seq} or {seq:04d} and any of {yyyy}, {yy}, "
                              "{mm}, e.g. INV/{yyyy}/{mm}/{seq:04d}", field="format")


def render(fmt: str, day: date, seq: int) -> str:
    return fmt.format(yyyy=f"{day.year:04d}", yy=f"{day.year % 100:02d}",
                      mm=f"{day.month:02d}", seq=seq)


def _ensure_row(session: Session, book: Book, kind: str, year: int) -> None:
    """Insert the year's row unless it exists; concurrent inserts do not fail."""
    previous = session.scalar(select(NumberSeries.format).where(
        NumberSeries.book_id == book.id, NumberSeries.kind == kind,
        NumberSeries.year < year).order_by(NumberSeries.year.desc()).limit(1))
    values = {"book_id": book.id, "kind": kind, "year": year, "last": 0,
              "format": previous or DEFAULT_FORMATS[kind]}
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(insert(NumberSeries).values(**values).on_conflict_do_nothing())


def _locked_row(session: Session, book: Book, kind: str, year: int) -> NumberSeries:
    query = (select(NumberSeries).where(NumberSeries.book_id == book.id,
                                        NumberSeries.kind == kind, NumberSeries.year == year)
             .with_for_update().execution_options(populate_existing=True))
    row = session.scalar(query)
    if row is None:
        _ensure_row(session, book, kind, year)
        row = session.scalar(query)
    assert row is not None
    return row


def next_number(session: Session, book: Book, kind: str, day: date) -> str:
    """Take the next number of ``kind`` for ``day``'s year (caller checked permissions)."""
    row = _locked_row(session, book, kind, day.year)
    row.last += 1
    session.flush()
    return render(row.format, day, row.last)


def set_format(session: Session, book: Book, kind: str, year: int, fmt: str) -> NumberSeries:
    """Change the number format of a kind from ``year`` on (later years inherit it)."""
    require(session, book, "sales.issue")
    if kind not in DEFAULT_FORMATS:
        raise ValidationError(f"one of {', '.join(DEFAULT_FORMATS)}", field="kind")
    check_format(fmt)
    row = _locked_row(session, book, kind, year)
    before = {"format": row.format}
    row.format = fmt
    session.flush()
    audit.record(session, "update", "number_series", f"{kind}/{year}", book=book,
                 before=before, after={"format": fmt}, summary=f"{kind} numbers: {fmt}")
    return row

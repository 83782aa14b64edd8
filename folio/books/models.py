"""The book: the unit every business record belongs to."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column

from folio.db import Base, BigId

GENESIS_HASH = "0" * 64


class Book(Base):
    __tablename__ = "books"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    base_currency: Mapped[str] = mapped_column(String(3))
    locale: Mapped[str] = mapped_column(String(20), default="en_US")
    country: Mapped[str] = mapped_column(String(2), default="US")
    # Month (1-12) in which the fiscal year starts: 1 for Indonesia, 4 for India.
    fiscal_year_start: Mapped[int] = mapped_column(Integer, default=1)
    lock_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    # Head of the hash chain of posted entries; updated under the book's row lock.
    chain_seq: Mapped[int] = mapped_column(Integer, default=0)
    chain_head: Mapped[str] = mapped_column(String(64), default=GENESIS_HASH)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    def __repr__(self) -> str:
        return f"<Book {self.slug}>"

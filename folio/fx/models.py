"""Exchange-rate tables: rates to the book's base currency, and period-end revaluation runs."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, DateTime, ForeignKey, Index, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from folio.db import Base, BigId, DecimalText


class RateSource(enum.StrEnum):
    MANUAL = "manual"
    CSV = "csv"


class ExchangeRate(Base):
    """One unit of ``currency`` is worth ``rate`` units of the book's base currency on ``date``."""

    __tablename__ = "exchange_rates"
    __table_args__ = (UniqueConstraint("book_id", "currency", "date"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"))
    currency: Mapped[str] = mapped_column(String(3))
    date: Mapped[date] = mapped_column(Date)
    rate: Mapped[Decimal] = mapped_column(DecimalText)
    source: Mapped[str] = mapped_column(String(10), default=RateSource.MANUAL.value)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Revaluation(Base):
    """A period-end revaluation: its entry and the reversal dated the next day."""

    __tablename__ = "fx_revaluations"
    __table_args__ = (UniqueConstraint("book_id", "date"),
                      Index("ix_fx_revaluations_book_id_entry_id", "book_id", "entry_id"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"))
    date: Mapped[date] = mapped_column(Date)
    # None when nothing differed from the closing rates (the run is still recorded).
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entries.id"), nullable=True)
    reversal_entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entries.id"),
                                                          nullable=True)
    created_by: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

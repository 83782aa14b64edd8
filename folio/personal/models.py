"""Personal-finance tables: monthly budgets, recurring transactions, savings goals.

Amounts are integer minor units of the book's base currency; every table leads with
``book_id``.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from folio.db import Base, BigId


class Frequency(enum.StrEnum):
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    YEARLY = "yearly"


class RecurringKind(enum.StrEnum):
    SUBSCRIPTION = "subscription"
    BILL = "bill"
    INCOME = "income"


class Budget(Base):
    """What may be spent in one expense category (an account or a group) in one month."""

    __tablename__ = "budgets"
    __table_args__ = (UniqueConstraint("book_id", "month", "account_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"))
    month: Mapped[int] = mapped_column(Integer)  # yyyymm, as account_balances.period
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    amount: Mapped[int] = mapped_column(BigInteger)
    # What is left (or overspent) at the month's end carries into the next month.
    rollover: Mapped[bool] = mapped_column(Boolean, default=False)


class RecurringTransaction(Base):
    """A subscription, bill or income that repeats; recording it posts an entry."""

    __tablename__ = "recurring_transactions"
    __table_args__ = (Index("ix_recurring_transactions_next", "book_id", "active", "next_date"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    payee: Mapped[str | None] = mapped_column(String(200), nullable=True)
    kind: Mapped[str] = mapped_column(String(12))
    amount: Mapped[int] = mapped_column(BigInteger)  # positive; the kind gives the direction
    category_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    money_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    frequency: Mapped[str] = mapped_column(String(10))
    interval: Mapped[int] = mapped_column(Integer, default=1)
    # The day of the month occurrences fall on (31: the last day of shorter months).
    anchor_day: Mapped[int] = mapped_column(Integer)
    next_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entries.id"),
                                                      nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class SavingsGoal(Base):
    """A target to save towards, in a linked asset account or by manual contributions."""

    __tablename__ = "savings_goals"
    __table_args__ = (UniqueConstraint("book_id", "name"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    target_amount: Mapped[int] = mapped_column(BigInteger)
    target_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), nullable=True)
    # The sum of manual contributions; used when no account is linked.
    contributed: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

"""Ledger tables. Amounts are integer minor units; every table leads with ``book_id``."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

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
from sqlalchemy.orm import Mapped, mapped_column, relationship

from folio.db import Base, BigId, DecimalText


class AccountType(enum.StrEnum):
    ASSET = "asset"
    LIABILITY = "liability"
    EQUITY = "equity"
    INCOME = "income"
    EXPENSE = "expense"

    @property
    def is_balance_sheet(self) -> bool:
        return self in (AccountType.ASSET, AccountType.LIABILITY, AccountType.EQUITY)

    @property
    def credit_normal(self) -> bool:
        return self in (AccountType.LIABILITY, AccountType.EQUITY, AccountType.INCOME)


class EntryStatus(enum.StrEnum):
    DRAFT = "draft"
    POSTED = "posted"


class EntryKind(enum.StrEnum):
    MANUAL = "manual"
    IMPORT = "import"
    REVERSAL = "reversal"
    CLOSING = "closing"


class Account(Base):
    __tablename__ = "accounts"
    __table_args__ = (
        UniqueConstraint("book_id", "code"),
        UniqueConstraint("book_id", "role"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    # Bahasa Indonesia name, shown when the interface language is Indonesian.
    name_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    type: Mapped[str] = mapped_column(String(10))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), nullable=True)
    is_group: Mapped[bool] = mapped_column(Boolean, default=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    currency: Mapped[str | None] = mapped_column(String(3), nullable=True)
    # A well-known purpose other modules look accounts up by (retained_earnings, ...).
    role: Mapped[str | None] = mapped_column(String(40), nullable=True)
    description: Mapped[str | None] = mapped_column(String(500), nullable=True)

    @property
    def account_type(self) -> AccountType:
        return AccountType(self.type)

    def display_name(self, language: str = "en") -> str:
        return self.name_id if language == "id" and self.name_id else self.name

    def __repr__(self) -> str:
        return f"<Account {self.code} {self.name}>"


class JournalEntry(Base):
    __tablename__ = "journal_entries"
    __table_args__ = (
        UniqueConstraint("book_id", "number"),
        UniqueConstraint("book_id", "external_id"),
        UniqueConstraint("book_id", "reversal_of_id"),
        Index("ix_journal_entries_book_date", "book_id", "date", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"))
    # Position in the book's hash chain; set when the entry is posted.
    number: Mapped[int | None] = mapped_column(Integer, nullable=True)
    date: Mapped[date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(String(500))
    party: Mapped[str | None] = mapped_column(String(200), nullable=True)
    reference: Mapped[str | None] = mapped_column(String(100), nullable=True)
    status: Mapped[str] = mapped_column(String(10), default=EntryStatus.DRAFT.value)
    kind: Mapped[str] = mapped_column(String(10), default=EntryKind.MANUAL.value)
    # The source's own id (an import's txn_id), which makes imports idempotent.
    external_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    reversal_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("journal_entries.id"), nullable=True
    )
    prev_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    posted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    lines: Mapped[list[JournalLine]] = relationship(
        back_populates="entry", order_by="JournalLine.line_no", cascade="all, delete-orphan"
    )

    @property
    def is_posted(self) -> bool:
        return self.status == EntryStatus.POSTED.value

    def __repr__(self) -> str:
        return f"<JournalEntry {self.id} #{self.number} {self.date} {self.status}>"


class JournalLine(Base):
    """One posting: an amount in its own currency and its value in the book's currency."""

    __tablename__ = "journal_lines"
    __table_args__ = (
        Index("ix_journal_lines_account_date", "book_id", "account_id", "date", "entry_id"),
        Index("ix_journal_lines_entry", "entry_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("journal_entries.id", ondelete="CASCADE"))
    line_no: Mapped[int] = mapped_column(Integer)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    # Copies of the entry's date and status, so ledger pages read one index range.
    date: Mapped[date] = mapped_column(Date)
    posted: Mapped[bool] = mapped_column(Boolean, default=False)
    memo: Mapped[str | None] = mapped_column(String(500), nullable=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    rate: Mapped[Decimal] = mapped_column(DecimalText, default=Decimal(1))
    base_amount: Mapped[int] = mapped_column(BigInteger)

    entry: Mapped[JournalEntry] = relationship(back_populates="lines")
    account: Mapped[Account] = relationship()


class AccountBalance(Base):
    """Sum of an account's postings in one month, kept in step with the postings.

    Closing entries are kept apart (``closing``) so the income statement of a closed
    year still shows the year's income and expenses.
    """

    __tablename__ = "account_balances"

    book_id: Mapped[int] = mapped_column(
        ForeignKey("books.id", ondelete="CASCADE"), primary_key=True
    )
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    period: Mapped[int] = mapped_column(Integer, primary_key=True)  # yyyymm
    closing: Mapped[bool] = mapped_column(Boolean, primary_key=True, default=False)
    debit: Mapped[int] = mapped_column(BigInteger, default=0)
    credit: Mapped[int] = mapped_column(BigInteger, default=0)
    # Net in the account's own currency (equals debit - credit for base-currency accounts).
    amount: Mapped[int] = mapped_column(BigInteger, default=0)


class AccountDayBalance(Base):
    """Sum of an account's postings on one day, kept in step like ``AccountBalance``.

    Reports read whole months from ``account_balances`` and the days of a partial month
    from here, so no report sums postings: a trial balance at any date costs
    O(accounts x (months + days)) however many postings the book holds. ``postings``
    counts the lines, so a general-ledger page knows its row count and where it starts
    without counting postings either.
    """

    __tablename__ = "account_day_balances"
    __table_args__ = (
        Index("ix_account_day_balances_account", "book_id", "account_id", "day"),
    )

    book_id: Mapped[int] = mapped_column(
        ForeignKey("books.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    closing: Mapped[bool] = mapped_column(Boolean, primary_key=True, default=False)
    debit: Mapped[int] = mapped_column(BigInteger, default=0)
    credit: Mapped[int] = mapped_column(BigInteger, default=0)
    amount: Mapped[int] = mapped_column(BigInteger, default=0)
    postings: Mapped[int] = mapped_column(Integer, default=0)

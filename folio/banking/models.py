"""Banking tables: money accounts, imported statements and their lines, categorisation rules.

Amounts are integer minor units of the money account's currency; every table leads with
``book_id``.
"""

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
    Text,
    UniqueConstraint,
    false,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from folio.db import Base, BigId, DecimalText


class MoneyAccountKind(enum.StrEnum):
    BANK = "bank"
    CASH = "cash"
    CARD = "card"
    EWALLET = "ewallet"


class LineStatus(enum.StrEnum):
    UNMATCHED = "unmatched"
    CATEGORISED = "categorised"
    MATCHED = "matched"
    TRANSFER = "transfer"
    IGNORED = "ignored"


class MoneyAccount(Base):
    """A bank, cash, card or e-wallet account, kept in the ledger as one account."""

    __tablename__ = "money_accounts"
    __table_args__ = (UniqueConstraint("book_id", "account_id"),
                      UniqueConstraint("book_id", "name"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    kind: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(200))
    currency: Mapped[str] = mapped_column(String(3))
    institution: Mapped[str | None] = mapped_column(String(200), nullable=True)
    account_number: Mapped[str | None] = mapped_column(String(40), nullable=True)
    opening_balance: Mapped[int] = mapped_column(BigInteger, default=0)
    opening_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    # The CSV column mapping last used for this account (JSON of ColumnMapping's fields).
    csv_mapping: Mapped[str | None] = mapped_column(Text, nullable=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    @property
    def masked_number(self) -> str | None:
        """The account number as shown on screens: only the last four digits."""
        if not self.account_number:
            return None
        tail = self.account_number[-4:]
        return ("•" * 4 + tail) if len(self.account_number) > 4 else tail

    def __repr__(self) -> str:
        return f"<MoneyAccount {self.kind} {self.name}>"


class BankStatement(Base):
    """One imported file: what it was and what the import did with it."""

    __tablename__ = "bank_statements"
    __table_args__ = (Index("ix_bank_statements_account", "book_id", "money_account_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"))
    money_account_id: Mapped[int] = mapped_column(ForeignKey("money_accounts.id"))
    filename: Mapped[str] = mapped_column(String(255))
    format: Mapped[str] = mapped_column(String(20))
    sha256: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True),
                                                  server_default=func.now())
    line_count: Mapped[int] = mapped_column(Integer, default=0)
    imported_count: Mapped[int] = mapped_column(Integer, default=0)
    skipped_count: Mapped[int] = mapped_column(Integer, default=0)
    categorised_count: Mapped[int] = mapped_column(Integer, default=0)
    start_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    end_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    opening_balance: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    closing_balance: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class BankLine(Base):
    """One transaction as the bank reported it, and how it was booked."""

    __tablename__ = "bank_lines"
    __table_args__ = (
        UniqueConstraint("book_id", "money_account_id", "fingerprint"),
        Index("ix_bank_lines_account_date", "book_id", "money_account_id", "date", "id"),
        Index("ix_bank_lines_status", "book_id", "status", "date"),
        Index("ix_bank_lines_payee_key", "book_id", "payee_key"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"))
    money_account_id: Mapped[int] = mapped_column(ForeignKey("money_accounts.id"))
    statement_id: Mapped[int | None] = mapped_column(ForeignKey("bank_statements.id"),
                                                     nullable=True)
    date: Mapped[date] = mapped_column(Date)
    amount: Mapped[int] = mapped_column(BigInteger)  # signed: money in is positive
    currency: Mapped[str] = mapped_column(String(3))
    payee: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(String(500), default="")
    reference: Mapped[str] = mapped_column(String(100), default="")
    external_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    # The normalised payee (or description) that suggestions learn from.
    payee_key: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(12), default=LineStatus.UNMATCHED.value)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entries.id"),
                                                 nullable=True)
    rule_id: Mapped[int | None] = mapped_column(
        ForeignKey("bank_rules.id", ondelete="SET NULL"), nullable=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), nullable=True)
    party_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id"), nullable=True)
    tax_code_id: Mapped[int | None] = mapped_column(ForeignKey("tax_codes.id"), nullable=True)
    memo: Mapped[str | None] = mapped_column(String(500), nullable=True)
    # The other side of a transfer between two of the book's own money accounts.
    transfer_line_id: Mapped[int | None] = mapped_column(ForeignKey("bank_lines.id"),
                                                         nullable=True)
    # Ticked off against a statement: the reconciliation it was cleared in (locked once
    # that reconciliation is done).
    cleared: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    reconciliation_id: Mapped[int | None] = mapped_column(
        ForeignKey("reconciliations.id"), nullable=True)
    # A matched line: the customer payment (money in) or the bill payment (money out) it
    # recorded. Each payment belongs to one line at most.
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"), nullable=True,
                                                   unique=True)
    bill_payment_id: Mapped[int | None] = mapped_column(ForeignKey("bill_payments.id"),
                                                        nullable=True, unique=True)

    def __repr__(self) -> str:
        return f"<BankLine {self.id} {self.date} {self.amount} {self.status}>"


class BankRule(Base):
    """Conditions on a bank line and what to book it to when they all hold."""

    __tablename__ = "bank_rules"
    __table_args__ = (UniqueConstraint("book_id", "name"),
                      Index("ix_bank_rules_priority", "book_id", "priority", "id"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    priority: Mapped[int] = mapped_column(Integer, default=100)  # lower runs first
    # Conditions; None means "any". Text conditions compare case-insensitively.
    match: Mapped[str] = mapped_column(String(12), default="contains")
    payee: Mapped[str | None] = mapped_column(String(200), nullable=True)
    description: Mapped[str | None] = mapped_column(String(200), nullable=True)
    amount_min: Mapped[Decimal | None] = mapped_column(DecimalText, nullable=True)
    amount_max: Mapped[Decimal | None] = mapped_column(DecimalText, nullable=True)
    direction: Mapped[str | None] = mapped_column(String(3), nullable=True)  # in | out
    money_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("money_accounts.id", ondelete="CASCADE"), nullable=True)
    # Actions.
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    party_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id"), nullable=True)
    tax_code_id: Mapped[int | None] = mapped_column(ForeignKey("tax_codes.id"), nullable=True)
    memo: Mapped[str | None] = mapped_column(String(500), nullable=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    hit_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    def __repr__(self) -> str:
        return f"<BankRule {self.name}>"


class ReconciliationStatus(enum.StrEnum):
    OPEN = "open"
    DONE = "done"


class Reconciliation(Base):
    """A money account's bank lines ticked off against one statement's closing balance."""

    __tablename__ = "reconciliations"
    __table_args__ = (Index("ix_reconciliations_account", "book_id", "money_account_id",
                            "statement_date"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"))
    money_account_id: Mapped[int] = mapped_column(ForeignKey("money_accounts.id"))
    statement_date: Mapped[date] = mapped_column(Date)
    statement_balance: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(8), default=ReconciliationStatus.OPEN.value)
    created_by: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True),
                                                 server_default=func.now())
    finished_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True),
                                                         nullable=True)

    def __repr__(self) -> str:
        return f"<Reconciliation {self.id} {self.statement_date} {self.status}>"

"""Parties: the customers and vendors of a book (one party may be both)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
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


class Party(Base):
    __tablename__ = "parties"
    __table_args__ = (UniqueConstraint("book_id", "name"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    is_customer: Mapped[bool] = mapped_column(Boolean, default=False)
    is_vendor: Mapped[bool] = mapped_column(Boolean, default=False)
    email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(40), nullable=True)
    address: Mapped[str | None] = mapped_column(String(500), nullable=True)
    # NPWP, NIK or NITKU as digits only (see folio.parties.tax_ids).
    tax_id: Mapped[str | None] = mapped_column(String(22), nullable=True)
    payment_terms_days: Mapped[int] = mapped_column(Integer, default=0)
    # None: the book's base currency.
    default_currency: Mapped[str | None] = mapped_column(String(3), nullable=True)
    # Where a line without an account (and without an item's) posts; None: the chart's
    # revenue or direct-costs account.
    default_income_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"),
                                                                  nullable=True)
    default_expense_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"),
                                                                   nullable=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    def __repr__(self) -> str:
        return f"<Party {self.name}>"


class PartyContact(Base):
    """A person at a party: who to write to, call or send invoices to.

    At most one contact of a party is primary (kept by folio.parties.service); the primary
    contact's email is where invoices and quotations go by default.
    """

    __tablename__ = "party_contacts"
    __table_args__ = (Index("ix_party_contacts_party_id", "party_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"))
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(40), nullable=True)
    role: Mapped[str | None] = mapped_column(String(100), nullable=True)
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    def __repr__(self) -> str:
        return f"<PartyContact {self.name}>"

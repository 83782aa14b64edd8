"""What a book prints on its documents: its legal name, address, NPWP, logo, bank details,
payment instructions and defaults, and its overdue-reminder settings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column

from folio.db import Base, BigId

DEFAULT_REMINDER_DAYS = "-3,7,30"


class BookProfile(Base):
    """One row per book, made the first time the profile is saved."""

    __tablename__ = "book_profiles"

    book_id: Mapped[int] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"),
                                         primary_key=True)
    legal_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    address: Mapped[str | None] = mapped_column(String(500), nullable=True)  # lines
    city: Mapped[str | None] = mapped_column(String(100), nullable=True)
    postal_code: Mapped[str | None] = mapped_column(String(20), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(40), nullable=True)
    email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    website: Mapped[str | None] = mapped_column(String(200), nullable=True)
    tax_id: Mapped[str | None] = mapped_column(String(22), nullable=True)  # NPWP, digits
    # Relative to DATA_DIR (folio.books.profile.LOGO_DIRECTORY); the type the bytes say.
    logo_path: Mapped[str | None] = mapped_column(String(300), nullable=True)
    logo_media_type: Mapped[str | None] = mapped_column(String(40), nullable=True)
    invoice_footer: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    payment_terms_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    invoice_notes: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    reminders_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    # Days relative to the due date: -3 is three days before it, 7 a week after.
    reminder_days: Mapped[str] = mapped_column(String(100), default=DEFAULT_REMINDER_DAYS)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True),
                                                 server_default=func.now())


class BookBankAccount(Base):
    """A bank account customers pay into, printed on invoices in ``position`` order."""

    __tablename__ = "book_bank_accounts"
    __table_args__ = (Index("ix_book_bank_accounts_book_id", "book_id", "position"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    bank_name: Mapped[str] = mapped_column(String(100))
    account_name: Mapped[str] = mapped_column(String(200))
    account_number: Mapped[str] = mapped_column(String(50))

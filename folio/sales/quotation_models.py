"""Quotations and their lines: an offer to a customer that it approves or declines.

Lines have the same shape as invoice lines (and are validated and priced by the same code,
folio.sales.invoices), so a quotation converts to invoices without re-pricing.
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
from sqlalchemy.orm import Mapped, mapped_column, relationship

from folio.commerce.lines import PricedLineColumns
from folio.db import Base, BigId


class QuotationStatus(enum.StrEnum):
    DRAFT = "draft"
    SENT = "sent"
    APPROVED = "approved"
    DECLINED = "declined"
    EXPIRED = "expired"  # derived: sent and past valid-until; never stored
    SUPERSEDED = "superseded"
    CONVERTED = "converted"


class Quotation(Base):
    """One revision of a quotation; a revision shares the number of the one it replaces."""

    __tablename__ = "quotations"
    __table_args__ = (
        UniqueConstraint("book_id", "number", "revision"),
        UniqueConstraint("token_hash"),
        Index("ix_quotations_book_id_customer_id", "book_id", "customer_id"),
        Index("ix_quotations_book_id_status", "book_id", "status"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"))
    number: Mapped[str | None] = mapped_column(String(60), nullable=True)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    revision_of_id: Mapped[int | None] = mapped_column(ForeignKey("quotations.id"),
                                                       nullable=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"), nullable=True)
    status: Mapped[str] = mapped_column(String(20), default=QuotationStatus.DRAFT.value)
    issue_date: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3))
    prices_include_tax: Mapped[bool] = mapped_column(Boolean, default=False)
    vat_rounding: Mapped[str] = mapped_column(String(10), default="document")
    notes: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    terms: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    net_total: Mapped[int] = mapped_column(BigInteger, default=0)
    line_tax_total: Mapped[int] = mapped_column(BigInteger, default=0)
    tax_total: Mapped[int] = mapped_column(BigInteger, default=0)
    rounding: Mapped[int] = mapped_column(BigInteger, default=0)
    total: Mapped[int] = mapped_column(BigInteger, default=0)
    # SHA-256 of the public link's token (folio.auth.keys); the token itself is never kept.
    token_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    decided_by: Mapped[str | None] = mapped_column(String(254), nullable=True)
    client_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    client_comment: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    converted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    lines: Mapped[list[QuotationLine]] = relationship(
        back_populates="quotation", cascade="all, delete-orphan",
        order_by="QuotationLine.line_no")

    def status_on(self, day: date) -> str:
        """The status as the customer sees it on ``day``: a sent quotation past its date
        has expired."""
        if self.status == QuotationStatus.SENT.value and self.valid_until < day:
            return QuotationStatus.EXPIRED.value
        return self.status

    @property
    def label(self) -> str:
        """The number with its revision (QUO/2026/0001 rev. 2), or "draft"."""
        if self.number is None:
            return "draft"
        return self.number if self.revision == 1 else f"{self.number} rev. {self.revision}"

    def __repr__(self) -> str:
        return f"<Quotation {self.label} {self.id}>"


class QuotationLine(PricedLineColumns, Base):
    __tablename__ = "quotation_lines"
    __table_args__ = (
        Index("ix_quotation_lines_book_id_quotation_id", "book_id", "quotation_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"))
    quotation_id: Mapped[int] = mapped_column(ForeignKey("quotations.id", ondelete="CASCADE"))
    item_id: Mapped[int | None] = mapped_column(ForeignKey("sales_items.id"), nullable=True)

    quotation: Mapped[Quotation] = relationship(back_populates="lines")

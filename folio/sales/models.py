"""Sales records: items, projects, invoices and their lines, payments, number series.

Money columns are integer minor units of the invoice's currency (the book's, for now).
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
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from folio.commerce.lines import PricedLineColumns
from folio.db import Base, BigId, DecimalText


class ProjectStatus(enum.StrEnum):
    ACTIVE = "active"
    ON_HOLD = "on_hold"
    DONE = "done"
    CANCELLED = "cancelled"


class InvoiceKind(enum.StrEnum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"


class InvoiceStatus(enum.StrEnum):
    DRAFT = "draft"
    ISSUED = "issued"
    PARTIALLY_PAID = "partially_paid"
    PAID = "paid"
    WRITTEN_OFF = "written_off"
    VOID = "void"


class Item(Base):
    __tablename__ = "sales_items"
    __table_args__ = (UniqueConstraint("book_id", "code"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(20), default="unit")
    default_price: Mapped[int] = mapped_column(BigInteger, default=0)
    tax_code_id: Mapped[int | None] = mapped_column(ForeignKey("tax_codes.id"), nullable=True)
    income_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"),
                                                          nullable=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class Project(Base):
    __tablename__ = "projects"
    __table_args__ = (UniqueConstraint("book_id", "code"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    budget: Mapped[int] = mapped_column(BigInteger, default=0)
    start_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    end_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default=ProjectStatus.ACTIVE.value)


class NumberSeries(Base):
    """The last number taken per (book, kind, year); its row lock serialises issuing."""

    __tablename__ = "number_series"

    book_id: Mapped[int] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"),
                                         primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)
    format: Mapped[str] = mapped_column(String(60))


class Invoice(Base):
    """An invoice or (``kind`` credit_note) a credit note against one; totals are positive."""

    __tablename__ = "invoices"
    __table_args__ = (
        UniqueConstraint("book_id", "number"),
        Index("ix_invoices_book_id_customer_id", "book_id", "customer_id"),
        Index("ix_invoices_book_id_status", "book_id", "status"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20), default=InvoiceKind.INVOICE.value)
    number: Mapped[str | None] = mapped_column(String(60), nullable=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"), nullable=True)
    credit_of_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"), nullable=True)
    # The quotation this invoice was converted from (folio.sales.quotations.convert).
    quotation_id: Mapped[int | None] = mapped_column(ForeignKey("quotations.id"), nullable=True)
    status: Mapped[str] = mapped_column(String(20), default=InvoiceStatus.DRAFT.value)
    issue_date: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3))
    # Base-currency units per unit of ``currency`` (1 in the book's own currency); fixed
    # when the invoice is issued (folio.fx.documents).
    exchange_rate: Mapped[Decimal] = mapped_column(DecimalText, default=Decimal(1),
                                                   server_default="1")
    prices_include_tax: Mapped[bool] = mapped_column(Boolean, default=False)
    # "document": VAT on each code's summed base, gap to round-off; "line": sum of lines.
    vat_rounding: Mapped[str] = mapped_column(String(10), default="document")
    reference: Mapped[str | None] = mapped_column(String(100), nullable=True)
    notes: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    net_total: Mapped[int] = mapped_column(BigInteger, default=0)
    line_tax_total: Mapped[int] = mapped_column(BigInteger, default=0)
    tax_total: Mapped[int] = mapped_column(BigInteger, default=0)
    rounding: Mapped[int] = mapped_column(BigInteger, default=0)
    total: Mapped[int] = mapped_column(BigInteger, default=0)
    withholding_code_id: Mapped[int | None] = mapped_column(ForeignKey("tax_codes.id"),
                                                            nullable=True)
    withholding_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    stamp_duty: Mapped[int] = mapped_column(BigInteger, default=0)
    stamp_duty_borne_by: Mapped[str] = mapped_column(String(10), default="issuer")
    amount_paid: Mapped[int] = mapped_column(BigInteger, default=0)
    amount_credited: Mapped[int] = mapped_column(BigInteger, default=0)
    amount_written_off: Mapped[int] = mapped_column(BigInteger, default=0)
    written_off_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    write_off_entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entries.id"),
                                                           nullable=True)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entries.id"), nullable=True)
    void_entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entries.id"),
                                                      nullable=True)
    issued_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    lines: Mapped[list[InvoiceLine]] = relationship(
        back_populates="invoice", cascade="all, delete-orphan", order_by="InvoiceLine.line_no")

    @property
    def amount_due(self) -> int:
        return self.total - self.amount_paid - self.amount_credited - self.amount_written_off

    def __repr__(self) -> str:
        return f"<Invoice {self.number or self.id}>"


class InvoiceLine(PricedLineColumns, Base):
    __tablename__ = "invoice_lines"
    __table_args__ = (Index("ix_invoice_lines_book_id_invoice_id", "book_id", "invoice_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"))
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id", ondelete="CASCADE"))
    item_id: Mapped[int | None] = mapped_column(ForeignKey("sales_items.id"), nullable=True)

    invoice: Mapped[Invoice] = relationship(back_populates="lines")


class Payment(Base):
    """Money received from a customer: into ``account``, less bank fees and withheld tax."""

    __tablename__ = "payments"
    __table_args__ = (Index("ix_payments_book_id_customer_id", "book_id", "customer_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))
    date: Mapped[date] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    amount: Mapped[int] = mapped_column(BigInteger)  # net into the bank or cash account
    bank_fee: Mapped[int] = mapped_column(BigInteger, default=0)
    fee_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), nullable=True)
    withheld_tax: Mapped[int] = mapped_column(BigInteger, default=0)
    withholding_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"),
                                                               nullable=True)
    # The bukti potong (withholding slip) number the customer issued.
    withholding_reference: Mapped[str | None] = mapped_column(String(100), nullable=True)
    reference: Mapped[str | None] = mapped_column(String(100), nullable=True)
    memo: Mapped[str | None] = mapped_column(String(500), nullable=True)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entries.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # Base-currency units per unit of ``currency`` on the payment's date.
    exchange_rate: Mapped[Decimal] = mapped_column(DecimalText, default=Decimal(1),
                                                   server_default="1")
    # "payment" (money in) or "refund" (customer credit paid back: negative amount).
    kind: Mapped[str] = mapped_column(String(10), default="payment", server_default="payment")
    # Set when the payment was voided: the reversal of its entry.
    void_entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entries.id"),
                                                      nullable=True)

    allocations: Mapped[list[PaymentAllocation]] = relationship(
        back_populates="payment", cascade="all, delete-orphan", order_by="PaymentAllocation.id")

    @property
    def settles(self) -> int:
        """What the payment takes off the customer's balance."""
        return self.amount + self.bank_fee + self.withheld_tax

    @property
    def unallocated(self) -> int:
        return self.settles - sum(a.amount for a in self.allocations)


class PaymentAllocation(Base):
    """Part of a payment applied to an invoice: at payment time, or later from credit."""

    __tablename__ = "payment_allocations"
    __table_args__ = (
        Index("ix_payment_allocations_book_id_invoice_id", "book_id", "invoice_id"),
        Index("ix_payment_allocations_book_id_payment_id", "book_id", "payment_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"))
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id", ondelete="CASCADE"))
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"))
    date: Mapped[date] = mapped_column(Date)
    amount: Mapped[int] = mapped_column(BigInteger)
    # Set when credit was applied later (Dr customer deposits / Cr receivable).
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entries.id"), nullable=True)

    payment: Mapped[Payment] = relationship(back_populates="allocations")

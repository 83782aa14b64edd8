"""Recurring invoice schedules, the invoices they made, and the overdue-reminder log."""

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


class Frequency(enum.StrEnum):
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    YEARLY = "yearly"


class ScheduleStatus(enum.StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    FINISHED = "finished"  # past its end date or count


class RecurringInvoice(Base):
    """A schedule: an invoice to ``customer`` every ``interval`` ``frequency`` from ``start``.

    ``position`` counts the occurrences made or skipped; the next run is occurrence
    ``position`` counted from ``start_date`` (so the 31st stays the month's last day).
    """

    __tablename__ = "recurring_invoices"
    __table_args__ = (Index("ix_recurring_invoices_status_next_run", "status", "next_run"),
                      Index("ix_recurring_invoices_book_id", "book_id"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    customer_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))
    currency: Mapped[str] = mapped_column(String(3))
    frequency: Mapped[str] = mapped_column(String(10))
    interval: Mapped[int] = mapped_column(Integer, default=1)
    start_date: Mapped[date] = mapped_column(Date)
    next_run: Mapped[date] = mapped_column(Date)
    position: Mapped[int] = mapped_column(Integer, default=0)
    end_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    max_count: Mapped[int | None] = mapped_column(Integer, nullable=True)
    count_made: Mapped[int] = mapped_column(Integer, default=0)
    due_days: Mapped[int | None] = mapped_column(Integer, nullable=True)  # None: customer's
    auto_issue: Mapped[bool] = mapped_column(Boolean, default=False)
    auto_email: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(10), default=ScheduleStatus.ACTIVE.value)
    prices_include_tax: Mapped[bool] = mapped_column(Boolean, default=False)
    withholding_code: Mapped[str | None] = mapped_column(String(20), nullable=True)
    reference: Mapped[str | None] = mapped_column(String(100), nullable=True)
    notes: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True),
                                                 server_default=func.now())

    lines: Mapped[list[RecurringInvoiceLine]] = relationship(
        back_populates="schedule", cascade="all, delete-orphan",
        order_by="RecurringInvoiceLine.line_no")


class RecurringInvoiceLine(Base):
    """A template line, kept as the invoice input takes it (codes, not ids)."""

    __tablename__ = "recurring_invoice_lines"
    __table_args__ = (Index("ix_recurring_invoice_lines_schedule_id", "schedule_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"))
    schedule_id: Mapped[int] = mapped_column(
        ForeignKey("recurring_invoices.id", ondelete="CASCADE"))
    line_no: Mapped[int] = mapped_column(Integer)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("sales_items.id"), nullable=True)
    description: Mapped[str | None] = mapped_column(String(500), nullable=True)
    quantity: Mapped[Decimal] = mapped_column(DecimalText)
    unit_price: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    discount_percent: Mapped[Decimal] = mapped_column(DecimalText, default=Decimal(0))
    tax_code: Mapped[str | None] = mapped_column(String(20), nullable=True)
    account: Mapped[str | None] = mapped_column(String(20), nullable=True)

    schedule: Mapped[RecurringInvoice] = relationship(back_populates="lines")


class RecurringRun(Base):
    """One occurrence of a schedule: unique per (schedule, period date), so two processes
    running the job at once still make each invoice once."""

    __tablename__ = "recurring_invoice_runs"
    __table_args__ = (UniqueConstraint("schedule_id", "period_date"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"))
    schedule_id: Mapped[int] = mapped_column(
        ForeignKey("recurring_invoices.id", ondelete="CASCADE"))
    period_date: Mapped[date] = mapped_column(Date)
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True),
                                                 server_default=func.now())


class InvoiceReminder(Base):
    """A reminder about an invoice: one per stage (days from the due date), never twice;
    ``stage`` is None for one sent by hand."""

    __tablename__ = "invoice_reminders"
    __table_args__ = (UniqueConstraint("invoice_id", "stage"),
                      Index("ix_invoice_reminders_book_id_invoice_id", "book_id", "invoice_id"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"))
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id", ondelete="CASCADE"))
    stage: Mapped[int | None] = mapped_column(Integer, nullable=True)
    status: Mapped[str] = mapped_column(String(10))  # queued, skipped (a later stage went)
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id", ondelete="SET NULL"),
                                                  nullable=True)
    on_date: Mapped[date] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True),
                                                 server_default=func.now())

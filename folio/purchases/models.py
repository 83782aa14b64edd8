"""Purchase records: vendor bills and their lines, bill payments, expenses, expense claims,
and the receipts (attachments) stored under DATA_DIR.

Money columns are integer minor units of the book's base currency.
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


class BillStatus(enum.StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"
    PARTIALLY_PAID = "partially_paid"
    PAID = "paid"
    VOID = "void"


class ClaimStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    PARTIALLY_PAID = "partially_paid"
    PAID = "paid"


class Bill(Base):
    """A vendor's invoice to us; approving it posts it, payments settle it."""

    __tablename__ = "bills"
    __table_args__ = (
        UniqueConstraint("book_id", "number"),
        # The vendor's own invoice number is recorded once per vendor.
        UniqueConstraint("book_id", "vendor_id", "vendor_reference"),
        Index("ix_bills_book_id_status", "book_id", "status"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"))
    number: Mapped[str | None] = mapped_column(String(60), nullable=True)  # ours, on approval
    vendor_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))
    vendor_reference: Mapped[str] = mapped_column(String(100))  # the vendor's invoice number
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"), nullable=True)
    status: Mapped[str] = mapped_column(String(20), default=BillStatus.DRAFT.value)
    bill_date: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3))
    prices_include_tax: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    net_total: Mapped[int] = mapped_column(BigInteger, default=0)
    line_tax_total: Mapped[int] = mapped_column(BigInteger, default=0)
    tax_total: Mapped[int] = mapped_column(BigInteger, default=0)
    rounding: Mapped[int] = mapped_column(BigInteger, default=0)
    total: Mapped[int] = mapped_column(BigInteger, default=0)  # net + VAT, as the vendor bills
    withholding_code_id: Mapped[int | None] = mapped_column(ForeignKey("tax_codes.id"),
                                                            nullable=True)
    withholding_amount: Mapped[int] = mapped_column(BigInteger, default=0)  # we withhold it
    amount_paid: Mapped[int] = mapped_column(BigInteger, default=0)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entries.id"), nullable=True)
    void_entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entries.id"),
                                                      nullable=True)
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # Base-currency units per unit of ``currency`` (1 in the book's own currency); fixed
    # when the bill is approved (folio.fx.documents).
    exchange_rate: Mapped[Decimal] = mapped_column(DecimalText, default=Decimal(1),
                                                   server_default="1")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    lines: Mapped[list[BillLine]] = relationship(
        back_populates="bill", cascade="all, delete-orphan", order_by="BillLine.line_no")

    @property
    def payable(self) -> int:
        """What we owe the vendor: the total less the tax we withhold for the tax office."""
        return self.total - self.withholding_amount

    @property
    def amount_due(self) -> int:
        return self.payable - self.amount_paid


class BillLine(PricedLineColumns, Base):
    __tablename__ = "bill_lines"
    __table_args__ = (Index("ix_bill_lines_book_id_bill_id", "book_id", "bill_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"))
    bill_id: Mapped[int] = mapped_column(ForeignKey("bills.id", ondelete="CASCADE"))
    # account_id is the expense or asset account.
    # A service: the bill's withholding (PPh 23) applies to this line's net.
    is_service: Mapped[bool] = mapped_column(Boolean, default=True)

    bill: Mapped[Bill] = relationship(back_populates="lines")


class BillPayment(Base):
    """Money paid to a vendor from a bank or cash account, allocated to its bills."""

    __tablename__ = "bill_payments"
    __table_args__ = (Index("ix_bill_payments_book_id_vendor_id", "book_id", "vendor_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"))
    vendor_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))
    date: Mapped[date] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    amount: Mapped[int] = mapped_column(BigInteger)  # what settles the bills
    bank_fee: Mapped[int] = mapped_column(BigInteger, default=0)  # on top, out of the bank
    fee_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), nullable=True)
    reference: Mapped[str | None] = mapped_column(String(100), nullable=True)
    memo: Mapped[str | None] = mapped_column(String(500), nullable=True)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entries.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # Base-currency units per unit of ``currency`` on the payment's date.
    exchange_rate: Mapped[Decimal] = mapped_column(DecimalText, default=Decimal(1),
                                                   server_default="1")

    allocations: Mapped[list[BillAllocation]] = relationship(
        back_populates="payment", cascade="all, delete-orphan", order_by="BillAllocation.id")


class BillAllocation(Base):
    __tablename__ = "bill_allocations"
    __table_args__ = (Index("ix_bill_allocations_book_id_bill_id", "book_id", "bill_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"))
    payment_id: Mapped[int] = mapped_column(ForeignKey("bill_payments.id", ondelete="CASCADE"))
    bill_id: Mapped[int] = mapped_column(ForeignKey("bills.id"))
    date: Mapped[date] = mapped_column(Date)
    amount: Mapped[int] = mapped_column(BigInteger)

    payment: Mapped[BillPayment] = relationship(back_populates="allocations")


class ExpenseClaim(Base):
    """Expenses a member paid out of pocket; an owner or admin approves, then we reimburse."""

    __tablename__ = "expense_claims"
    __table_args__ = (Index("ix_expense_claims_book_id_status", "book_id", "status"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"))
    claimant_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    claimant: Mapped[str] = mapped_column(String(200))  # who is reimbursed, as shown
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default=ClaimStatus.DRAFT.value)
    currency: Mapped[str] = mapped_column(String(3))
    total: Mapped[int] = mapped_column(BigInteger, default=0)
    amount_paid: Mapped[int] = mapped_column(BigInteger, default=0)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    decided_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    reject_reason: Mapped[str | None] = mapped_column(String(500), nullable=True)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entries.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    items: Mapped[list[Expense]] = relationship(back_populates="claim", order_by="Expense.id")

    @property
    def amount_due(self) -> int:
        return self.total - self.amount_paid if self.entry_id is not None else 0


class Expense(Base):
    """One expense: paid directly from a bank or cash account, or an item of a claim.

    ``amount`` is what was paid, tax included (as a receipt shows it); ``net`` and ``tax``
    split it by the tax code.
    """

    __tablename__ = "expenses"
    __table_args__ = (
        Index("ix_expenses_book_id_date", "book_id", "date"),
        Index("ix_expenses_book_id_claim_id", "book_id", "claim_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"))
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("expense_claims.id",
                                                            ondelete="CASCADE"), nullable=True)
    date: Mapped[date] = mapped_column(Date)
    payee: Mapped[str] = mapped_column(String(200))
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id"), nullable=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    paid_from_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), nullable=True)
    currency: Mapped[str] = mapped_column(String(3))
    amount: Mapped[int] = mapped_column(BigInteger)
    tax_code_id: Mapped[int | None] = mapped_column(ForeignKey("tax_codes.id"), nullable=True)
    net: Mapped[int] = mapped_column(BigInteger)
    tax: Mapped[int] = mapped_column(BigInteger)
    description: Mapped[str] = mapped_column(String(500))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"), nullable=True)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entries.id"), nullable=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    claim: Mapped[ExpenseClaim | None] = relationship(back_populates="items")


class Attachment(Base):
    """A stored file (a receipt or a bill's scan); ``path`` is relative to DATA_DIR."""

    __tablename__ = "attachments"
    __table_args__ = (Index("ix_attachments_book_id_owner", "book_id", "owner_type",
                            "owner_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"))
    owner_type: Mapped[str] = mapped_column(String(20))  # expense or bill
    owner_id: Mapped[int] = mapped_column(BigInteger)
    path: Mapped[str] = mapped_column(String(300), unique=True)
    original_name: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    uploaded_by: Mapped[str] = mapped_column(String(200))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True),
                                                  server_default=func.now())


class VendorCreditStatus(enum.StrEnum):
    OPEN = "open"  # some of it is still to apply or to be refunded
    CLOSED = "closed"  # applied to bills and refunded in full
    VOID = "void"


class VendorCredit(Base):
    """A vendor's credit note: it lowers what we owe them (the reverse of a bill).

    Posted as it is recorded: Dr trade payables / Cr expense per line / Cr input VAT. What is
    left of it is applied to the vendor's open bills or refunded into a bank account.
    """

    __tablename__ = "vendor_credits"
    __table_args__ = (
        # The vendor's own credit note number is recorded once per vendor.
        UniqueConstraint("book_id", "vendor_id", "vendor_reference"),
        Index("ix_vendor_credits_book_id_status", "book_id", "status"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"))
    vendor_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))
    vendor_reference: Mapped[str] = mapped_column(String(100))  # their credit note number
    bill_id: Mapped[int | None] = mapped_column(ForeignKey("bills.id"), nullable=True)
    status: Mapped[str] = mapped_column(String(20), default=VendorCreditStatus.OPEN.value)
    date: Mapped[date] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3))
    net_total: Mapped[int] = mapped_column(BigInteger, default=0)
    tax_total: Mapped[int] = mapped_column(BigInteger, default=0)
    total: Mapped[int] = mapped_column(BigInteger, default=0)
    amount_applied: Mapped[int] = mapped_column(BigInteger, default=0)
    amount_refunded: Mapped[int] = mapped_column(BigInteger, default=0)
    notes: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entries.id"), nullable=True)
    void_entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entries.id"),
                                                      nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    lines: Mapped[list[VendorCreditLine]] = relationship(
        back_populates="credit", cascade="all, delete-orphan",
        order_by="VendorCreditLine.line_no")

    @property
    def remaining(self) -> int:
        """What is left to apply to bills or to be refunded."""
        if self.status == VendorCreditStatus.VOID.value:
            return 0
        return self.total - self.amount_applied - self.amount_refunded


class VendorCreditLine(Base):
    __tablename__ = "vendor_credit_lines"
    __table_args__ = (Index("ix_vendor_credit_lines_book_id_credit_id", "book_id",
                            "credit_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"))
    credit_id: Mapped[int] = mapped_column(ForeignKey("vendor_credits.id", ondelete="CASCADE"))
    line_no: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(String(500))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))  # expense or asset
    tax_code_id: Mapped[int | None] = mapped_column(ForeignKey("tax_codes.id"), nullable=True)
    net: Mapped[int] = mapped_column(BigInteger)
    tax: Mapped[int] = mapped_column(BigInteger)

    credit: Mapped[VendorCredit] = relationship(back_populates="lines")


class VendorCreditAllocation(Base):
    """Part of a vendor credit set against one of the vendor's bills (no entry: both sides
    are trade payables)."""

    __tablename__ = "vendor_credit_allocations"
    __table_args__ = (
        Index("ix_vendor_credit_allocations_book_id_credit_id", "book_id", "credit_id"),
        Index("ix_vendor_credit_allocations_book_id_bill_id", "book_id", "bill_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"))
    credit_id: Mapped[int] = mapped_column(ForeignKey("vendor_credits.id", ondelete="CASCADE"))
    bill_id: Mapped[int] = mapped_column(ForeignKey("bills.id"))
    date: Mapped[date] = mapped_column(Date)
    amount: Mapped[int] = mapped_column(BigInteger)


class VendorCreditRefund(Base):
    """Money the vendor paid back to us against a credit: Dr bank / Cr trade payables."""

    __tablename__ = "vendor_credit_refunds"
    __table_args__ = (Index("ix_vendor_credit_refunds_book_id_credit_id", "book_id",
                            "credit_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"))
    credit_id: Mapped[int] = mapped_column(ForeignKey("vendor_credits.id", ondelete="CASCADE"))
    date: Mapped[date] = mapped_column(Date)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    amount: Mapped[int] = mapped_column(BigInteger)
    reference: Mapped[str | None] = mapped_column(String(100), nullable=True)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entries.id"), nullable=True)

"""API shapes of purchases: bills, bill payments, expenses, claims, attachments.

Amounts travel as decimal strings, as in sales (folio.sales.schemas).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from folio.sales.schemas import Code, Id, Money, Percent, Quantity, Rate, Strict, Text100, VoidIn

Text200 = Annotated[str, StringConstraints(max_length=200)]
Text500 = Annotated[str, StringConstraints(max_length=500)]
Currency = Annotated[str, StringConstraints(min_length=3, max_length=3)]
TaxCodeText = Annotated[str, StringConstraints(max_length=20)]

__all__ = ["VoidIn"]


class BillLineIn(Strict):
    description: Text500
    quantity: Quantity = Decimal(1)
    unit: Annotated[str, StringConstraints(max_length=20)] | None = Field(
        None, description="Printed next to the quantity, e.g. \"kg\"")
    unit_price: Money
    discount_percent: Percent = Decimal(0)
    tax_code: TaxCodeText | None = Field(None, description="A VAT code such as PPN-IN")
    account: Code | None = Field(None, description="Expense or asset account; default: the "
                                                   "chart's direct costs")
    is_service: bool = Field(True, description="The bill's withholding (PPh 23) applies")


class BillIn(Strict):
    vendor_id: Id
    vendor_reference: Annotated[str, StringConstraints(min_length=1, max_length=100)] = Field(
        description="The vendor's invoice number; once per vendor")
    bill_date: dt.date | None = Field(None, description="Default today")
    due_date: dt.date | None = Field(None, description="Default: the vendor's terms")
    project_id: Id | None = None
    currency: Currency | None = None
    exchange_rate: Rate | None = Field(None, description="For a foreign currency; default "
                                                         "the book's rate on the bill date")
    prices_include_tax: bool = False
    withholding_code: Code | None = Field(None, description="e.g. PPH23: we withhold it")
    notes: Annotated[str, StringConstraints(max_length=2000)] | None = None
    lines: Annotated[list[BillLineIn], Field(min_length=1, max_length=500)]


class BillLineOut(BaseModel):
    line_no: int
    description: str
    quantity: str
    unit: str | None = None
    unit_price: str
    discount_percent: str
    tax_code: str | None
    account: str
    is_service: bool
    amount: str
    net: str
    tax_base: str
    tax: str


class AttachmentOut(BaseModel):
    id: int
    original_name: str
    media_type: str
    size: int
    sha256: str
    uploaded_by: str
    uploaded_at: dt.datetime
    url: str


class BillOut(BaseModel):
    id: int
    number: str | None
    status: str
    overdue: bool
    vendor_id: int
    vendor: str
    vendor_reference: str
    project_id: int | None
    bill_date: dt.date
    due_date: dt.date
    currency: str
    exchange_rate: str = "1"
    prices_include_tax: bool
    notes: str | None
    net_total: str
    tax_total: str
    rounding: str
    total: str
    withholding_code: str | None
    withholding_amount: str
    payable: str
    amount_paid: str
    amount_due: str
    entry_id: int | None
    lines: list[BillLineOut]
    attachments: list[AttachmentOut]


class BillPage(BaseModel):
    items: list[BillOut]
    page: int
    pages: int
    total: int


class BillAllocationIn(Strict):
    bill_id: Id
    amount: Money


class BillPaymentIn(Strict):
    vendor_id: Id
    date: dt.date
    account: Code = Field(description="Bank or cash account code")
    amount: Money = Field(description="What the payment settles")
    bank_fee: Money | None = Field(None, description="Charged by the bank on top")
    fee_account: Code | None = None
    reference: Text100 | None = None
    memo: Text500 | None = None
    currency: Currency | None = None
    exchange_rate: Rate | None = Field(None, description="For a foreign currency; default "
                                                         "the book's rate on the date")
    allocations: Annotated[list[BillAllocationIn], Field(max_length=500)] | None = Field(
        None, description="Default: the vendor's oldest open bills first")


class BillAllocationOut(BaseModel):
    bill_id: int
    date: dt.date
    amount: str


class BillPaymentOut(BaseModel):
    id: int
    vendor_id: int
    date: dt.date
    currency: str
    exchange_rate: str = "1"
    account: str
    amount: str
    bank_fee: str
    reference: str | None
    memo: str | None
    entry_id: int | None
    allocations: list[BillAllocationOut]


class BillPaymentPage(BaseModel):
    items: list[BillPaymentOut]
    page: int
    pages: int
    total: int


class ExpenseItemIn(Strict):
    date: dt.date
    payee: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    account: Code = Field(description="Expense (or asset) account code")
    amount: Money = Field(description="What was paid, tax included")
    description: Annotated[str, StringConstraints(min_length=1, max_length=500)]
    tax_code: TaxCodeText | None = Field(None, description="A VAT code such as PPN-IN")
    project_id: Id | None = None
    vendor_id: Id | None = None
    currency: Currency | None = None


class ExpenseIn(ExpenseItemIn):
    paid_from: Code = Field(description="The bank or cash account it was paid from")


class ExpenseOut(BaseModel):
    id: int
    claim_id: int | None
    date: dt.date
    payee: str
    vendor_id: int | None
    account: str
    paid_from: str | None
    currency: str
    amount: str
    tax_code: str | None
    net: str
    tax: str
    description: str
    project_id: int | None
    entry_id: int | None
    attachments: list[AttachmentOut]


class ExpensePage(BaseModel):
    items: list[ExpenseOut]
    page: int
    pages: int
    total: int


class ClaimIn(Strict):
    title: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    items: Annotated[list[ExpenseItemIn], Field(min_length=1, max_length=200)]
    submit: bool = Field(False, description="Submit at once (receipts can still be added)")


class ClaimOut(BaseModel):
    id: int
    title: str
    claimant: str
    claimant_id: int | None
    status: str
    currency: str
    total: str
    amount_paid: str
    amount_due: str
    submitted_at: dt.datetime | None
    decided_by: str | None
    decided_at: dt.datetime | None
    reject_reason: str | None
    entry_id: int | None
    items: list[ExpenseOut]


class ClaimPage(BaseModel):
    items: list[ClaimOut]
    page: int
    pages: int
    total: int


class RejectIn(Strict):
    reason: Annotated[str, StringConstraints(min_length=1, max_length=500)]


class ReimburseIn(Strict):
    date: dt.date
    account: Code = Field(description="Bank or cash account code")
    amount: Money | None = Field(None, description="Default: all that is still owed")
    reference: Text100 | None = None


class PayablesAgingOut(BaseModel):
    book: str
    currency: str
    as_of: str
    buckets: list[str]
    vendors: list[dict[str, str | int]]
    totals: dict[str, str]


class VendorCreditLineIn(Strict):
    description: Annotated[str, StringConstraints(min_length=1, max_length=500)]
    amount: Money = Field(description="Net amount, before VAT")
    account: Code | None = Field(None, description="Expense or asset account it takes back "
                                                   "from; default: the chart's direct costs")
    tax_code: TaxCodeText | None = Field(None, description="A VAT code such as PPN-IN")


class VendorCreditIn(Strict):
    vendor_id: Id
    vendor_reference: Annotated[str, StringConstraints(min_length=1, max_length=100)] = Field(
        description="The vendor's credit note number; once per vendor")
    date: dt.date | None = Field(None, description="Default today")
    bill_id: Id | None = Field(None, description="The bill it corrects, if any")
    currency: Currency | None = None
    notes: Annotated[str, StringConstraints(max_length=2000)] | None = None
    lines: Annotated[list[VendorCreditLineIn], Field(min_length=1, max_length=200)]


class VendorCreditLineOut(BaseModel):
    line_no: int
    description: str
    account: str
    tax_code: str | None
    net: str
    tax: str


class VendorCreditAllocationOut(BaseModel):
    bill_id: int
    date: dt.date
    amount: str


class VendorCreditRefundOut(BaseModel):
    date: dt.date
    account: str
    amount: str
    reference: str | None
    entry_id: int | None


class VendorCreditOut(BaseModel):
    id: int
    vendor_id: int
    vendor: str
    vendor_reference: str
    bill_id: int | None
    status: str
    date: dt.date
    currency: str
    net_total: str
    tax_total: str
    total: str
    amount_applied: str
    amount_refunded: str
    remaining: str
    notes: str | None
    entry_id: int | None
    lines: list[VendorCreditLineOut]
    allocations: list[VendorCreditAllocationOut]
    refunds: list[VendorCreditRefundOut]


class VendorCreditPage(BaseModel):
    items: list[VendorCreditOut]
    page: int
    pages: int
    total: int


class ApplyCreditIn(Strict):
    bill_id: Id
    amount: Money | None = Field(None, description="Default: all the credit can settle")
    date: dt.date | None = Field(None, description="Default today")


class RefundCreditIn(Strict):
    date: dt.date
    account: Code = Field(description="Bank or cash account the refund arrived in")
    amount: Money | None = Field(None, description="Default: all that is left")
    reference: Text100 | None = None

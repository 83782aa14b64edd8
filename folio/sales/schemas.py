"""API shapes of sales: what clients send and receive. Amounts travel as decimal strings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Code = Annotated[str, StringConstraints(min_length=1, max_length=20)]
ItemCode = Annotated[str, StringConstraints(min_length=1, max_length=40)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Text100 = Annotated[str, StringConstraints(max_length=100)]
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
Money = Annotated[Decimal, Field(ge=0, max_digits=20, allow_inf_nan=False,
                                 examples=["1500000"])]
# Base-currency units per unit of a foreign currency (folio.fx).
Rate = Annotated[Decimal, Field(gt=0, lt=10**12, max_digits=30, decimal_places=12,
                                allow_inf_nan=False, examples=["16250"])]
Quantity = Annotated[Decimal, Field(gt=0, max_digits=20, allow_inf_nan=False, examples=["1"])]
Percent = Annotated[Decimal, Field(ge=0, le=100, max_digits=10, allow_inf_nan=False)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ItemIn(Strict):
    code: ItemCode
    name: Name
    unit: Annotated[str, StringConstraints(min_length=1, max_length=20)] = "unit"
    default_price: Money = Decimal(0)
    tax_code: Code | None = None
    income_account: Code | None = None
    is_active: bool = True


class ItemOut(BaseModel):
    id: int
    code: str
    name: str
    unit: str
    default_price: str
    tax_code: str | None
    income_account: str | None
    is_active: bool


class ProjectIn(Strict):
    customer_id: Id
    code: ItemCode
    name: Name
    budget: Money = Decimal(0)
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    status: Literal["active", "on_hold", "done", "cancelled"] = "active"


class ProjectOut(BaseModel):
    id: int
    customer_id: int
    code: str
    name: str
    budget: str
    start_date: dt.date | None
    end_date: dt.date | None
    status: str


class InvoiceLineIn(Strict):
    item_id: Id | None = None
    description: Annotated[str, StringConstraints(max_length=500)] | None = None
    quantity: Quantity = Decimal(1)
    unit: Annotated[str, StringConstraints(max_length=20)] | None = Field(
        None, description="Printed next to the quantity, e.g. \"hour\"")
    unit_price: Money | None = Field(None, description="Default: the item's price")
    discount_percent: Percent = Decimal(0)
    tax_code: Annotated[str, StringConstraints(max_length=20)] | None = Field(
        None, description="A VAT code such as PPN12; null: the item's; \"\": no tax")
    account: Code | None = Field(None, description="Income account; default: the item's, "
                                                   "else the chart's revenue account")


class InvoiceIn(Strict):
    customer_id: Id
    issue_date: dt.date | None = Field(None, description="Default today")
    due_date: dt.date | None = Field(None, description="Default: the customer's terms")
    project_id: Id | None = None
    currency: Annotated[str, StringConstraints(min_length=3, max_length=3)] | None = None
    exchange_rate: Rate | None = Field(None, description="For a foreign currency; default "
                                                         "the book's rate on the issue date")
    prices_include_tax: bool = False
    vat_rounding: Literal["document", "line"] = "document"
    withholding_code: Code | None = Field(None, description="e.g. PPH23, withheld by the "
                                                            "customer")
    stamp_duty_borne_by: Literal["issuer", "customer"] = "issuer"
    reference: Text100 | None = None
    notes: Annotated[str, StringConstraints(max_length=2000)] | None = None
    lines: Annotated[list[InvoiceLineIn], Field(min_length=1, max_length=500)]


class InvoiceLineOut(BaseModel):
    line_no: int
    item_id: int | None
    description: str
    quantity: str
    unit: str | None = None
    unit_price: str
    discount_percent: str
    tax_code: str | None
    account: str
    amount: str
    net: str
    tax_base: str
    tax: str


class InvoiceOut(BaseModel):
    id: int
    kind: str
    number: str | None
    status: str
    overdue: bool
    customer_id: int
    customer: str
    project_id: int | None
    credit_of_id: int | None
    quotation_id: int | None = None
    issue_date: dt.date
    due_date: dt.date
    currency: str
    exchange_rate: str = "1"
    prices_include_tax: bool
    vat_rounding: str
    reference: str | None
    notes: str | None
    net_total: str
    tax_total: str
    rounding: str
    total: str
    withholding_code: str | None
    withholding_amount: str
    stamp_duty: str
    stamp_duty_borne_by: str
    amount_paid: str
    amount_credited: str
    amount_written_off: str
    amount_due: str
    entry_id: int | None
    lines: list[InvoiceLineOut]


class InvoicePage(BaseModel):
    items: list[InvoiceOut]
    page: int
    pages: int
    total: int


class VoidIn(Strict):
    date: dt.date | None = Field(None, description="Date of the reversal (default today)")
    reason: Annotated[str, StringConstraints(max_length=200)] | None = None


class CreditNoteIn(Strict):
    issue_date: dt.date | None = None
    lines: Annotated[list[InvoiceLineIn], Field(min_length=1, max_length=500)] | None = Field(
        None, description="Default: credit the whole invoice")
    reason: Annotated[str, StringConstraints(max_length=2000)] | None = None


class WriteOffIn(Strict):
    date: dt.date | None = None
    account: Code | None = Field(None, description="Bad-debt expense account")
    reason: Annotated[str, StringConstraints(max_length=200)] | None = None


class ApplyCreditIn(Strict):
    date: dt.date
    amount: Money | None = Field(None, description="Default: as much as possible")


class AllocationIn(Strict):
    invoice_id: Id
    amount: Money


class PaymentIn(Strict):
    customer_id: Id
    date: dt.date
    account: Code = Field(description="Bank or cash account code")
    amount: Money = Field(description="Net amount received into the account")
    bank_fee: Money | None = None
    fee_account: Code | None = None
    withheld_tax: Money | None = Field(None, description="Tax the customer withheld "
                                                         "(PPh 23)")
    withholding_account: Code | None = None
    withholding_reference: Text100 | None = Field(None, description="Bukti potong number")
    reference: Text100 | None = None
    memo: Annotated[str, StringConstraints(max_length=500)] | None = None
    currency: Annotated[str, StringConstraints(min_length=3, max_length=3)] | None = None
    exchange_rate: Rate | None = Field(None, description="For a foreign currency; default "
                                                         "the book's rate on the date")
    allocations: Annotated[list[AllocationIn], Field(max_length=500)] | None = Field(
        None, description="Default: the customer's oldest open invoices first")


class PaymentVoidIn(Strict):
    date: dt.date | None = Field(None, description="Date of the reversal (default the "
                                                   "payment's)")
    reason: Annotated[str, StringConstraints(max_length=200)] | None = None


class RefundIn(Strict):
    customer_id: Id
    date: dt.date
    account: Code = Field(description="Bank or cash account the refund is paid from")
    amount: Money
    reference: Text100 | None = None
    memo: Annotated[str, StringConstraints(max_length=500)] | None = None


class AllocationOut(BaseModel):
    invoice_id: int
    date: dt.date
    amount: str


class PaymentOut(BaseModel):
    id: int
    customer_id: int
    date: dt.date
    currency: str
    exchange_rate: str = "1"
    kind: str = "payment"
    void_entry_id: int | None = None
    account: str
    amount: str
    bank_fee: str
    withheld_tax: str
    withholding_reference: str | None
    reference: str | None
    memo: str | None
    entry_id: int | None
    unallocated: str
    allocations: list[AllocationOut]


class PaymentPage(BaseModel):
    items: list[PaymentOut]
    page: int
    pages: int
    total: int




class NumberSeriesIn(Strict):
    format: Annotated[str, StringConstraints(min_length=1, max_length=60)] = Field(
        examples=["INV/{yyyy}/{mm}/{seq:04d}"])


class NumberSeriesOut(BaseModel):
    kind: str
    year: int
    format: str
    last: int


class AgingOut(BaseModel):
    book: str
    currency: str
    as_of: str
    buckets: list[str]
    customers: list[dict[str, str | int]]
    totals: dict[str, str]


class StatementLineOut(BaseModel):
    date: str
    kind: str
    reference: str
    amount: str
    balance: str


class StatementOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    book: str
    currency: str
    customer_id: int
    customer: str
    start: str = Field(alias="from")
    end: str = Field(alias="to")
    opening: str
    lines: list[StatementLineOut]
    closing: str

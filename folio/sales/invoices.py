"""Invoice drafts: create, edit, delete; finding and listing invoices.

Issuing, voiding and the ledger postings are in folio.sales.issuing; credit notes and
write-offs in folio.sales.adjustments; payments in folio.sales.payments.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from folio.audit import service as audit
from folio.audit.service import snapshot
from folio.auth.guard import require
from folio.books.models import Book
from folio.clock import today
from folio.commerce.listing import contains, like_pattern, page_count, page_of
from folio.commerce.records import record_in_book
from folio.errors import Conflict, ValidationError
from folio.fx.documents import check_currency_code, document_rate
from folio.ledger.models import Account
from folio.ledger.periods import FIRST_DAY, LAST_DAY
from folio.money import from_minor
from folio.parties.models import Party
from folio.sales import lookups
from folio.sales.models import Invoice, InvoiceKind, InvoiceLine, InvoiceStatus, Item
from folio.sales.totals import PricedLine, invoice_totals
from folio.tax.calc import TaxRule
from folio.tax.models import TaxCode, TaxKind

MAX_LINES = 500
MAX_QUANTITY = Decimal(10) ** 9
BEARERS = ("issuer", "customer")
VAT_ROUNDINGS = ("document", "line")
OPEN = (InvoiceStatus.ISSUED.value, InvoiceStatus.PARTIALLY_PAID.value)
FIELDS = ("kind", "number", "customer_id", "project_id", "status", "issue_date", "due_date",
          "currency", "exchange_rate", "prices_include_tax", "vat_rounding", "net_total",
          "tax_total", "rounding", "total", "withholding_amount", "stamp_duty",
          "stamp_duty_borne_by")


@dataclass
class InvoiceLineInput:
    description: str | None = None
    quantity: Decimal = Decimal(1)
    unit_price: Decimal | None = None  # None: the item's default price
    discount_percent: Decimal = Decimal(0)
    tax_code: str | None = None  # None: the item's; "" for no tax
    account: str | None = None  # None: the item's income account, else the revenue role
    item_id: int | None = None
    unit: str | None = None  # as printed next to the quantity, e.g. "hour"


@dataclass
class InvoiceInput:
    customer_id: int
    lines: Sequence[InvoiceLineInput]
    issue_date: date | None = None
    due_date: date | None = None  # None: issue date + the customer's payment terms
    project_id: int | None = None
    currency: str | None = None
    # Base-currency units per unit of a foreign ``currency``; None: the rate on the issue
    # date from the book's exchange rates (folio.fx.rates).
    exchange_rate: Decimal | None = None
    prices_include_tax: bool = False
    vat_rounding: str = "document"
    withholding_code: str | None = None  # e.g. PPH23, withheld by the customer
    stamp_duty_borne_by: str = "issuer"
    reference: str | None = None
    notes: str | None = None
    extra_errors: list[dict[str, str]] = field(default_factory=list)


def _text(errors: lookups.Errors, name: str, value: str | None, limit: int) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if len(value) > limit or "\x00" in value:
        lookups.error(errors, name, f"at most {limit} characters")
    return value or None


def _day(errors: lookups.Errors, name: str, value: date) -> None:
    if not FIRST_DAY <= value <= LAST_DAY:
        lookups.error(errors, name, f"a date from {FIRST_DAY} to {LAST_DAY}")


def build_lines(session: Session, book: Book, data: InvoiceInput, currency: str,
                errors: lookups.Errors) -> tuple[list[InvoiceLine], dict[int, TaxCode]]:
    """Validated lines (amounts still to compute) and the VAT codes they use, by id."""
    if not data.lines:
        lookups.error(errors, "lines", "an invoice needs at least one line")
    if len(data.lines) > MAX_LINES:
        lookups.error(errors, "lines", f"at most {MAX_LINES} lines")
        return [], {}
    revenue: Account | None = None
    codes: dict[int, TaxCode] = {}
    made: list[InvoiceLine] = []
    # Before the chart's revenue account: the customer's own default, if they have one.
    customer_account = session.scalar(select(Party.default_income_account_id).where(
        Party.book_id == book.id, Party.id == data.customer_id)) \
        if 0 < data.customer_id < 2**63 else None
    for n, line in enumerate(data.lines):
        at = f"lines[{n}]"
        item = None
        if line.item_id is not None:
            item = session.scalar(select(Item).where(Item.book_id == book.id,
                                                     Item.id == line.item_id)) \
                if 0 < line.item_id < 2**63 else None
            if item is None:
                lookups.error(errors, f"{at}.item_id", f"no item {line.item_id} in this book")
        description = _text(errors, f"{at}.description", line.description, 500) \
            or (item.name if item else None)
        if not description:
            lookups.error(errors, f"{at}.description", "a line needs a description or an item")
        unit = _text(errors, f"{at}.unit", line.unit, 20)
        quantity = line.quantity
        if not quantity.is_finite() or quantity <= 0 or quantity >= MAX_QUANTITY \
                or quantity != quantity.quantize(Decimal("0.000001")):
            lookups.error(errors, f"{at}.quantity",
                          "a quantity above 0 and below 10^9, with at most 6 decimals")
        if line.unit_price is None:
            price = item.default_price if item else 0
            if item is None:
                lookups.error(errors, f"{at}.unit_price", "a unit price is required")
        else:
            price = lookups.minor(line.unit_price, currency, f"{at}.unit_price", errors)
        discount = line.discount_percent
        if not discount.is_finite() or not 0 <= discount <= 100 \
                or discount != discount.quantize(Decimal("0.0001")):
            lookups.error(errors, f"{at}.discount_percent", "a percentage from 0 to 100")
        tax_id = item.tax_code_id if item and line.tax_code is None else None
        if line.tax_code:
            tax = lookups.tax_code(session, book, line.tax_code, f"{at}.tax_code", errors,
                                   TaxKind.VAT)
            tax_id = tax.id if tax else None
        if tax_id is not None and tax_id not in codes:
            codes[tax_id] = session.get_one(TaxCode, tax_id)
        account_id = item.income_account_id if item and line.account is None else None
        if line.account is not None:
            found = lookups.account(session, book, line.account, f"{at}.account", errors,
                                    types=("income",))
            account_id = found.id if found else None
        elif account_id is None and customer_account is not None:
            account_id = customer_account
        elif account_id is None:
            revenue = revenue or lookups.role_account(session, book, "revenue", "revenue")
            account_id = revenue.id
        made.append(InvoiceLine(book_id=book.id, line_no=n + 1,
                                item_id=item.id if item else None,
                                description=description or "", quantity=quantity,
                                unit=unit, unit_price=price, discount_percent=discount,
                                tax_code_id=tax_id, account_id=account_id or 0,
                                amount=0, net=0, tax_base=0, tax=0))
    return made, codes


def compute(invoice: Invoice, codes: dict[int, TaxCode], withholding: TaxCode | None,
            customer: Party) -> None:
    """Fill the lines' amounts and the invoice's totals from its lines."""
    cur = invoice.currency
    rules: dict[str, TaxRule] = {str(k): v for k, v in codes.items()}
    totals = invoice_totals(
        [PricedLine(line.quantity, from_minor(line.unit_price, cur), line.discount_percent,
                    str(line.tax_code_id) if line.tax_code_id is not None else None)
         for line in invoice.lines], rules, cur,
        prices_include_tax=invoice.prices_include_tax, vat_rounding=invoice.vat_rounding,
        withholding_code=withholding, customer_has_tax_id=bool(customer.tax_id))
    units = lookups.minor
    ignore: lookups.Errors = []
    for line, amount, taxed in zip(invoice.lines, totals.amounts, totals.lines, strict=True):
        line.amount = units(amount, cur, "amount", ignore, allow_negative=True)
        line.net = units(taxed.net, cur, "net", ignore, allow_negative=True)
        line.tax_base = units(taxed.base, cur, "base", ignore, allow_negative=True)
        line.tax = units(taxed.tax, cur, "tax", ignore, allow_negative=True)
    invoice.net_total = units(totals.net, cur, "net", ignore, allow_negative=True)
    invoice.line_tax_total = units(totals.line_tax, cur, "tax", ignore, allow_negative=True)
    invoice.tax_total = units(totals.tax, cur, "tax", ignore, allow_negative=True)
    invoice.rounding = units(totals.rounding, cur, "rounding", ignore, allow_negative=True)
    invoice.total = units(totals.total, cur, "total", ignore, allow_negative=True)
    invoice.withholding_amount = units(totals.withholding, cur, "wht", ignore)
    invoice.stamp_duty = units(totals.stamp_duty, cur, "stamp_duty", ignore)
    if ignore:
        raise ValidationError("The invoice's amounts are too large", field="lines")


def _apply(session: Session, book: Book, invoice: Invoice, data: InvoiceInput) -> Party:
    errors: lookups.Errors = list(data.extra_errors)
    customer = lookups.customer(session, book, data.customer_id, "customer_id", errors)
    currency = (data.currency or book.base_currency).upper()
    check_currency_code(currency, errors)
    issue_date = data.issue_date or today()
    _day(errors, "issue_date", issue_date)
    credited = session.get(Invoice, invoice.credit_of_id) if invoice.credit_of_id else None
    if credited is not None:  # a credit note takes its invoice back at the invoice's rate
        rate = credited.exchange_rate
    else:
        rate = document_rate(session, book, currency, issue_date, data.exchange_rate, errors)
    if any(e["field"] == "currency" for e in errors):
        currency = book.base_currency
    due_date = data.due_date
    if due_date is None and customer is not None and FIRST_DAY <= issue_date <= LAST_DAY - \
            timedelta(days=366):
        due_date = issue_date + timedelta(days=customer.payment_terms_days)
    due_date = due_date or issue_date
    _day(errors, "due_date", due_date)
    if due_date < issue_date:
        lookups.error(errors, "due_date", "the due date cannot be before the issue date")
    project = lookups.project(session, book, data.project_id, errors, customer=customer)
    if data.vat_rounding not in VAT_ROUNDINGS:
        lookups.error(errors, "vat_rounding", f"one of {', '.join(VAT_ROUNDINGS)}")
    if data.stamp_duty_borne_by not in BEARERS:
        lookups.error(errors, "stamp_duty_borne_by", f"one of {', '.join(BEARERS)}")
    wht = lookups.tax_code(session, book, data.withholding_code or None, "withholding_code",
                           errors, TaxKind.WITHHOLDING)
    reference = _text(errors, "reference", data.reference, 100)
    notes = _text(errors, "notes", data.notes, 2000)
    lines, codes = build_lines(session, book, data, currency, errors)
    if errors:
        raise ValidationError("The invoice has errors" if len(errors) > 1
                              else errors[0]["message"], errors=errors)
    assert customer is not None
    invoice.customer_id, invoice.project_id = customer.id, project.id if project else None
    invoice.issue_date, invoice.due_date, invoice.currency = issue_date, due_date, currency
    invoice.exchange_rate = rate
    invoice.prices_include_tax = data.prices_include_tax
    invoice.vat_rounding = data.vat_rounding
    invoice.withholding_code_id = wht.id if wht else None
    invoice.stamp_duty_borne_by = data.stamp_duty_borne_by
    invoice.reference, invoice.notes = reference, notes
    if invoice.id is not None:
        invoice.lines.clear()
        session.flush()
    invoice.lines.extend(lines)
    compute(invoice, codes, wht, customer)
    return customer


def invoice_snapshot(invoice: Invoice) -> dict[str, object]:
    data = snapshot(invoice, FIELDS)
    data["lines"] = [snapshot(line, ("description", "quantity", "unit_price",
                                     "discount_percent", "tax_code_id", "account_id", "net",
                                     "tax")) for line in invoice.lines]
    return data


def create_draft(session: Session, book: Book, data: InvoiceInput) -> Invoice:
    """Save a draft invoice; it gets a number only when issued."""
    require(session, book, "sales.draft")
    invoice = Invoice(book_id=book.id, kind=InvoiceKind.INVOICE.value,
                      status=InvoiceStatus.DRAFT.value)
    customer = _apply(session, book, invoice, data)
    session.add(invoice)
    session.flush()
    audit.record(session, "create", "invoice", invoice.id, book=book,
                 after=invoice_snapshot(invoice), summary=f"Draft invoice to {customer.name}")
    return invoice


def _check_draft(invoice: Invoice) -> None:
    if invoice.status != InvoiceStatus.DRAFT.value:
        raise Conflict(f"Invoice {invoice.number} is {invoice.status}; only a draft can "
                       f"change (void it or issue a credit note instead)")


def update_draft(session: Session, book: Book, invoice: Invoice, data: InvoiceInput) -> Invoice:
    require(session, book, "sales.draft")
    _check_draft(invoice)
    before = invoice_snapshot(invoice)
    customer = _apply(session, book, invoice, data)
    session.flush()
    audit.record(session, "update", "invoice", invoice.id, book=book, before=before,
                 after=invoice_snapshot(invoice), summary=f"Draft invoice to {customer.name}")
    return invoice


def delete_draft(session: Session, book: Book, invoice: Invoice) -> None:
    require(session, book, "sales.draft")
    _check_draft(invoice)
    audit.record(session, "delete", "invoice", invoice.id, book=book,
                 before=invoice_snapshot(invoice), summary="Draft invoice deleted")
    session.delete(invoice)
    session.flush()


def get_invoice(session: Session, book: Book, invoice_id: int, *,
                for_update: bool = False) -> Invoice:
    require(session, book, "report.read")
    return record_in_book(session, book, Invoice, invoice_id, noun="invoice", field="invoice",
                          for_update=for_update)


def is_overdue(invoice: Invoice, as_of: date | None = None) -> bool:
    return invoice.status in OPEN and invoice.due_date < (as_of or today())


@dataclass
class InvoicePage:
    invoices: list[Invoice]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return page_count(self.total, self.page_size)


def list_invoices(session: Session, book: Book, *, search: str | None = None,
                  status: str | None = None, customer_id: int | None = None,
                  kind: str | None = None, start: date | None = None, end: date | None = None,
                  page: int = 1, page_size: int = 50) -> InvoicePage:
    """Invoices newest first; ``status`` may be ``overdue`` (open and past due today)."""
    require(session, book, "report.read")
    query = select(Invoice).where(Invoice.book_id == book.id)
    if status == "overdue":
        query = query.where(Invoice.status.in_(OPEN), Invoice.due_date < today())
    elif status is not None:
        query = query.where(Invoice.status == status)
    if customer_id is not None:
        query = query.where(Invoice.customer_id == customer_id)
    if kind is not None:
        query = query.where(Invoice.kind == kind)
    if start is not None:
        query = query.where(Invoice.issue_date >= start)
    if end is not None:
        query = query.where(Invoice.issue_date <= end)
    like = like_pattern(search)
    if like is not None:
        names = select(Party.id).where(Party.book_id == book.id, contains(Party.name, like))
        query = query.where(or_(contains(Invoice.number, like),
                                contains(Invoice.reference, like),
                                Invoice.customer_id.in_(names)))
    rows, total = page_of(session, query, order_by=(Invoice.issue_date.desc(), Invoice.id.desc()),
                          page=page, page_size=page_size, load=(selectinload(Invoice.lines),))
    return InvoicePage(rows, total, page, page_size)


def refresh_status(invoice: Invoice) -> None:
    """An issued invoice's status from what has settled it."""
    if invoice.status in (InvoiceStatus.DRAFT.value, InvoiceStatus.VOID.value) \
            or invoice.kind != InvoiceKind.INVOICE.value:
        return
    if invoice.amount_due <= 0:
        invoice.status = (InvoiceStatus.WRITTEN_OFF.value if invoice.amount_written_off
                          else InvoiceStatus.PAID.value)
    elif invoice.amount_paid or invoice.amount_credited:
        invoice.status = InvoiceStatus.PARTIALLY_PAID.value
    else:
        invoice.status = InvoiceStatus.ISSUED.value

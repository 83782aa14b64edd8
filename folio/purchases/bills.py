"""Vendor bills: drafts, approval (which posts them), voiding; finding and listing bills.

Approving posts one balanced entry (DOMAIN.md sections 1, 2 and 5):
Dr expense or asset per line (net) / Dr input VAT (PPN masukan) / Dr or Cr round-off /
Cr trade payables (what we owe the vendor) / Cr PPh 23 payable (what we withhold from the
vendor's services and owe the tax office). Totals come from folio.sales.totals, so bills
and invoices round the same way; our number comes from the sales number series (kind
``bill``, ``BILL/{yyyy}/{seq:04d}``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from folio.audit import service as audit
from folio.audit.service import snapshot
from folio.auth.guard import require
from folio.books.models import Book
from folio.clock import today
from folio.commerce.listing import contains, like_pattern, page_of
from folio.commerce.records import record_in_book
from folio.errors import Conflict, NotFound, ValidationError
from folio.fx import documents as fx
from folio.fx.documents import check_currency_code, document_rate
from folio.ledger.models import Account, JournalEntry
from folio.ledger.periods import FIRST_DAY, LAST_DAY
from folio.ledger.service import EntryInput, LineInput, create_entry, reverse_entry
from folio.money import from_minor
from folio.parties.models import Party
from folio.purchases.attachments import discard
from folio.purchases.models import Bill, BillAllocation, BillLine, BillStatus
from folio.sales import lookups
from folio.sales.models import Project
from folio.sales.numbering import next_number
from folio.sales.totals import PricedLine, invoice_totals
from folio.tax.calc import TaxRule, withholding
from folio.tax.models import TaxCode, TaxKind

MAX_LINES = 500
MAX_QUANTITY = Decimal(10) ** 9
OPEN = (BillStatus.APPROVED.value, BillStatus.PARTIALLY_PAID.value)
FIELDS = ("number", "vendor_id", "vendor_reference", "project_id", "status", "bill_date",
          "due_date", "currency", "exchange_rate", "net_total", "tax_total", "rounding", "total",
          "withholding_amount", "amount_paid")


@dataclass
class BillLineInput:
    description: str | None = None
    quantity: Decimal = Decimal(1)
    unit_price: Decimal = Decimal(0)
    discount_percent: Decimal = Decimal(0)
    tax_code: str | None = None  # a VAT code, e.g. PPN-IN
    account: str | None = None  # expense or asset; None: the direct-costs role
    is_service: bool = True  # the bill's withholding applies to services only
    unit: str | None = None  # as printed next to the quantity, e.g. "kg"


@dataclass
class BillInput:
    vendor_id: int
    vendor_reference: str
    lines: Sequence[BillLineInput]
    bill_date: date | None = None
    due_date: date | None = None  # None: bill date + the vendor's payment terms
    project_id: int | None = None
    currency: str | None = None
    # Base-currency units per unit of a foreign ``currency``; None: the rate on the bill
    # date from the book's exchange rates (folio.fx.rates).
    exchange_rate: Decimal | None = None
    prices_include_tax: bool = False
    withholding_code: str | None = None  # e.g. PPH23: we withhold it from services
    notes: str | None = None


def text(errors: lookups.Errors, name: str, value: str | None, limit: int) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if len(value) > limit or "\x00" in value or not value.isprintable():
        lookups.error(errors, name, f"at most {limit} printable characters")
    return value or None


def day_in_range(errors: lookups.Errors, name: str, value: date) -> None:
    if not FIRST_DAY <= value <= LAST_DAY:
        lookups.error(errors, name, f"a date from {FIRST_DAY} to {LAST_DAY}")


def vendor(session: Session, book: Book, party_id: int | None, field: str,
           errors: lookups.Errors) -> Party | None:
    return lookups.party(session, book, party_id, field, errors, "vendor")


def project(session: Session, book: Book, project_id: int | None,
            errors: lookups.Errors) -> Project | None:
    """Any project of the book: a bill's cost may go to a project of any customer."""
    return lookups.project(session, book, project_id, errors)


def currency_of(book: Book, asked: str | None, errors: lookups.Errors) -> str:
    currency = (asked or book.base_currency).upper()
    if currency != book.base_currency:
        lookups.error(errors, "currency", f"purchases are recorded in {book.base_currency} "
                                          f"only for now")
    return book.base_currency


def _lines(session: Session, book: Book, data: BillInput, currency: str,
           errors: lookups.Errors) -> tuple[list[BillLine], dict[int, TaxCode]]:
    if not data.lines:
        lookups.error(errors, "lines", "a bill needs at least one line")
    if len(data.lines) > MAX_LINES:
        lookups.error(errors, "lines", f"at most {MAX_LINES} lines")
        return [], {}
    default: Account | None = None
    codes: dict[int, TaxCode] = {}
    made: list[BillLine] = []
    # Before the chart's direct costs: the vendor's own default, if they have one.
    vendor_account = session.scalar(select(Party.default_expense_account_id).where(
        Party.book_id == book.id, Party.id == data.vendor_id)) \
        if 0 < data.vendor_id < 2**63 else None
    for n, line in enumerate(data.lines):
        at = f"lines[{n}]"
        description = text(errors, f"{at}.description", line.description, 500)
        if not description:
            lookups.error(errors, f"{at}.description", "a line needs a description")
        unit = text(errors, f"{at}.unit", line.unit, 20)
        quantity = line.quantity
        if not quantity.is_finite() or quantity <= 0 or quantity >= MAX_QUANTITY \
                or quantity != quantity.quantize(Decimal("0.000001")):
            lookups.error(errors, f"{at}.quantity",
                          "a quantity above 0 and below 10^9, with at most 6 decimals")
        price = lookups.minor(line.unit_price, currency, f"{at}.unit_price", errors)
        discount = line.discount_percent
        if not discount.is_finite() or not 0 <= discount <= 100 \
                or discount != discount.quantize(Decimal("0.0001")):
            lookups.error(errors, f"{at}.discount_percent", "a percentage from 0 to 100")
        tax = lookups.tax_code(session, book, line.tax_code or None, f"{at}.tax_code", errors,
                               TaxKind.VAT)
        if tax is not None:
            codes[tax.id] = tax
        if line.account is not None:
            found = lookups.account(session, book, line.account, f"{at}.account", errors,
                                    types=("expense", "asset"))
            account_id = found.id if found else 0
        elif vendor_account is not None:
            account_id = vendor_account
        else:
            default = default or lookups.role_account(session, book, "direct_costs",
                                                      "direct costs")
            account_id = default.id
        made.append(BillLine(book_id=book.id, line_no=n + 1, description=description or "",
                             quantity=quantity, unit=unit, unit_price=price,
                             discount_percent=discount,
                             tax_code_id=tax.id if tax else None, account_id=account_id,
                             is_service=line.is_service, amount=0, net=0, tax_base=0, tax=0))
    return made, codes


def compute(bill: Bill, codes: dict[int, TaxCode], wht: TaxCode | None, seller: Party) -> None:
    """The lines' amounts and the bill's totals, rounded as an invoice's are."""
    cur = bill.currency
    rules: dict[str, TaxRule] = {str(k): v for k, v in codes.items()}
    totals = invoice_totals(
        [PricedLine(line.quantity, from_minor(line.unit_price, cur), line.discount_percent,
                    str(line.tax_code_id) if line.tax_code_id is not None else None)
         for line in bill.lines], rules, cur, prices_include_tax=bill.prices_include_tax)
    units = lookups.minor
    ignore: lookups.Errors = []
    services = Decimal(0)
    for line, amount, taxed in zip(bill.lines, totals.amounts, totals.lines, strict=True):
        line.amount = units(amount, cur, "amount", ignore, allow_negative=True)
        line.net = units(taxed.net, cur, "net", ignore, allow_negative=True)
        line.tax_base = units(taxed.base, cur, "base", ignore, allow_negative=True)
        line.tax = units(taxed.tax, cur, "tax", ignore, allow_negative=True)
        if line.is_service:
            services += taxed.net
    bill.net_total = units(totals.net, cur, "net", ignore)
    bill.line_tax_total = units(totals.line_tax, cur, "tax", ignore)
    bill.tax_total = units(totals.tax, cur, "tax", ignore)
    bill.rounding = units(totals.rounding, cur, "rounding", ignore, allow_negative=True)
    bill.total = units(totals.total, cur, "total", ignore)
    # PPh 23 on the services' price excluding PPN, doubled for a vendor without an NPWP.
    withheld = withholding(services, wht, cur, has_tax_id=bool(seller.tax_id)) \
        if wht is not None and services > 0 else Decimal(0)
    bill.withholding_amount = units(withheld, cur, "wht", ignore)
    if ignore:
        raise ValidationError("The bill's amounts are too large", field="lines")


def _duplicate(session: Session, book: Book, vendor_id: int, reference: str,
               bill_id: int | None) -> Bill | None:
    query = select(Bill).where(Bill.book_id == book.id, Bill.vendor_id == vendor_id,
                               func.lower(Bill.vendor_reference) == reference.lower())
    if bill_id is not None:
        query = query.where(Bill.id != bill_id)
    return session.scalar(query.limit(1))


def _apply(session: Session, book: Book, bill: Bill, data: BillInput) -> Party:
    errors: lookups.Errors = []
    seller = vendor(session, book, data.vendor_id, "vendor_id", errors)
    currency = (data.currency or book.base_currency).upper()
    check_currency_code(currency, errors)
    reference = text(errors, "vendor_reference", data.vendor_reference, 100)
    if not reference:
        lookups.error(errors, "vendor_reference", "the vendor's invoice number is required")
    bill_date = data.bill_date or today()
    day_in_range(errors, "bill_date", bill_date)
    rate = document_rate(session, book, currency, bill_date, data.exchange_rate, errors)
    if any(e["field"] == "currency" for e in errors):
        currency = book.base_currency
    due_date = data.due_date
    if due_date is None and seller is not None and FIRST_DAY <= bill_date <= LAST_DAY - \
            timedelta(days=366):
        due_date = bill_date + timedelta(days=seller.payment_terms_days)
    due_date = due_date or bill_date
    day_in_range(errors, "due_date", due_date)
    if due_date < bill_date:
        lookups.error(errors, "due_date", "the due date cannot be before the bill date")
    linked = project(session, book, data.project_id, errors)
    wht = lookups.tax_code(session, book, data.withholding_code or None, "withholding_code",
                           errors, TaxKind.WITHHOLDING)
    notes = text(errors, "notes", data.notes, 2000)
    lines, codes = _lines(session, book, data, currency, errors)
    if errors:
        raise ValidationError("The bill has errors" if len(errors) > 1
                              else errors[0]["message"], errors=errors)
    assert seller is not None
    assert reference is not None
    twin = _duplicate(session, book, seller.id, reference, bill.id)
    if twin is not None:
        raise Conflict(f"{seller.name}'s invoice {twin.vendor_reference} is already recorded "
                       f"(bill {twin.number or twin.id}, {twin.status})",
                       field="vendor_reference")
    bill.vendor_id, bill.vendor_reference = seller.id, reference
    bill.project_id = linked.id if linked else None
    bill.bill_date, bill.due_date, bill.currency = bill_date, due_date, currency
    bill.exchange_rate = rate
    bill.prices_include_tax = data.prices_include_tax
    bill.withholding_code_id = wht.id if wht else None
    bill.notes = notes
    if bill.id is not None:
        bill.lines.clear()
        session.flush()
    bill.lines.extend(lines)
    compute(bill, codes, wht, seller)
    return seller


def bill_snapshot(bill: Bill) -> dict[str, object]:
    data = snapshot(bill, FIELDS)
    data["lines"] = [snapshot(line, ("description", "quantity", "unit_price", "tax_code_id",
                                     "account_id", "is_service", "net", "tax"))
                     for line in bill.lines]
    return data


def create_bill(session: Session, book: Book, data: BillInput) -> Bill:
    """Save a draft bill; nothing posts until it is approved."""
    require(session, book, "sales.draft")
    bill = Bill(book_id=book.id, status=BillStatus.DRAFT.value)
    seller = _apply(session, book, bill, data)
    session.add(bill)
    session.flush()
    audit.record(session, "create", "bill", bill.id, book=book, after=bill_snapshot(bill),
                 summary=f"Draft bill {bill.vendor_reference} from {seller.name}")
    return bill


def _check_draft(bill: Bill) -> None:
    if bill.status != BillStatus.DRAFT.value:
        raise Conflict(f"Bill {bill.number} is {bill.status}; only a draft can change "
                       f"(void it instead)")


def update_bill(session: Session, book: Book, bill: Bill, data: BillInput) -> Bill:
    require(session, book, "sales.draft")
    _check_draft(bill)
    before = bill_snapshot(bill)
    seller = _apply(session, book, bill, data)
    session.flush()
    audit.record(session, "update", "bill", bill.id, book=book, before=before,
                 after=bill_snapshot(bill), summary=f"Draft bill from {seller.name}")
    return bill


def delete_bill(session: Session, book: Book, bill: Bill) -> None:
    require(session, book, "sales.draft")
    _check_draft(bill)
    audit.record(session, "delete", "bill", bill.id, book=book, before=bill_snapshot(bill),
                 summary="Draft bill deleted")
    discard(session, book, "bill", bill.id)
    session.delete(bill)
    session.flush()


def _account_code(session: Session, account_id: int) -> str:
    return session.get_one(Account, account_id).code


def vat_account(session: Session, book: Book, code: TaxCode | None) -> Account:
    """Input VAT goes to the code's account unless that is the output-VAT account."""
    if code is not None and code.account_id is not None:
        account = session.get_one(Account, code.account_id)
        if account.role != "output_vat":
            return account
    return lookups.role_account(session, book, "input_vat", "input VAT")


def posting_lines(session: Session, book: Book, bill: Bill,
                  codes: dict[int, TaxCode]) -> list[LineInput]:
    cur, memo, rate = bill.currency, bill.number, bill.exchange_rate
    debits: dict[str, int] = defaultdict(int)
    for line in bill.lines:
        debits[_account_code(session, line.account_id)] += line.net
    for line in bill.lines:
        if line.tax:
            code = codes.get(line.tax_code_id) if line.tax_code_id is not None else None
            debits[vat_account(session, book, code).code] += line.tax
    if bill.rounding:
        debits[lookups.role_account(session, book, "rounding", "round-off").code] += \
            bill.rounding
    payable = lookups.role_account(session, book, "payable", "trade payables")
    lines = [fx.line(book, code, units, cur, rate, memo)
             for code, units in debits.items() if units]
    lines.append(fx.line(book, payable.code, -bill.payable, cur, rate, memo))
    if bill.withholding_amount:
        wht = lookups.role_account(session, book, "wht_payable", "PPh 23 payable")
        lines.append(fx.line(book, wht.code, -bill.withholding_amount, cur, rate, memo))
    if cur != book.base_currency:  # each line rounds to base on its own: settle the gap
        round_off = lookups.role_account(session, book, "rounding", "round-off")
        gap = fx.balancing(book, lines, round_off.code, memo)
        if gap is not None:
            lines.append(gap)
    return lines


def approve_bill(session: Session, book: Book, bill: Bill) -> Bill:
    """Number the draft, post its entry and make it payable."""
    require(session, book, "sales.issue")
    if bill.status != BillStatus.DRAFT.value:
        raise Conflict(f"Bill {bill.number} is already {bill.status}")
    seller = session.get_one(Party, bill.vendor_id)
    ids = {line.tax_code_id for line in bill.lines if line.tax_code_id is not None}
    codes = {c.id: c for c in session.scalars(select(TaxCode).where(TaxCode.id.in_(ids)))}
    inactive = sorted(c.code for c in codes.values() if not c.is_active)
    if inactive:
        raise ValidationError(f"Tax code {', '.join(inactive)} is no longer active; "
                              f"change the draft", field="lines")
    wht = session.get(TaxCode, bill.withholding_code_id) if bill.withholding_code_id else None
    compute(bill, codes, wht, seller)
    if bill.total <= 0:
        raise ValidationError("A bill must total more than zero", field="lines")
    bill.number = next_number(session, book, "bill", bill.bill_date)
    entry = create_entry(session, book, EntryInput(
        date=bill.bill_date,
        description=f"Bill {bill.vendor_reference} from {seller.name}"[:500],
        party=seller.name, reference=bill.number, external_id=f"bill:{bill.id}",
        lines=posting_lines(session, book, bill, codes)), post=True)
    bill.entry_id = entry.id
    bill.status = BillStatus.APPROVED.value
    bill.approved_at = datetime.now(UTC)
    session.flush()
    audit.record(session, "approve", "bill", bill.id, book=book, after=bill_snapshot(bill),
                 summary=f"Bill {bill.number} ({bill.vendor_reference}) from {seller.name}")
    return bill


def void_bill(session: Session, book: Book, bill: Bill, on: date | None = None,
              reason: str | None = None) -> Bill:
    """Reverse an approved bill that nothing has paid; it stays listed as void."""
    require(session, book, "sales.issue")
    if bill.status == BillStatus.DRAFT.value:
        raise Conflict("A draft is not voided; delete it instead")
    if bill.status == BillStatus.VOID.value:
        raise Conflict(f"Bill {bill.number} is already void")
    paid = session.scalar(select(BillAllocation.id).where(
        BillAllocation.book_id == book.id, BillAllocation.bill_id == bill.id).limit(1))
    if paid is not None or bill.amount_paid:
        raise Conflict(f"Bill {bill.number} has payments recorded; it cannot be voided")
    errors: lookups.Errors = []
    reason = text(errors, "reason", reason, 200)
    if on is not None:
        day_in_range(errors, "date", on)
    if errors:
        raise ValidationError(errors[0]["message"], errors=errors)
    entry = session.get_one(JournalEntry, bill.entry_id)
    mirror = reverse_entry(session, book, entry, on=on or max(today(), bill.bill_date),
                           description=f"Void bill {bill.number}"
                                       + (f": {reason}" if reason else ""))
    before = bill_snapshot(bill)
    bill.status = BillStatus.VOID.value
    bill.void_entry_id = mirror.id
    session.flush()
    audit.record(session, "void", "bill", bill.id, book=book, before=before,
                 after=bill_snapshot(bill),
                 summary=f"Bill {bill.number} void" + (f": {reason}" if reason else ""))
    return bill


def refresh_status(bill: Bill) -> None:
    if bill.status not in (*OPEN, BillStatus.PAID.value):
        return
    if bill.amount_due <= 0:
        bill.status = BillStatus.PAID.value
    elif bill.amount_paid:
        bill.status = BillStatus.PARTIALLY_PAID.value
    else:
        bill.status = BillStatus.APPROVED.value


def get_bill(session: Session, book: Book, bill_id: int, *, for_update: bool = False) -> Bill:
    require(session, book, "report.read")
    return record_in_book(session, book, Bill, bill_id, noun="bill", field="bill",
                          for_update=for_update)


def find_bill(session: Session, book: Book, ref: str) -> Bill:
    """A bill by our number (BILL/2026/0001) or its id."""
    require(session, book, "report.read")
    found = session.scalar(select(Bill).where(Bill.book_id == book.id, Bill.number == ref))
    if found is not None:
        return found
    if ref.isdigit():
        return get_bill(session, book, int(ref))
    raise NotFound(f"No bill {ref!r} in this book")


def is_overdue(bill: Bill, as_of: date | None = None) -> bool:
    return bill.status in OPEN and bill.due_date < (as_of or today())


def list_bills(session: Session, book: Book, *, search: str | None = None,
               status: str | None = None, vendor_id: int | None = None,
               start: date | None = None, end: date | None = None,
               page: int = 1, page_size: int = 50) -> tuple[list[Bill], int]:
    """Bills newest first; ``status`` may be ``overdue`` (open and past due today)."""
    require(session, book, "report.read")
    query = select(Bill).where(Bill.book_id == book.id)
    if status == "overdue":
        query = query.where(Bill.status.in_(OPEN), Bill.due_date < today())
    elif status is not None:
        query = query.where(Bill.status == status)
    if vendor_id is not None:
        query = query.where(Bill.vendor_id == vendor_id)
    if start is not None:
        query = query.where(Bill.bill_date >= start)
    if end is not None:
        query = query.where(Bill.bill_date <= end)
    like = like_pattern(search)
    if like is not None:
        names = select(Party.id).where(Party.book_id == book.id, contains(Party.name, like))
        query = query.where(or_(contains(Bill.number, like),
                                contains(Bill.vendor_reference, like),
                                Bill.vendor_id.in_(names)))
    return page_of(session, query, order_by=(Bill.bill_date.desc(), Bill.id.desc()),
                   page=page, page_size=page_size, load=(selectinload(Bill.lines),))

"""Vendor credits: a vendor's credit note lowers what we owe them.

Recording one posts the reverse of a bill: Dr trade payables (the total) / Cr the expense
or asset account per line (net) / Cr input VAT. What is left of it is then applied to the
vendor's open bills (no entry: both sides are trade payables; the bill's paid amount
grows, as with a payment) or refunded by the vendor into a bank account (Dr bank / Cr trade
payables). A credit nothing has used yet can be voided, which reverses its entry. Credits
are in the book's base currency and apply to bills in that currency only.

So trade payables always equal what open bills still ask less what credits still hold.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from folio.audit import service as audit
from folio.audit.service import snapshot
from folio.auth.guard import require
from folio.books.models import Book
from folio.clock import today
from folio.commerce.listing import contains, like_pattern, page_of
from folio.commerce.records import MAX_ID, record_in_book
from folio.errors import Conflict, ValidationError
from folio.ledger.models import Account, JournalEntry
from folio.ledger.service import EntryInput, LineInput, create_entry, reverse_entry
from folio.money import decimal_str, from_minor
from folio.parties.models import Party
from folio.purchases.bills import (
    OPEN,
    currency_of,
    day_in_range,
    refresh_status,
    text,
    vat_account,
    vendor,
)
from folio.purchases.models import (
    Bill,
    VendorCredit,
    VendorCreditAllocation,
    VendorCreditLine,
    VendorCreditRefund,
    VendorCreditStatus,
)
from folio.sales import lookups
from folio.tax.calc import vat_for_line
from folio.tax.models import TaxCode, TaxKind

MAX_LINES = 200
STATUSES = tuple(s.value for s in VendorCreditStatus)
FIELDS = ("vendor_id", "vendor_reference", "bill_id", "status", "date", "currency",
          "net_total", "tax_total", "total", "amount_applied", "amount_refunded")


@dataclass
class VendorCreditLineInput:
    description: str
    amount: Decimal  # net, before VAT
    account: str | None = None  # expense or asset; None: the direct-costs role
    tax_code: str | None = None  # a VAT code, e.g. PPN-IN: the input VAT it takes back


@dataclass
class VendorCreditInput:
    vendor_id: int
    vendor_reference: str  # the vendor's credit note number
    lines: Sequence[VendorCreditLineInput]
    date: date | None = None  # default today
    bill_id: int | None = None  # the bill it corrects, if any
    currency: str | None = None
    notes: str | None = None


def credit_snapshot(credit: VendorCredit) -> dict[str, object]:
    data = snapshot(credit, FIELDS)
    data["lines"] = [snapshot(line, ("description", "account_id", "tax_code_id", "net", "tax"))
                     for line in credit.lines]
    return data


def _lines(session: Session, book: Book, data: VendorCreditInput, currency: str,
           errors: lookups.Errors) -> list[tuple[VendorCreditLine, TaxCode | None]]:
    if not data.lines:
        lookups.error(errors, "lines", "a credit needs at least one line")
    if len(data.lines) > MAX_LINES:
        lookups.error(errors, "lines", f"at most {MAX_LINES} lines")
        return []
    default: Account | None = None
    made = []
    for n, line in enumerate(data.lines):
        at = f"lines[{n}]"
        description = text(errors, f"{at}.description", line.description, 500)
        if not description:
            lookups.error(errors, f"{at}.description", "a line needs a description")
        before = len(errors)
        net = lookups.minor(line.amount, currency, f"{at}.amount", errors)
        if net <= 0 and len(errors) == before:
            lookups.error(errors, f"{at}.amount", "an amount above zero")
        code = lookups.tax_code(session, book, line.tax_code or None, f"{at}.tax_code",
                                errors, TaxKind.VAT)
        if line.account:
            found = lookups.account(session, book, line.account, f"{at}.account", errors,
                                    types=("expense", "asset"))
            account_id = found.id if found else 0
        else:
            default = default or lookups.role_account(session, book, "direct_costs",
                                                      "direct costs")
            account_id = default.id
        tax = 0
        if code is not None and net > 0:
            split = vat_for_line(from_minor(net, currency), code, currency)
            tax = lookups.minor(split.tax, currency, f"{at}.amount", errors)
        made.append((VendorCreditLine(book_id=book.id, line_no=n + 1,
                                      description=description or "", account_id=account_id,
                                      tax_code_id=code.id if code else None, net=net, tax=tax),
                     code))
    return made


def _bill_of(session: Session, book: Book, bill_id: int | None, seller: Party | None,
             errors: lookups.Errors, field: str = "bill_id") -> Bill | None:
    if bill_id is None:
        return None
    found = session.scalar(select(Bill).where(Bill.book_id == book.id, Bill.id == bill_id)) \
        if 0 < bill_id < MAX_ID else None
    if found is None:
        lookups.error(errors, field, f"no bill {bill_id} in this book")
    elif seller is not None and found.vendor_id != seller.id:
        lookups.error(errors, field, f"bill {found.number or found.id} is another vendor's")
    else:
        return found
    return None


def _posting(session: Session, book: Book, credit: VendorCredit,
             codes: dict[int, TaxCode]) -> list[LineInput]:
    cur, memo = credit.currency, credit.vendor_reference
    credits: dict[str, int] = defaultdict(int)
    for line in credit.lines:
        credits[session.get_one(Account, line.account_id).code] += line.net
    for line in credit.lines:
        if line.tax:
            code = codes.get(line.tax_code_id) if line.tax_code_id is not None else None
            credits[vat_account(session, book, code).code] += line.tax
    payable = lookups.role_account(session, book, "payable", "trade payables")
    return [LineInput(payable.code, from_minor(credit.total, cur), memo=memo),
            *(LineInput(code, from_minor(-units, cur), memo=memo)
              for code, units in credits.items() if units)]


def create_vendor_credit(session: Session, book: Book,
                         data: VendorCreditInput) -> VendorCredit:
    """Record a vendor's credit note and post it; apply or refund it afterwards."""
    require(session, book, "sales.issue")
    errors: lookups.Errors = []
    seller = vendor(session, book, data.vendor_id, "vendor_id", errors)
    currency = currency_of(book, data.currency, errors)
    reference = text(errors, "vendor_reference", data.vendor_reference, 100)
    if not reference:
        lookups.error(errors, "vendor_reference", "the vendor's credit note number is required")
    day = data.date or today()
    day_in_range(errors, "date", day)
    bill = _bill_of(session, book, data.bill_id, seller, errors)
    notes = text(errors, "notes", data.notes, 2000)
    lines = _lines(session, book, data, currency, errors)
    if errors:
        raise ValidationError("The credit has errors" if len(errors) > 1
                              else errors[0]["message"], errors=errors)
    assert seller is not None
    assert reference is not None
    twin = session.scalar(select(VendorCredit).where(
        VendorCredit.book_id == book.id, VendorCredit.vendor_id == seller.id,
        VendorCredit.vendor_reference == reference).limit(1))
    if twin is not None:
        raise Conflict(f"{seller.name}'s credit note {reference} is already recorded",
                       field="vendor_reference")
    credit = VendorCredit(book_id=book.id, vendor_id=seller.id, vendor_reference=reference,
                          bill_id=bill.id if bill else None,
                          status=VendorCreditStatus.OPEN.value, date=day, currency=currency,
                          notes=notes, amount_applied=0, amount_refunded=0)
    credit.lines.extend(line for line, _ in lines)
    credit.net_total = sum(line.net for line, _ in lines)
    credit.tax_total = sum(line.tax for line, _ in lines)
    credit.total = credit.net_total + credit.tax_total
    if credit.total >= lookups.MAX_AMOUNT:
        raise ValidationError("The credit's amounts are too large", field="lines")
    codes = {code.id: code for _, code in lines if code is not None}
    session.add(credit)
    session.flush()
    entry = create_entry(session, book, EntryInput(
        date=day, description=f"Credit note {reference} from {seller.name}"[:500],
        party=seller.name, reference=reference, external_id=f"vendor_credit:{credit.id}",
        lines=_posting(session, book, credit, codes)), post=True)
    credit.entry_id = entry.id
    session.flush()
    audit.record(session, "create", "vendor_credit", credit.id, book=book,
                 after=credit_snapshot(credit),
                 summary=f"Credit note {reference} from {seller.name} "
                         f"({decimal_str(credit.total, currency)})")
    return credit


def _refresh(credit: VendorCredit) -> None:
    if credit.status != VendorCreditStatus.VOID.value:
        credit.status = (VendorCreditStatus.CLOSED.value if credit.remaining <= 0
                         else VendorCreditStatus.OPEN.value)


def _usable(credit: VendorCredit) -> None:
    if credit.status != VendorCreditStatus.OPEN.value or credit.remaining <= 0:
        raise Conflict(f"Credit note {credit.vendor_reference} is {credit.status}; "
                       f"nothing is left to use")


def apply_vendor_credit(session: Session, book: Book, credit: VendorCredit, bill_id: int,
                        amount: Decimal | None = None,
                        on: date | None = None) -> VendorCreditAllocation:
    """Set (part of) what is left of the credit against one of the vendor's open bills."""
    require(session, book, "payment.record")
    _usable(credit)
    errors: lookups.Errors = []
    bill = _bill_of(session, book, bill_id, session.get_one(Party, credit.vendor_id), errors)
    if bill is not None:
        bill = session.scalar(select(Bill).where(Bill.id == bill.id).with_for_update()
                              .execution_options(populate_existing=True))
        assert bill is not None
        if bill.status not in OPEN:
            lookups.error(errors, "bill_id", f"bill {bill.number or bill.id} is {bill.status}; "
                                             f"nothing to apply it to")
        elif bill.currency != credit.currency:
            lookups.error(errors, "bill_id", f"bill {bill.number} is in {bill.currency}, the "
                                             f"credit in {credit.currency}")
    day = on or max(today(), credit.date)
    day_in_range(errors, "date", day)
    units = 0
    if bill is not None and not errors:
        units = min(credit.remaining, bill.amount_due) if amount is None \
            else lookups.minor(amount, credit.currency, "amount", errors)
        if errors:
            pass
        elif units <= 0:
            lookups.error(errors, "amount", "an amount above zero")
        elif units > credit.remaining:
            lookups.error(errors, "amount", f"only {decimal_str(credit.remaining, credit.currency)}"
                                            f" is left on this credit")
        elif units > bill.amount_due:
            lookups.error(errors, "amount", f"more than the "
                                            f"{decimal_str(bill.amount_due, bill.currency)} "
                                            f"still due on {bill.number}")
    if errors:
        raise ValidationError(errors[0]["message"], errors=errors)
    assert bill is not None
    before = credit_snapshot(credit)
    allocation = VendorCreditAllocation(book_id=book.id, credit_id=credit.id, bill_id=bill.id,
                                        date=day, amount=units)
    session.add(allocation)
    credit.amount_applied += units
    _refresh(credit)
    bill.amount_paid += units
    refresh_status(bill)
    session.flush()
    audit.record(session, "update", "vendor_credit", credit.id, book=book, before=before,
                 after=credit_snapshot(credit),
                 summary=f"Credit note {credit.vendor_reference}: "
                         f"{decimal_str(units, credit.currency)} applied to bill {bill.number}")
    return allocation


def refund_vendor_credit(session: Session, book: Book, credit: VendorCredit, *, on: date,
                         account: str, amount: Decimal | None = None,
                         reference: str | None = None) -> VendorCreditRefund:
    """Record money the vendor paid back against the credit (all that is left by default)."""
    require(session, book, "payment.record")
    _usable(credit)
    errors: lookups.Errors = []
    day_in_range(errors, "date", on)
    bank = lookups.account(session, book, account, "account", errors, types=("asset",))
    units = credit.remaining if amount is None \
        else lookups.minor(amount, credit.currency, "amount", errors)
    ref = text(errors, "reference", reference, 100)
    if not errors and units <= 0:
        lookups.error(errors, "amount", "an amount above zero")
    elif not errors and units > credit.remaining:
        lookups.error(errors, "amount", f"only {decimal_str(credit.remaining, credit.currency)} "
                                        f"is left on this credit")
    if errors:
        raise ValidationError(errors[0]["message"], errors=errors)
    assert bank is not None
    seller = session.get_one(Party, credit.vendor_id)
    payable = lookups.role_account(session, book, "payable", "trade payables")
    value = from_minor(units, credit.currency)
    memo = ref or credit.vendor_reference
    entry = create_entry(session, book, EntryInput(
        date=on, description=f"Refund of credit note {credit.vendor_reference} from "
                             f"{seller.name}"[:500],
        party=seller.name, reference=ref,
        lines=[LineInput(bank.code, value, memo=memo),
               LineInput(payable.code, -value, memo=memo)]), post=True)
    before = credit_snapshot(credit)
    refund = VendorCreditRefund(book_id=book.id, credit_id=credit.id, date=on,
                                account_id=bank.id, amount=units, reference=ref,
                                entry_id=entry.id)
    session.add(refund)
    credit.amount_refunded += units
    _refresh(credit)
    session.flush()
    audit.record(session, "pay", "vendor_credit", credit.id, book=book, before=before,
                 after=credit_snapshot(credit),
                 summary=f"Refund of {decimal_str(units, credit.currency)} from {seller.name} "
                         f"(credit note {credit.vendor_reference})")
    return refund


def void_vendor_credit(session: Session, book: Book, credit: VendorCredit,
                       on: date | None = None, reason: str | None = None) -> VendorCredit:
    """Reverse a credit nothing has used; it stays listed as void."""
    require(session, book, "sales.issue")
    if credit.status == VendorCreditStatus.VOID.value:
        raise Conflict(f"Credit note {credit.vendor_reference} is already void")
    if credit.amount_applied or credit.amount_refunded:
        raise Conflict(f"Credit note {credit.vendor_reference} is applied or refunded; "
                       f"it cannot be voided")
    errors: lookups.Errors = []
    reason = text(errors, "reason", reason, 200)
    if on is not None:
        day_in_range(errors, "date", on)
    if errors:
        raise ValidationError(errors[0]["message"], errors=errors)
    entry = session.get_one(JournalEntry, credit.entry_id)
    mirror = reverse_entry(session, book, entry, on=on or max(today(), credit.date),
                           description=f"Void credit note {credit.vendor_reference}"
                                       + (f": {reason}" if reason else ""))
    before = credit_snapshot(credit)
    credit.status = VendorCreditStatus.VOID.value
    credit.void_entry_id = mirror.id
    session.flush()
    audit.record(session, "void", "vendor_credit", credit.id, book=book, before=before,
                 after=credit_snapshot(credit),
                 summary=f"Credit note {credit.vendor_reference} void"
                         + (f": {reason}" if reason else ""))
    return credit


def get_vendor_credit(session: Session, book: Book, credit_id: int, *,
                      for_update: bool = False) -> VendorCredit:
    require(session, book, "report.read")
    return record_in_book(session, book, VendorCredit, credit_id, noun="vendor credit",
                          field="credit", for_update=for_update)


def list_vendor_credits(session: Session, book: Book, *, search: str | None = None,
                        status: str | None = None, vendor_id: int | None = None,
                        page: int = 1, page_size: int = 50
                        ) -> tuple[list[VendorCredit], int]:
    """Vendor credits newest first."""
    require(session, book, "report.read")
    query = select(VendorCredit).where(VendorCredit.book_id == book.id)
    if status is not None:
        query = query.where(VendorCredit.status == status)
    if vendor_id is not None:
        query = query.where(VendorCredit.vendor_id == vendor_id)
    like = like_pattern(search)
    if like is not None:
        names = select(Party.id).where(Party.book_id == book.id, contains(Party.name, like))
        query = query.where(or_(contains(VendorCredit.vendor_reference, like),
                                VendorCredit.vendor_id.in_(names)))
    return page_of(session, query, order_by=(VendorCredit.date.desc(), VendorCredit.id.desc()),
                   page=page, page_size=page_size, load=(selectinload(VendorCredit.lines),))


def allocations_of(session: Session, book: Book, *, credit_id: int | None = None,
                   bill_id: int | None = None) -> list[VendorCreditAllocation]:
    """Where a credit went, or which credits a bill received."""
    require(session, book, "report.read")
    query = select(VendorCreditAllocation).where(VendorCreditAllocation.book_id == book.id)
    if credit_id is not None:
        query = query.where(VendorCreditAllocation.credit_id == credit_id)
    if bill_id is not None:
        query = query.where(VendorCreditAllocation.bill_id == bill_id)
    return list(session.scalars(query.order_by(VendorCreditAllocation.date,
                                               VendorCreditAllocation.id)))


def refunds_of(session: Session, book: Book, credit_id: int) -> list[VendorCreditRefund]:
    require(session, book, "report.read")
    return list(session.scalars(select(VendorCreditRefund).where(
        VendorCreditRefund.book_id == book.id, VendorCreditRefund.credit_id == credit_id)
        .order_by(VendorCreditRefund.date, VendorCreditRefund.id)))


def unapplied_credits(session: Session, book: Book, vendor_id: int | None = None,
                      currency: str | None = None) -> list[VendorCredit]:
    """Open credits (of one vendor), oldest first: what can still be applied or refunded."""
    require(session, book, "report.read")
    query = select(VendorCredit).where(VendorCredit.book_id == book.id,
                                       VendorCredit.status == VendorCreditStatus.OPEN.value)
    if currency is not None:
        query = query.where(VendorCredit.currency == currency)
    if vendor_id is not None:
        query = query.where(VendorCredit.vendor_id == vendor_id)
    return list(session.scalars(query.order_by(VendorCredit.date, VendorCredit.id)))

"""Paying vendors: one payment from a bank or cash account settles one or more bills.

Posts Dr trade payables (what it settles) / Dr bank fees / Cr bank (both). There is no
vendor credit: a payment allocates exactly what it pays, to bills still due.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from folio.audit import service as audit
from folio.auth.guard import require
from folio.books.models import Book
from folio.commerce.listing import page_of
from folio.commerce.records import record_in_book
from folio.errors import ValidationError
from folio.fx import documents as fx
from folio.fx.documents import check_currency_code
from folio.ledger.periods import FIRST_DAY, LAST_DAY
from folio.ledger.service import EntryInput, LineInput, create_entry
from folio.money import decimal_str, is_currency
from folio.purchases.bills import OPEN, day_in_range, refresh_status, text, vendor
from folio.purchases.models import Bill, BillAllocation, BillPayment
from folio.sales import lookups


@dataclass
class BillAllocationInput:
    bill_id: int
    amount: Decimal


@dataclass
class BillPaymentInput:
    vendor_id: int
    date: date
    account: str  # the bank or cash account's code
    amount: Decimal  # what the payment settles
    bank_fee: Decimal | None = None  # charged on top by the bank
    fee_account: str | None = None
    reference: str | None = None
    memo: str | None = None
    currency: str | None = None  # None: the account's currency (else the book's)
    # Base-currency units per unit of a foreign ``currency``; None: the rate on ``date``.
    exchange_rate: Decimal | None = None
    # None: settle the vendor's oldest open bills first.
    allocations: Sequence[BillAllocationInput] | None = None


def _open_bills(session: Session, book: Book, vendor_id: int, currency: str) -> list[Bill]:
    return list(session.scalars(
        select(Bill).where(Bill.book_id == book.id, Bill.vendor_id == vendor_id,
                           Bill.status.in_(OPEN), Bill.currency == currency)
        .order_by(Bill.due_date, Bill.id).with_for_update()
        .execution_options(populate_existing=True)))


def _plan(session: Session, book: Book, vendor_id: int, data: BillPaymentInput, amount: int,
          currency: str, errors: lookups.Errors) -> list[tuple[Bill, int]]:
    open_bills = _open_bills(session, book, vendor_id, currency)
    if data.allocations is None:
        plan, left = [], amount
        for bill in open_bills:
            if left <= 0:
                break
            take = min(left, bill.amount_due)
            plan.append((bill, take))
            left -= take
        if left > 0:
            due = sum(b.amount_due for b in open_bills)
            lookups.error(errors, "amount", f"more than the {decimal_str(due, currency)} "
                                            f"the vendor's open {currency} bills still ask")
        return plan
    by_id = {bill.id: bill for bill in open_bills}
    asked: dict[int, int] = {}
    plan = []
    for n, allocation in enumerate(data.allocations):
        at = f"allocations[{n}]"
        before = len(errors)
        units = lookups.minor(allocation.amount, currency, f"{at}.amount", errors)
        if units <= 0:
            if len(errors) == before:
                lookups.error(errors, f"{at}.amount", "an allocation above zero")
            continue
        target = by_id.get(allocation.bill_id)
        if target is None:
            other = session.scalar(select(Bill).where(
                Bill.book_id == book.id, Bill.id == allocation.bill_id)) \
                if 0 < allocation.bill_id < 2**63 else None
            if other is None:
                why = f"no bill {allocation.bill_id} in this book"
            elif other.vendor_id != vendor_id:
                why = f"bill {other.number or other.id} is another vendor's"
            elif other.currency != currency and other.status in OPEN:
                why = f"bill {other.number} is in {other.currency}, the payment in {currency}"
            else:
                why = f"bill {other.number or other.id} is {other.status}; nothing to pay"
            lookups.error(errors, f"{at}.bill_id", why)
            continue
        asked[target.id] = asked.get(target.id, 0) + units
        if asked[target.id] > target.amount_due:
            lookups.error(errors, f"{at}.amount",
                          f"more than the {decimal_str(target.amount_due, target.currency)} "
                          f"still due on {target.number}")
            continue
        plan.append((target, units))
    if plan and sum(units for _, units in plan) != amount:
        lookups.error(errors, "allocations", "the allocations must add up to the amount")
    return plan


def pay_bills(session: Session, book: Book, data: BillPaymentInput) -> BillPayment:
    """Record money paid to a vendor and apply it to the vendor's bills.

    In a foreign currency each bill's payable is cleared at its carried base amount and the
    bank is credited at the payment's rate: the difference is a realised exchange gain or loss.
    """
    require(session, book, "payment.record")
    errors: lookups.Errors = []
    seller = vendor(session, book, data.vendor_id, "vendor_id", errors)
    day_in_range(errors, "date", data.date)
    bank = lookups.account(session, book, data.account, "account", errors, types=("asset",))
    kept = (bank.currency if bank is not None else None) or book.base_currency
    currency = (data.currency or kept).upper()
    check_currency_code(currency, errors)
    if bank is not None and currency != kept:
        lookups.error(errors, "currency", f"{bank.code} is kept in {kept}; a payment in "
                                          f"{currency} comes from an account kept in {currency}")
    if not is_currency(currency):
        currency = book.base_currency
    rate = fx.document_rate(session, book, currency, data.date, data.exchange_rate, errors) \
        if FIRST_DAY <= data.date <= LAST_DAY else Decimal(1)
    amount = lookups.minor(data.amount, currency, "amount", errors)
    fee = lookups.minor(data.bank_fee, currency, "bank_fee", errors)
    fee_account = lookups.account(session, book, data.fee_account, "fee_account", errors,
                                  types=("expense",))
    reference = text(errors, "reference", data.reference, 100)
    memo = text(errors, "memo", data.memo, 500)
    if amount <= 0 and not any(e["field"] == "amount" for e in errors):
        lookups.error(errors, "amount", "a payment above zero")
    plan = _plan(session, book, seller.id, data, amount, currency, errors) \
        if seller is not None and amount > 0 else []
    if errors:
        raise ValidationError("The payment has errors" if len(errors) > 1
                              else errors[0]["message"], errors=errors)
    assert seller is not None
    assert bank is not None
    if fee and fee_account is None:
        fee_account = lookups.role_account(session, book, "bank_fees", "bank fees")
    payable = lookups.role_account(session, book, "payable", "trade payables")
    memo_text = (reference or ", ".join(b.number or "" for b, _ in plan))[:500] or None
    lines: list[LineInput] = []
    if currency == book.base_currency:
        lines.append(fx.line(book, payable.code, amount, currency, rate, memo_text))
    else:
        due = {bill.id: bill.amount_due for bill, _ in plan}
        for bill, units in plan:
            lines += fx.settle(book, payable.code, total=bill.payable,
                               base_total=fx.to_base(bill.payable, currency, bill.exchange_rate,
                                                     book.base_currency),
                               due=due[bill.id], units=units, currency=currency,
                               rate=bill.exchange_rate, sign=1, memo=bill.number)
            due[bill.id] -= units
    if fee and fee_account is not None:
        lines.append(fx.line(book, fee_account.code, fee, currency, rate, memo_text))
    lines.append(fx.line(book, bank.code, -(amount + fee), currency, rate, memo_text))
    if currency != book.base_currency:
        realised = fx.balancing(book, lines, lookups.role_account(
            session, book, "fx_realised", "realised exchange gain/loss").code, memo_text)
        if realised is not None:
            lines.append(realised)
    entry = create_entry(session, book, EntryInput(
        date=data.date, description=f"Payment to {seller.name}"[:500], party=seller.name,
        reference=reference, lines=lines), post=True)
    payment = BillPayment(book_id=book.id, vendor_id=seller.id, date=data.date,
                          currency=currency, exchange_rate=rate, account_id=bank.id,
                          amount=amount, bank_fee=fee,
                          fee_account_id=fee_account.id if fee and fee_account else None,
                          reference=reference, memo=memo, entry_id=entry.id)
    for bill, units in plan:
        payment.allocations.append(BillAllocation(book_id=book.id, bill_id=bill.id,
                                                  date=data.date, amount=units))
        bill.amount_paid += units
        refresh_status(bill)
    session.add(payment)
    session.flush()
    audit.record(session, "pay", "bill_payment", payment.id, book=book,
                 after={"vendor_id": seller.id, "date": data.date, "amount": amount,
                        "currency": currency, "exchange_rate": rate,
                        "bank_fee": fee, "account_id": bank.id,
                        "allocations": [{"bill_id": b.id, "amount": u} for b, u in plan]},
                 summary=f"Payment of {decimal_str(amount, currency)} to {seller.name}")
    return payment


def get_bill_payment(session: Session, book: Book, payment_id: int) -> BillPayment:
    require(session, book, "report.read")
    return record_in_book(session, book, BillPayment, payment_id, noun="bill payment",
                          field="payment")


def list_bill_payments(session: Session, book: Book, *, vendor_id: int | None = None,
                       page: int = 1, page_size: int = 50) -> tuple[list[BillPayment], int]:
    require(session, book, "report.read")
    query = select(BillPayment).where(BillPayment.book_id == book.id)
    if vendor_id is not None:
        query = query.where(BillPayment.vendor_id == vendor_id)
    return page_of(session, query, order_by=(BillPayment.date.desc(), BillPayment.id.desc()),
                   page=page, page_size=page_size, load=(selectinload(BillPayment.allocations),))

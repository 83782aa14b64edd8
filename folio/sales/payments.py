"""Customer payments: allocated to invoices, with bank fees and withheld tax; overpayment
becomes customer credit, applied to a later invoice.

A payment posts Dr bank (net received) / Dr bank fees / Dr prepaid tax (PPh 23 the customer
withheld, DOMAIN.md section 2) / Cr receivable (what it settles) / Cr customer deposits
(what is left over, the customer's credit).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from folio.audit import service as audit
from folio.auth.guard import require
from folio.banking.models import BankLine, LineStatus
from folio.banking.reconcile import ensure_unlocked
from folio.books.models import Book
from folio.commerce.listing import page_of
from folio.commerce.records import record_in_book
from folio.errors import Conflict, ValidationError
from folio.fx import documents as fx
from folio.fx.documents import check_currency_code
from folio.ledger.models import Account, JournalEntry
from folio.ledger.periods import FIRST_DAY, LAST_DAY
from folio.ledger.service import EntryInput, LineInput, create_entry, reverse_entry
from folio.money import decimal_str, from_minor, is_currency
from folio.parties.models import Party
from folio.sales import lookups
from folio.sales.invoices import OPEN, refresh_status
from folio.sales.models import Invoice, InvoiceKind, Payment, PaymentAllocation


@dataclass
class AllocationInput:
    invoice_id: int
    amount: Decimal


@dataclass
class PaymentInput:
    customer_id: int
    date: date
    account: str  # the bank or cash account's code
    amount: Decimal  # net received into the account
    bank_fee: Decimal | None = None
    fee_account: str | None = None
    withheld_tax: Decimal | None = None
    withholding_account: str | None = None
    withholding_reference: str | None = None
    reference: str | None = None
    memo: str | None = None
    currency: str | None = None  # None: the account's currency (else the book's)
    # Base-currency units per unit of a foreign ``currency``; None: the rate on ``date``.
    exchange_rate: Decimal | None = None
    # None: settle the customer's oldest open invoices first.
    allocations: Sequence[AllocationInput] | None = None


def _open_invoices(session: Session, book: Book, customer_id: int,
                   currency: str) -> list[Invoice]:
    return list(session.scalars(
        select(Invoice).where(Invoice.book_id == book.id, Invoice.customer_id == customer_id,
                              Invoice.kind == InvoiceKind.INVOICE.value,
                              Invoice.status.in_(OPEN), Invoice.currency == currency)
        .order_by(Invoice.due_date, Invoice.id).with_for_update()
        .execution_options(populate_existing=True)))


def _text(errors: lookups.Errors, name: str, value: str | None, limit: int) -> str | None:
    if value is not None and (len(value) > limit or "\x00" in value):
        lookups.error(errors, name, f"at most {limit} characters")
    return (value or "").strip() or None


def _allocate(session: Session, book: Book, customer: Party | None, data: PaymentInput,
              settles: int, currency: str, errors: lookups.Errors) -> list[tuple[Invoice, int]]:
    if customer is None:
        return []
    open_invoices = _open_invoices(session, book, customer.id, currency)
    if data.allocations is None:
        plan: list[tuple[Invoice, int]] = []
        left = settles
        for invoice in open_invoices:
            if left <= 0:
                break
            take = min(left, invoice.amount_due)
            plan.append((invoice, take))
            left -= take
        return plan
    by_id = {invoice.id: invoice for invoice in open_invoices}
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
        target = by_id.get(allocation.invoice_id)
        if target is None:
            other = session.scalar(select(Invoice).where(
                Invoice.book_id == book.id, Invoice.id == allocation.invoice_id)) \
                if 0 < allocation.invoice_id < 2**63 else None
            if other is None:
                why = f"no invoice {allocation.invoice_id} in this book"
            elif other.customer_id != customer.id:
                why = f"invoice {other.number or other.id} is another customer's"
            elif other.kind != InvoiceKind.INVOICE.value:
                why = f"{other.number} is a credit note"
            elif other.currency != currency and other.status in OPEN:
                why = (f"invoice {other.number} is in {other.currency}, the payment in "
                       f"{currency}")
            else:
                why = f"invoice {other.number or other.id} is {other.status}; nothing to pay"
            lookups.error(errors, f"{at}.invoice_id", why)
            continue
        asked[target.id] = asked.get(target.id, 0) + units
        if asked[target.id] > target.amount_due:
            lookups.error(errors, f"{at}.amount",
                          f"more than the {decimal_str(target.amount_due, currency)} still "
                          f"due on {target.number}")
            continue
        plan.append((target, units))
    if sum(units for _, units in plan) > settles:
        lookups.error(errors, "allocations", "the allocations exceed what the payment settles "
                                             "(amount + bank fee + withheld tax)")
    return plan


def _currency(book: Book, data: PaymentInput, bank: Account | None,
              errors: lookups.Errors) -> str:
    """The payment's currency: asked, else the account's; it must be the account's own."""
    kept = (bank.currency if bank is not None else None) or book.base_currency
    currency = (data.currency or kept).upper()
    check_currency_code(currency, errors)
    if bank is not None and currency != kept:
        lookups.error(errors, "currency",
                      f"{bank.code} is kept in {kept}; a payment in {currency} goes into an "
                      f"account kept in {currency}")
    return currency if is_currency(currency) else book.base_currency


def record_payment(session: Session, book: Book, data: PaymentInput) -> Payment:
    """Record money received; returns the payment with its allocations.

    In a foreign currency each invoice is cleared at its carried base amount and the bank
    gets the payment's rate: the difference is a realised exchange gain or loss.
    """
    require(session, book, "payment.record")
    errors: lookups.Errors = []
    customer = lookups.customer(session, book, data.customer_id, "customer_id", errors)
    if not FIRST_DAY <= data.date <= LAST_DAY:
        lookups.error(errors, "date", f"a date from {FIRST_DAY} to {LAST_DAY}")
    bank = lookups.account(session, book, data.account, "account", errors, types=("asset",))
    currency = _currency(book, data, bank, errors)
    rate = fx.document_rate(session, book, currency, data.date, data.exchange_rate, errors) \
        if FIRST_DAY <= data.date <= LAST_DAY else Decimal(1)
    amount = lookups.minor(data.amount, currency, "amount", errors)
    fee = lookups.minor(data.bank_fee, currency, "bank_fee", errors)
    withheld = lookups.minor(data.withheld_tax, currency, "withheld_tax",
                             errors)
    fee_account = lookups.account(session, book, data.fee_account, "fee_account", errors,
                                  types=("expense",))
    wht_account = lookups.account(session, book, data.withholding_account,
                                  "withholding_account", errors, types=("asset",))
    wht_ref = _text(errors, "withholding_reference", data.withholding_reference, 100)
    reference = _text(errors, "reference", data.reference, 100)
    memo = _text(errors, "memo", data.memo, 500)
    settles = amount + fee + withheld
    if settles <= 0 and not any(e["field"] in ("amount", "bank_fee", "withheld_tax")
                                for e in errors):
        lookups.error(errors, "amount", "a payment above zero")
    plan = _allocate(session, book, customer, data, settles, currency, errors)
    allocated = sum(units for _, units in plan)
    if currency != book.base_currency and settles > allocated and not errors:
        lookups.error(errors, "amount",
                      f"a payment in {currency} settles {currency} invoices only: "
                      f"{decimal_str(settles - allocated, currency)} is more than they ask "
                      f"(customer credit is kept in {book.base_currency})")
    if errors:
        raise ValidationError("The payment has errors" if len(errors) > 1
                              else errors[0]["message"], errors=errors)
    assert customer is not None
    assert bank is not None
    if fee and fee_account is None:
        fee_account = lookups.role_account(session, book, "bank_fees", "bank fees")
    if withheld and wht_account is None:
        wht_account = lookups.role_account(session, book, "prepaid_wht", "prepaid PPh 23")
    receivable = lookups.role_account(session, book, "receivable", "receivable")
    deposits: Account | None = None
    if settles > allocated:
        deposits = lookups.role_account(session, book, "customer_deposits",
                                        "customer deposits (credit)")
    memo_text = reference or ", ".join(invoice.number or "" for invoice, _ in plan) or None
    memo_text = (memo_text or "")[:500] or None
    lines = [fx.line(book, code, units, currency, rate, memo_text) for code, units in (
        (bank.code, amount), (fee_account.code if fee_account else "", fee),
        (wht_account.code if wht_account else "", withheld)) if units]
    if currency == book.base_currency:
        if allocated:
            lines.append(fx.line(book, receivable.code, -allocated, currency, rate, memo_text))
        if deposits is not None:
            lines.append(fx.line(book, deposits.code, allocated - settles, currency, rate,
                                 memo_text))
    else:
        due = {invoice.id: invoice.amount_due for invoice, _ in plan}
        for invoice, units in plan:
            lines += fx.settle(book, receivable.code, total=invoice.total,
                               base_total=fx.to_base(invoice.total, currency,
                                                     invoice.exchange_rate, book.base_currency),
                               due=due[invoice.id], units=units, currency=currency,
                               rate=invoice.exchange_rate, sign=-1, memo=invoice.number)
            due[invoice.id] -= units
        realised = fx.balancing(book, lines, lookups.role_account(
            session, book, "fx_realised", "realised exchange gain/loss").code, memo_text)
        if realised is not None:
            lines.append(realised)
    entry = create_entry(session, book, EntryInput(
        date=data.date, description=f"Payment from {customer.name}"[:500], party=customer.name,
        reference=reference, lines=lines), post=True)
    payment = Payment(book_id=book.id, customer_id=customer.id, date=data.date,
                      currency=currency, exchange_rate=rate, account_id=bank.id, amount=amount,
                      bank_fee=fee, fee_account_id=fee_account.id if fee and fee_account else None,
                      withheld_tax=withheld,
                      withholding_account_id=wht_account.id if withheld and wht_account
                      else None,
                      withholding_reference=wht_ref, reference=reference, memo=memo,
                      entry_id=entry.id)
    for invoice, units in plan:
        payment.allocations.append(PaymentAllocation(book_id=book.id, invoice_id=invoice.id,
                                                     date=data.date, amount=units))
        invoice.amount_paid += units
        refresh_status(invoice)
    session.add(payment)
    session.flush()
    audit.record(session, "pay", "payment", payment.id, book=book, after=payment_snapshot(payment),
                 summary=f"Payment of {decimal_str(settles, currency)} from {customer.name}")
    return payment


def payment_snapshot(payment: Payment) -> dict[str, object]:
    return {"customer_id": payment.customer_id, "date": payment.date, "kind": payment.kind,
            "currency": payment.currency, "exchange_rate": payment.exchange_rate,
            "amount": payment.amount, "bank_fee": payment.bank_fee,
            "withheld_tax": payment.withheld_tax, "account_id": payment.account_id,
            "allocations": [{"invoice_id": a.invoice_id, "amount": a.amount}
                            for a in payment.allocations]}


def customer_credit(session: Session, book: Book, customer_id: int) -> int:
    """The customer's unapplied credit from overpayments, in minor units."""
    require(session, book, "report.read")
    # Credit is kept in the book's currency; voided payments and their allocations are out.
    counted = (Payment.book_id == book.id, Payment.customer_id == customer_id,
               Payment.currency == book.base_currency, Payment.void_entry_id.is_(None))
    settled = session.scalar(select(func.coalesce(func.sum(
        Payment.amount + Payment.bank_fee + Payment.withheld_tax), 0)).where(*counted)) or 0
    applied = session.scalar(select(func.coalesce(func.sum(PaymentAllocation.amount), 0))
                             .join(Payment, Payment.id == PaymentAllocation.payment_id)
                             .where(*counted)) or 0
    return int(settled) - int(applied)


def apply_credit(session: Session, book: Book, invoice: Invoice, *, on: date,
                 amount: Decimal | None = None) -> list[PaymentAllocation]:
    """Settle ``invoice`` from its customer's credit (all it can, unless ``amount``)."""
    require(session, book, "payment.record")
    if invoice.kind != InvoiceKind.INVOICE.value or invoice.status not in OPEN:
        raise Conflict(f"Credit applies to an open invoice; {invoice.number or 'this draft'} "
                       f"is {invoice.status}")
    if invoice.currency != book.base_currency:
        raise Conflict(f"Customer credit is kept in {book.base_currency}; {invoice.number} is "
                       f"in {invoice.currency}")
    errors: lookups.Errors = []
    if not FIRST_DAY <= on <= LAST_DAY:
        lookups.error(errors, "date", f"a date from {FIRST_DAY} to {LAST_DAY}")
    payments = list(session.scalars(
        select(Payment).where(Payment.book_id == book.id,
                              Payment.customer_id == invoice.customer_id,
                              Payment.currency == book.base_currency,
                              Payment.void_entry_id.is_(None))
        .options(selectinload(Payment.allocations)).order_by(Payment.date, Payment.id)
        .with_for_update()))
    # Refunds are payments with a negative amount: they lower the credit left to apply.
    credit = max(sum(p.unallocated for p in payments), 0)
    wanted = (lookups.minor(amount, invoice.currency, "amount", errors)
              if amount is not None else min(credit, invoice.amount_due))
    if errors:
        raise ValidationError(errors[0]["message"], errors=errors)
    if wanted <= 0:
        raise ValidationError("The customer has no credit to apply" if credit <= 0
                              else "an amount above zero", field="amount")
    if wanted > credit:
        raise ValidationError(f"The customer's credit is {decimal_str(credit, invoice.currency)}",
                              field="amount")
    if wanted > invoice.amount_due:
        raise ValidationError(f"Only {decimal_str(invoice.amount_due, invoice.currency)} is due "
                              f"on {invoice.number}", field="amount")
    customer = session.get_one(Party, invoice.customer_id)
    deposits = lookups.role_account(session, book, "customer_deposits", "customer deposits")
    receivable = lookups.role_account(session, book, "receivable", "receivable")
    value = from_minor(wanted, invoice.currency)
    entry = create_entry(session, book, EntryInput(
        date=on, description=f"Credit applied to invoice {invoice.number} ({customer.name})",
        party=customer.name, reference=invoice.number,
        lines=[LineInput(deposits.code, value, memo=invoice.number),
               LineInput(receivable.code, -value, memo=invoice.number)]), post=True)
    made: list[PaymentAllocation] = []
    left = wanted
    for payment in payments:
        take = min(left, max(payment.unallocated, 0))
        if take <= 0:
            continue
        allocation = PaymentAllocation(book_id=book.id, invoice_id=invoice.id, date=on,
                                       amount=take, entry_id=entry.id)
        payment.allocations.append(allocation)
        made.append(allocation)
        left -= take
        if left == 0:
            break
    invoice.amount_paid += wanted
    refresh_status(invoice)
    session.flush()
    audit.record(session, "pay", "invoice", invoice.id, book=book,
                 after={"credit_applied": wanted, "entry_id": entry.id},
                 summary=f"Credit of {decimal_str(wanted, invoice.currency)} applied to "
                         f"{invoice.number}")
    return made


def get_payment(session: Session, book: Book, payment_id: int) -> Payment:
    require(session, book, "report.read")
    return record_in_book(session, book, Payment, payment_id, noun="payment", field="payment")


def list_payments(session: Session, book: Book, *, customer_id: int | None = None,
                  start: date | None = None, end: date | None = None,
                  page: int = 1, page_size: int = 50) -> tuple[list[Payment], int]:
    require(session, book, "report.read")
    query = select(Payment).where(Payment.book_id == book.id)
    if customer_id is not None:
        query = query.where(Payment.customer_id == customer_id)
    if start is not None:
        query = query.where(Payment.date >= start)
    if end is not None:
        query = query.where(Payment.date <= end)
    return page_of(session, query, order_by=(Payment.date.desc(), Payment.id.desc()),
                   page=page, page_size=page_size, load=(selectinload(Payment.allocations),))


def _bank_line_of(session: Session, book: Book, payment: Payment) -> BankLine | None:
    return session.scalar(select(BankLine).where(
        BankLine.book_id == book.id,
        or_(BankLine.payment_id == payment.id, BankLine.entry_id == payment.entry_id)))


def void_payment(session: Session, book: Book, payment: Payment, *, on: date | None = None,
                 reason: str | None = None) -> Payment:
    """Reverse a payment (or refund) and reopen the invoices it settled.

    The reversal is dated like the payment unless ``on`` says otherwise, so a payment in a
    locked period stays as it is; so does one whose bank line a finished reconciliation
    has locked. A bank line matched to it goes back to unmatched.
    """
    require(session, book, "payment.record")
    if payment.void_entry_id is not None:
        raise Conflict(f"Payment {payment.id} is already void")
    errors: lookups.Errors = []
    reason = _text(errors, "reason", reason, 200)
    day = on or payment.date
    if not FIRST_DAY <= day <= LAST_DAY:
        lookups.error(errors, "date", f"a date from {FIRST_DAY} to {LAST_DAY}")
    elif day < payment.date:
        lookups.error(errors, "date", "a void cannot be dated before the payment")
    if errors:
        raise ValidationError(errors[0]["message"], errors=errors)
    later = [a for a in payment.allocations if a.entry_id is not None]
    if later:
        invoice = session.get_one(Invoice, later[0].invoice_id)
        raise Conflict(f"Credit from payment {payment.id} was applied to invoice "
                       f"{invoice.number} on {later[0].date.isoformat()}; it cannot be voided")
    if payment.currency == book.base_currency and payment.unallocated > 0 and \
            customer_credit(session, book, payment.customer_id) < payment.unallocated:
        raise Conflict(f"The customer's credit from payment {payment.id} was already refunded "
                       f"or applied; void that first")
    line = _bank_line_of(session, book, payment)
    if line is not None:
        ensure_unlocked(session, [line])
    before = payment_snapshot(payment)
    entry = session.get_one(JournalEntry, payment.entry_id)
    customer = session.get_one(Party, payment.customer_id)
    what = "Refund" if payment.kind == "refund" else "Payment"
    mirror = reverse_entry(session, book, entry, on=day,
                           description=f"Void {what.lower()} {payment.id} ({customer.name})"
                                       + (f": {reason}" if reason else ""))
    for allocation in payment.allocations:
        invoice = session.get_one(Invoice, allocation.invoice_id,
                                  with_for_update=True, populate_existing=True)
        invoice.amount_paid -= allocation.amount
        refresh_status(invoice)
    payment.allocations.clear()
    payment.void_entry_id = mirror.id
    if line is not None:
        line.status = LineStatus.UNMATCHED.value
        line.entry_id = line.party_id = line.payment_id = None
    session.flush()
    audit.record(session, "void", "payment", payment.id, book=book, before=before,
                 after={**payment_snapshot(payment), "void_entry_id": mirror.id,
                        "reason": reason},
                 summary=f"{what} {payment.id} from {customer.name} void"
                         + (f": {reason}" if reason else ""))
    return payment


@dataclass
class RefundInput:
    customer_id: int
    date: date
    account: str  # the bank or cash account the money leaves
    amount: Decimal
    reference: str | None = None
    memo: str | None = None


def refund_credit(session: Session, book: Book, data: RefundInput) -> Payment:
    """Pay a customer's credit (from overpayments) back: Dr customer deposits / Cr bank.

    Kept as a payment of kind ``refund`` with a negative amount, so the customer's credit
    is always what was paid in less what was applied and refunded.
    """
    require(session, book, "payment.record")
    errors: lookups.Errors = []
    customer = lookups.customer(session, book, data.customer_id, "customer_id", errors)
    if not FIRST_DAY <= data.date <= LAST_DAY:
        lookups.error(errors, "date", f"a date from {FIRST_DAY} to {LAST_DAY}")
    bank = lookups.account(session, book, data.account, "account", errors, types=("asset",))
    currency = book.base_currency
    if bank is not None and (bank.currency or currency) != currency:
        lookups.error(errors, "account", f"{bank.code} is kept in {bank.currency}; customer "
                                         f"credit is refunded in {currency}")
    amount = lookups.minor(data.amount, currency, "amount", errors)
    if amount <= 0 and not any(e["field"] == "amount" for e in errors):
        lookups.error(errors, "amount", "a refund above zero")
    reference = _text(errors, "reference", data.reference, 100)
    memo = _text(errors, "memo", data.memo, 500)
    if customer is not None and amount > 0:
        session.scalars(select(Payment.id).where(  # serialise refunds of one customer
            Payment.book_id == book.id, Payment.customer_id == customer.id)
            .with_for_update()).all()
        credit = customer_credit(session, book, customer.id)
        if amount > credit:
            lookups.error(errors, "amount", f"the customer's credit is "
                                            f"{decimal_str(max(credit, 0), currency)}")
    if errors:
        raise ValidationError("The refund has errors" if len(errors) > 1
                              else errors[0]["message"], errors=errors)
    assert customer is not None
    assert bank is not None
    deposits = lookups.role_account(session, book, "customer_deposits", "customer deposits")
    value = from_minor(amount, currency)
    entry = create_entry(session, book, EntryInput(
        date=data.date, description=f"Refund of credit to {customer.name}"[:500],
        party=customer.name, reference=reference,
        lines=[LineInput(deposits.code, value, memo=memo or reference),
               LineInput(bank.code, -value, memo=memo or reference)]), post=True)
    refund = Payment(book_id=book.id, customer_id=customer.id, date=data.date,
                     currency=currency, kind="refund", account_id=bank.id, amount=-amount,
                     reference=reference, memo=memo, entry_id=entry.id)
    session.add(refund)
    session.flush()
    audit.record(session, "pay", "payment", refund.id, book=book,
                 after=payment_snapshot(refund),
                 summary=f"Refund of {decimal_str(amount, currency)} credit to {customer.name}")
    return refund

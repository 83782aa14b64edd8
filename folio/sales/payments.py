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

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from folio.audit import service as audit
from folio.auth.guard import require
from folio.books.models import Book
from folio.commerce.listing import page_of
from folio.commerce.records import record_in_book
from folio.errors import Conflict, ValidationError
from folio.ledger.models import Account
from folio.ledger.periods import FIRST_DAY, LAST_DAY
from folio.ledger.service import EntryInput, LineInput, create_entry
from folio.money import decimal_str, from_minor
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
    currency: str | None = None
    # None: settle the customer's oldest open invoices first.
    allocations: Sequence[AllocationInput] | None = None


def _open_invoices(session: Session, book: Book, customer_id: int) -> list[Invoice]:
    return list(session.scalars(
        select(Invoice).where(Invoice.book_id == book.id, Invoice.customer_id == customer_id,
                              Invoice.kind == InvoiceKind.INVOICE.value,
                              Invoice.status.in_(OPEN))
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
    open_invoices = _open_invoices(session, book, customer.id)
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


def record_payment(session: Session, book: Book, data: PaymentInput) -> Payment:
    """Record money received; returns the payment with its allocations."""
    require(session, book, "payment.record")
    errors: lookups.Errors = []
    currency = (data.currency or book.base_currency).upper()
    if currency != book.base_currency:
        lookups.error(errors, "currency", f"payments are taken in {book.base_currency} only "
                                          f"for now")
        currency = book.base_currency
    customer = lookups.customer(session, book, data.customer_id, "customer_id", errors)
    if not FIRST_DAY <= data.date <= LAST_DAY:
        lookups.error(errors, "date", f"a date from {FIRST_DAY} to {LAST_DAY}")
    bank = lookups.account(session, book, data.account, "account", errors, types=("asset",))
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
    if errors:
        raise ValidationError("The payment has errors" if len(errors) > 1
                              else errors[0]["message"], errors=errors)
    assert customer is not None
    assert bank is not None
    if fee and fee_account is None:
        fee_account = lookups.role_account(session, book, "bank_fees", "bank fees")
    if withheld and wht_account is None:
        wht_account = lookups.role_account(session, book, "prepaid_wht", "prepaid PPh 23")
    allocated = sum(units for _, units in plan)
    receivable = lookups.role_account(session, book, "receivable", "receivable")
    deposits: Account | None = None
    if settles > allocated:
        deposits = lookups.role_account(session, book, "customer_deposits",
                                        "customer deposits (credit)")
    memo_text = reference or ", ".join(invoice.number or "" for invoice, _ in plan) or None
    lines: list[tuple[str, int]] = [(bank.code, amount)]
    if fee and fee_account is not None:
        lines.append((fee_account.code, fee))
    if withheld and wht_account is not None:
        lines.append((wht_account.code, withheld))
    if allocated:
        lines.append((receivable.code, -allocated))
    if deposits is not None:
        lines.append((deposits.code, allocated - settles))
    entry = create_entry(session, book, EntryInput(
        date=data.date, description=f"Payment from {customer.name}"[:500], party=customer.name,
        reference=reference,
        lines=[LineInput(code, from_minor(units, currency), memo=(memo_text or "")[:500] or None)
               for code, units in lines if units]), post=True)
    payment = Payment(book_id=book.id, customer_id=customer.id, date=data.date,
                      currency=currency, account_id=bank.id, amount=amount, bank_fee=fee,
                      fee_account_id=fee_account.id if fee and fee_account else None,
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
    return {"customer_id": payment.customer_id, "date": payment.date,
            "amount": payment.amount, "bank_fee": payment.bank_fee,
            "withheld_tax": payment.withheld_tax, "account_id": payment.account_id,
            "allocations": [{"invoice_id": a.invoice_id, "amount": a.amount}
                            for a in payment.allocations]}


def customer_credit(session: Session, book: Book, customer_id: int) -> int:
    """The customer's unapplied credit from overpayments, in minor units."""
    require(session, book, "report.read")
    settled = session.scalar(select(func.coalesce(func.sum(
        Payment.amount + Payment.bank_fee + Payment.withheld_tax), 0)).where(
        Payment.book_id == book.id, Payment.customer_id == customer_id)) or 0
    applied = session.scalar(select(func.coalesce(func.sum(PaymentAllocation.amount), 0))
                             .join(Payment, Payment.id == PaymentAllocation.payment_id)
                             .where(Payment.book_id == book.id,
                                    Payment.customer_id == customer_id)) or 0
    return int(settled) - int(applied)


def apply_credit(session: Session, book: Book, invoice: Invoice, *, on: date,
                 amount: Decimal | None = None) -> list[PaymentAllocation]:
    """Settle ``invoice`` from its customer's credit (all it can, unless ``amount``)."""
    require(session, book, "payment.record")
    if invoice.kind != InvoiceKind.INVOICE.value or invoice.status not in OPEN:
        raise Conflict(f"Credit applies to an open invoice; {invoice.number or 'this draft'} "
                       f"is {invoice.status}")
    errors: lookups.Errors = []
    if not FIRST_DAY <= on <= LAST_DAY:
        lookups.error(errors, "date", f"a date from {FIRST_DAY} to {LAST_DAY}")
    payments = list(session.scalars(
        select(Payment).where(Payment.book_id == book.id,
                              Payment.customer_id == invoice.customer_id)
        .options(selectinload(Payment.allocations)).order_by(Payment.date, Payment.id)
        .with_for_update()))
    credit = sum(max(p.unallocated, 0) for p in payments)
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

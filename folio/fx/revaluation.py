"""Period-end revaluation of foreign-currency monetary items (IAS 21.23, PSAK 221).

On the closing day every open foreign-currency invoice and bill, and every ledger account
kept in a foreign currency (bank, cash, card accounts), is retranslated at the closing
rate. One entry posts the differences against unrealised exchange gain/loss, and its
reversal is posted the next day: documents stay carried at the rate they were issued at,
so a later payment realises the whole difference from that rate (folio.fx.documents).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from folio.audit import service as audit
from folio.auth.actor import maybe_actor
from folio.auth.guard import require
from folio.books.models import Book
from folio.errors import Conflict, ValidationError
from folio.fx.documents import carried, to_base
from folio.fx.models import Revaluation
from folio.fx.rates import rate_on
from folio.ledger.accounts import account_by_role
from folio.ledger.models import Account, AccountType, EntryStatus, JournalEntry, JournalLine
from folio.ledger.periods import FIRST_DAY, LAST_DAY
from folio.ledger.service import post_entry, reverse_entry
from folio.money import decimal_str
from folio.purchases.models import Bill, BillAllocation, BillStatus
from folio.sales.models import Invoice, InvoiceKind, InvoiceStatus, PaymentAllocation

CLOSED = (InvoiceStatus.DRAFT.value, InvoiceStatus.VOID.value)
BILL_CLOSED = (BillStatus.DRAFT.value, BillStatus.VOID.value)


@dataclass
class Item:
    """One monetary item: what is carried in base, and what it is worth at the closing rate.

    Base amounts are signed as the ledger signs them (debit positive): a payable is negative.
    """

    kind: str  # invoice | bill | account
    reference: str
    account_id: int
    account_code: str
    currency: str
    amount: int  # outstanding, in minor units of ``currency`` (signed like the base)
    carried: int
    rate: Decimal
    revalued: int

    @property
    def difference(self) -> int:
        return self.revalued - self.carried

    def as_dict(self, base_currency: str) -> dict[str, Any]:
        return {"kind": self.kind, "reference": self.reference, "account": self.account_code,
                "currency": self.currency, "amount": decimal_str(self.amount, self.currency),
                "carried": decimal_str(self.carried, base_currency),
                "closing_rate": str(self.rate),
                "revalued": decimal_str(self.revalued, base_currency),
                "difference": decimal_str(self.difference, base_currency)}


@dataclass
class Plan:
    date: date
    base_currency: str
    items: list[Item]
    run: Revaluation | None = None

    @property
    def net(self) -> int:
        """The unrealised gain (positive) or loss (negative) the entry posts."""
        return sum(item.difference for item in self.items)

    def as_dict(self) -> dict[str, Any]:
        return {"date": self.date.isoformat(), "base_currency": self.base_currency,
                "items": [item.as_dict(self.base_currency) for item in self.items],
                "net": decimal_str(self.net, self.base_currency),
                "posted": self.run is not None,
                "entry_id": self.run.entry_id if self.run else None,
                "reversal_entry_id": self.run.reversal_entry_id if self.run else None}


class _Rates:
    """Closing rates by currency, each looked up once; missing ones are collected."""

    def __init__(self, session: Session, book: Book, day: date) -> None:
        self.session, self.book, self.day = session, book, day
        self.found: dict[str, Decimal] = {}
        self.missing: list[str] = []

    def get(self, currency: str) -> Decimal | None:
        if currency not in self.found and currency not in self.missing:
            try:
                self.found[currency] = rate_on(self.session, self.book, currency, self.day)
            except ValidationError:
                self.missing.append(currency)
        return self.found.get(currency)


def _role_account(session: Session, book: Book, role: str) -> Account:
    found = account_by_role(session, book, role)
    if found is None:
        raise ValidationError(f"The chart has no account with the role {role!r}; set the role "
                              f"on an account first")
    return found


def _invoices(session: Session, book: Book, day: date, rates: _Rates,
              receivable: Account) -> list[Item]:
    paid: dict[int, int] = {doc_id: int(units or 0) for doc_id, units in session.execute(
        select(PaymentAllocation.invoice_id, func.sum(PaymentAllocation.amount))
        .join(Invoice, Invoice.id == PaymentAllocation.invoice_id)
        .where(PaymentAllocation.book_id == book.id, PaymentAllocation.date <= day,
               Invoice.currency != book.base_currency)
        .group_by(PaymentAllocation.invoice_id))}
    items = []
    for doc in session.scalars(select(Invoice).where(
            Invoice.book_id == book.id, Invoice.kind == InvoiceKind.INVOICE.value,
            Invoice.status.notin_(CLOSED), Invoice.currency != book.base_currency,
            Invoice.issue_date <= day).order_by(Invoice.issue_date, Invoice.id)):
        due = doc.total - paid.get(doc.id, 0) - doc.amount_credited \
            - doc.amount_written_off
        rate = rates.get(doc.currency)
        if due <= 0 or rate is None:
            continue
        base_total = to_base(doc.total, doc.currency, doc.exchange_rate, book.base_currency)
        items.append(Item("invoice", doc.number or str(doc.id), receivable.id, receivable.code,
                          doc.currency, due, carried(doc.total, base_total, due), rate,
                          to_base(due, doc.currency, rate, book.base_currency)))
    return items


def _bills(session: Session, book: Book, day: date, rates: _Rates,
           payable: Account) -> list[Item]:
    paid: dict[int, int] = {doc_id: int(units or 0) for doc_id, units in session.execute(
        select(BillAllocation.bill_id, func.sum(BillAllocation.amount))
        .join(Bill, Bill.id == BillAllocation.bill_id)
        .where(BillAllocation.book_id == book.id, BillAllocation.date <= day,
               Bill.currency != book.base_currency)
        .group_by(BillAllocation.bill_id))}
    items = []
    for doc in session.scalars(select(Bill).where(
            Bill.book_id == book.id, Bill.status.notin_(BILL_CLOSED),
            Bill.currency != book.base_currency, Bill.bill_date <= day)
            .order_by(Bill.bill_date, Bill.id)):
        due = doc.payable - paid.get(doc.id, 0)
        rate = rates.get(doc.currency)
        if due <= 0 or rate is None:
            continue
        base_total = to_base(doc.payable, doc.currency, doc.exchange_rate, book.base_currency)
        items.append(Item("bill", doc.number or str(doc.id), payable.id, payable.code,
                          doc.currency, -due, -carried(doc.payable, base_total, due), rate,
                          -to_base(due, doc.currency, rate, book.base_currency)))
    return items


def _accounts(session: Session, book: Book, day: date, rates: _Rates) -> list[Item]:
    accounts = list(session.scalars(select(Account).where(
        Account.book_id == book.id, Account.currency.is_not(None),
        Account.currency != book.base_currency, Account.is_group.is_(False),
        Account.type.in_([AccountType.ASSET.value, AccountType.LIABILITY.value]))
        .order_by(Account.code)))
    if not accounts:
        return []
    sums: dict[int, tuple[int, int]] = defaultdict(lambda: (0, 0))
    for account_id, units, base in session.execute(
            select(JournalLine.account_id, func.sum(JournalLine.amount),
                   func.sum(JournalLine.base_amount))
            .where(JournalLine.book_id == book.id, JournalLine.posted.is_(True),
                   JournalLine.date <= day,
                   JournalLine.account_id.in_([a.id for a in accounts]))
            .group_by(JournalLine.account_id)):
        sums[account_id] = (int(units or 0), int(base or 0))
    items = []
    for account in accounts:
        units, base = sums[account.id]
        currency = account.currency or book.base_currency
        if units == 0 and base == 0:
            continue
        rate = rates.get(currency)
        if rate is None:
            continue
        items.append(Item("account", account.code, account.id, account.code, currency, units,
                          base, rate, to_base(units, currency, rate, book.base_currency)))
    return items


def _check_day(day: date) -> None:
    if not FIRST_DAY <= day < LAST_DAY:
        raise ValidationError(f"a date from {FIRST_DAY} to {LAST_DAY - timedelta(days=1)}",
                              field="date")


def find_run(session: Session, book: Book, day: date) -> Revaluation | None:
    return session.scalar(select(Revaluation).where(Revaluation.book_id == book.id,
                                                    Revaluation.date == day))


def plan_revaluation(session: Session, book: Book, day: date) -> Plan:
    """What a revaluation on ``day`` would post, item by item (nothing is written)."""
    require(session, book, "report.read")
    _check_day(day)
    rates = _Rates(session, book, day)
    items: list[Item] = []
    receivable = account_by_role(session, book, "receivable")
    if receivable is not None:
        items += _invoices(session, book, day, rates, receivable)
    payable = account_by_role(session, book, "payable")
    if payable is not None:
        items += _bills(session, book, day, rates, payable)
    items += _accounts(session, book, day, rates)
    if rates.missing:
        raise ValidationError(
            "; ".join(f"no {c} exchange rate on or before {day.isoformat()}: add one"
                      for c in sorted(rates.missing)),
            errors=[{"field": "date", "message": f"no {c} exchange rate on or before "
                                                 f"{day.isoformat()}: add one"}
                    for c in sorted(rates.missing)])
    return Plan(day, book.base_currency, items, find_run(session, book, day))


def revalue(session: Session, book: Book, day: date) -> Plan:
    """Post the revaluation on ``day`` and its reversal on the next day; once per day."""
    require(session, book, "fx.manage")
    require(session, book, "entry.post")
    plan = plan_revaluation(session, book, day)
    if plan.run is not None:
        raise Conflict(f"The book was already revalued on {day.isoformat()}"
                       + (f" (entry {plan.run.entry_id})" if plan.run.entry_id else ""),
                       field="date")
    actor = maybe_actor(session)
    run = Revaluation(book_id=book.id, date=day, created_by=(actor.label if actor
                                                             else "system")[:200])
    changed = [item for item in plan.items if item.difference]
    if changed:
        unrealised = _role_account(session, book, "fx_unrealised")
        lines = [JournalLine(book_id=book.id, line_no=n, account_id=item.account_id, date=day,
                             # A foreign account's line moves only its base amount.
                             amount=0 if item.kind == "account" else item.difference,
                             currency=item.currency if item.kind == "account"
                             else book.base_currency,
                             rate=item.rate if item.kind == "account" else Decimal(1),
                             base_amount=item.difference,
                             memo=f"{item.reference}: {item.currency} "
                                  f"{decimal_str(abs(item.amount), item.currency)} "
                                  f"at {item.rate}"[:500])
                 for n, item in enumerate(changed, 1)]
        net = sum(item.difference for item in changed)
        if net:
            lines.append(JournalLine(book_id=book.id, line_no=len(lines) + 1,
                                     account_id=unrealised.id, date=day, amount=-net,
                                     currency=book.base_currency, rate=Decimal(1),
                                     base_amount=-net, memo="Unrealised exchange gain/loss"))
        if len(lines) >= 2:
            entry = JournalEntry(book_id=book.id, date=day, status=EntryStatus.DRAFT.value,
                                 description=f"Exchange revaluation at {day.isoformat()}",
                                 reference=f"FX {day.isoformat()}", lines=lines)
            session.add(entry)
            session.flush()
            post_entry(session, book, entry)
            mirror = reverse_entry(session, book, entry, on=day + timedelta(days=1),
                                   description=f"Reversal of exchange revaluation at "
                                               f"{day.isoformat()}")
            run.entry_id, run.reversal_entry_id = entry.id, mirror.id
    session.add(run)
    session.flush()
    plan.run = run
    audit.record(session, "post", "fx_revaluation", run.id, book=book,
                 after=plan.as_dict(),
                 summary=f"Exchange revaluation at {day.isoformat()}: "
                         f"{decimal_str(plan.net, book.base_currency)} {book.base_currency}")
    return plan


def list_runs(session: Session, book: Book, limit: int = 24) -> list[Revaluation]:
    require(session, book, "report.read")
    return list(session.scalars(select(Revaluation).where(Revaluation.book_id == book.id)
                                .order_by(Revaluation.date.desc()).limit(limit)))


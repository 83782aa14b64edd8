"""Recurring transactions: subscriptions, bills and income that repeat on a schedule.

"Record now" posts the due occurrence as a balanced journal entry through the ledger and
moves the series on to its next date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from folio.audit import service as audit
from folio.audit.service import snapshot
from folio.auth.guard import require
from folio.books.models import Book
from folio.commerce.records import record_in_book
from folio.errors import Conflict
from folio.ledger.models import Account, AccountType, JournalEntry
from folio.ledger.periods import FIRST_DAY, LAST_DAY
from folio.ledger.service import EntryInput, LineInput, create_entry
from folio.money import from_minor
from folio.personal.categories import find_account, minor_amount, raise_errors
from folio.personal.models import Frequency, RecurringKind, RecurringTransaction
from folio.personal.schedule import following

KINDS = tuple(k.value for k in RecurringKind)
FREQUENCIES = tuple(f.value for f in Frequency)
MAX_INTERVAL = 99
FIELDS = ("name", "payee", "kind", "amount", "category_account_id", "money_account_id",
          "frequency", "interval", "anchor_day", "next_date", "end_date", "active")
MONEY_TYPES = (AccountType.ASSET, AccountType.LIABILITY)


@dataclass
class RecurringInput:
    name: str
    amount: Decimal
    category: str  # expense account code (income account for kind "income")
    money_account: str  # asset or liability account code the money moves through
    next_date: date
    kind: str = RecurringKind.SUBSCRIPTION.value
    frequency: str = Frequency.MONTHLY.value
    interval: int = 1
    payee: str | None = None
    end_date: date | None = None
    active: bool = True


def _text(errors: list[dict[str, str]], field: str, value: str | None, limit: int,
          required: bool = False) -> str | None:
    text = (value or "").strip()
    if not text:
        if required:
            errors.append({"field": field, "message": f"a {field} of 1 to {limit} characters"})
        return None
    if len(text) > limit or not text.isprintable():
        errors.append({"field": field, "message": f"at most {limit} printable characters"})
    return text


def _validated(session: Session, book: Book, data: RecurringInput
               ) -> tuple[str, str | None, int, Account, Account]:
    errors: list[dict[str, str]] = []
    name = _text(errors, "name", data.name, 200, required=True)
    payee = _text(errors, "payee", data.payee, 200)
    if data.kind not in KINDS:
        errors.append({"field": "kind", "message": f"one of: {', '.join(KINDS)}"})
    if data.frequency not in FREQUENCIES:
        errors.append({"field": "frequency", "message": f"one of: {', '.join(FREQUENCIES)}"})
    if not 1 <= data.interval <= MAX_INTERVAL:
        errors.append({"field": "interval", "message": f"a whole number from 1 to {MAX_INTERVAL}"})
    if not FIRST_DAY <= data.next_date <= LAST_DAY:
        errors.append({"field": "next_date", "message": "a date Folio accepts"})
    if data.end_date is not None and data.end_date < data.next_date:
        errors.append({"field": "end_date", "message": "the end date is before the next date"})
    amount = minor_amount(data.amount, book, "amount", errors, positive=True)
    category_type = AccountType.INCOME if data.kind == RecurringKind.INCOME.value \
        else AccountType.EXPENSE
    category = find_account(session, book, data.category, "category", types=(category_type,),
                            groups=False, errors=errors)
    money = find_account(session, book, data.money_account, "money_account",
                         types=MONEY_TYPES, groups=False, errors=errors)
    raise_errors(errors)
    assert name is not None
    assert category is not None
    assert money is not None
    return name, payee, amount, category, money


def create_recurring(session: Session, book: Book, data: RecurringInput) -> RecurringTransaction:
    require(session, book, "budget.write")
    name, payee, amount, category, money = _validated(session, book, data)
    item = RecurringTransaction(
        book_id=book.id, name=name, payee=payee, kind=data.kind, amount=amount,
        category_account_id=category.id, money_account_id=money.id, frequency=data.frequency,
        interval=data.interval, anchor_day=data.next_date.day, next_date=data.next_date,
        end_date=data.end_date, active=data.active)
    session.add(item)
    session.flush()
    audit.record(session, "create", "recurring_transaction", item.id, book=book,
                 after=snapshot(item, FIELDS), summary=item.name)
    return item


def update_recurring(session: Session, book: Book, item: RecurringTransaction,
                     data: RecurringInput) -> RecurringTransaction:
    require(session, book, "budget.write")
    name, payee, amount, category, money = _validated(session, book, data)
    before = snapshot(item, FIELDS)
    if data.next_date != item.next_date:
        item.anchor_day = data.next_date.day
    item.name, item.payee, item.kind, item.amount = name, payee, data.kind, amount
    item.category_account_id, item.money_account_id = category.id, money.id
    item.frequency, item.interval = data.frequency, data.interval
    item.next_date, item.end_date, item.active = data.next_date, data.end_date, data.active
    session.flush()
    audit.record(session, "update", "recurring_transaction", item.id, book=book, before=before,
                 after=snapshot(item, FIELDS), summary=item.name)
    return item


def delete_recurring(session: Session, book: Book, item: RecurringTransaction) -> None:
    """Forget the series; entries it already posted stay in the ledger."""
    require(session, book, "budget.write")
    audit.record(session, "delete", "recurring_transaction", item.id, book=book,
                 before=snapshot(item, FIELDS), summary=item.name)
    session.delete(item)
    session.flush()


def get_recurring(session: Session, book: Book, item_id: int, *,
                  for_update: bool = False) -> RecurringTransaction:
    require(session, book, "report.read")
    return record_in_book(session, book, RecurringTransaction, item_id,
                          noun="recurring transaction", field="recurring_id",
                          for_update=for_update)


def list_recurring(session: Session, book: Book, *,
                   include_inactive: bool = True) -> list[RecurringTransaction]:
    """The book's recurring transactions, soonest first."""
    require(session, book, "report.read")
    query = select(RecurringTransaction).where(RecurringTransaction.book_id == book.id)
    if not include_inactive:
        query = query.where(RecurringTransaction.active.is_(True))
    return list(session.scalars(query.order_by(RecurringTransaction.active.desc(),
                                               RecurringTransaction.next_date,
                                               RecurringTransaction.id)))


def signed_amount(item: RecurringTransaction) -> int:
    """What the occurrence does to the money account: income in, spending out."""
    return item.amount if item.kind == RecurringKind.INCOME.value else -item.amount


def record_now(session: Session, book: Book, item: RecurringTransaction,
               on: date | None = None) -> JournalEntry:
    """Post the due occurrence (dated ``on``, default its due date) and advance the series."""
    require(session, book, "budget.write")
    if not item.active:
        raise Conflict(f"{item.name} is not active; activate it to record it")
    due = item.next_date
    if item.end_date is not None and due > item.end_date:
        raise Conflict(f"{item.name} ended on {item.end_date.isoformat()}")
    category = session.get_one(Account, item.category_account_id)
    money = session.get_one(Account, item.money_account_id)
    value = from_minor(signed_amount(item), book.base_currency)
    entry = create_entry(session, book, EntryInput(
        date=on or due, description=item.name, party=item.payee,
        # One entry per occurrence: recording the same occurrence twice is refused.
        external_id=f"recurring:{item.id}:{due.isoformat()}",
        lines=[LineInput(account=money.code, amount=value, memo=item.name),
               LineInput(account=category.code, amount=-value, memo=item.name)]), post=True)
    before = snapshot(item, FIELDS)
    after = following(due, item.frequency, item.interval, item.anchor_day)
    if after is None or (item.end_date is not None and after > item.end_date):
        item.active = False
    else:
        item.next_date = after
    item.last_entry_id = entry.id
    session.flush()
    audit.record(session, "post", "recurring_transaction", item.id, book=book, before=before,
                 after={**snapshot(item, FIELDS), "entry": entry.number},
                 summary=f"{item.name} {due.isoformat()}: entry {entry.number}")
    return entry

"""Spotting subscriptions in the ledger: the same payee, a similar amount, once a month.

A series qualifies when it has at least three payments to one expense account from the
same payee (or, without a payee, the same description, digits ignored so "Netflix Oct"
and "Netflix Nov" match), 26 to 35 days apart, each within 10% of the series' median
amount, the last one no more than 45 days ago. Series a recurring transaction already
covers are left out. Suggestions are only suggestions: accepting one creates a recurring
transaction.
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import median

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from folio.auth.guard import require
from folio.books.models import Book
from folio.clock import today as clock_today
from folio.ledger.models import Account, AccountType, JournalEntry, JournalLine
from folio.personal.models import Frequency, RecurringTransaction
from folio.personal.schedule import following

MIN_OCCURRENCES = 3
GAP_DAYS = (26, 35)
TOLERANCE = 10  # percent of the median amount
LOOKBACK_DAYS = 400
STALE_DAYS = 45


def payee_key(text: str | None) -> str:
    """What makes two payees the same: letters only, lower case, single spaces."""
    return " ".join(re.sub(r"[^a-z]+", " ", (text or "").lower()).split())


@dataclass
class Suggestion:
    name: str
    payee: str | None
    amount: int  # the latest payment, base minor units
    category: Account
    money_account: Account | None
    occurrences: int
    last_date: date
    next_date: date


@dataclass
class _Payment:
    day: date
    amount: int
    label: str
    party: str | None
    money_id: int | None


def _regular(payments: list[_Payment]) -> bool:
    if len(payments) < MIN_OCCURRENCES:
        return False
    gaps = [(b.day - a.day).days for a, b in itertools.pairwise(payments)]
    if not all(GAP_DAYS[0] <= gap <= GAP_DAYS[1] for gap in gaps):
        return False
    middle = median(p.amount for p in payments)
    return all(abs(p.amount - middle) * 100 <= middle * TOLERANCE for p in payments)


def detect_subscriptions(session: Session, book: Book,
                         today: date | None = None) -> list[Suggestion]:
    """Monthly series in the last year of expense postings that look like subscriptions."""
    require(session, book, "report.read")
    day = today or clock_today()
    money_line = aliased(JournalLine)
    money_account = aliased(Account)
    rows = session.execute(
        select(JournalLine.entry_id, JournalLine.date, JournalLine.account_id,
               JournalLine.base_amount, JournalEntry.party, JournalEntry.description,
               money_account.id)
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .join(Account, Account.id == JournalLine.account_id)
        .outerjoin(money_line, (money_line.entry_id == JournalLine.entry_id)
                   & (money_line.base_amount < 0))
        .outerjoin(money_account, (money_account.id == money_line.account_id)
                   & money_account.type.in_([AccountType.ASSET.value,
                                             AccountType.LIABILITY.value]))
        .where(JournalLine.book_id == book.id, JournalLine.posted.is_(True),
               JournalLine.date > day - timedelta(days=LOOKBACK_DAYS), JournalLine.date <= day,
               JournalLine.base_amount > 0, Account.type == AccountType.EXPENSE.value)
        .order_by(JournalLine.date, JournalLine.entry_id)).all()
    payments_by_line: dict[tuple[int, int], tuple[str, _Payment]] = {}
    for entry_id, when, account_id, amount, party, description, money_id in rows:
        known = payments_by_line.get((entry_id, account_id))
        if known is not None:  # one payment per entry and category; keep its money account
            if known[1].money_id is None:
                known[1].money_id = money_id
            continue
        label = party or description
        payments_by_line[(entry_id, account_id)] = (
            payee_key(label), _Payment(when, amount, label, party, money_id))
    series: dict[tuple[str, int], list[_Payment]] = defaultdict(list)
    for (_entry_id, account_id), (key, payment) in payments_by_line.items():
        if key:
            series[(key, account_id)].append(payment)
    covered = {(payee_key(item.payee or item.name), item.category_account_id)
               for item in session.scalars(select(RecurringTransaction).where(
                   RecurringTransaction.book_id == book.id))}
    regular = {key: payments for key, payments in series.items()
               if key not in covered and _regular(payments)
               and (day - payments[-1].day).days <= STALE_DAYS}
    ids = {account_id for _, account_id in regular}
    ids |= {p.money_id for payments in regular.values() for p in payments if p.money_id}
    accounts = {a.id: a for a in session.scalars(select(Account).where(
        Account.book_id == book.id, Account.id.in_(ids)))} if ids else {}
    suggestions = []
    for (_key, account_id), payments in regular.items():
        last = payments[-1]
        anchor = max(p.day.day for p in payments)
        upcoming = following(last.day, Frequency.MONTHLY.value, 1, anchor) or last.day
        suggestions.append(Suggestion(
            name=last.label[:200], payee=last.party, amount=last.amount,
            category=accounts[account_id],
            money_account=accounts.get(last.money_id) if last.money_id else None,
            occurrences=len(payments), last_date=last.day, next_date=upcoming))
    suggestions.sort(key=lambda s: (s.next_date, s.name))
    return suggestions

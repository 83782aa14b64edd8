"""Cash-flow forecast: the coming months' expected income and spending from recurring
transactions, and where the money accounts' balance is heading.

The forecast covers the current month and the months after it. An occurrence already due
but not yet recorded still counts, in the current month: its money has not moved yet.
The starting point is today's balance of the money accounts: the chart's cash and bank
accounts, the banking module's money accounts, and every account a recurring transaction
pays from or into (assets count up, liabilities such as a credit card count down).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from folio.auth.guard import require
from folio.banking.models import MoneyAccount
from folio.books.models import Book
from folio.clock import today as clock_today
from folio.errors import ValidationError
from folio.ledger.accounts import list_accounts
from folio.ledger.models import Account
from folio.ledger.periods import add_months, month_end, month_start
from folio.ledger.reports import net_by_account
from folio.ledger.summary import cash_accounts
from folio.personal.models import RecurringTransaction
from folio.personal.recurring import signed_amount
from folio.personal.schedule import occurrences

MAX_MONTHS = 24


@dataclass
class Occurrence:
    day: date
    item: RecurringTransaction
    amount: int  # signed: income positive, spending negative


@dataclass
class ForecastMonth:
    month: date  # its first day
    income: int = 0
    expenses: int = 0
    balance: int = 0  # projected balance of the money accounts at the month's end
    occurrences: list[Occurrence] = field(default_factory=list)

    @property
    def net(self) -> int:
        return self.income - self.expenses


@dataclass
class Forecast:
    book: Book
    today: date
    accounts: list[tuple[Account, int]]  # money accounts and today's balance (debit sign)
    months: list[ForecastMonth]

    @property
    def start_balance(self) -> int:
        return sum(balance for _, balance in self.accounts)


def check_months(months: int, limit: int, field_name: str = "months") -> int:
    if not 1 <= months <= limit:
        raise ValidationError(f"months: a whole number from 1 to {limit}", field=field_name)
    return months


def forecast(session: Session, book: Book, months: int = 3,
             today: date | None = None) -> Forecast:
    """Expected income, expenses and money-account balance for ``months`` months."""
    require(session, book, "report.read")
    check_months(months, MAX_MONTHS)
    day = today or clock_today()
    first = month_start(day)
    horizon = month_end(add_months(first, months - 1))
    items = list(session.scalars(select(RecurringTransaction).where(
        RecurringTransaction.book_id == book.id, RecurringTransaction.active.is_(True),
        RecurringTransaction.next_date <= horizon).order_by(RecurringTransaction.next_date)))
    chart = list_accounts(session, book)
    ids = set(session.scalars(select(MoneyAccount.account_id).where(
        MoneyAccount.book_id == book.id, MoneyAccount.is_active.is_(True))))
    ids |= {item.money_account_id for item in items}
    ids |= {a.id for a in cash_accounts(chart)}
    accounts = [a for a in chart if a.id in ids]
    balances = net_by_account(session, book, None, day) if accounts else {}
    result = [ForecastMonth(month=add_months(first, n)) for n in range(months)]
    for item in items:
        for when in occurrences(item.next_date, item.frequency, item.interval,
                                item.anchor_day, horizon, item.end_date):
            index = max(0, (when.year - first.year) * 12 + when.month - first.month)
            month = result[index]
            amount = signed_amount(item)
            month.occurrences.append(Occurrence(day=when, item=item, amount=amount))
            if amount > 0:
                month.income += amount
            else:
                month.expenses -= amount
    running = sum(balances.get(a.id, 0) for a in accounts)
    for month in result:
        month.occurrences.sort(key=lambda o: (o.day, o.item.id))
        running += month.net
        month.balance = running
    return Forecast(book=book, today=day,
                    accounts=[(a, balances.get(a.id, 0)) for a in accounts], months=result)

"""A book at a glance: cash, results of the year and month, receivables, payables, trend.

Every figure comes from the ledger's own balances; where the chart has no account for a
figure (no 'receivable' role, say) the figure is absent rather than zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.books.service import fiscal_year_start
from folio.ledger.accounts import account_by_role, list_accounts
from folio.ledger.balances import period_of
from folio.ledger.models import Account, AccountBalance, AccountType
from folio.ledger.periods import add_months, month_start
from folio.ledger.reports import net_by_account

CASH_ROLES = ("cash", "bank")


@dataclass
class AccountFigure:
    account: Account
    amount: int  # base minor units, natural sign (an asset's debit balance is positive)


@dataclass
class PeriodResult:
    start: date
    end: date
    income: int
    expenses: int

    @property
    def net(self) -> int:
        return self.income - self.expenses


@dataclass
class MonthResult:
    month: date
    income: int
    expenses: int


@dataclass
class BookSummary:
    today: date
    cash: list[AccountFigure]
    year: PeriodResult
    month: PeriodResult
    receivable: AccountFigure | None
    payable: AccountFigure | None
    trend: list[MonthResult]

    @property
    def cash_total(self) -> int:
        return sum(figure.amount for figure in self.cash)


def cash_accounts(accounts: list[Account]) -> list[Account]:
    """Accounts with the cash or bank role, and the other accounts of their group.

    A top-level group (plain "Assets") is not a cash group: in flat charts only the role
    accounts count.
    """
    by_id = {a.id: a for a in accounts}
    groups = {a.parent_id for a in accounts if a.role in CASH_ROLES and a.parent_id
              and by_id[a.parent_id].parent_id is not None}

    def in_group(account: Account) -> bool:
        parent = account.parent_id
        while parent is not None:
            if parent in groups:
                return True
            parent = by_id[parent].parent_id if parent in by_id else None
        return False

    return [a for a in accounts if a.type == AccountType.ASSET.value and not a.is_group
            and a.is_active and (a.role in CASH_ROLES or in_group(a))]


def _result(session: Session, book: Book, accounts: dict[int, Account], start: date,
            end: date) -> PeriodResult:
    net = net_by_account(session, book, start, end, include_closing=False)
    income = -sum(units for aid, units in net.items()
                  if accounts[aid].type == AccountType.INCOME.value)
    expenses = sum(units for aid, units in net.items()
                   if accounts[aid].type == AccountType.EXPENSE.value)
    return PeriodResult(start=start, end=end, income=income, expenses=expenses)


def _figure(account: Account | None, balances: dict[int, int], sign: int) -> AccountFigure | None:
    return None if account is None else AccountFigure(account, sign * balances.get(account.id, 0))


def monthly_results(session: Session, book: Book, last: date, months: int = 12
                    ) -> list[MonthResult]:
    """Income and expenses per calendar month, ``months`` months up to ``last``'s month."""
    first = add_months(month_start(last), -(months - 1))
    rows = session.execute(
        select(AccountBalance.period, Account.type,
               func.sum(AccountBalance.debit - AccountBalance.credit))
        .join(Account, Account.id == AccountBalance.account_id)
        .where(AccountBalance.book_id == book.id, AccountBalance.closing.is_(False),
               AccountBalance.period >= period_of(first), AccountBalance.period <= period_of(last),
               Account.type.in_([AccountType.INCOME.value, AccountType.EXPENSE.value]))
        .group_by(AccountBalance.period, Account.type)).all()
    by_period: dict[int, dict[str, int]] = {}
    for period, kind, net in rows:
        by_period.setdefault(int(period), {})[kind] = int(net or 0)
    result = []
    for n in range(months):
        month = add_months(first, n)
        nets = by_period.get(period_of(month), {})
        result.append(MonthResult(month=month, income=-nets.get(AccountType.INCOME.value, 0),
                                  expenses=nets.get(AccountType.EXPENSE.value, 0)))
    return result


def book_summary(session: Session, book: Book, today: date) -> BookSummary:
    """The dashboard's figures for ``book`` as of ``today`` (year and month to date)."""
    accounts = list_accounts(session, book)
    by_id = {a.id: a for a in accounts}
    balances = net_by_account(session, book, None, today)
    return BookSummary(
        today=today,
        cash=[AccountFigure(a, balances.get(a.id, 0)) for a in cash_accounts(accounts)],
        year=_result(session, book, by_id, fiscal_year_start(book, today), today),
        month=_result(session, book, by_id, month_start(today), today),
        receivable=_figure(account_by_role(session, book, "receivable"), balances, 1),
        payable=_figure(account_by_role(session, book, "payable"), balances, -1),
        trend=monthly_results(session, book, today))

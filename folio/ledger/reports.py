"""Financial reports over maintained balances: trial balance, balance sheet, income statement.

Whole months are read from ``account_balances`` and the days of partial months from
``account_day_balances``, so a report costs O(accounts x (months + days)), not O(postings).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from folio.auth.guard import require
from folio.books.models import Book
from folio.books.service import fiscal_year_start
from folio.clock import today
from folio.errors import ValidationError
from folio.ledger.models import (
    Account,
    AccountBalance,
    AccountDayBalance,
    AccountType,
)
from folio.ledger.periods import add_months, check_day, month_end, split_range


def net_by_account(session: Session, book: Book, start: date | None, end: date, *,
                   include_closing: bool = True) -> dict[int, int]:
    """Net (debit - credit) in base minor units per account for postings in [start, end]."""
    totals: dict[int, int] = defaultdict(int)
    split = split_range(start, end)
    if split.last_period is not None:
        query = select(AccountBalance.account_id,
                       func.sum(AccountBalance.debit - AccountBalance.credit)).where(
            AccountBalance.book_id == book.id, AccountBalance.period <= split.last_period)
        if split.first_period is not None:
            query = query.where(AccountBalance.period >= split.first_period)
        if not include_closing:
            query = query.where(AccountBalance.closing.is_(False))
        for account_id, net in session.execute(query.group_by(AccountBalance.account_id)):
            totals[account_id] += int(net or 0)
    for part_start, part_end in split.partial:
        # Days of a partial month: from the daily balances, never from the postings.
        query = select(AccountDayBalance.account_id,
                       func.sum(AccountDayBalance.debit - AccountDayBalance.credit)).where(
            AccountDayBalance.book_id == book.id, AccountDayBalance.day <= part_end)
        if part_start is not None:
            query = query.where(AccountDayBalance.day >= part_start)
        if not include_closing:
            query = query.where(AccountDayBalance.closing.is_(False))
        for account_id, net in session.execute(query.group_by(AccountDayBalance.account_id)):
            totals[account_id] += int(net or 0)
    return {k: v for k, v in totals.items() if v != 0}


def accounts_by_id(session: Session, book: Book) -> dict[int, Account]:
    return {a.id: a for a in session.scalars(
        select(Account).where(Account.book_id == book.id).order_by(Account.code))}


@dataclass
class Row:
    """A report line: an account and its amount in base minor units, in natural sign."""

    account: Account | None
    label: str
    amount: int
    compare: int | None = None
    debit: int = 0
    credit: int = 0


@dataclass
class Section:
    key: str
    title: str
    rows: list[Row] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(row.amount for row in self.rows)

    @property
    def compare_total(self) -> int:
        return sum(row.compare or 0 for row in self.rows)


@dataclass
class TrialBalance:
    book: Book
    as_of: date
    rows: list[Row]

    @property
    def total_debit(self) -> int:
        return sum(row.debit for row in self.rows)

    @property
    def total_credit(self) -> int:
        return sum(row.credit for row in self.rows)


def trial_balance(session: Session, book: Book, as_of: date) -> TrialBalance:
    """Every account with a non-zero balance at the end of ``as_of``."""
    require(session, book, "report.read")
    check_day(as_of, "as_of")
    accounts = accounts_by_id(session, book)
    net = net_by_account(session, book, None, as_of)
    rows = [Row(account=accounts[aid], label=accounts[aid].name, amount=units,
                debit=max(units, 0), credit=max(-units, 0))
            for aid, units in net.items()]
    rows.sort(key=lambda r: r.account.code if r.account else "")
    return TrialBalance(book=book, as_of=as_of, rows=rows)


def _section_rows(accounts: dict[int, Account], net: dict[int, int], kind: AccountType,
                  compare: dict[int, int] | None = None) -> list[Row]:
    sign = -1 if kind.credit_normal else 1
    ids = {aid for aid in net if accounts[aid].type == kind.value}
    if compare is not None:
        ids |= {aid for aid in compare if accounts[aid].type == kind.value}
    rows = [Row(account=accounts[aid], label=accounts[aid].name, amount=sign * net.get(aid, 0),
                compare=None if compare is None else sign * compare.get(aid, 0))
            for aid in ids]
    rows.sort(key=lambda r: r.account.code if r.account else "")
    return rows


@dataclass
class BalanceSheet:
    book: Book
    as_of: date
    assets: Section
    liabilities: Section
    equity: Section

    @property
    def balanced(self) -> bool:
        return self.assets.total == self.liabilities.total + self.equity.total


def balance_sheet(session: Session, book: Book, as_of: date) -> BalanceSheet:
    """Assets, liabilities and equity at the end of ``as_of``, with this year's earnings."""
    require(session, book, "report.read")
    check_day(as_of, "as_of")
    accounts = accounts_by_id(session, book)
    net = net_by_account(session, book, None, as_of)
    year_start = fiscal_year_start(book, as_of)
    equity = Section("equity", "Equity", _section_rows(accounts, net, AccountType.EQUITY))
    pnl_types = (AccountType.INCOME.value, AccountType.EXPENSE.value)
    before_year = net_by_account(session, book, None, year_start - timedelta(days=1))
    prior = -sum(units for aid, units in before_year.items() if accounts[aid].type in pnl_types)
    if prior:
        # Profit of earlier years that no closing entry has moved into retained earnings yet.
        equity.rows.append(Row(account=None, label="Retained earnings of prior years (not closed)",
                               amount=prior))
    total_pnl = -sum(units for aid, units in net.items() if accounts[aid].type in pnl_types)
    equity.rows.append(Row(account=None, label="Current year earnings", amount=total_pnl - prior))
    return BalanceSheet(
        book=book, as_of=as_of,
        assets=Section("assets", "Assets", _section_rows(accounts, net, AccountType.ASSET)),
        liabilities=Section("liabilities", "Liabilities",
                            _section_rows(accounts, net, AccountType.LIABILITY)),
        equity=equity)


@dataclass
class IncomeStatement:
    book: Book
    start: date
    end: date
    compare_start: date
    compare_end: date
    income: Section
    expenses: Section

    @property
    def net_income(self) -> int:
        return self.income.total - self.expenses.total

    @property
    def compare_net_income(self) -> int:
        return self.income.compare_total - self.expenses.compare_total


def previous_period(start: date, end: date) -> tuple[date, date]:
    """The period just before [start, end] of the same length (whole months stay months)."""
    if start.day == 1 and end == month_end(end):
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        prev_start = add_months(start, -months)
        return prev_start, start - timedelta(days=1)
    length = (end - start).days + 1
    return start - timedelta(days=length), start - timedelta(days=1)


def income_statement(session: Session, book: Book, start: date, end: date) -> IncomeStatement:
    """Income and expenses for [start, end], beside the previous period of equal length."""
    require(session, book, "report.read")
    check_day(end, "to")  # first: a default start is derived from it
    check_day(start, "from")
    accounts = accounts_by_id(session, book)
    net = net_by_account(session, book, start, end, include_closing=False)
    compare_start, compare_end = previous_period(start, end)
    before = net_by_account(session, book, compare_start, compare_end, include_closing=False)
    return IncomeStatement(
        book=book, start=start, end=end, compare_start=compare_start, compare_end=compare_end,
        income=Section("income", "Income",
                       _section_rows(accounts, net, AccountType.INCOME, before)),
        expenses=Section("expenses", "Expenses",
                         _section_rows(accounts, net, AccountType.EXPENSE, before)))


def report_period(book: Book, start: date | None, end: date | None) -> tuple[date, date]:
    """A report's period with every interface's defaults: the fiscal year to date."""
    end = check_day(end or today(), "to")
    start = check_day(start or fiscal_year_start(book, end), "from")
    if start > end:
        raise ValidationError("'from' is after 'to'", field="from")
    return start, end

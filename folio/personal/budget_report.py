"""Budget against actual for one month: budgeted, rolled over, spent, remaining.

Spending comes from the ledger's monthly balances (``account_balances``) in one grouped
query, so the report costs the same few queries however many entries the book holds.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from folio.auth.guard import require
from folio.books.models import Book
from folio.ledger.models import Account, AccountBalance, AccountType
from folio.ledger.periods import add_months
from folio.personal.categories import children_of, subtree
from folio.personal.models import Budget
from folio.personal.months import from_period, parse_month, period


@dataclass
class BudgetLine:
    account: Account
    budgeted: int
    rolled_over: int  # carried in from last month (negative: last month was overspent)
    spent: int
    rollover: bool  # whether this month's remainder carries into the next
    has_budget: bool  # False: the line is here only for what last month carried in

    @property
    def available(self) -> int:
        return self.budgeted + self.rolled_over

    @property
    def remaining(self) -> int:
        return self.available - self.spent

    @property
    def percent_used(self) -> Decimal | None:
        """Spent as a percentage of what is available; None when nothing is available."""
        if self.available <= 0:
            return None
        return (Decimal(self.spent) * 100 / Decimal(self.available)).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def over_budget(self) -> bool:
        return self.remaining < 0


@dataclass
class BudgetReport:
    book: Book
    month: date  # its first day
    lines: list[BudgetLine]
    total_spending: int  # every expense account's spending in the month

    @property
    def budgeted(self) -> int:
        return sum(line.budgeted for line in self.lines)

    @property
    def rolled_over(self) -> int:
        return sum(line.rolled_over for line in self.lines)

    @property
    def available(self) -> int:
        return sum(line.available for line in self.lines)

    @property
    def spent(self) -> int:
        return sum(line.spent for line in self.lines)

    @property
    def remaining(self) -> int:
        return self.available - self.spent

    @property
    def unbudgeted(self) -> int:
        """Spending in categories without a budget this month."""
        return self.total_spending - self.spent

    @property
    def percent_used(self) -> Decimal | None:
        if self.available <= 0:
            return None
        return (Decimal(self.spent) * 100 / Decimal(self.available)).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def over_budget(self) -> bool:
        return self.remaining < 0


def budget_vs_actual(session: Session, book: Book, month: str) -> BudgetReport:
    """The month's budgets beside what the ledger shows was spent in each category."""
    require(session, book, "report.read")
    first = parse_month(month)
    target = period(first)
    accounts = {a.id: a for a in session.scalars(select(Account).where(
        Account.book_id == book.id, Account.type == AccountType.EXPENSE.value))}
    tree = children_of(accounts.values())
    budgets = list(session.scalars(select(Budget).where(
        Budget.book_id == book.id, Budget.month <= target)))
    start = min((b.month for b in budgets), default=target)
    spending: dict[tuple[int, int], int] = defaultdict(int)  # (account, period) -> net
    for account_id, month_period, net in session.execute(
            select(AccountBalance.account_id, AccountBalance.period,
                   func.sum(AccountBalance.debit - AccountBalance.credit))
            .join(Account, Account.id == AccountBalance.account_id)
            .where(AccountBalance.book_id == book.id, AccountBalance.closing.is_(False),
                   AccountBalance.period >= start, AccountBalance.period <= target,
                   Account.type == AccountType.EXPENSE.value)
            .group_by(AccountBalance.account_id, AccountBalance.period)):
        spending[(account_id, month_period)] += int(net or 0)

    members: dict[int, set[int]] = {}

    def spent(account_id: int, month_period: int) -> int:
        if account_id not in members:
            members[account_id] = subtree(tree, account_id)
        return sum(spending.get((a, month_period), 0) for a in members[account_id])

    by_category: dict[int, dict[int, Budget]] = defaultdict(dict)
    for budget in budgets:
        by_category[budget.account_id][budget.month] = budget

    def carried_in(account_id: int) -> int:
        """What the chain of rollover budgets before ``target`` carries into it."""
        months = by_category[account_id]
        chain: list[Budget] = []
        cursor = period(add_months(first, -1))
        while cursor in months and months[cursor].rollover:
            chain.append(months[cursor])
            cursor = period(add_months(from_period(cursor), -1))
        carry = 0
        for budget in reversed(chain):
            carry = budget.amount + carry - spent(account_id, budget.month)
        return carry

    lines = []
    for account_id, months in by_category.items():
        if account_id not in accounts:
            continue
        this = months.get(target)
        carry = carried_in(account_id)
        if this is None and carry == 0:
            continue
        lines.append(BudgetLine(
            account=accounts[account_id], budgeted=this.amount if this else 0,
            rolled_over=carry, spent=spent(account_id, target),
            rollover=bool(this and this.rollover), has_budget=this is not None))
    lines.sort(key=lambda line: line.account.code)
    total = sum(net for (_, month_period), net in spending.items() if month_period == target)
    return BudgetReport(book=book, month=first, lines=lines, total_spending=total)

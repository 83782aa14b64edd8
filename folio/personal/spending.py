"""Spending by category in one month, for the overview's doughnut chart."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from folio.auth.guard import require
from folio.books.models import Book
from folio.ledger.models import Account, AccountType
from folio.ledger.periods import month_end
from folio.ledger.reports import net_by_account

TOP_CATEGORIES = 7  # the rest are summed as "Other"


@dataclass
class CategorySpending:
    account: Account | None  # None: the other categories together
    amount: int


def spending_by_category(session: Session, book: Book, first: date) -> list[CategorySpending]:
    """The month's spending per expense account, largest first; the tail summed as one."""
    require(session, book, "report.read")
    accounts = {a.id: a for a in session.scalars(select(Account).where(
        Account.book_id == book.id, Account.type == AccountType.EXPENSE.value))}
    net = net_by_account(session, book, first, month_end(first), include_closing=False)
    rows = sorted((CategorySpending(accounts[aid], units) for aid, units in net.items()
                   if aid in accounts and units > 0),
                  key=lambda row: (-row.amount, row.account.code if row.account else ""))
    if len(rows) > TOP_CATEGORIES + 1:
        rest = sum(row.amount for row in rows[TOP_CATEGORIES:])
        rows = [*rows[:TOP_CATEGORIES], CategorySpending(None, rest)]
    return rows

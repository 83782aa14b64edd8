"""Net worth over time: assets minus liabilities at each month's end, and today.

Read from the ledger's monthly balances: one grouped query for everything before the
first month shown and one for the months themselves, however many entries there are.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from folio.auth.guard import require
from folio.books.models import Book
from folio.clock import today as clock_today
from folio.ledger.balances import period_of
from folio.ledger.models import Account, AccountBalance, AccountType
from folio.ledger.periods import add_months, month_end, month_start
from folio.ledger.reports import net_by_account
from folio.personal.forecast import check_months

MAX_MONTHS = 120
BALANCE_SHEET_SIDES = (AccountType.ASSET.value, AccountType.LIABILITY.value)


@dataclass
class NetWorthPoint:
    day: date  # a month's last day, or today for the current month
    assets: int
    liabilities: int  # natural sign: what is owed is positive

    @property
    def net_worth(self) -> int:
        return self.assets - self.liabilities


@dataclass
class NetWorth:
    book: Book
    points: list[NetWorthPoint]  # oldest first; the last one is today

    @property
    def current(self) -> NetWorthPoint:
        return self.points[-1]


def _sums(session: Session, book: Book, *conditions: object) -> list[tuple[int, str, int]]:
    return [(int(p), t, int(n or 0)) for p, t, n in session.execute(
        select(AccountBalance.period, Account.type,
               func.sum(AccountBalance.debit - AccountBalance.credit))
        .join(Account, Account.id == AccountBalance.account_id)
        .where(AccountBalance.book_id == book.id, Account.type.in_(BALANCE_SHEET_SIDES),
               *conditions)  # type: ignore[arg-type]
        .group_by(AccountBalance.period, Account.type))]


def net_worth(session: Session, book: Book, months: int = 12,
              today: date | None = None) -> NetWorth:
    """Assets and liabilities at the end of each of the last ``months`` months.

    The current month's point is today's position (entries dated later this month are
    not in it yet), so the last point is always the current net worth.
    """
    require(session, book, "report.read")
    check_months(months, MAX_MONTHS)
    day = today or clock_today()
    first = add_months(month_start(day), -(months - 1))
    before = period_of(first)
    opening: dict[str, int] = defaultdict(int)
    for _period, kind, net in _sums(session, book, AccountBalance.period < before):
        opening[kind] += net
    moves: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for month_period, kind, net in _sums(session, book, AccountBalance.period >= before,
                                         AccountBalance.period < period_of(month_start(day))):
        moves[month_period][kind] += net
    points = []
    assets, liabilities = opening[AccountType.ASSET.value], opening[AccountType.LIABILITY.value]
    for n in range(months - 1):
        month = add_months(first, n)
        assets += moves[period_of(month)][AccountType.ASSET.value]
        liabilities += moves[period_of(month)][AccountType.LIABILITY.value]
        points.append(NetWorthPoint(day=month_end(month), assets=assets,
                                    liabilities=-liabilities))
    types: dict[int, str] = {aid: kind for aid, kind in session.execute(
        select(Account.id, Account.type).where(
            Account.book_id == book.id, Account.type.in_(BALANCE_SHEET_SIDES)))}
    now: dict[str, int] = defaultdict(int)
    for account_id, net in net_by_account(session, book, None, day).items():
        if account_id in types:
            now[types[account_id]] += net
    points.append(NetWorthPoint(day=day, assets=now[AccountType.ASSET.value],
                                liabilities=-now[AccountType.LIABILITY.value]))
    return NetWorth(book=book, points=points)

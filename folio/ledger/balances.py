"""Per-account balances by month and by day, kept in the same transaction as the postings."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from folio.ledger.models import AccountBalance, AccountDayBalance

BalanceKey = tuple[int, int, bool]  # account_id, period, closing
DayKey = tuple[int, date, bool]  # account_id, day, closing


def period_of(day: date) -> int:
    return day.year * 100 + day.month


class BalanceDeltas:
    """Accumulates debit/credit/amount changes per account and day, then applies them to
    the monthly and the daily balances in one upsert each."""

    def __init__(self) -> None:
        # debit, credit, amount, postings
        self._days: dict[DayKey, list[int]] = defaultdict(lambda: [0, 0, 0, 0])

    def add(self, account_id: int, day: date, base_amount: int, amount: int,
            closing: bool = False) -> None:
        delta = self._days[(account_id, day, closing)]
        if base_amount >= 0:
            delta[0] += base_amount
        else:
            delta[1] -= base_amount
        delta[2] += amount
        delta[3] += 1

    def add_day(self, account_id: int, day: date, debit: int, credit: int, amount: int,
                postings: int, closing: bool = False) -> None:
        """Add the totals of ``postings`` lines, already split into debit and credit (>= 0)."""
        delta = self._days[(account_id, day, closing)]
        delta[0] += debit
        delta[1] += credit
        delta[2] += amount
        delta[3] += postings

    def __bool__(self) -> bool:
        return bool(self._days)

    def rows(self, book_id: int) -> Iterable[dict[str, int | bool]]:
        """The monthly rows (``account_balances``)."""
        months: dict[BalanceKey, list[int]] = defaultdict(lambda: [0, 0, 0])
        for (account_id, day, closing), (debit, credit, amount, _n) in self._days.items():
            month = months[(account_id, period_of(day), closing)]
            month[0] += debit
            month[1] += credit
            month[2] += amount
        for (account_id, period, closing), (debit, credit, amount) in months.items():
            yield {"book_id": book_id, "account_id": account_id, "period": period,
                   "closing": closing, "debit": debit, "credit": credit, "amount": amount}

    def day_rows(self, book_id: int) -> Iterable[dict[str, Any]]:
        """The daily rows (``account_day_balances``)."""
        for (account_id, day, closing), (debit, credit, amount, n) in self._days.items():
            yield {"book_id": book_id, "day": day, "account_id": account_id,
                   "closing": closing, "debit": debit, "credit": credit, "amount": amount,
                   "postings": n}

    def apply(self, bind: Session | Connection, book_id: int) -> None:
        """Upsert-increment every accumulated delta, then forget them."""
        if not self._days:
            return
        dialect = bind.get_bind().dialect.name if isinstance(bind, Session) else bind.dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        stmt = insert(AccountBalance)
        stmt = stmt.on_conflict_do_update(
            index_elements=["book_id", "account_id", "period", "closing"],
            set_={
                "debit": AccountBalance.debit + stmt.excluded.debit,
                "credit": AccountBalance.credit + stmt.excluded.credit,
                "amount": AccountBalance.amount + stmt.excluded.amount,
            },
        )
        bind.execute(stmt, list(self.rows(book_id)))
        day_stmt = insert(AccountDayBalance)
        day_stmt = day_stmt.on_conflict_do_update(
            index_elements=["book_id", "day", "account_id", "closing"],
            set_={
                "debit": AccountDayBalance.debit + day_stmt.excluded.debit,
                "credit": AccountDayBalance.credit + day_stmt.excluded.credit,
                "amount": AccountDayBalance.amount + day_stmt.excluded.amount,
                "postings": AccountDayBalance.postings + day_stmt.excluded.postings,
            },
        )
        bind.execute(day_stmt, list(self.day_rows(book_id)))
        self._days.clear()

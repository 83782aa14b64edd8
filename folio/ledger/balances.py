"""Per-account, per-month balances kept in the same transaction as the postings."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from sqlalchemy import Connection
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from folio.ledger.models import AccountBalance

BalanceKey = tuple[int, int, bool]  # account_id, period, closing


def period_of(day: date) -> int:
    return day.year * 100 + day.month


class BalanceDeltas:
    """Accumulates debit/credit/amount changes, then applies them in one upsert."""

    def __init__(self) -> None:
        self._deltas: dict[BalanceKey, list[int]] = defaultdict(lambda: [0, 0, 0])

    def add(self, account_id: int, day: date, base_amount: int, amount: int,
            closing: bool = False) -> None:
        delta = self._deltas[(account_id, period_of(day), closing)]
        if base_amount >= 0:
            delta[0] += base_amount
        else:
            delta[1] -= base_amount
        delta[2] += amount

    def __bool__(self) -> bool:
        return bool(self._deltas)

    def rows(self, book_id: int) -> Iterable[dict[str, int | bool]]:
        for (account_id, period, closing), (debit, credit, amount) in self._deltas.items():
            yield {"book_id": book_id, "account_id": account_id, "period": period,
                   "closing": closing, "debit": debit, "credit": credit, "amount": amount}

    def apply(self, bind: Session | Connection, book_id: int) -> None:
        """Upsert-increment every accumulated delta, then forget them."""
        rows = list(self.rows(book_id))
        if not rows:
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
        bind.execute(stmt, rows)
        self._deltas.clear()

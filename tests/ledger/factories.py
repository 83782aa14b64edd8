"""Factories shared by the tests: entries from short tuples, table row counts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from folio.db import Base
from folio.ledger.service import EntryInput, LineInput

# (code, amount) or (code, amount, currency, rate)
Line = tuple[Any, ...]


def entry_input(day: date | str, lines: list[Line], description: str = "Test entry",
                **kwargs: Any) -> EntryInput:
    """An EntryInput from ``(code, amount)`` pairs, or ``(code, amount, currency, rate)``."""
    if isinstance(day, str):
        day = date.fromisoformat(day)
    made = []
    for code, amount, *rest in lines:
        currency = rest[0] if rest else None
        rate = Decimal(str(rest[1])) if len(rest) > 1 else None
        made.append(LineInput(account=code, amount=Decimal(str(amount)), currency=currency,
                              rate=rate))
    return EntryInput(date=day, description=description, lines=made, **kwargs)


def row_counts(session: Session) -> dict[str, int]:
    """Rows in every table: any write shows as a changed count."""
    return {table.name: int(session.scalar(select(func.count()).select_from(table)) or 0)
            for table in Base.metadata.sorted_tables}

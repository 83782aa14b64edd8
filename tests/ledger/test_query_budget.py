"""Reports read maintained balances: their query count does not grow with the entries."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.ledger.reports import balance_sheet, income_statement, trial_balance
from tests.conftest import post


@contextmanager
def count_queries(engine: Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


def _post_many(session: Session, book: Book, count: int) -> None:
    for n in range(count):
        day = date(2025, 1, 1) + timedelta(days=n * 7 % 300)
        post(session, book, day, [("1010", 10 + n), ("4100", -(10 + n))])
        post(session, book, day, [("6200", 3), ("1020", -3)])


REPORTS: dict[str, Callable[[Session, Book], object]] = {
    "trial balance, month end": lambda s, b: trial_balance(s, b, date(2025, 9, 30)),
    "trial balance, mid month": lambda s, b: trial_balance(s, b, date(2025, 9, 17)),
    "balance sheet, mid month": lambda s, b: balance_sheet(s, b, date(2025, 9, 17)),
    "income statement, odd range": lambda s, b: income_statement(s, b, date(2025, 2, 3),
                                                                 date(2025, 9, 17)),
}


@pytest.mark.parametrize("report", list(REPORTS))
def test_a_report_costs_the_same_queries_for_few_or_many_entries(
        engine: Engine, session: Session, book: Book, report: str) -> None:
    run = REPORTS[report]
    _post_many(session, book, 2)
    with count_queries(engine) as few:
        run(session, book)
    session.commit()
    _post_many(session, book, 15)
    with count_queries(engine) as many:
        run(session, book)
    session.commit()
    assert len(many) == len(few), many
    assert len(few) <= 8, few

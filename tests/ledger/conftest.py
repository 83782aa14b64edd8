"""Fixtures of the ledger tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.ledger.models import JournalEntry
from folio.ledger.service import create_entry
from tests.conftest import post
from tests.ledger.factories import Line, entry_input


@pytest.fixture
def draft(session: Session, book: Book) -> Callable[..., JournalEntry]:
    """Make a draft in ``book``: ``draft("2025-01-05", [("1010", "10"), ("4100", "-10")])``."""

    def make(day: date | str, lines: list[Line], description: str = "Draft entry",
             **kwargs: Any) -> JournalEntry:
        entry = create_entry(session, book, entry_input(day, lines, description, **kwargs))
        session.commit()
        return entry

    return make


# Two years of a small shop, figures worked out by hand in the report tests:
# 2024 net income 1300.00 (sales 2500, rent 1200); Jan 2025 +800.00; Feb 2025 -650.00.
SMALL_BOOK = [
    ("2024-03-10", "Owner's capital", [("1020", "10000.00"), ("3100", "-10000.00")]),
    ("2024-06-15", "Sale on credit", [("1100", "2500.00"), ("4100", "-2500.00")]),
    ("2024-11-30", "Rent", [("6200", "1200.00"), ("1020", "-1200.00")]),
    ("2025-01-10", "Customer pays", [("1020", "2500.00"), ("1100", "-2500.00")]),
    ("2025-01-20", "Cash sale", [("1010", "800.00"), ("4100", "-800.00")]),
    ("2025-02-05", "Rent", [("6200", "1200.00"), ("1020", "-1200.00")]),
    ("2025-02-14", "Electricity on credit", [("6300", "450.00"), ("2100", "-450.00")]),
    ("2025-02-25", "Sale on credit", [("1100", "1000.00"), ("4100", "-1000.00")]),
]


@pytest.fixture
def small_book(session: Session, book: Book) -> Book:
    """``book`` holding the entries of SMALL_BOOK, all posted."""
    for day, description, lines in SMALL_BOOK:
        post(session, book, day, lines, description=description)  # type: ignore[arg-type]
    return book

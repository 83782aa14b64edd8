"""Personal-finance fixtures: a household book on the personal chart, in rupiah."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.books.service import BookInput
from tests.api.conftest import api  # noqa: F401  (the API tests' fixture)
from tests.conftest import _made_book
from tests.web.conftest import page  # noqa: F401  (the page tests' fixture)

# Codes of the personal chart (folio/ledger/charts/personal.json).
CASH, CHECKING, SAVINGS, CARD, LOAN = "1010", "1020", "1030", "2010", "2020"
OPENING, SALARY = "3100", "4010"
SPENDING, GROCERIES, EATING_OUT, SUBSCRIPTIONS = "5000", "5010", "5020", "5110"


@pytest.fixture
def household(session: Session) -> Book:
    """An IDR household book on the personal chart; OWNER owns it."""
    return _made_book(session, BookInput(slug="home", name="Rumah Tangga", base_currency="IDR",
                                         locale="id_ID", chart="personal"))

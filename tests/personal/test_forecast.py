"""The forecast: expected income and spending per month and the money accounts' balance."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.errors import ValidationError
from folio.personal.forecast import forecast
from folio.personal.recurring import RecurringInput, create_recurring
from tests.conftest import post
from tests.personal.conftest import (
    CARD,
    CHECKING,
    GROCERIES,
    OPENING,
    SALARY,
    SUBSCRIPTIONS,
)

TODAY = date(2026, 11, 23)


def add(session: Session, book: Book, name: str, amount: int, next_date: date, **kw: object
        ) -> None:
    data: dict[str, object] = {"name": name, "amount": Decimal(amount), "next_date": next_date,
                               "category": "5030", "money_account": CHECKING, "kind": "bill"}
    data.update(kw)
    create_recurring(session, book, RecurringInput(**data))  # type: ignore[arg-type]
    session.commit()


@pytest.fixture
def planned(session: Session, household: Book) -> Book:
    post(session, household, "2026-11-01", [(CHECKING, 10_000_000), (OPENING, -10_000_000)])
    post(session, household, "2026-11-10", [(GROCERIES, 500_000), (CARD, -500_000)])
    post(session, household, "2026-11-28", [(GROCERIES, 100_000), (CHECKING, -100_000)])
    add(session, household, "Salary", 8_000_000, date(2026, 11, 25), kind="income",
        category=SALARY)
    add(session, household, "Rent", 3_000_000, date(2026, 11, 1))  # due, not yet recorded
    add(session, household, "Netflix", 186_000, date(2026, 12, 5), kind="subscription",
        category=SUBSCRIPTIONS)
    add(session, household, "Trial", 90_000, date(2026, 12, 10), kind="subscription",
        category=SUBSCRIPTIONS, end_date=date(2026, 12, 31))
    add(session, household, "Spotify", 55_000, date(2026, 12, 20), kind="subscription",
        category=SUBSCRIPTIONS, money_account=CARD)
    add(session, household, "Insurance", 1_200_000, date(2027, 1, 15), frequency="yearly",
        category="5130")
    add(session, household, "Old gym", 300_000, date(2026, 12, 1), active=False,
        category="5100")
    return household


def test_three_months_of_income_expenses_and_balance(session: Session, planned: Book) -> None:
    result = forecast(session, planned, 3, today=TODAY)

    # Checking 10,000,000 less the card's 500,000; the entry of 28 November is not here yet.
    assert result.start_balance == 9_500_000
    assert [(m.month, m.income, m.expenses, m.balance) for m in result.months] == [
        (date(2026, 11, 1), 8_000_000, 3_000_000, 14_500_000),
        (date(2026, 12, 1), 8_000_000, 3_331_000, 19_169_000),
        (date(2027, 1, 1), 8_000_000, 4_441_000, 22_728_000),
    ]
    assert [(o.day, o.item.name) for o in result.months[1].occurrences] == [
        (date(2026, 12, 1), "Rent"), (date(2026, 12, 5), "Netflix"),
        (date(2026, 12, 10), "Trial"), (date(2026, 12, 20), "Spotify"),
        (date(2026, 12, 25), "Salary")]


def test_the_default_is_three_months(session: Session, planned: Book) -> None:
    assert len(forecast(session, planned, today=TODAY).months) == 3


def test_a_book_without_recurring_transactions_stays_flat(
        session: Session, household: Book) -> None:
    result = forecast(session, household, 2, today=TODAY)
    assert [m.balance for m in result.months] == [0, 0]


@pytest.mark.parametrize("months", [0, 25, -1])
def test_the_number_of_months_is_limited(session: Session, household: Book, months: int) -> None:
    with pytest.raises(ValidationError):
        forecast(session, household, months, today=TODAY)

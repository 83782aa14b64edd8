"""Net worth per month end equals the balance sheet's assets less liabilities then."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.errors import ValidationError
from folio.ledger.reports import balance_sheet
from folio.personal.networth import net_worth
from tests.conftest import post
from tests.ledger.test_query_budget import count_queries
from tests.personal.conftest import CARD, CHECKING, GROCERIES, LOAN, OPENING, SALARY, SAVINGS

TODAY = date(2026, 11, 23)


@pytest.fixture
def history(session: Session, household: Book) -> Book:
    post(session, household, "2025-12-15", [(CHECKING, 5_000_000), (OPENING, -5_000_000)])
    post(session, household, "2026-02-01", [(SAVINGS, 20_000_000), (LOAN, -20_000_000)])
    for month in range(3, 12):
        post(session, household, f"2026-{month:02d}-25", [(CHECKING, 8_000_000),
                                                          (SALARY, -8_000_000)])
        post(session, household, f"2026-{month:02d}-10", [(GROCERIES, 2_500_000),
                                                          (CARD, -2_500_000)])
        post(session, household, f"2026-{month:02d}-28", [(CARD, 2_000_000),
                                                          (CHECKING, -2_000_000)])
    post(session, household, "2026-11-30", [(GROCERIES, 1_000_000), (CHECKING, -1_000_000)])
    return household


def test_each_month_end_matches_the_balance_sheet(session: Session, history: Book) -> None:
    report = net_worth(session, history, 12, today=TODAY)

    assert len(report.points) == 12
    assert report.points[0].day == date(2025, 12, 31)
    assert report.points[-1].day == TODAY
    for point in report.points:
        sheet = balance_sheet(session, history, point.day)
        assert point.assets == sheet.assets.total
        assert point.liabilities == sheet.liabilities.total
    assert report.points[0].net_worth == 5_000_000
    # Salary 8 x 8,000,000 to October, groceries 8 x 2,500,000: today, before the 25th.
    assert report.current.net_worth == 5_000_000 + 8 * 8_000_000 - 9 * 2_500_000
    assert report.current.liabilities == 20_000_000 + 9 * 2_500_000 - 8 * 2_000_000


def test_two_years_start_before_the_first_entry(session: Session, history: Book) -> None:
    report = net_worth(session, history, 24, today=TODAY)
    assert report.points[0].day == date(2024, 12, 31)
    assert report.points[0].net_worth == 0


def test_the_series_costs_the_same_queries_for_many_entries(
        engine: Engine, session: Session, history: Book) -> None:
    with count_queries(engine) as few:
        net_worth(session, history, 24, today=TODAY)
    for month in range(1, 12):
        post(session, history, f"2026-{month:02d}-03", [(GROCERIES, 1_000), (CHECKING, -1_000)])
    with count_queries(engine) as many:
        net_worth(session, history, 24, today=TODAY)
    assert len(many) == len(few) <= 6


@pytest.mark.parametrize("months", [0, 121])
def test_the_number_of_months_is_limited(session: Session, household: Book, months: int) -> None:
    with pytest.raises(ValidationError):
        net_worth(session, household, months, today=TODAY)

"""Budgets per category and month, with rollover, against the ledger's spending."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.errors import ValidationError
from folio.personal.budget_report import budget_vs_actual
from folio.personal.budgets import BudgetInput, copy_budgets, delete_budget, set_budget
from tests.conftest import post
from tests.ledger.test_query_budget import count_queries
from tests.personal.conftest import (
    CHECKING,
    EATING_OUT,
    GROCERIES,
    OPENING,
    SPENDING,
    SUBSCRIPTIONS,
)


def budget(session: Session, book: Book, month: str, account: str, amount: int,
           rollover: bool = False) -> None:
    set_budget(session, book, BudgetInput(month=month, account=account,
                                          amount=Decimal(amount), rollover=rollover))
    session.commit()


def spend(session: Session, book: Book, day: str, account: str, amount: int) -> None:
    post(session, book, day, [(account, amount), (CHECKING, -amount)], description="Shop")


def test_unspent_budget_rolls_into_next_month(session: Session, household: Book) -> None:
    budget(session, household, "2026-10", GROCERIES, 2_000_000, rollover=True)
    budget(session, household, "2026-11", GROCERIES, 2_000_000, rollover=True)
    spend(session, household, "2026-10-05", GROCERIES, 900_000)
    spend(session, household, "2026-10-20", GROCERIES, 600_000)

    october = budget_vs_actual(session, household, "2026-10")
    november = budget_vs_actual(session, household, "2026-11")

    (line,) = october.lines
    assert (line.budgeted, line.spent, line.remaining) == (2_000_000, 1_500_000, 500_000)
    assert line.percent_used == Decimal("75.0")
    (line,) = november.lines
    assert (line.budgeted, line.rolled_over, line.available) == (2_000_000, 500_000, 2_500_000)
    assert line.spent == 0
    assert not line.over_budget


def test_overspending_rolls_over_as_a_negative_amount(session: Session, household: Book) -> None:
    budget(session, household, "2026-10", GROCERIES, 2_000_000, rollover=True)
    budget(session, household, "2026-11", GROCERIES, 2_000_000)
    spend(session, household, "2026-10-05", GROCERIES, 2_300_000)
    spend(session, household, "2026-11-02", GROCERIES, 1_800_000)

    october = budget_vs_actual(session, household, "2026-10").lines[0]
    november = budget_vs_actual(session, household, "2026-11").lines[0]

    assert october.over_budget
    assert october.remaining == -300_000
    assert october.percent_used == Decimal("115.0")
    assert (november.rolled_over, november.available) == (-300_000, 1_700_000)
    assert november.remaining == -100_000
    assert november.over_budget


def test_without_rollover_nothing_carries(session: Session, household: Book) -> None:
    budget(session, household, "2026-10", GROCERIES, 2_000_000)
    budget(session, household, "2026-11", GROCERIES, 2_000_000)
    spend(session, household, "2026-10-05", GROCERIES, 500_000)

    assert budget_vs_actual(session, household, "2026-11").lines[0].rolled_over == 0


def test_rollover_chains_over_several_months(session: Session, household: Book) -> None:
    for month in ("2026-09", "2026-10"):
        budget(session, household, month, GROCERIES, 1_000_000, rollover=True)
    budget(session, household, "2026-11", GROCERIES, 1_000_000)
    spend(session, household, "2026-09-10", GROCERIES, 700_000)  # 300,000 left
    spend(session, household, "2026-10-10", GROCERIES, 1_100_000)  # 1,300,000 - 1,100,000

    assert budget_vs_actual(session, household, "2026-11").lines[0].rolled_over == 200_000


def test_a_month_without_its_own_budget_still_shows_what_rolled_in(
        session: Session, household: Book) -> None:
    budget(session, household, "2026-10", GROCERIES, 2_000_000, rollover=True)
    spend(session, household, "2026-10-05", GROCERIES, 1_500_000)

    (line,) = budget_vs_actual(session, household, "2026-11").lines

    assert (line.budgeted, line.rolled_over, line.has_budget) == (0, 500_000, False)


def test_a_group_budget_covers_its_categories_and_totals_add_up(
        session: Session, household: Book) -> None:
    budget(session, household, "2026-11", SPENDING, 5_000_000)
    spend(session, household, "2026-11-03", GROCERIES, 1_200_000)
    spend(session, household, "2026-11-04", EATING_OUT, 300_000)

    report = budget_vs_actual(session, household, "2026-11")

    (line,) = report.lines
    assert line.spent == 1_500_000
    assert (report.budgeted, report.spent, report.remaining) == (5_000_000, 1_500_000, 3_500_000)
    assert report.unbudgeted == 0


def test_totals_and_unbudgeted_spending(session: Session, household: Book) -> None:
    budget(session, household, "2026-11", GROCERIES, 2_000_000)
    budget(session, household, "2026-11", EATING_OUT, 500_000)
    spend(session, household, "2026-11-03", GROCERIES, 1_250_000)
    spend(session, household, "2026-11-04", EATING_OUT, 650_000)
    spend(session, household, "2026-11-05", SUBSCRIPTIONS, 186_000)
    spend(session, household, "2026-12-01", GROCERIES, 999_000)  # another month

    report = budget_vs_actual(session, household, "2026-11")

    assert [(line.account.code, line.remaining, line.over_budget) for line in report.lines] == [
        (GROCERIES, 750_000, False), (EATING_OUT, -150_000, True)]
    assert (report.budgeted, report.spent, report.remaining) == (2_500_000, 1_900_000, 600_000)
    assert report.percent_used == Decimal("76.0")
    assert report.unbudgeted == 186_000
    assert report.total_spending == 2_086_000


def test_a_refund_reduces_spending(session: Session, household: Book) -> None:
    budget(session, household, "2026-11", GROCERIES, 2_000_000)
    spend(session, household, "2026-11-03", GROCERIES, 1_000_000)
    post(session, household, "2026-11-04", [(CHECKING, 250_000), (GROCERIES, -250_000)])

    assert budget_vs_actual(session, household, "2026-11").lines[0].spent == 750_000


def test_copy_takes_last_months_budgets_and_keeps_this_months(
        session: Session, household: Book) -> None:
    budget(session, household, "2026-10", GROCERIES, 2_000_000, rollover=True)
    budget(session, household, "2026-10", EATING_OUT, 500_000)
    budget(session, household, "2026-11", EATING_OUT, 800_000)

    made = copy_budgets(session, household, "2026-11")
    session.commit()

    assert len(made) == 1
    lines = {line.account.code: line for line in budget_vs_actual(
        session, household, "2026-11").lines}
    assert lines[GROCERIES].budgeted == 2_000_000
    assert lines[GROCERIES].rollover
    assert lines[EATING_OUT].budgeted == 800_000


def test_setting_again_changes_the_amount_and_delete_removes_it(
        session: Session, household: Book) -> None:
    budget(session, household, "2026-11", GROCERIES, 2_000_000)
    budget(session, household, "2026-11", GROCERIES, 2_500_000)
    assert budget_vs_actual(session, household, "2026-11").lines[0].budgeted == 2_500_000

    delete_budget(session, household, "2026-11", GROCERIES)
    session.commit()
    assert budget_vs_actual(session, household, "2026-11").lines == []


@pytest.mark.parametrize(("month", "account", "amount", "field"), [
    ("2026-11", GROCERIES, -1, "amount"),
    ("2026-13", GROCERIES, 1, "month"),
    ("2026-1", GROCERIES, 1, "month"),
    ("2026-11", "9999", 1, "account"),
    ("2026-11", CHECKING, 1, "account"),  # an asset account
    ("2026-11", OPENING, 1, "account"),  # equity
    ("2026-11", GROCERIES, Decimal("0.5"), "amount"),  # rupiah has no decimals
])
def test_bad_budgets_are_refused_and_write_nothing(
        session: Session, household: Book, counts: Callable[[], dict[str, int]],
        month: str, account: str, amount: Decimal, field: str) -> None:
    before = counts()
    with pytest.raises(ValidationError) as refused:
        set_budget(session, household, BudgetInput(month=month, account=account,
                                                    amount=Decimal(amount)))
    session.rollback()
    assert field in [e["field"] for e in refused.value.errors]
    assert counts() == before


def test_a_group_and_its_category_cannot_both_have_a_budget(
        session: Session, household: Book) -> None:
    budget(session, household, "2026-11", SPENDING, 5_000_000)
    with pytest.raises(ValidationError, match="already has a budget"):
        budget(session, household, "2026-11", GROCERIES, 1_000_000)


def test_the_report_reads_balances_in_a_fixed_number_of_queries(
        engine: Engine, session: Session, household: Book) -> None:
    for month in ("2026-08", "2026-09", "2026-10", "2026-11"):
        budget(session, household, month, GROCERIES, 2_000_000, rollover=True)
        budget(session, household, month, EATING_OUT, 500_000, rollover=True)
    spend(session, household, "2026-08-03", GROCERIES, 100_000)
    with count_queries(engine) as few:
        budget_vs_actual(session, household, "2026-11")
    session.commit()
    for n in range(1, 25):
        spend(session, household, f"2026-{8 + n % 4:02d}-{n:02d}", GROCERIES, 10_000 * n)
        spend(session, household, f"2026-{8 + n % 4:02d}-{n:02d}", EATING_OUT, 1_000 * n)
    with count_queries(engine) as many:
        budget_vs_actual(session, household, "2026-11")
    session.commit()
    assert len(many) == len(few), many
    assert len(few) <= 4, few

"""Savings goals: progress from a linked account or contributions, and what to save monthly."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.errors import Conflict, ValidationError
from folio.personal.goals import GoalInput, contribute, create_goal, list_goals
from tests.conftest import post
from tests.personal.conftest import CHECKING, GROCERIES, OPENING, SAVINGS

TODAY = date(2026, 11, 23)


def test_a_linked_goal_follows_its_account(session: Session, household: Book) -> None:
    post(session, household, "2026-10-01", [(SAVINGS, 3_000_000), (OPENING, -3_000_000)])
    create_goal(session, household, GoalInput(name="Motor", target_amount=Decimal(12_000_000),
                                              target_date=date(2027, 5, 31), account=SAVINGS))
    session.commit()

    (row,) = list_goals(session, household, today=TODAY)

    assert (row.current, row.remaining, row.percent) == (3_000_000, 9_000_000, Decimal("25.0"))
    assert (row.months_left, row.monthly_needed) == (6, 1_500_000)


def test_a_manual_goal_counts_its_contributions(session: Session, household: Book) -> None:
    goal = create_goal(session, household, GoalInput(
        name="Lebaran", target_amount=Decimal(1_000_000), target_date=date(2027, 2, 28)))
    contribute(session, household, goal, Decimal(250_000))
    contribute(session, household, goal, Decimal(250_000))
    contribute(session, household, goal, Decimal(-100_000))
    session.commit()

    (row,) = list_goals(session, household, today=TODAY)

    assert (row.current, row.percent) == (400_000, Decimal("40.0"))
    assert (row.months_left, row.monthly_needed) == (3, 200_000)


def test_the_monthly_amount_rounds_up(session: Session, household: Book) -> None:
    create_goal(session, household, GoalInput(name="Trip", target_amount=Decimal(1_000_000),
                                              target_date=date(2027, 2, 1)))
    (row,) = list_goals(session, household, today=TODAY)
    assert row.monthly_needed == 333_334


def test_a_goal_due_this_month_or_past_needs_the_rest_now(
        session: Session, household: Book) -> None:
    create_goal(session, household, GoalInput(name="Soon", target_amount=Decimal(600_000),
                                              target_date=date(2026, 11, 30)))
    create_goal(session, household, GoalInput(name="Late", target_amount=Decimal(700_000),
                                              target_date=date(2026, 10, 1)))
    create_goal(session, household, GoalInput(name="Someday", target_amount=Decimal(1)))
    rows = {r.goal.name: r for r in list_goals(session, household, today=TODAY)}
    assert (rows["Soon"].months_left, rows["Soon"].monthly_needed) == (1, 600_000)
    assert (rows["Late"].months_left, rows["Late"].monthly_needed) == (0, 700_000)
    assert rows["Someday"].monthly_needed is None


def test_a_reached_goal_is_100_percent_or_more(session: Session, household: Book) -> None:
    post(session, household, "2026-10-01", [(SAVINGS, 3_000_000), (OPENING, -3_000_000)])
    create_goal(session, household, GoalInput(name="Fund", target_amount=Decimal(2_000_000),
                                              account=SAVINGS))
    (row,) = list_goals(session, household, today=TODAY)
    assert row.reached
    assert (row.percent, row.remaining) == (Decimal("150.0"), 0)


def test_a_linked_goal_takes_no_contributions(session: Session, household: Book) -> None:
    goal = create_goal(session, household, GoalInput(name="Fund", target_amount=Decimal(1),
                                                     account=SAVINGS))
    with pytest.raises(Conflict):
        contribute(session, household, goal, Decimal(5))


@pytest.mark.parametrize(("fields", "field"), [
    ({"target_amount": Decimal(-1)}, "target_amount"),
    ({"target_amount": Decimal(0)}, "target_amount"),
    ({"account": GROCERIES}, "account"),
    ({"account": "zzz"}, "account"),
    ({"name": ""}, "name"),
])
def test_bad_goals_are_refused_and_write_nothing(
        session: Session, household: Book, counts: Callable[[], dict[str, int]],
        fields: dict[str, object], field: str) -> None:
    data: dict[str, object] = {"name": "Motor", "target_amount": Decimal(1_000)}
    data.update(fields)
    before = counts()
    with pytest.raises(ValidationError) as refused:
        create_goal(session, household, GoalInput(**data))  # type: ignore[arg-type]
    session.rollback()
    assert field in [e["field"] for e in refused.value.errors]
    assert counts() == before
    assert CHECKING  # the chart's checking account is the usual source of savings

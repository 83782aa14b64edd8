"""JSON API of personal finance: budgets, recurring transactions, goals, net worth, forecast."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.clock import today
from folio.commerce.csv_export import CSV_RESPONSE, csv_response
from folio.deps import BookDep, SessionDep, WriteBookDep, WriteSessionDep
from folio.idempotency import IdempotencyKey, idempotent
from folio.ledger.models import Account
from folio.money import decimal_str
from folio.personal import output
from folio.personal.budget_report import budget_vs_actual
from folio.personal.budgets import BudgetInput, copy_budgets, delete_budget, set_budget
from folio.personal.detection import detect_subscriptions
from folio.personal.forecast import forecast
from folio.personal.goals import (
    GoalInput,
    contribute,
    create_goal,
    delete_goal,
    get_goal,
    list_goals,
    progress,
    update_goal,
)
from folio.personal.models import Budget, RecurringTransaction, SavingsGoal
from folio.personal.months import from_period, month_text
from folio.personal.networth import net_worth
from folio.personal.recurring import (
    RecurringInput,
    create_recurring,
    delete_recurring,
    get_recurring,
    list_recurring,
    record_now,
    update_recurring,
)
from folio.personal.schemas import (
    BudgetIn,
    BudgetOut,
    ContributionIn,
    GoalIn,
    GoalOut,
    RecordIn,
    RecordOut,
    RecurringIn,
    RecurringOut,
    SuggestionOut,
)

router = APIRouter(prefix="/books/{slug}")
Format = Annotated[Literal["json", "csv"], Query(description="json (default) or csv")]
MonthPath = Annotated[str, Path(max_length=20, description="A month, YYYY-MM")]
AccountPath = Annotated[str, Path(max_length=20, description="An expense account's code")]
MonthQuery = Annotated[str | None, Query(max_length=20, description="YYYY-MM; default: this "
                                                                    "month")]
RecurringId = Annotated[int, Path(ge=1, lt=2**63)]
GoalId = Annotated[int, Path(ge=1, lt=2**63)]


def _codes(session: Session, book: Book) -> dict[int, str]:
    return {aid: code for aid, code in session.execute(
        select(Account.id, Account.code).where(Account.book_id == book.id))}


def _budget_out(session: Session, budget: Budget) -> BudgetOut:
    account = session.get_one(Account, budget.account_id)
    return BudgetOut(month=month_text(from_period(budget.month)), account=account.code,
                     amount=decimal_str(budget.amount, session.get_one(Book, budget.book_id)
                                        .base_currency), rollover=budget.rollover)


def _recurring_out(session: Session, book: Book, item: RecurringTransaction) -> RecurringOut:
    return RecurringOut(**output.recurring_dict(item, _codes(session, book), book.base_currency))


def _goal_out(session: Session, book: Book, goal: SavingsGoal) -> GoalOut:
    (row,) = progress(session, book, [goal])
    return GoalOut(**output.goal_dict(row, book.base_currency))


# Budgets -------------------------------------------------------------------------------

@router.get("/budgets", tags=["personal"], responses=CSV_RESPONSE)
def get_budgets(book: BookDep, session: SessionDep, month: MonthQuery = None,
                format: Format = "json") -> Any:
    """Budget against actual for a month: budgeted, rolled over, spent, remaining."""
    report = budget_vs_actual(session, book, month or month_text(today().replace(day=1)))
    if format == "csv":
        return csv_response(output.budget_table(report), f"budget-{month_text(report.month)}")
    return output.budget_dict(report)


@router.put("/budgets/{month}/{account}", response_model=BudgetOut, tags=["personal"])
def put_budget(month: MonthPath, account: AccountPath, data: BudgetIn, book: WriteBookDep,
               session: WriteSessionDep) -> BudgetOut:
    """Set the budget of one expense category (or group) for one month."""
    budget = set_budget(session, book, BudgetInput(month=month, account=account,
                                                   amount=data.amount, rollover=data.rollover))
    session.commit()
    return _budget_out(session, budget)


@router.delete("/budgets/{month}/{account}", status_code=204, tags=["personal"])
def remove_budget(month: MonthPath, account: AccountPath, book: WriteBookDep,
                  session: WriteSessionDep) -> Response:
    delete_budget(session, book, month, account)
    session.commit()
    return Response(status_code=204)


@router.post("/budgets/{month}/copy", response_model=list[BudgetOut], status_code=201,
             tags=["personal"])
def post_copy(month: MonthPath, book: WriteBookDep, session: WriteSessionDep) -> list[BudgetOut]:
    """Copy the previous month's budgets into this month (categories it has stay)."""
    made = copy_budgets(session, book, month)
    session.commit()
    return [_budget_out(session, budget) for budget in made]


# Recurring transactions ----------------------------------------------------------------

@router.get("/recurring", response_model=list[RecurringOut], tags=["personal"])
def get_recurring_list(book: BookDep, session: SessionDep,
                       include_inactive: bool = True) -> list[RecurringOut]:
    codes = _codes(session, book)
    return [RecurringOut(**output.recurring_dict(item, codes, book.base_currency))
            for item in list_recurring(session, book, include_inactive=include_inactive)]


def _input(data: RecurringIn) -> RecurringInput:
    return RecurringInput(**data.model_dump())


@router.post("/recurring", response_model=RecurringOut, status_code=201, tags=["personal"])
def post_recurring(data: RecurringIn, request: Request, book: WriteBookDep,
                   session: WriteSessionDep, key: IdempotencyKey = None) -> Response:
    def run() -> tuple[int, Any]:
        item = create_recurring(session, book, _input(data))
        return 201, _recurring_out(session, book, item).model_dump(mode="json")
    return idempotent(request, session, key, data.model_dump(mode="json"), run)


@router.get("/recurring/suggestions", response_model=list[SuggestionOut], tags=["personal"])
def get_suggestions(book: BookDep, session: SessionDep) -> list[SuggestionOut]:
    """Monthly series in the ledger that look like subscriptions; POST one to /recurring to
    accept it."""
    return [SuggestionOut(**output.suggestion_dict(s, book.base_currency))
            for s in detect_subscriptions(session, book)]


@router.get("/recurring/{recurring_id}", response_model=RecurringOut, tags=["personal"])
def get_one_recurring(recurring_id: RecurringId, book: BookDep,
                      session: SessionDep) -> RecurringOut:
    return _recurring_out(session, book, get_recurring(session, book, recurring_id))


@router.put("/recurring/{recurring_id}", response_model=RecurringOut, tags=["personal"])
def put_recurring(recurring_id: RecurringId, data: RecurringIn, book: WriteBookDep,
                  session: WriteSessionDep) -> RecurringOut:
    item = update_recurring(session, book, get_recurring(session, book, recurring_id,
                                                         for_update=True), _input(data))
    session.commit()
    return _recurring_out(session, book, item)


@router.delete("/recurring/{recurring_id}", status_code=204, tags=["personal"])
def remove_recurring(recurring_id: RecurringId, book: WriteBookDep,
                     session: WriteSessionDep) -> Response:
    delete_recurring(session, book, get_recurring(session, book, recurring_id, for_update=True))
    session.commit()
    return Response(status_code=204)


@router.post("/recurring/{recurring_id}/record", response_model=RecordOut, status_code=201,
             tags=["personal"])
def post_record(recurring_id: RecurringId, request: Request, book: WriteBookDep,
                session: WriteSessionDep, data: RecordIn | None = None,
                key: IdempotencyKey = None) -> Response:
    """Post the due occurrence as a journal entry and move the series to its next date."""
    data = data or RecordIn()

    def run() -> tuple[int, Any]:
        item = get_recurring(session, book, recurring_id, for_update=True)
        entry = record_now(session, book, item, on=data.date)
        body = RecordOut(entry_id=entry.id, entry_number=entry.number,
                         recurring=_recurring_out(session, book, item))
        return 201, body.model_dump(mode="json")
    return idempotent(request, session, key, {"recurring": recurring_id,
                                              **data.model_dump(mode="json")}, run)


# Savings goals -------------------------------------------------------------------------

@router.get("/goals", response_model=list[GoalOut], tags=["personal"])
def get_goals(book: BookDep, session: SessionDep) -> list[GoalOut]:
    return [GoalOut(**output.goal_dict(row, book.base_currency))
            for row in list_goals(session, book)]


def _goal_input(data: GoalIn) -> GoalInput:
    return GoalInput(**data.model_dump())


@router.post("/goals", response_model=GoalOut, status_code=201, tags=["personal"])
def post_goal(data: GoalIn, book: WriteBookDep, session: WriteSessionDep) -> GoalOut:
    goal = create_goal(session, book, _goal_input(data))
    session.commit()
    return _goal_out(session, book, goal)


@router.get("/goals/{goal_id}", response_model=GoalOut, tags=["personal"])
def get_one_goal(goal_id: GoalId, book: BookDep, session: SessionDep) -> GoalOut:
    return _goal_out(session, book, get_goal(session, book, goal_id))


@router.put("/goals/{goal_id}", response_model=GoalOut, tags=["personal"])
def put_goal(goal_id: GoalId, data: GoalIn, book: WriteBookDep,
             session: WriteSessionDep) -> GoalOut:
    goal = update_goal(session, book, get_goal(session, book, goal_id, for_update=True),
                       _goal_input(data))
    session.commit()
    return _goal_out(session, book, goal)


@router.delete("/goals/{goal_id}", status_code=204, tags=["personal"])
def remove_goal(goal_id: GoalId, book: WriteBookDep, session: WriteSessionDep) -> Response:
    delete_goal(session, book, get_goal(session, book, goal_id, for_update=True))
    session.commit()
    return Response(status_code=204)


@router.post("/goals/{goal_id}/contributions", response_model=GoalOut, tags=["personal"])
def post_contribution(goal_id: GoalId, data: ContributionIn, book: WriteBookDep,
                      session: WriteSessionDep) -> GoalOut:
    """Add to (or take from) a goal that has no linked account."""
    goal = contribute(session, book, get_goal(session, book, goal_id, for_update=True),
                      data.amount)
    session.commit()
    return _goal_out(session, book, goal)


# Reports -------------------------------------------------------------------------------

@router.get("/net-worth", tags=["personal"], responses=CSV_RESPONSE)
def get_net_worth(book: BookDep, session: SessionDep,
                  months: Annotated[int, Query(ge=1, le=120)] = 12,
                  format: Format = "json") -> Any:
    """Assets less liabilities at each month's end, the last point being today."""
    report = net_worth(session, book, months)
    if format == "csv":
        return csv_response(output.net_worth_table(report), "net-worth")
    return output.net_worth_dict(report)


@router.get("/forecast", tags=["personal"], responses=CSV_RESPONSE)
def get_forecast(book: BookDep, session: SessionDep,
                 months: Annotated[int, Query(ge=1, le=24)] = 3,
                 format: Format = "json") -> Any:
    """Expected income, expenses and money-account balance for the coming months."""
    report = forecast(session, book, months)
    if format == "csv":
        return csv_response(output.forecast_table(report), "forecast")
    return output.forecast_dict(report)

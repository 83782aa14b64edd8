"""Fuzz the personal-finance API (Schemathesis, SQLite only): a household book with
budgets, recurring transactions, goals and a year of entries, so generated requests reach
the reports, record-now and contributions, not only the validation."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from folio.auth.actor import SYSTEM
from folio.books.service import BookInput, create_book
from folio.db import create_folio_engine, make_session
from folio.ledger.service import EntryInput, LineInput, create_entry
from folio.personal.budgets import BudgetInput, set_budget
from folio.personal.goals import GoalInput, create_goal
from folio.personal.recurring import RecurringInput, create_recurring
from tests.conftest import OWNER, bearer_token, ensure_member, unthrottled_app
from tests.fuzzing import is_a_problem_document

DB_DIR = Path(tempfile.mkdtemp(prefix="folio-personal-fuzz-"))
ENGINE = create_folio_engine(f"sqlite:///{DB_DIR / 'folio.db'}")
PERSONAL = r"/books/\{slug\}/(budgets|recurring|goals|net-worth|forecast)"
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", unthrottled_app(ENGINE)) \
    .include(path_regex=PERSONAL)
CATEGORIES = ["5010", "5000", "5110", "4010", "1020"]
MONEY = ["1020", "2010", "1010", "5010"]
MONTHS = ["2026-10", "2026-11", "2026-13", "2026-1"]
AUTH: dict[str, str] = {}


def _entry(session: Any, book: Any, day: date, debit: str, credit: str, amount: int) -> None:
    create_entry(session, book, EntryInput(date=day, description="Seed", party="Netflix", lines=[
        LineInput(account=debit, amount=Decimal(amount)),
        LineInput(account=credit, amount=Decimal(-amount))]), post=True)


@pytest.fixture(scope="module", autouse=True)
def seeded_book(sqlite_template: Path) -> Iterator[None]:
    shutil.copy(sqlite_template, DB_DIR / "folio.db")
    with make_session(ENGINE, write=True, actor=SYSTEM) as session:
        book = create_book(session, BookInput(slug="home", name="Home", base_currency="IDR",
                                              locale="id_ID", chart="personal"))
        ensure_member(session, book, OWNER, "owner")
        _entry(session, book, date(2026, 1, 2), "1020", "3100", 50_000_000)
        for month in range(1, 12):
            _entry(session, book, date(2026, month, 5), "5110", "1020", 186_000)
            _entry(session, book, date(2026, month, 9), "5010", "2010", 1_500_000)
        for budget_month in ("2026-10", "2026-11"):
            set_budget(session, book, BudgetInput(month=budget_month, account="5010",
                                                  amount=Decimal(2_000_000), rollover=True))
        for n in range(1, 6):
            create_recurring(session, book, RecurringInput(
                name=f"Bill {n}", amount=Decimal(n * 100_000), category="5040",
                money_account="1020", next_date=date(2026, 10, 28 + n % 4),
                frequency=("weekly", "monthly", "quarterly", "yearly", "monthly")[n - 1]))
            create_goal(session, book, GoalInput(
                name=f"Goal {n}", target_amount=Decimal(n * 1_000_000),
                account="1030" if n % 2 else None, target_date=date(2027, n, 1)))
        session.commit()
    AUTH["Authorization"] = f"Bearer {bearer_token(ENGINE, OWNER)}"
    yield
    ENGINE.dispose()
    shutil.rmtree(DB_DIR, ignore_errors=True)


def steer(case: Any) -> None:
    """Point ids at seeded rows, months at real ones, codes at accounts most of the time."""
    params = case.path_parameters or {}
    if "slug" in params:
        params["slug"] = "home"
    for name in ("recurring_id", "goal_id"):
        if isinstance(params.get(name), int) and params[name] % 5:
            params[name] = params[name] % 6 or 1
    if isinstance(params.get("month"), str) and len(params["month"]) % 3:
        params["month"] = MONTHS[len(params["month"]) % len(MONTHS)]
    if isinstance(params.get("account"), str) and len(params["account"]) % 2:
        params["account"] = CATEGORIES[len(params["account"]) % len(CATEGORIES)]
    body = case.body if isinstance(case.body, dict) else None
    if body is None:
        return
    if isinstance(body.get("category"), str) and len(body["category"]) % 2:
        body["category"] = CATEGORIES[len(body["category"]) % len(CATEGORIES)]
    if isinstance(body.get("money_account"), str) and len(body["money_account"]) % 2:
        body["money_account"] = MONEY[len(body["money_account"]) % len(MONEY)]
    if isinstance(body.get("account"), str) and len(body["account"]) % 2:
        body["account"] = ["1030", "1020", "5010", "1000"][len(body["account"]) % 4]


@schema.parametrize()
@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_the_personal_api_answers_any_request_without_a_server_error(case: Any) -> None:
    steer(case)
    case.call_and_validate(headers=AUTH, checks=[not_a_server_error, is_a_problem_document])

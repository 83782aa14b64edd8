"""Personal-finance pages: overview charts and tables, the budget editor, recurring
transactions and goals, for an owner and for a viewer."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.clock import today
from folio.ledger.models import JournalEntry
from folio.personal.budgets import BudgetInput, set_budget
from folio.personal.goals import GoalInput, create_goal
from folio.personal.recurring import RecurringInput, create_recurring
from tests.conftest import ensure_member, post, sign_in_as
from tests.personal.conftest import CHECKING, GROCERIES, OPENING, SAVINGS, SUBSCRIPTIONS
from tests.web.page import Page

PERSONAL = "/books/home/personal"


def _this_month() -> str:
    return today().strftime("%Y-%m")


def test_the_overview_carries_three_charts_and_their_tables(
        session: Session, household: Book, page: Callable[..., Page], client: Any) -> None:
    first = today().replace(day=1)
    post(session, household, first, [(CHECKING, 9_000_000), (OPENING, -9_000_000)])
    post(session, household, first, [(GROCERIES, 1_250_000), (CHECKING, -1_250_000)])

    shown = page(PERSONAL)

    charts = shown.attribute_values("data-personal-chart")
    assert charts == ["spending", "cashflow", "net_worth"]
    assert "Spending by category" in shown.text
    assert "Groceries 1.250.000" in shown.text
    assert "Net worth" in shown.text
    html = client.get(PERSONAL).text
    raw = html.split('id="personal-chart-data">')[1].split("</script>")[0]
    data = json.loads(raw)
    assert data["spending"]["values"] == [1_250_000]
    assert data["labels"]["spending"] == ["Groceries"]
    assert data["net_worth"]["values"][-1] == 7_750_000
    assert len(data["cashflow"]["values_expenses"]) == 12
    assert "<script>" not in html.replace('<script type="application/json"', "")


def test_the_nav_has_a_personal_section(book: Book, page: Callable[..., Page]) -> None:
    shown = page("/books/acme")
    for href in ("/books/acme/personal", "/books/acme/personal/budgets",
                 "/books/acme/personal/recurring", "/books/acme/personal/goals"):
        assert href in shown.hrefs(), href


def test_the_budget_editor_sets_a_budget(
        client: Any, session: Session, household: Book, page: Callable[..., Page]) -> None:
    month = _this_month()
    saved = client.post(f"{PERSONAL}/budgets", data={
        "month": month, "account": GROCERIES, "amount": "2.000.000", "rollover": "1"},
        follow_redirects=False)
    assert saved.status_code == 303, saved.text[:1000]

    shown = page(saved.headers["location"])

    assert "The budget is saved." in shown.text
    assert "5010 · Groceries Rollover" in shown.text
    assert "2.000.000" in shown.text
    assert "Copy last month's budgets" in shown.text


def test_a_bad_budget_shows_the_message_and_writes_nothing(
        client: Any, household: Book, counts: Callable[[], dict[str, int]]) -> None:
    before = counts()
    answer = client.post(f"{PERSONAL}/budgets", data={
        "month": _this_month(), "account": CHECKING, "amount": "5"})
    assert answer.status_code == 422
    assert "1020 is an asset account" in Page(answer.text).text
    negative = client.post(f"{PERSONAL}/budgets", data={
        "month": _this_month(), "account": GROCERIES, "amount": "-5"})
    assert negative.status_code == 422
    assert client.get(f"{PERSONAL}/budgets", params={"month": "2026-13"}).status_code == 422
    assert counts() == before


def test_a_viewer_sees_no_edit_buttons(
        session: Session, household: Book, anonymous: Any, engine: Engine) -> None:
    set_budget(session, household, BudgetInput(month=_this_month(), account=GROCERIES,
                                               amount=Decimal(1_000_000)))
    create_recurring(session, household, RecurringInput(
        name="Netflix", amount=Decimal(186_000), category=SUBSCRIPTIONS,
        money_account=CHECKING, next_date=date(2026, 12, 5)))
    create_goal(session, household, GoalInput(name="Motor", target_amount=Decimal(1_000)))
    ensure_member(session, household, "viewer@example.test", "viewer")
    session.commit()
    sign_in_as(anonymous, engine, "viewer@example.test")

    budgets = Page(anonymous.get(f"{PERSONAL}/budgets").text)
    recurring = Page(anonymous.get(f"{PERSONAL}/recurring").text)
    goals = Page(anonymous.get(f"{PERSONAL}/goals").text)

    assert "Groceries" in budgets.text
    assert "Netflix" in recurring.text
    assert "Motor" in goals.text
    for shown in (budgets, recurring, goals):
        assert shown.attribute_values("method") == ["post", "post", "post"], \
            "only the shell's sign-out, language and theme forms"
    assert "Record now" not in recurring.text
    assert anonymous.get(f"{PERSONAL}/recurring/new").status_code == 403
    refused = anonymous.post(f"{PERSONAL}/budgets", data={
        "month": _this_month(), "account": GROCERIES, "amount": "5"})
    assert refused.status_code == 403


def test_a_post_without_the_csrf_token_is_refused(
        client: Any, household: Book, counts: Callable[[], dict[str, int]]) -> None:
    before = counts()
    del client.headers["X-CSRF-Token"]
    answer = client.post(f"{PERSONAL}/budgets", data={
        "month": _this_month(), "account": GROCERIES, "amount": "5"})
    assert answer.status_code == 403
    assert counts() == before


def test_recurring_new_record_and_edit(
        client: Any, session: Session, household: Book, page: Callable[..., Page]) -> None:
    form = page(f"{PERSONAL}/recurring/new?name=Netflix&amount=186.000&category={SUBSCRIPTIONS}")
    assert "Netflix" in form.attribute_values("value")
    made = client.post(f"{PERSONAL}/recurring/new", data={
        "name": "Netflix", "payee": "Netflix", "kind": "subscription", "amount": "186.000",
        "category": SUBSCRIPTIONS, "money_account": CHECKING, "frequency": "monthly",
        "interval": "1", "next_date": "2026-10-31", "end_date": "", "active": "1"},
        follow_redirects=False)
    assert made.status_code == 303, made.text[:2000]

    listed = page(f"{PERSONAL}/recurring")
    assert "Netflix" in listed.text
    assert "Record now" in listed.text
    recorded = client.post(f"{PERSONAL}/recurring/1/record", follow_redirects=False)
    assert recorded.status_code == 303
    assert session.scalar(select(func.count()).select_from(JournalEntry)) == 1
    session.rollback()  # SQLite: let the next request take the write lock
    after = page(recorded.headers["location"])
    assert "The entry is posted and the next date moved on." in after.text
    assert "30 Nov 2026" in after.text

    edit = page(f"{PERSONAL}/recurring/1/edit")
    assert "186000" in edit.attribute_values("value")
    bad = client.post(f"{PERSONAL}/recurring/1/edit", data={
        "name": "Netflix", "payee": "", "kind": "subscription", "amount": "abc",
        "category": SUBSCRIPTIONS, "money_account": CHECKING, "frequency": "monthly",
        "interval": "1", "next_date": "2026-11-30", "end_date": "", "active": "1"})
    assert bad.status_code == 422
    assert "not a number" in Page(bad.text).text


def test_goals_page_adds_and_shows_progress(
        client: Any, session: Session, household: Book, page: Callable[..., Page]) -> None:
    post(session, household, "2026-01-05", [(SAVINGS, 3_000_000), (OPENING, -3_000_000)])
    made = client.post(f"{PERSONAL}/goals", data={
        "name": "Motor", "target_amount": "12.000.000", "target_date": "", "account": SAVINGS},
        follow_redirects=False)
    assert made.status_code == 303, made.text[:2000]
    client.post(f"{PERSONAL}/goals", data={"name": "Lebaran", "target_amount": "1.000.000"})
    client.post(f"{PERSONAL}/goals/2/contribute", data={"amount": "250.000"})

    shown = page(f"{PERSONAL}/goals")

    assert "Motor" in shown.text
    assert "25.0%" in shown.text
    assert "Lebaran" in shown.text
    assert "Rp250.000" in shown.text.replace("\xa0", "")

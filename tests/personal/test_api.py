"""The personal-finance API: budgets, recurring transactions, goals, reports."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.clock import today
from folio.ledger.periods import add_months
from tests.api.conftest import problem
from tests.conftest import bearer_token, ensure_member, post
from tests.personal.conftest import CHECKING, GROCERIES, OPENING, SAVINGS, SUBSCRIPTIONS

BASE = "/api/v1/books/home"
NETFLIX = {"name": "Netflix", "payee": "Netflix", "amount": "186000",
           "category": SUBSCRIPTIONS, "money_account": CHECKING, "next_date": "2026-10-31"}


def test_a_budget_is_set_and_reported_against_spending(
        client: Any, session: Session, household: Book) -> None:
    put = client.put(f"{BASE}/budgets/2026-10/{GROCERIES}",
                     json={"amount": "2000000", "rollover": True})
    assert put.status_code == 200, put.text
    assert put.json() == {"month": "2026-10", "account": GROCERIES, "amount": "2000000",
                          "rollover": True}
    post(session, household, "2026-10-12", [(GROCERIES, 1_500_000), (CHECKING, -1_500_000)])
    copied = client.post(f"{BASE}/budgets/2026-11/copy")
    assert copied.status_code == 201
    assert [b["account"] for b in copied.json()] == [GROCERIES]

    report = client.get(f"{BASE}/budgets", params={"month": "2026-11"}).json()

    (line,) = report["categories"]
    assert (line["budgeted"], line["rolled_over"], line["available"]) == (
        "2000000", "500000", "2500000")
    assert report["totals"]["remaining"] == "2500000"
    csv = client.get(f"{BASE}/budgets", params={"month": "2026-11", "format": "csv"})
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines()[0] == ("account,name,budgeted,rolled_over,spent,remaining,"
                                        "percent_used,over_budget")


def test_a_budget_is_removed(client: Any, household: Book) -> None:
    client.put(f"{BASE}/budgets/2026-11/{GROCERIES}", json={"amount": "1"})
    assert client.delete(f"{BASE}/budgets/2026-11/{GROCERIES}").status_code == 204
    problem(client.delete(f"{BASE}/budgets/2026-11/{GROCERIES}"), 404)


@pytest.mark.parametrize(("path", "body", "field"), [
    (f"/budgets/2026-11/{GROCERIES}", {"amount": "-1"}, None),
    (f"/budgets/2026-13/{GROCERIES}", {"amount": "1"}, "month"),
    (f"/budgets/2026-11/{CHECKING}", {"amount": "1"}, "account"),
    ("/budgets/2026-11/9999", {"amount": "1"}, "account"),
])
def test_bad_budgets_are_problems_and_write_nothing(
        client: Any, household: Book, counts: Callable[[], dict[str, int]],
        path: str, body: dict[str, str], field: str | None) -> None:
    before = counts()
    answer = problem(client.put(BASE + path, json=body), 422)
    if field:
        assert field in [e["field"] for e in answer["errors"]]
    assert counts() == before


def test_record_now_posts_once_per_idempotency_key(client: Any, household: Book) -> None:
    made = client.post(f"{BASE}/recurring", json=NETFLIX)
    assert made.status_code == 201, made.text
    item_id = made.json()["id"]
    headers = {"Idempotency-Key": "netflix-oct"}

    first = client.post(f"{BASE}/recurring/{item_id}/record", headers=headers)
    again = client.post(f"{BASE}/recurring/{item_id}/record", headers=headers)

    assert first.status_code == 201, first.text
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert first.json() == again.json()
    assert first.json()["recurring"]["next_date"] == "2026-11-30"
    entry = client.get(f"/api/v1/books/home/entries/{first.json()['entry_id']}").json()
    assert entry["date"] == "2026-10-31"
    listed = client.get(f"{BASE}/recurring").json()
    assert [(r["name"], r["next_date"]) for r in listed] == [("Netflix", "2026-11-30")]


def test_a_recurring_transaction_is_changed_and_deleted(client: Any, household: Book) -> None:
    item_id = client.post(f"{BASE}/recurring", json=NETFLIX).json()["id"]
    changed = client.put(f"{BASE}/recurring/{item_id}", json={**NETFLIX, "amount": "199000",
                                                               "frequency": "yearly"})
    assert changed.json()["amount"] == "199000"
    assert changed.json()["frequency"] == "yearly"
    assert client.delete(f"{BASE}/recurring/{item_id}").status_code == 204
    problem(client.get(f"{BASE}/recurring/{item_id}"), 404)


def test_bad_recurring_input_is_a_problem(
        client: Any, household: Book, counts: Callable[[], dict[str, int]]) -> None:
    before = counts()
    body = problem(client.post(f"{BASE}/recurring", json={**NETFLIX, "category": CHECKING}), 422)
    assert "category" in [e["field"] for e in body["errors"]]
    problem(client.post(f"{BASE}/recurring", json={**NETFLIX, "amount": "0"}), 422)
    problem(client.post(f"{BASE}/recurring/99/record"), 404)
    assert counts() == before


def test_suggestions_can_be_accepted(client: Any, session: Session, household: Book) -> None:
    recent = today() - timedelta(days=5)
    for back in (2, 1, 0):
        post(session, household, add_months(recent, -back),
             [(SUBSCRIPTIONS, 55_000), (CHECKING, -55_000)], description="Spotify",
             party="Spotify")

    (found,) = client.get(f"{BASE}/recurring/suggestions").json()
    assert (found["name"], found["amount"], found["category"]) == ("Spotify", "55000",
                                                                   SUBSCRIPTIONS)
    accepted = client.post(f"{BASE}/recurring", json={
        k: found[k] for k in ("name", "payee", "amount", "category", "money_account",
                              "frequency", "next_date")})
    assert accepted.status_code == 201, accepted.text
    assert client.get(f"{BASE}/recurring/suggestions").json() == []


def test_goals_through_the_api(client: Any, session: Session, household: Book) -> None:
    post(session, household, "2026-01-05", [(SAVINGS, 3_000_000), (OPENING, -3_000_000)])
    linked = client.post(f"{BASE}/goals", json={"name": "Motor", "target_amount": "12000000",
                                                "account": SAVINGS})
    manual = client.post(f"{BASE}/goals", json={"name": "Lebaran", "target_amount": "1000000"})
    assert linked.status_code == 201, linked.text
    assert (linked.json()["current"], linked.json()["percent"]) == ("3000000", "25.0")

    given = client.post(f"{BASE}/goals/{manual.json()['id']}/contributions",
                        json={"amount": "250000"})
    assert given.json()["current"] == "250000"
    problem(client.post(f"{BASE}/goals/{linked.json()['id']}/contributions",
                        json={"amount": "1"}), 409)
    problem(client.post(f"{BASE}/goals", json={"name": "Motor", "target_amount": "1"}), 409)
    assert [g["name"] for g in client.get(f"{BASE}/goals").json()] == ["Lebaran", "Motor"]
    assert client.delete(f"{BASE}/goals/{manual.json()['id']}").status_code == 204


def test_net_worth_and_forecast(client: Any, session: Session, household: Book) -> None:
    post(session, household, "2026-01-05", [(CHECKING, 5_000_000), (OPENING, -5_000_000)])
    client.post(f"{BASE}/recurring", json={**NETFLIX, "next_date": today().isoformat()})

    worth = client.get(f"{BASE}/net-worth", params={"months": 24}).json()
    cast = client.get(f"{BASE}/forecast").json()

    assert len(worth["points"]) == 24
    assert worth["current"] == "5000000"
    assert cast["start_balance"] == "5000000"
    assert [m["expenses"] for m in cast["months"]] == ["186000", "186000", "186000"]
    assert cast["months"][-1]["balance"] == "4442000"
    assert client.get(f"{BASE}/forecast", params={"format": "csv"}).text.startswith(
        "month,income,expenses,net,balance")
    problem(client.get(f"{BASE}/forecast", params={"months": 25}), 422)


def test_a_viewer_reads_but_cannot_write(
        anonymous: Any, engine: Engine, session: Session, household: Book) -> None:
    ensure_member(session, household, "viewer@example.test", "viewer")
    session.commit()
    token = bearer_token(engine, "viewer@example.test")
    headers = {"Authorization": f"Bearer {token}"}

    assert anonymous.get(f"{BASE}/budgets", headers=headers).status_code == 200
    assert anonymous.get(f"{BASE}/net-worth", headers=headers).status_code == 200
    problem(anonymous.put(f"{BASE}/budgets/2026-11/{GROCERIES}", json={"amount": "1"},
                          headers=headers), 403)
    problem(anonymous.post(f"{BASE}/recurring", json=NETFLIX, headers=headers), 403)
    problem(anonymous.post(f"{BASE}/goals", json={"name": "x", "target_amount": "1"},
                           headers=headers), 403)

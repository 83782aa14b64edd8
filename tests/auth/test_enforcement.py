"""Every write endpoint, tried as every persona: the permission matrix holds over HTTP.

Each attempt gets fresh state from its case's ``prepare`` (a new draft to post, a new
posted entry to reverse ...), so an attempt that succeeds does not spoil the next one.
An outsider learns nothing about the book (404); a member without the permission gets 403.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import count
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from folio.auth.actor import SYSTEM
from folio.auth.roles import Role, allows
from folio.books.models import Book
from folio.db import make_session
from folio.ledger.service import EntryInput, LineInput, create_entry
from tests.conftest import bearer_token, ensure_member, ensure_user, post

BOOK = "/api/v1/books/acme"
PERSONAS = [*Role, "outsider"]
_serial = count(1)


def _draft(engine: Engine, book: Book, *, posted: bool = False) -> int:
    with make_session(engine, write=True, actor=SYSTEM) as session:
        if posted:
            entry = post(session, book, "2026-03-01", [("1010", "10"), ("4100", "-10")])
        else:
            entry = create_entry(session, book, EntryInput(
                date=date(2026, 3, 1), description="Draft",
                lines=[LineInput("1010", Decimal(5)), LineInput("4100", Decimal(-5))]))
            session.commit()
        return entry.id


Request = tuple[str, str, dict[str, Any] | None]


@dataclass(frozen=True)
class Case:
    name: str
    action: str
    prepare: Callable[[Engine, Book], Request]


def _entry_body(post_it: bool = False) -> dict[str, Any]:
    return {"date": "2026-03-02", "description": "Sale", "post": post_it,
            "lines": [{"account": "1010", "amount": "3"}, {"account": "4100", "amount": "-3"}]}


CASES = [
    Case("create account", "account.write", lambda e, b: (
        "POST", f"{BOOK}/accounts", {"code": f"77{next(_serial):03d}", "name": "Petty cash",
                                     "type": "asset"})),
    Case("rename account", "account.write", lambda e, b: (
        "PATCH", f"{BOOK}/accounts/6200", {"name": f"Rent {next(_serial)}"})),
    Case("create draft", "entry.draft", lambda e, b: ("POST", f"{BOOK}/entries", _entry_body())),
    Case("create posted entry", "entry.post", lambda e, b: (
        "POST", f"{BOOK}/entries", _entry_body(post_it=True))),
    Case("replace draft", "entry.draft", lambda e, b: (
        "PUT", f"{BOOK}/entries/{_draft(e, b)}", _entry_body())),
    Case("delete draft", "entry.draft", lambda e, b: (
        "DELETE", f"{BOOK}/entries/{_draft(e, b)}", None)),
    Case("post draft", "entry.post", lambda e, b: (
        "POST", f"{BOOK}/entries/{_draft(e, b)}/post", None)),
    Case("reverse entry", "entry.reverse", lambda e, b: (
        "POST", f"{BOOK}/entries/{_draft(e, b, posted=True)}/reverse", {})),
    Case("lock the book", "period.close", lambda e, b: (
        "PATCH", BOOK, {"lock_date": "2020-01-31"})),
    Case("close a year", "period.close", lambda e, b: (
        "POST", f"{BOOK}/close-year", {"date": f"{1990 + next(_serial) % 30}-06-30"})),
    Case("add a member", "user.manage", lambda e, b: (
        "POST", f"{BOOK}/members", {"email": _new_user(e), "role": "viewer"})),
]


def _new_user(engine: Engine) -> str:
    email = f"new{next(_serial)}@example.test"
    with make_session(engine, write=True, actor=SYSTEM) as session:
        ensure_user(session, email)
        session.commit()
    return email


@pytest.fixture
def tokens(engine: Engine, book: Book) -> dict[str, str]:
    """An API token per persona: one member of `book` per role, and an outsider."""
    with make_session(engine, write=True, actor=SYSTEM) as session:
        for role in Role:
            ensure_member(session, book, f"{role.value}@example.test", role.value)
        ensure_user(session, "outsider@example.test")
        session.commit()
    return {str(p): bearer_token(engine, f"{p}@example.test") for p in PERSONAS}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_each_persona_may_do_exactly_what_its_role_allows(
        case: Case, engine: Engine, book: Book, tokens: dict[str, str],
        anonymous: TestClient) -> None:
    outcomes = {}
    for persona in PERSONAS:
        method, path, body = case.prepare(engine, book)
        response = anonymous.request(method, path, json=body,
                                     headers={"Authorization": f"Bearer {tokens[str(persona)]}"})
        outcomes[str(persona)] = response.status_code
        if persona == "outsider":
            expected = {404}
        elif allows(persona, case.action):
            expected = {200, 201, 204}
        else:
            expected = {403}
        assert response.status_code in expected, (persona, response.text)
        if response.status_code >= 400:
            assert response.headers["content-type"] == "application/problem+json"
    assert outcomes["owner"] < 300  # the case itself is sound


def test_a_read_only_token_reads_but_never_writes(
        engine: Engine, book: Book, anonymous: TestClient) -> None:
    with make_session(engine, write=True, actor=SYSTEM) as session:
        ensure_member(session, book, "reader@example.test", "owner")
        session.commit()
    headers = {"Authorization": f"Bearer {bearer_token(engine, 'reader@example.test', 'read')}"}
    assert anonymous.get(f"{BOOK}/reports/trial-balance", headers=headers).status_code == 200
    refused = anonymous.post(f"{BOOK}/entries", json=_entry_body(), headers=headers)
    assert refused.status_code == 403
    assert "only read" in refused.json()["detail"]
    assert anonymous.post("/api/v1/me/tokens", json={"name": "more"},
                          headers=headers).status_code == 403


def test_an_outsider_sees_no_book_and_cannot_tell_it_exists(
        engine: Engine, book: Book, tokens: dict[str, str], anonymous: TestClient) -> None:
    headers = {"Authorization": f"Bearer {tokens['outsider']}"}
    assert anonymous.get("/api/v1/books", headers=headers).json() == []
    there = anonymous.get(BOOK, headers=headers)
    nowhere = anonymous.get("/api/v1/books/nope", headers=headers)
    assert there.status_code == nowhere.status_code == 404
    assert there.json()["title"] == nowhere.json()["title"]


def test_staff_drafts_wait_for_an_accountant_to_post(
        engine: Engine, book: Book, tokens: dict[str, str], anonymous: TestClient) -> None:
    staff = {"Authorization": f"Bearer {tokens['staff']}"}
    accountant = {"Authorization": f"Bearer {tokens['accountant']}"}
    draft = anonymous.post(f"{BOOK}/entries", json=_entry_body(), headers=staff)
    assert draft.status_code == 201
    entry_id = draft.json()["id"]
    assert anonymous.post(f"{BOOK}/entries/{entry_id}/post",
                          headers=staff).status_code == 403
    posted = anonymous.post(f"{BOOK}/entries/{entry_id}/post", headers=accountant)
    assert posted.status_code == 200
    assert posted.json()["status"] == "posted"


def test_an_idempotency_key_never_replays_another_users_response(
        engine: Engine, book: Book, tokens: dict[str, str], anonymous: TestClient) -> None:
    key = {"Idempotency-Key": "same-key-by-chance"}
    first = anonymous.post(f"{BOOK}/entries", json=_entry_body(), headers={
        **key, "Authorization": f"Bearer {tokens['owner']}"})
    second = anonymous.post(f"{BOOK}/entries", json=_entry_body(), headers={
        **key, "Authorization": f"Bearer {tokens['accountant']}"})
    assert first.status_code == second.status_code == 201
    assert "idempotent-replayed" not in second.headers
    assert first.json()["id"] != second.json()["id"]
    again = anonymous.post(f"{BOOK}/entries", json=_entry_body(), headers={
        **key, "Authorization": f"Bearer {tokens['owner']}"})
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]

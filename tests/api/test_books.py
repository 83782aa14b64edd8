"""Books and accounts through the JSON API."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import API, BOOK, SALE, entry_body, fields, problem


def test_it_creates_lists_and_shows_books(client: TestClient) -> None:
    response = client.post(f"{API}/books", json={
        "slug": "studio", "name": "Studio Jakarta", "base_currency": "IDR", "locale": "id_ID",
        "chart": "id-psak"})
    assert response.status_code == 201
    assert response.json() == {"slug": "studio", "name": "Studio Jakarta",
                               "base_currency": "IDR", "locale": "id_ID", "country": "ID",
                               "fiscal_year_start": 1, "lock_date": None, "entries": 0}
    assert [b["slug"] for b in client.get(f"{API}/books").json()] == ["studio"]
    assert client.get(f"{API}/books/studio").json()["base_currency"] == "IDR"


@pytest.mark.parametrize(("body", "field"), [
    ({"base_currency": "XYZ"}, "base_currency"),
    ({"slug": "Not A Slug"}, "slug"),
    ({"locale": "xx_NOPE"}, "locale"),
    ({"fiscal_year_start": 13}, "fiscal_year_start"),
    ({"chart": "martian"}, "chart"),
    ({"unknown": 1}, "unknown"),
    ({"name": ""}, "name"),
])
def test_a_bad_book_is_refused_with_field_errors(client: TestClient, counts: Any,
                                                 body: dict[str, Any], field: str) -> None:
    before = counts()
    good = {"slug": "shop", "name": "Shop", "base_currency": "USD"}
    body = problem(client.post(f"{API}/books", json={**good, **body}), 422)
    assert field in fields(body)
    assert counts() == before


def test_a_duplicate_slug_is_a_conflict(api: TestClient) -> None:
    body = problem(api.post(f"{API}/books", json={"slug": "acme", "name": "Again",
                                                  "base_currency": "USD"}), 409, "conflict")
    assert fields(body) == ["slug"]


@pytest.mark.parametrize("slug", ["nope", "NOPE", "x" * 40, "a%00b", "%F0%9F%92%A9"])
def test_an_unknown_book_is_not_found(client: TestClient, slug: str) -> None:
    problem(client.get(f"{API}/books/{slug}"), 404)
    problem(client.get(f"{API}/books/{slug}/accounts"), 404)


def test_the_lock_date_is_set_and_cleared(api: TestClient) -> None:
    assert api.patch(BOOK, json={"lock_date": "2025-01-31"}).json()["lock_date"] == "2025-01-31"
    body = problem(api.post(f"{BOOK}/entries", json=entry_body(SALE, "2025-01-31", post=True)),
                   409, "period-locked")
    assert fields(body) == ["date"]
    assert api.patch(BOOK, json={"lock_date": None}).json()["lock_date"] is None
    assert api.post(f"{BOOK}/entries", json=entry_body(SALE, "2025-01-31",
                                                       post=True)).status_code == 201


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_closing_a_year_folio_cannot_handle_is_refused(api: TestClient, day: str) -> None:
    assert fields(problem(api.post(f"{BOOK}/close-year", json={"date": day}), 422)) == ["date"]


# Accounts


def test_it_lists_creates_shows_and_updates_accounts(api: TestClient) -> None:
    chart = api.get(f"{BOOK}/accounts").json()
    assert chart[0] == {"code": "1000", "name": "Assets", "name_id": None, "type": "asset",
                        "parent": None, "is_group": True, "is_active": True, "currency": None,
                        "role": None}
    made = api.post(f"{BOOK}/accounts", json={"code": "1030", "name": "Petty cash",
                                              "type": "asset", "parent": "1000"})
    assert made.status_code == 201
    assert made.json()["parent"] == "1000"
    assert api.get(f"{BOOK}/accounts/1030").json()["name"] == "Petty cash"
    patched = api.patch(f"{BOOK}/accounts/1030", json={"name": "Till", "is_active": False})
    assert (patched.json()["name"], patched.json()["is_active"]) == ("Till", False)
    body = problem(api.post(f"{BOOK}/entries", json=entry_body([("1030", "1"), ("4100", "-1")])),
                   422)
    assert body["errors"] == [{"field": "lines[0].account", "message": "1030 is inactive"}]


@pytest.mark.parametrize(("body", "status", "field"), [
    ({"code": "1010", "name": "Cash", "type": "asset"}, 409, "code"),
    ({"code": "4150", "name": "Fees", "type": "income", "parent": "1000"}, 422, "parent"),
    ({"code": "4150", "name": "Fees", "type": "incomes"}, 422, "type"),
    ({"code": "bad code", "name": "Fees", "type": "income"}, 422, "code"),
    ({"code": "4150", "name": "Fees", "type": "income", "currency": "EURO"}, 422, "currency"),
    ({"code": "4150", "name": "Fees", "type": "income", "parent": "a\u0000b"}, 422, "parent"),
])
def test_a_bad_account_is_refused(api: TestClient, counts: Any, body: dict[str, Any],
                                  status: int, field: str) -> None:
    before = counts()
    assert field in fields(problem(api.post(f"{BOOK}/accounts", json=body), status))
    assert counts() == before


def test_an_unknown_account_is_not_found(api: TestClient) -> None:
    problem(api.get(f"{BOOK}/accounts/9999"), 404)
    problem(api.patch(f"{BOOK}/accounts/9999", json={"name": "x"}), 404)
    problem(api.get(f"{BOOK}/accounts/a%00b"), 404)

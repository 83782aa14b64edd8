"""Journal entries through the JSON API: drafts, posting, reversal, idempotency."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import BOOK, SALE, entry_body, fields, problem

ENTRIES = f"{BOOK}/entries"


def _draft(api: TestClient, lines: list[tuple[str, str]] = SALE, **extra: Any) -> dict[str, Any]:
    response = api.post(ENTRIES, json=entry_body(lines, **extra))
    assert response.status_code == 201, response.text
    return response.json()


def test_a_draft_is_created_then_posted(api: TestClient) -> None:
    draft = _draft(api, party="Alice", reference="INV-1")
    assert (draft["status"], draft["number"], draft["hash"], draft["kind"]) == (
        "draft", None, None, "manual")
    assert draft["lines"][0] == {"line_no": 1, "account": "1010", "account_name": "Cash",
                                 "amount": "100.00", "currency": "USD", "rate": "1",
                                 "base_amount": "100.00", "debit": "100.00", "credit": "0.00",
                                 "memo": None}
    posted = api.post(f"{ENTRIES}/{draft['id']}/post")
    assert posted.status_code == 200
    assert (posted.json()["status"], posted.json()["number"]) == ("posted", 1)
    assert len(posted.json()["hash"]) == 64
    assert api.get(f"{ENTRIES}/{draft['id']}").json() == posted.json()
    problem(api.post(f"{ENTRIES}/{draft['id']}/post"), 409, "conflict")


def test_an_entry_can_be_posted_at_once(api: TestClient) -> None:
    entry = _draft(api, post=True)
    assert (entry["status"], entry["number"]) == ("posted", 1)


def test_a_draft_can_be_replaced_and_deleted(api: TestClient, counts: Any) -> None:
    draft = _draft(api)
    replaced = api.put(f"{ENTRIES}/{draft['id']}", json=entry_body(
        [("1020", "7.50"), ("4100", "-7.50")], "2025-02-01", description="Changed"))
    assert replaced.status_code == 200
    assert (replaced.json()["date"], replaced.json()["description"],
            replaced.json()["lines"][0]["account"]) == ("2025-02-01", "Changed", "1020")
    posted = api.put(f"{ENTRIES}/{draft['id']}", json=entry_body(SALE, post=True))
    assert posted.json()["status"] == "posted"
    other = _draft(api)
    assert api.delete(f"{ENTRIES}/{other['id']}").status_code == 204
    problem(api.get(f"{ENTRIES}/{other['id']}"), 404)
    assert counts()["journal_entries"] == 1


def test_a_posted_entry_cannot_be_replaced_or_deleted(api: TestClient, counts: Any) -> None:
    entry = _draft(api, post=True)
    before = counts()
    body = problem(api.put(f"{ENTRIES}/{entry['id']}", json=entry_body(SALE)), 409, "conflict")
    assert "reverse it" in body["detail"]
    problem(api.delete(f"{ENTRIES}/{entry['id']}"), 409, "conflict")
    assert counts() == before


def test_a_reversal_is_linked_both_ways(api: TestClient) -> None:
    entry = _draft(api, post=True)
    reversal = api.post(f"{ENTRIES}/{entry['id']}/reverse", json={"date": "2025-01-06"})
    assert reversal.status_code == 201
    mirror = reversal.json()
    assert (mirror["kind"], mirror["reversal_of"], mirror["number"]) == ("reversal",
                                                                         entry["id"], 2)
    assert [x["amount"] for x in mirror["lines"]] == ["-100.00", "100.00"]
    assert api.get(f"{ENTRIES}/{entry['id']}").json()["reversed_by"] == mirror["id"]
    problem(api.post(f"{ENTRIES}/{entry['id']}/reverse", json={"date": "2025-01-07"}), 409)
    early = problem(api.post(f"{ENTRIES}/{mirror['id']}/reverse", json={"date": "2025-01-01"}),
                    409)
    assert "itself a reversal" in early["detail"]


def test_a_reversal_needs_a_posted_entry_and_a_date_after_it(api: TestClient) -> None:
    draft = _draft(api)
    problem(api.post(f"{ENTRIES}/{draft['id']}/reverse"), 409)
    entry = _draft(api, post=True)
    body = problem(api.post(f"{ENTRIES}/{entry['id']}/reverse", json={"date": "2025-01-04"}),
                   422)
    assert fields(body) == ["date"]


def test_a_reversal_body_is_optional(api: TestClient) -> None:
    entry = _draft(api, post=True)
    assert api.post(f"{ENTRIES}/{entry['id']}/reverse").status_code == 201


@pytest.mark.parametrize(("lines", "field", "slug"), [
    ([("1010", "100.00"), ("4100", "-99.99")], "lines", "unbalanced"),
    ([("1010", "1.001"), ("4100", "-1.001")], "lines[0].amount", "validation-error"),
    ([("1000", "1"), ("4100", "-1")], "lines[0].account", "validation-error"),
    ([("9999", "1"), ("4100", "-1")], "lines[0].account", "validation-error"),
    ([("1010", "0"), ("4100", "0")], "lines[0].amount", "validation-error"),
    ([("1010", "1")], "lines", "validation-error"),
    ([("1010", "NaN"), ("4100", "1")], "lines[0].amount", "validation-error"),
    ([("1010", "1e400"), ("4100", "1")], "lines[0].amount", "validation-error"),
])
def test_a_bad_entry_is_refused_and_writes_nothing(api: TestClient, counts: Any,
                                                   lines: list[tuple[str, str]], field: str,
                                                   slug: str) -> None:
    before = counts()
    body = problem(api.post(ENTRIES, json=entry_body(lines, post=True)), 422, slug)
    assert field in fields(body)
    assert counts() == before


def test_an_unbalanced_entry_names_the_difference(api: TestClient) -> None:
    body = problem(api.post(ENTRIES, json=entry_body([("1010", "100.00"), ("4100", "-99.99")])),
                   422, "unbalanced")
    assert body["detail"] == "The entry does not balance: debits exceed credits by 0.01 USD"
    assert body["title"] == "Entry does not balance"


def test_a_foreign_line_needs_a_rate(api: TestClient) -> None:
    lines = [{"account": "1020", "amount": "100.00", "currency": "EUR"},
             {"account": "4100", "amount": "-108.15"}]
    body = problem(api.post(ENTRIES, json={"date": "2025-01-05", "description": "Euro",
                                           "lines": lines}), 422)
    assert fields(body) == ["lines[0].rate"]
    lines[0]["rate"] = "1.0815"
    entry = api.post(ENTRIES, json={"date": "2025-01-05", "description": "Euro", "lines": lines})
    assert entry.json()["lines"][0] | {} == {
        "line_no": 1, "account": "1020", "account_name": "Bank account", "amount": "100.00",
        "currency": "EUR", "rate": "1.0815", "base_amount": "108.15", "debit": "108.15",
        "credit": "0.00", "memo": None}


def test_a_huge_foreign_amount_is_refused_not_crashed(api: TestClient) -> None:
    lines = [{"account": "1020", "amount": "99999999999999999999", "currency": "EUR",
              "rate": "999999999999999999999999"}, {"account": "4100", "amount": "-1"}]
    problem(api.post(ENTRIES, json={"date": "2025-01-05", "description": "x", "lines": lines}),
            422)


@pytest.mark.parametrize("entry_id", ["0", "-1", "99999", str(2**63), str(10**30)])
def test_an_unknown_entry_is_not_found(api: TestClient, entry_id: str) -> None:
    problem(api.get(f"{ENTRIES}/{entry_id}"), 404)
    problem(api.delete(f"{ENTRIES}/{entry_id}"), 404)
    problem(api.post(f"{ENTRIES}/{entry_id}/post"), 404)
    problem(api.post(f"{ENTRIES}/{entry_id}/reverse"), 404)


def test_another_books_entry_is_not_found(api: TestClient) -> None:
    entry = _draft(api, post=True)
    api.post("/api/v1/books", json={"slug": "other", "name": "Other", "base_currency": "USD"})
    problem(api.get(f"/api/v1/books/other/entries/{entry['id']}"), 404)
    problem(api.post(f"/api/v1/books/other/entries/{entry['id']}/reverse"), 404)


HTML = '<script>alert("x")</script> & <b>Tom\'s</b> "café" \u00a0 {{ 7*7 }}'


def test_html_special_strings_come_back_unchanged(api: TestClient) -> None:
    entry = _draft(api, description=HTML, party="<img src=x onerror=alert(1)>",
                   reference="A&B<1>")
    fetched = api.get(f"{ENTRIES}/{entry['id']}").json()
    assert (fetched["description"], fetched["party"], fetched["reference"]) == (
        HTML, "<img src=x onerror=alert(1)>", "A&B<1>")
    listed = api.get(ENTRIES, params={"q": "<script>"}).json()
    assert [e["description"] for e in listed["items"]] == [HTML]


def test_the_journal_lists_filters_and_pages(api: TestClient) -> None:
    _draft(api, description="Coffee", post=True)
    _draft(api, day="2025-02-01", description="Tea", post=True)
    _draft(api, day="2025-03-01", description="Coffee cups")
    listed = api.get(ENTRIES).json()
    assert ([e["description"] for e in listed["items"]], listed["total"], listed["pages"]) == (
        ["Coffee cups", "Tea", "Coffee"], 3, 1)
    assert [e["description"] for e in api.get(ENTRIES, params={
        "q": "coffee", "status": "posted"}).json()["items"]] == ["Coffee"]
    assert [e["description"] for e in api.get(ENTRIES, params={
        "from": "2025-01-10", "to": "2025-02-28"}).json()["items"]] == ["Tea"]
    second = api.get(ENTRIES, params={"page": 2, "page_size": 2}).json()
    assert ([e["description"] for e in second["items"]], second["page"], second["pages"]) == (
        ["Coffee"], 2, 2)
    problem(api.get(ENTRIES, params={"status": "deleted"}), 422)
    problem(api.get(ENTRIES, params={"page": 0}), 422)


# Idempotency-Key


def test_a_replayed_post_returns_the_first_result_and_creates_nothing(api: TestClient,
                                                                      counts: Any) -> None:
    body = entry_body(SALE, post=True)
    first = api.post(ENTRIES, json=body, headers={"Idempotency-Key": "abc-123"})
    assert first.status_code == 201
    assert "Idempotent-Replayed" not in first.headers
    before = counts()
    again = api.post(ENTRIES, json=body, headers={"Idempotency-Key": "abc-123"})
    assert again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert counts() == before


def test_a_reused_key_with_another_body_is_a_conflict(api: TestClient, counts: Any) -> None:
    api.post(ENTRIES, json=entry_body(SALE), headers={"Idempotency-Key": "k1"})
    before = counts()
    body = problem(api.post(ENTRIES, json=entry_body(SALE, description="Other"),
                            headers={"Idempotency-Key": "k1"}), 409, "conflict")
    assert "different request body" in body["detail"]
    assert counts() == before


def test_without_a_key_each_post_creates(api: TestClient, counts: Any) -> None:
    api.post(ENTRIES, json=entry_body(SALE))
    api.post(ENTRIES, json=entry_body(SALE))
    assert counts()["journal_entries"] == 2


def test_a_refused_request_is_not_remembered(api: TestClient) -> None:
    bad = entry_body([("1010", "1"), ("4100", "-2")])
    problem(api.post(ENTRIES, json=bad, headers={"Idempotency-Key": "k2"}), 422)
    good = api.post(ENTRIES, json=entry_body(SALE), headers={"Idempotency-Key": "k2"})
    assert good.status_code == 201


def test_keys_are_scoped_to_the_route(api: TestClient) -> None:
    entry = _draft(api, post=True)
    first = api.post(f"{ENTRIES}/{entry['id']}/reverse", json={"date": "2025-01-06"},
                     headers={"Idempotency-Key": "same"})
    again = api.post(f"{ENTRIES}/{entry['id']}/reverse", json={"date": "2025-01-06"},
                     headers={"Idempotency-Key": "same"})
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    created = api.post(ENTRIES, json=entry_body(SALE), headers={"Idempotency-Key": "same"})
    assert created.status_code == 201


@pytest.mark.parametrize("key", ["x" * 201, "tab\there"])
def test_a_bad_key_is_refused(api: TestClient, key: str) -> None:
    problem(api.post(ENTRIES, json=entry_body(SALE), headers={"Idempotency-Key": key}), 422)


def test_a_refused_put_and_post_leaves_the_draft_as_it_was(api: TestClient, counts: Any) -> None:
    draft = _draft(api, day="2025-03-01")
    api.patch(BOOK, json={"lock_date": "2025-01-31"})
    before = counts()
    problem(api.put(f"{ENTRIES}/{draft['id']}", json=entry_body(
        [("1020", "7.50"), ("4100", "-7.50")], "2025-01-15", description="Changed", post=True)),
        409, "period-locked")
    assert api.get(f"{ENTRIES}/{draft['id']}").json() == draft
    assert counts() == before

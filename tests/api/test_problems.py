"""Every API error is an RFC 9457 problem document, the framework's own included."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import API, BOOK, SALE, entry_body, fields, problem


def test_an_unknown_route_is_a_404_problem(client: TestClient) -> None:
    body = problem(client.get(f"{API}/no/such/route"), 404)
    assert body["instance"] == f"{API}/no/such/route"


def test_a_wrong_method_is_a_405_problem_with_allow(api: TestClient) -> None:
    response = api.delete(f"{API}/books")
    problem(response, 405)
    assert set(response.headers["allow"].replace(" ", "").split(",")) == {"GET", "POST"}


def test_malformed_json_is_a_422_problem(api: TestClient, counts: Any) -> None:
    before = counts()
    response = api.post(f"{BOOK}/entries", content=b'{"date": "2025-01-05", "lines": [',
                        headers={"content-type": "application/json"})
    problem(response, 422, "validation-error")
    assert counts() == before


@pytest.mark.parametrize(("body", "field"), [
    ({**entry_body(SALE), "date": "2025-13-01"}, "date"),
    ({**entry_body(SALE), "surprise": True}, "surprise"),
    ({**entry_body(SALE), "lines": "many"}, "lines"),
    ({**entry_body(SALE), "description": ""}, "description"),
    ({**entry_body(SALE), "description": "x" * 501}, "description"),
    ({"date": "2025-01-05", "description": "x",
      "lines": [{"account": "1010", "amount": "ten"}, {"account": "4100", "amount": "-1"}]},
     "lines[0].amount"),
    ({"date": "2025-01-05", "description": "x",
      "lines": [{"account": "1010", "amount": "1"}, {"account": "4100"}]}, "lines[1].amount"),
])
def test_a_body_that_does_not_fit_the_schema_names_the_field(
        api: TestClient, counts: Any, body: dict[str, Any], field: str) -> None:
    before = counts()
    result = problem(api.post(f"{BOOK}/entries", json=body), 422, "validation-error")
    assert field in fields(result), result
    assert counts() == before


def test_a_bad_query_parameter_is_a_422_problem(api: TestClient) -> None:
    body = problem(api.get(f"{BOOK}/reports/trial-balance", params={"as_of": "notadate"}), 422)
    assert fields(body) == ["as_of"]


def test_a_bad_path_parameter_is_a_422_problem(api: TestClient) -> None:
    body = problem(api.get(f"{BOOK}/entries/first"), 422)
    assert fields(body) == ["entry_id"]


def test_domain_errors_carry_their_own_type(api: TestClient) -> None:
    problem(api.get(f"{API}/books/nope"), 404, "not-found")
    problem(api.post(f"{API}/books", json={"slug": "acme", "name": "x",
                                           "base_currency": "USD"}), 409, "conflict")
    body = problem(api.post(f"{BOOK}/entries", json=entry_body([("1010", "1"), ("4100", "-2")])),
                   422, "unbalanced")
    assert body["instance"] == f"{BOOK}/entries"


def test_a_nul_character_anywhere_is_refused_not_crashed(api: TestClient, counts: Any) -> None:
    before = counts()
    problem(api.post(f"{BOOK}/entries", json=entry_body(SALE, description="a\u0000b")), 422)
    problem(api.post(f"{BOOK}/entries", json=entry_body(SALE, party="a\u0000b")), 422)
    problem(api.post(f"{BOOK}/entries", json=entry_body([("10\u000010", "1"), ("4100", "-1")])),
            422)
    problem(api.post(f"{API}/books", json={"slug": "x", "name": "a\u0000b",
                                           "base_currency": "USD"}), 422)
    problem(api.patch(f"{BOOK}/accounts/1010", json={"name": "a\u0000b"}), 422)
    assert api.get(f"{BOOK}/entries", params={"q": "a\u0000b"}).status_code == 200
    assert counts() == before


def test_pages_outside_the_api_are_not_problem_documents(client: TestClient) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert response.headers["content-type"] != "application/problem+json"

"""Reports through the JSON API, as JSON and as CSV."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import BOOK, entry_body, fields, problem

REPORTS = f"{BOOK}/reports"


@pytest.fixture
def books(api: TestClient) -> TestClient:
    """Three posted entries in 2025 and one draft."""
    for day, lines in [("2025-01-05", [("1020", "1000.00"), ("3100", "-1000.00")]),
                       ("2025-01-20", [("1100", "250.00"), ("4100", "-250.00")]),
                       ("2025-02-03", [("6200", "100.00"), ("1020", "-100.00")])]:
        assert api.post(f"{BOOK}/entries", json=entry_body(lines, day, post=True)).is_success
    api.post(f"{BOOK}/entries", json=entry_body([("1010", "5"), ("4100", "-5")], "2025-02-04"))
    return api


def _csv(response: object) -> list[list[str]]:
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert response.headers["content-type"] == "text/csv; charset=utf-8"  # type: ignore
    return list(csv.reader(io.StringIO(response.text)))  # type: ignore[attr-defined]


def test_the_trial_balance_as_json_and_csv(books: TestClient) -> None:
    data = books.get(f"{REPORTS}/trial-balance", params={"as_of": "2025-02-28"}).json()
    assert [(a["code"], a["debit"], a["credit"], a["balance"]) for a in data["accounts"]] == [
        ("1020", "900.00", "0.00", "900.00"), ("1100", "250.00", "0.00", "250.00"),
        ("3100", "0.00", "1000.00", "-1000.00"), ("4100", "0.00", "250.00", "-250.00"),
        ("6200", "100.00", "0.00", "100.00")]
    assert (data["total_debit"], data["total_credit"], data["as_of"]) == (
        "1250.00", "1250.00", "2025-02-28")
    response = books.get(f"{REPORTS}/trial-balance", params={"as_of": "2025-01-31",
                                                            "format": "csv"})
    assert 'filename="trial-balance.csv"' in response.headers["content-disposition"]
    assert _csv(response) == [
        ["code", "name", "type", "debit", "credit", "balance"],
        ["1020", "Bank account", "asset", "1000.00", "0.00", "1000.00"],
        ["1100", "Accounts receivable", "asset", "250.00", "0.00", "250.00"],
        ["3100", "Owner's capital", "equity", "0.00", "1000.00", "-1000.00"],
        ["4100", "Sales", "income", "0.00", "250.00", "-250.00"],
        ["", "Total", "", "1250.00", "1250.00", ""]]


def test_the_balance_sheet_as_json_and_csv(books: TestClient) -> None:
    data = books.get(f"{REPORTS}/balance-sheet", params={"as_of": "2025-02-28"}).json()
    assert (data["total_assets"], data["total_liabilities"], data["total_equity"],
            data["balanced"]) == ("1150.00", "0.00", "1150.00", True)
    rows = _csv(books.get(f"{REPORTS}/balance-sheet", params={"as_of": "2025-02-28",
                                                             "format": "csv"}))
    assert rows[0] == ["section", "code", "name", "balance"]
    assert ["equity", "", "Current year earnings", "150.00"] in rows


def test_the_income_statement_as_json_and_csv(books: TestClient) -> None:
    data = books.get(f"{REPORTS}/income-statement",
                     params={"from": "2025-02-01", "to": "2025-02-28"}).json()
    assert (data["total_income"], data["total_expenses"], data["net_income"],
            data["previous_net_income"]) == ("0.00", "100.00", "-100.00", "250.00")
    assert (data["previous_from"], data["previous_to"]) == ("2025-01-01", "2025-01-31")
    rows = _csv(books.get(f"{REPORTS}/income-statement",
                          params={"from": "2025-01-01", "to": "2025-02-28", "format": "csv"}))
    assert rows[-1] == ["", "", "Net income", "150.00", "0.00"]


def test_the_general_ledger_as_json_and_csv(books: TestClient) -> None:
    data = books.get(f"{REPORTS}/general-ledger", params={
        "account": "1020", "from": "2025-02-01", "to": "2025-02-28"}).json()
    assert (data["opening_balance"], data["closing_balance"]) == ("1000.00", "900.00")
    assert [(r["date"], r["credit"], r["balance"]) for r in data["rows"]] == [
        ("2025-02-03", "100.00", "900.00")]
    rows = _csv(books.get(f"{REPORTS}/general-ledger", params={
        "account": "1020", "from": "2025-01-01", "to": "2025-02-28", "format": "csv"}))
    assert rows[1] == ["2025-01-01", "", "Opening balance", "", "", "", "0.00"]
    assert rows[-1] == ["2025-02-28", "", "Closing balance", "", "", "", "900.00"]


def test_an_empty_book_has_empty_reports(api: TestClient) -> None:
    data = api.get(f"{REPORTS}/trial-balance").json()
    assert (data["accounts"], data["total_debit"]) == ([], "0.00")
    assert api.get(f"{REPORTS}/balance-sheet").json()["balanced"] is True


@pytest.mark.parametrize(("path", "params", "field"), [
    ("trial-balance", {"as_of": "notadate"}, "as_of"),
    ("trial-balance", {"as_of": "2025-02-30"}, "as_of"),
    ("trial-balance", {"format": "xlsx"}, "format"),
    ("trial-balance", {"as_of": "9999-12-31"}, "as_of"),
    ("balance-sheet", {"as_of": "0001-01-01"}, "as_of"),
    ("income-statement", {"from": "2025-03-01", "to": "2025-02-01"}, "from"),
    ("income-statement", {"from": "0001-01-01", "to": "2025-01-31"}, "from"),
    ("income-statement", {"to": "9999-12-31"}, "to"),
    ("general-ledger", {}, "account"),
    ("general-ledger", {"account": "1020", "page": "0"}, "page"),
    ("general-ledger", {"account": "1020", "to": "9999-12-31"}, "to"),
])
def test_bad_report_parameters_are_field_errors(books: TestClient, path: str,
                                                params: dict[str, str], field: str) -> None:
    body = problem(books.get(f"{REPORTS}/{path}", params=params), 422)
    assert field in fields(body), body


def test_an_unknown_ledger_account_is_not_found(books: TestClient) -> None:
    problem(books.get(f"{REPORTS}/general-ledger", params={"account": "9999"}), 404)


@pytest.mark.parametrize("params", [{"to": "0001-01-01"}, {"to": "9999-12-31"},
                                    {"from": "2025-01-01", "to": "9999-12-31"}])
def test_dates_near_the_calendars_ends_are_refused_for_any_fiscal_year(
        client: TestClient, params: dict[str, str]) -> None:
    client.post("/api/v1/books", json={"slug": "india", "name": "India", "base_currency": "INR",
                                       "locale": "en_IN", "fiscal_year_start": 4})
    for path, extra in (("income-statement", {}), ("general-ledger", {"account": "1010"})):
        body = problem(client.get(f"/api/v1/books/india/reports/{path}",
                                  params={**params, **extra}), 422)
        assert fields(body) == ["to"]

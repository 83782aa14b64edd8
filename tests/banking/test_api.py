"""The banking API: money accounts, multipart imports, lines, categorising, rules."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.api.conftest import BOOK, problem
from tests.banking.factories import generic_csv

MARCH = generic_csv(
    ("01/03/2024", "2500.00", "Client Co", "Invoice 17"),
    ("03/03/2024", "-42.50", "Coffee Corner", "Card 1234"),
    ("05/03/2024", "-1200.00", "Landlord LLC", "March rent"),
)


def checking(api: TestClient) -> dict[str, Any]:
    response = api.post(f"{BOOK}/bank-accounts", json={
        "name": "Checking", "account": "1020", "institution": "First Bank",
        "account_number": "4000123456"})
    assert response.status_code == 201, response.text
    return dict(response.json())


def upload(api: TestClient, account_id: int, data: bytes, name: str = "march.csv",
           **form: Any) -> Any:
    return api.post(f"{BOOK}/bank-accounts/{account_id}/imports",
                    files={"file": (name, data, "text/csv")}, data=form)


def test_it_creates_and_lists_money_accounts(api: TestClient) -> None:
    made = checking(api)
    card = api.post(f"{BOOK}/bank-accounts", json={"name": "Visa", "kind": "card"}).json()

    listed = api.get(f"{BOOK}/bank-accounts").json()

    assert (made["account"], made["account_number"], made["balance"]) == (
        "1020", "••••3456", "0.00")
    assert (card["account"], card["kind"]) == ("2001", "card")
    assert [x["name"] for x in listed] == ["Checking", "Visa"]
    assert api.get(f"{BOOK}/accounts/2001").json()["type"] == "liability"


def test_money_account_errors_are_problems(api: TestClient) -> None:
    checking(api)

    again = api.post(f"{BOOK}/bank-accounts", json={"name": "Checking", "code": "1031"})
    linked = api.post(f"{BOOK}/bank-accounts", json={"name": "Other", "account": "1020"})
    bad = api.post(f"{BOOK}/bank-accounts", json={"name": "X", "currency": "ZZZ",
                                                  "account": "6200"})

    problem(again, 409, "conflict")
    assert "already a money account" in problem(linked, 422)["detail"]
    assert {e["field"] for e in problem(bad, 422)["errors"]} == {"account", "currency"}
    problem(api.get(f"{BOOK}/bank-accounts/999"), 404)


def test_it_imports_an_upload_and_skips_it_the_second_time(api: TestClient) -> None:
    account = checking(api)
    api.post(f"{BOOK}/bank-rules", json={"name": "Rent", "account": "6200",
                                         "payee": "landlord"})

    first = upload(api, account["id"], MARCH)
    second = upload(api, account["id"], MARCH)

    assert first.status_code == 201, first.text
    body = first.json()
    assert (body["imported"], body["categorised"], body["unmatched"]) == (3, 1, 2)
    assert body["statement"]["filename"] == "march.csv"
    assert [x["status"] for x in body["lines"]] == ["unmatched", "unmatched", "categorised"]
    assert (second.json()["imported"], second.json()["skipped"]) == (0, 3)
    assert second.json()["statement"]["id"] is None
    assert api.get(f"{BOOK}/bank-accounts/{account['id']}").json()["balance"] == "-1200.00"
    assert len(api.get(f"{BOOK}/bank-accounts/{account['id']}/imports").json()) == 1


def test_a_bad_upload_is_422_naming_the_line_and_writes_nothing(api: TestClient,
                                                                counts: Any) -> None:
    account = checking(api)
    before = counts()
    data = b"date,amount,payee,description\n01/03/2024,10.00,A,x\n02/03/2024,ten,B,y\n"

    response = upload(api, account["id"], data)

    body = problem(response, 422, "validation-error")
    assert body["detail"].startswith("line 3:")
    assert body["errors"][0]["line"] == "3"
    assert counts() == before


def test_upload_options_are_checked(api: TestClient) -> None:
    account = checking(api)

    problem(upload(api, account["id"], MARCH, format="xls"), 422)
    problem(upload(api, account["id"], MARCH, mapping="{not json"), 422)
    problem(upload(api, account["id"], b"!Type:Bank\nD05/03/2024\nT-5\n^\n", year="2024"),
            422)
    problem(upload(api, account["id"], b""), 422)
    problem(api.post(f"{BOOK}/bank-accounts/{account['id']}/imports"), 422)


def test_an_upload_with_a_mapping_saves_it(api: TestClient) -> None:
    account = checking(api)
    data = b"Booked;Text;Out;In\n2024-03-01;Salary;;100,00\n"
    mapping = '{"date": "Booked", "date_format": "%Y-%m-%d", "debit": "Out", "credit": "In", ' \
              '"description": "Text"}'

    response = upload(api, account["id"], data, mapping=mapping)

    assert response.status_code == 201, response.text
    saved = api.get(f"{BOOK}/bank-accounts/{account['id']}").json()["csv_mapping"]
    assert saved["columns"]["debit"] == "Out"


def test_an_idempotency_key_replays_the_first_import(api: TestClient) -> None:
    account = checking(api)
    headers = {"Idempotency-Key": "import-march"}
    url = f"{BOOK}/bank-accounts/{account['id']}/imports"

    first = api.post(url, files={"file": ("m.csv", MARCH)}, headers=headers)
    replay = api.post(url, files={"file": ("m.csv", MARCH)}, headers=headers)

    assert replay.headers["Idempotent-Replayed"] == "true"
    assert replay.json() == first.json()
    assert replay.json()["imported"] == 3


def test_lines_filter_and_carry_suggestions(api: TestClient) -> None:
    account = checking(api)
    upload(api, account["id"], MARCH)
    upload(api, account["id"], generic_csv(("09/03/2024", "-3.00", "Coffee Corner", "Card")),
           "later.csv")
    coffee = api.get(f"{BOOK}/bank-lines", params={"q": "coffee"}).json()["items"]
    older = min(coffee, key=lambda x: x["date"])
    assert api.post(f"{BOOK}/bank-lines/{older['id']}/categorise",
                    json={"account": "6400"}).status_code == 200

    page = api.get(f"{BOOK}/bank-lines", params={"status": "unmatched", "q": "coffee"}).json()

    assert page["total"] == 1
    assert page["items"][0]["suggestion"]["account"] == "6400"
    dated = api.get(f"{BOOK}/bank-lines", params={"from": "2024-03-02", "to": "2024-03-06"})
    assert dated.json()["total"] == 2
    problem(api.get(f"{BOOK}/bank-lines", params={"status": "lost"}), 422)
    problem(api.get(f"{BOOK}/bank-lines/424242"), 404)


def test_bulk_categorise_and_undo(api: TestClient) -> None:
    account = checking(api)
    lines = upload(api, account["id"], MARCH).json()["lines"]
    ids = [x["id"] for x in lines[1:]]

    booked = api.post(f"{BOOK}/bank-lines/categorise",
                      json={"line_ids": ids, "account": "6900", "memo": "Check later"})
    twice = api.post(f"{BOOK}/bank-lines/categorise", json={"line_ids": ids, "account": "6900"})
    undone = api.post(f"{BOOK}/bank-lines/uncategorise", json={"line_ids": ids[:1]})

    assert booked.status_code == 200, booked.text
    assert {x["status"] for x in booked.json()} == {"categorised"}
    assert booked.json()[0]["entry_id"] is not None
    problem(twice, 409, "conflict")
    assert undone.json()[0]["status"] == "unmatched"
    assert api.get(f"{BOOK}/reports/trial-balance").json() is not None


def test_rules_crud(api: TestClient) -> None:
    made = api.post(f"{BOOK}/bank-rules", json={"name": "Fees", "account": "6700",
                                                "description": "fee", "direction": "out",
                                                "amount_max": "50"})
    rule_id = made.json()["id"]

    changed = api.patch(f"{BOOK}/bank-rules/{rule_id}", json={"priority": 1, "payee": "Bank"})
    cleared = api.patch(f"{BOOK}/bank-rules/{rule_id}", json={"amount_max": None})
    bad = api.patch(f"{BOOK}/bank-rules/{rule_id}", json={"name": None})

    assert made.status_code == 201, made.text
    assert (made.json()["amount_max"], made.json()["hit_count"]) == ("50", 0)
    assert (changed.json()["priority"], changed.json()["payee"]) == (1, "Bank")
    assert cleared.json()["amount_max"] is None
    problem(bad, 422)
    assert [x["name"] for x in api.get(f"{BOOK}/bank-rules").json()] == ["Fees"]
    assert api.delete(f"{BOOK}/bank-rules/{rule_id}").status_code == 204
    problem(api.get(f"{BOOK}/bank-rules/{rule_id}"), 404)
    problem(api.post(f"{BOOK}/bank-rules", json={"name": "Nothing", "account": "6700"}), 422)


def test_applying_rules_books_open_lines(api: TestClient) -> None:
    account = checking(api)
    upload(api, account["id"], MARCH)
    api.post(f"{BOOK}/bank-rules", json={"name": "Rent", "account": "6200",
                                         "payee": "landlord"})

    applied = api.post(f"{BOOK}/bank-rules/apply")

    assert applied.json() == {"categorised": 1}
    assert api.get(f"{BOOK}/bank-lines", params={"status": "categorised"}).json()["total"] == 1

"""The sales API: drafts to payments through HTTP, problem documents, idempotent replays."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from folio.books.models import Book
from folio.parties.models import Party
from tests.api.conftest import fields, problem

API = "/api/v1/books/studio"


def draft_body(customer: Party, **extra: Any) -> dict[str, Any]:
    return {"customer_id": customer.id, "issue_date": "2026-03-02",
            "lines": [{"description": "Brand design", "unit_price": "5550000",
                       "tax_code": "PPN12"}], **extra}


def test_an_invoice_from_draft_to_paid(client: TestClient, studio: Book,
                                       client_co: Party) -> None:
    made = client.post(f"{API}/invoices", json=draft_body(client_co, withholding_code="PPH23"))
    assert made.status_code == 201, made.text
    invoice = made.json()
    assert (invoice["status"], invoice["number"], invoice["total"]) == ("draft", None, "6160500")
    assert invoice["due_date"] == "2026-04-01"
    assert invoice["lines"][0]["tax_base"] == "5087500"
    issued = client.post(f"{API}/invoices/{invoice['id']}/issue")
    assert issued.status_code == 200, issued.text
    assert issued.json()["number"] == "INV/2026/03/0001"
    paid = client.post(f"{API}/payments", json={
        "customer_id": client_co.id, "date": "2026-03-20", "account": "1111",
        "amount": "6049500", "withheld_tax": "111000", "withholding_reference": "BP-1",
        "allocations": [{"invoice_id": invoice["id"], "amount": "6160500"}]})
    assert paid.status_code == 201, paid.text
    assert paid.json()["unallocated"] == "0"
    after = client.get(f"{API}/invoices/{invoice['id']}").json()
    assert (after["status"], after["amount_due"]) == ("paid", "0")
    listed = client.get(f"{API}/invoices", params={"status": "paid", "q": "klien"}).json()
    assert [i["id"] for i in listed["items"]] == [invoice["id"]]
    aging = client.get(f"{API}/reports/receivables-aging",
                       params={"as_of": "2026-06-30"}).json()
    assert aging["customers"] == []
    csv_aging = client.get(f"{API}/reports/receivables-aging",
                           params={"as_of": "2026-03-05", "format": "csv"})
    assert csv_aging.headers["content-type"].startswith("text/csv")
    assert "PT Klien Maju,6160500,0,0,0,0,6160500" in csv_aging.text
    statement = client.get(f"{API}/reports/customer-statement", params={
        "customer_id": client_co.id, "from": "2026-03-01", "to": "2026-03-31"}).json()
    assert (statement["opening"], statement["closing"]) == ("0", "0")


def test_issuing_twice_with_a_key_replays(client: TestClient, studio: Book,
                                          client_co: Party) -> None:
    draft = client.post(f"{API}/invoices", json=draft_body(client_co)).json()
    headers = {"Idempotency-Key": "issue-1"}
    first = client.post(f"{API}/invoices/{draft['id']}/issue", headers=headers)
    second = client.post(f"{API}/invoices/{draft['id']}/issue", headers=headers)
    assert second.headers.get("Idempotent-Replayed") == "true"
    assert first.json() == second.json()
    problem(client.post(f"{API}/invoices/{draft['id']}/issue"), 409)


def test_a_payment_with_a_key_is_recorded_once(client: TestClient, studio: Book,
                                               client_co: Party) -> None:
    body = {"customer_id": client_co.id, "date": "2026-03-20", "account": "1111",
            "amount": "1000"}
    headers = {"Idempotency-Key": "pay-1"}
    first = client.post(f"{API}/payments", json=body, headers=headers)
    again = client.post(f"{API}/payments", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert client.get(f"{API}/payments").json()["total"] == 1


def test_bad_invoices_get_field_errors(client: TestClient, studio: Book,
                                       client_co: Party) -> None:
    body = draft_body(client_co)
    body["lines"][0]["quantity"] = "-1"
    assert "lines[0].quantity" in fields(problem(client.post(f"{API}/invoices", json=body), 422))
    body = draft_body(client_co)
    body["lines"][0]["tax_code"] = "NOPE"
    assert fields(problem(client.post(f"{API}/invoices", json=body), 422)) == \
        ["lines[0].tax_code"]
    assert fields(problem(client.post(f"{API}/invoices",
                                      json=draft_body(client_co, currency="USD")), 422)) == \
        ["currency"]
    problem(client.post(f"{API}/invoices", json={"customer_id": client_co.id, "lines": []}),
            422)
    assert client.get(f"{API}/invoices").json()["total"] == 0


def test_unknown_invoices_and_overpayments_are_refused(client: TestClient, studio: Book,
                                                       client_co: Party) -> None:
    problem(client.get(f"{API}/invoices/999"), 404)
    problem(client.post(f"{API}/invoices/999/issue"), 404)
    invoice = client.post(f"{API}/invoices", json=draft_body(client_co)).json()
    client.post(f"{API}/invoices/{invoice['id']}/issue")
    over = client.post(f"{API}/payments", json={
        "customer_id": client_co.id, "date": "2026-03-20", "account": "1111",
        "amount": "9999999", "allocations": [{"invoice_id": invoice["id"],
                                              "amount": "9999999"}]})
    assert fields(problem(over, 422)) == ["allocations[0].amount"]
    problem(client.delete(f"{API}/invoices/{invoice['id']}"), 409)


def test_void_credit_note_and_write_off(client: TestClient, studio: Book,
                                        client_co: Party) -> None:
    ids = []
    for _ in range(3):
        made = client.post(f"{API}/invoices", json=draft_body(client_co)).json()
        client.post(f"{API}/invoices/{made['id']}/issue")
        ids.append(made["id"])
    voided = client.post(f"{API}/invoices/{ids[0]}/void", json={"date": "2026-03-03"})
    assert voided.json()["status"] == "void", voided.text
    note = client.post(f"{API}/invoices/{ids[1]}/credit-notes",
                       json={"issue_date": "2026-03-04"})
    assert note.status_code == 201, note.text
    assert note.json()["number"] == "CN/2026/0001"
    written = client.post(f"{API}/invoices/{ids[2]}/write-off", json={"date": "2026-09-30"})
    assert written.json()["status"] == "written_off", written.text
    statuses = {i["id"]: i["status"] for i in client.get(f"{API}/invoices").json()["items"]}
    assert statuses[ids[1]] == "paid"


def test_items_and_projects(client: TestClient, studio: Book, client_co: Party) -> None:
    item = client.post(f"{API}/items", json={"code": "DESIGN", "name": "Design hour",
                                             "unit": "hour", "default_price": "750000",
                                             "tax_code": "PPN12", "income_account": "4102"})
    assert item.status_code == 201, item.text
    project = client.post(f"{API}/projects", json={"customer_id": client_co.id,
                                                   "code": "P-001", "name": "Rebrand",
                                                   "budget": "50000000"})
    assert project.status_code == 201, project.text
    invoice = client.post(f"{API}/invoices", json={
        "customer_id": client_co.id, "project_id": project.json()["id"],
        "lines": [{"item_id": item.json()["id"], "quantity": "4"}]}).json()
    line = invoice["lines"][0]
    assert (line["description"], line["unit_price"], line["tax_code"], line["account"]) == \
        ("Design hour", "750000", "PPN12", "4102")
    assert invoice["net_total"] == "3000000"
    problem(client.post(f"{API}/items", json={"code": "DESIGN", "name": "Again"}), 409)
    assert [p["code"] for p in client.get(f"{API}/projects").json()] == ["P-001"]


def test_a_draft_with_a_key_is_created_once(client: TestClient, studio: Book,
                                            client_co: Party) -> None:
    headers = {"Idempotency-Key": "draft-1"}
    first = client.post(f"{API}/invoices", json=draft_body(client_co), headers=headers)
    again = client.post(f"{API}/invoices", json=draft_body(client_co), headers=headers)
    assert first.json()["id"] == again.json()["id"]
    assert client.get(f"{API}/invoices").json()["total"] == 1
    problem(client.post(f"{API}/invoices", json=draft_body(client_co, reference="other"),
                        headers=headers), 409)


def test_number_formats_can_be_set(client: TestClient, studio: Book,
                                   client_co: Party) -> None:
    made = client.put(f"{API}/number-series/invoice/2026", json={"format": "F-{yyyy}-{seq:03d}"})
    assert made.status_code == 200, made.text
    draft = client.post(f"{API}/invoices", json=draft_body(client_co)).json()
    assert client.post(f"{API}/invoices/{draft['id']}/issue").json()["number"] == "F-2026-001"
    assert fields(problem(client.put(f"{API}/number-series/invoice/2026",
                                     json={"format": "F-{yyyy}"}), 422)) == ["format"]

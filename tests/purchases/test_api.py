"""The purchases API: bills to payment, claims through HTTP, problem documents, replays."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from folio.app import create_app
from folio.books.models import Book
from folio.parties.models import Party
from tests.api.conftest import fields, problem
from tests.conftest import sign_in_as
from tests.purchases.conftest import tiny_png

API = "/api/v1/books/studio"


def bill_body(vendor: Party, reference: str = "INV-V-001", **extra: Any) -> dict[str, Any]:
    return {"vendor_id": vendor.id, "vendor_reference": reference, "bill_date": "2026-03-02",
            "withholding_code": "PPH23",
            "lines": [{"description": "Video production", "unit_price": "5550000",
                       "tax_code": "PPN-IN"}], **extra}


def test_a_bill_from_draft_to_paid(client: TestClient, studio: Book, vendor: Party) -> None:
    made = client.post(f"{API}/bills", json=bill_body(vendor))
    assert made.status_code == 201, made.text
    bill = made.json()
    assert (bill["status"], bill["number"], bill["total"], bill["withholding_amount"],
            bill["payable"]) == ("draft", None, "6160500", "111000", "6049500")
    assert bill["due_date"] == "2026-04-01"
    scan = client.post(f"{API}/bills/{bill['id']}/attachments",
                       files={"file": ("faktur.png", tiny_png(), "image/png")})
    assert scan.status_code == 201, scan.text
    approved = client.post(f"{API}/bills/{bill['id']}/approve",
                           headers={"Idempotency-Key": "approve-1"})
    assert approved.status_code == 200, approved.text
    assert approved.json()["number"] == "BILL/2026/0001"
    replay = client.post(f"{API}/bills/{bill['id']}/approve",
                         headers={"Idempotency-Key": "approve-1"})
    assert replay.headers.get("Idempotent-Replayed") == "true"
    problem(client.post(f"{API}/bills/{bill['id']}/approve"), 409)
    body = {"vendor_id": vendor.id, "date": "2026-03-20", "account": "1111",
            "amount": "2049500", "bank_fee": "6500"}
    paid = client.post(f"{API}/bill-payments", json=body, headers={"Idempotency-Key": "p-1"})
    again = client.post(f"{API}/bill-payments", json=body, headers={"Idempotency-Key": "p-1"})
    assert paid.status_code == again.status_code == 201, paid.text
    assert client.get(f"{API}/bill-payments").json()["total"] == 1
    shown = client.get(f"{API}/bills/{bill['id']}").json()
    assert (shown["status"], shown["amount_due"]) == ("partially_paid", "4000000")
    assert [a["original_name"] for a in shown["attachments"]] == ["faktur.png"]
    client.post(f"{API}/bill-payments", json={**body, "amount": "4000000", "bank_fee": None})
    assert client.get(f"{API}/bills", params={"status": "paid"}).json()["total"] == 1
    aging = client.get(f"{API}/reports/payables-aging", params={"as_of": "2026-06-30"}).json()
    assert aging["vendors"] == []
    problem(client.post(f"{API}/bills/{bill['id']}/void"), 409)


def test_bad_bills_and_duplicates_get_problem_documents(client: TestClient, studio: Book,
                                                        vendor: Party) -> None:
    assert client.post(f"{API}/bills", json=bill_body(vendor, "A-1")).status_code == 201
    dup = problem(client.post(f"{API}/bills", json=bill_body(vendor, "A-1")), 409)
    assert fields(dup) == ["vendor_reference"]
    body = bill_body(vendor, "A-2")
    body["lines"][0]["tax_code"] = "PPN12X"
    assert fields(problem(client.post(f"{API}/bills", json=body), 422)) == \
        ["lines[0].tax_code"]
    problem(client.post(f"{API}/bills", json={**bill_body(vendor, "A-3"), "lines": []}), 422)
    problem(client.post(f"{API}/bills", json=bill_body(vendor, "A-4", currency="USD")), 422)
    problem(client.get(f"{API}/bills/999"), 404)
    problem(client.post(f"{API}/bills/999/approve"), 404)
    over = client.post(f"{API}/bill-payments", json={
        "vendor_id": vendor.id, "date": "2026-03-20", "account": "1111", "amount": "1"})
    assert fields(problem(over, 422)) == ["amount"]  # nothing approved to pay
    assert client.get(f"{API}/bills").json()["total"] == 1


def test_a_draft_can_change_and_be_deleted_and_a_bill_voided(
        client: TestClient, studio: Book, vendor: Party) -> None:
    bill = client.post(f"{API}/bills", json=bill_body(vendor, "B-1")).json()
    changed = client.put(f"{API}/bills/{bill['id']}",
                         json=bill_body(vendor, "B-1", withholding_code=None))
    assert changed.json()["withholding_amount"] == "0", changed.text
    assert client.delete(f"{API}/bills/{bill['id']}").status_code == 204
    other = client.post(f"{API}/bills", json=bill_body(vendor, "B-2")).json()
    client.post(f"{API}/bills/{other['id']}/approve")
    problem(client.delete(f"{API}/bills/{other['id']}"), 409)
    voided = client.post(f"{API}/bills/{other['id']}/void", json={"reason": "wrong vendor"})
    assert voided.json()["status"] == "void", voided.text


def test_a_claim_through_the_api_is_approved_by_another_admin(
        client: TestClient, studio: Book, engine: Engine) -> None:
    from folio.auth.actor import SYSTEM
    from folio.db import make_session
    from tests.conftest import ensure_member

    with make_session(engine, write=True, actor=SYSTEM) as db:
        ensure_member(db, db.get_one(Book, studio.id), "staff@example.test", "staff")
        db.commit()
    with TestClient(create_app(engine)) as staff:
        sign_in_as(staff, engine, "staff@example.test")
        made = staff.post(f"{API}/expense-claims", json={
            "title": "Shoot", "items": [{"date": "2026-03-03", "payee": "Grab",
                                         "account": "6207", "amount": "85000",
                                         "description": "Ride"}]})
        assert made.status_code == 201, made.text
        claim = made.json()
        item = claim["items"][0]["id"]
        receipt = staff.post(f"{API}/expenses/{item}/attachments",
                             files={"file": ("grab.png", tiny_png(), "image/png")})
        assert receipt.status_code == 201, receipt.text
        assert staff.post(f"{API}/expense-claims/{claim['id']}/submit").status_code == 200
        problem(staff.post(f"{API}/expense-claims/{claim['id']}/approve"), 403)
        problem(staff.post(f"{API}/expenses", json={
            "date": "2026-03-03", "payee": "X", "account": "6207", "amount": "1",
            "description": "Y", "paid_from": "1101"}), 403)
    problem(client.post(f"{API}/expense-claims/{claim['id']}/reject", json={"reason": ""}),
            422)
    approved = client.post(f"{API}/expense-claims/{claim['id']}/approve")
    assert approved.json()["status"] == "approved", approved.text
    paid = client.post(f"{API}/expense-claims/{claim['id']}/reimburse",
                       json={"date": "2026-03-10", "account": "1111"})
    assert (paid.json()["status"], paid.json()["amount_due"]) == ("paid", "0"), paid.text
    listed = client.get(f"{API}/expenses", params={"kind": "claim"}).json()
    assert listed["total"] == 1
    assert listed["items"][0]["attachments"][0]["original_name"] == "grab.png"


def test_own_claims_cannot_be_approved_over_http(client: TestClient, studio: Book) -> None:
    claim = client.post(f"{API}/expense-claims", json={
        "title": "Mine", "submit": True,
        "items": [{"date": "2026-03-03", "payee": "Grab", "account": "6207",
                   "amount": "85000", "description": "Ride"}]}).json()
    assert claim["status"] == "submitted"
    problem(client.post(f"{API}/expense-claims/{claim['id']}/approve"), 403)


def test_deleting_a_draft_bill_removes_its_attachments(client: TestClient, studio: Book,
                                                       vendor: Party, data_dir: Any) -> None:
    from tests.purchases.conftest import stored_files

    bill = client.post(f"{API}/bills", json=bill_body(vendor, "C-1")).json()
    scan = client.post(f"{API}/bills/{bill['id']}/attachments",
                       files={"file": ("scan.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")})
    assert scan.status_code == 201, scan.text
    assert len(stored_files(data_dir)) == 1
    assert client.delete(f"{API}/bills/{bill['id']}").status_code == 204
    assert stored_files(data_dir) == []
    problem(client.get(scan.json()["url"]), 404)

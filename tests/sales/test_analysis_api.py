"""The sales and tax reports and the lead pipeline through HTTP: figures, CSV, refusals."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.parties.models import Party
from tests.sales.analysis_data import November, build_november

API = "/api/v1/books/studio"


@pytest.fixture
def november(session: Session, studio: Book, client_co: Party) -> November:
    return build_november(session, studio, client_co)


def test_the_reports_answer_with_the_months_figures(client: TestClient,
                                                    november: November) -> None:
    period = {"from": "2026-11-01", "to": "2026-11-30"}
    by_customer = client.get(f"{API}/reports/sales-by-customer", params=period)
    assert by_customer.status_code == 200, by_customer.text
    assert by_customer.json()["total_net"] == "25500000"
    by_item = client.get(f"{API}/reports/sales-by-item", params={**period, "format": "csv"})
    assert by_item.headers["content-type"].startswith("text/csv")
    assert "LAPTOP,Laptop,1,1,20000000" in by_item.text
    ppn = client.get(f"{API}/reports/ppn", params={"month": "2026-11"}).json()
    assert (ppn["output"]["tax"], ppn["input"]["tax"], ppn["net"]) == ("2950000", "440000",
                                                                       "2510000")
    profit = client.get(f"{API}/reports/project-profitability",
                        params={"project_id": november.project.id}).json()
    assert profit["projects"][0]["margin_percent"] == "20.0"
    wht = client.get(f"{API}/reports/withholding", params=period).json()
    assert wht["withheld_by_customers"]["total"] == "100000"


@pytest.mark.parametrize(("path", "params", "status"), [
    ("reports/ppn", {"month": "2026-13"}, 422),
    ("reports/ppn", {}, 422),
    ("reports/sales-by-colour", {}, 422),
    ("reports/sales-by-customer", {"from": "2026-12-01", "to": "2026-11-01"}, 422),
    ("reports/project-profitability", {"project_id": "999999"}, 404),
    ("reports/withholding", {"from": "9999-01-01"}, 422),
])
def test_bad_report_requests_are_problems(client: TestClient, studio: Book, path: str,
                                          params: dict[str, str], status: int) -> None:
    answer = client.get(f"{API}/{path}", params=params)
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"


def test_a_lead_from_new_to_won_with_a_customer_and_a_quotation(
        client: TestClient, studio: Book, counts: Callable[[], dict[str, int]]) -> None:
    made = client.post(f"{API}/leads", json={
        "company": "PT Prospek", "contact_name": "Pak Budi", "email": "budi@prospek.test",
        "estimated_value": "30000000", "source": "website", "next_follow_up": "2026-12-01"})
    assert made.status_code == 201, made.text
    lead = made.json()
    moved = client.post(f"{API}/leads/{lead['id']}/move", json={"stage": "qualified"})
    assert moved.json()["stage"] == "qualified"
    board = {s["stage"]: (s["count"], s["value"]) for s in
             client.get(f"{API}/leads/pipeline").json()}
    assert board["qualified"] == (1, "30000000")
    won = client.post(f"{API}/leads/{lead['id']}/win", json={"start_quotation": True},
                      headers={"Idempotency-Key": "win-1"})
    assert won.status_code == 200, won.text
    assert won.json()["party_id"]
    assert won.json()["quotation_id"]
    before = counts()
    replay = client.post(f"{API}/leads/{lead['id']}/win", json={"start_quotation": True},
                         headers={"Idempotency-Key": "win-1"})
    assert replay.json() == won.json()
    again = client.post(f"{API}/leads/{lead['id']}/win", json={"start_quotation": True})
    assert again.status_code == 409
    lost = client.post(f"{API}/leads/{lead['id']}/lose", json={"reason": "changed mind"})
    assert lost.status_code == 409
    assert counts() == before
    quotation = client.get(f"{API}/quotations/{won.json()['quotation_id']}").json()
    assert (quotation["status"], quotation["total"]) == ("draft", "30000000")


def test_bad_leads_write_nothing(client: TestClient, studio: Book,
                                 counts: Callable[[], dict[str, int]]) -> None:
    before = counts()
    for body in ({"company": ""}, {"company": "X", "stage": "won"},
                 {"company": "X", "email": "nope"}, {"company": "X", "owner_id": 123456},
                 {"company": "X", "estimated_value": "-5"}):
        answer = client.post(f"{API}/leads", json=body)
        assert answer.status_code == 422, (body, answer.text)
    assert client.post(f"{API}/leads/99/win").status_code == 404
    assert client.get(f"{API}/leads", params={"stage": "gone"}).status_code == 422
    assert counts() == before

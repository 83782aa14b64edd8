"""The sales and tax report pages and the lead pipeline pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.parties.models import Party
from folio.sales.leads_models import Lead
from tests.sales.analysis_data import November, build_november
from tests.web.page import Page

BASE = "/books/studio"


@pytest.fixture
def november(session: Session, studio: Book, client_co: Party) -> November:
    return build_november(session, studio, client_co)


@pytest.fixture
def page(client: Any) -> Callable[..., Page]:
    def get(path: str, status: int = 200, **kwargs: Any) -> Page:
        response = client.get(path, **kwargs)
        assert response.status_code == status, response.text[:2000]
        assert response.headers["content-type"].startswith("text/html")
        return Page(response.text)
    return get


def test_the_report_pages_show_the_months_figures_in_rupiah(
        page: Callable[..., Page], november: November) -> None:
    period = {"from": "2026-11-01", "to": "2026-11-30"}
    sales = page(f"{BASE}/reports/sales", params={**period, "by": "customer"})
    assert "Rp25.500.000" in sales.text
    assert "CV Beta" in sales.text
    assert any("reports/sales-by-customer?from=2026-11-01" in h for h in sales.hrefs())
    items = page(f"{BASE}/reports/sales", params={**period, "by": "item"})
    assert "LAPTOP" in items.text
    assert "No item" in items.text
    ppn = page(f"{BASE}/reports/ppn", params={"month": "2026-11"})
    assert "Rp2.510.000" in ppn.text
    assert "PPN to pay" in ppn.text
    assert "FP-010.000-26.00000001" in ppn.text
    assert "0987654321098765" in ppn.text
    profit = page(f"{BASE}/reports/project-profitability")
    assert "Rebrand" in profit.text
    assert "20.0%" in profit.text
    wht = page(f"{BASE}/reports/withholding", params=period)
    assert "BP-0001" in wht.text
    assert "60.000" in wht.text


def test_a_bad_month_or_project_is_a_friendly_error(page: Callable[..., Page],
                                                   studio: Book) -> None:
    assert "2026-13" in page(f"{BASE}/reports/ppn", 422, params={"month": "2026-13"}).text
    page(f"{BASE}/reports/project-profitability", 404, params={"project": "999"})
    page(f"{BASE}/reports/ppn", params={"month": ""})  # blank: this month


def test_a_lead_through_the_pages_from_new_to_won(client: Any, session: Session,
                                                  studio: Book, page: Callable[..., Page]
                                                  ) -> None:
    assert "No leads in this stage." in page(f"{BASE}/leads").text
    made = client.post(f"{BASE}/leads/new", data={
        "company": "PT Prospek", "contact_name": "Pak Budi", "estimated_value": "25.000.000",
        "stage": "new", "next_follow_up": "2026-01-05"}, follow_redirects=False)
    assert made.status_code == 303, made.text[:1000]
    lead = session.scalars(select(Lead)).one()
    assert lead.estimated_value == 25_000_000
    lead_id = lead.id
    session.rollback()  # the test's session must not hold SQLite's write lock
    board = page(f"{BASE}/leads")
    assert "PT Prospek" in board.text
    assert "Rp25.000.000" in board.text
    assert "Leads due for a follow-up: 1" in board.text
    moved = client.post(f"{BASE}/leads/{lead_id}/move?back=board", data={"stage": "qualified"},
                        follow_redirects=False)
    assert moved.headers["location"] == f"{BASE}/leads"
    won = client.post(f"{BASE}/leads/{lead_id}/win", data={"start_quotation": "1"})
    assert won.status_code == 200
    assert "The lead is won and its customer is ready." in won.text
    assert session.get_one(Lead, lead_id).quotation_id is not None
    session.rollback()
    again = client.post(f"{BASE}/leads/{lead_id}/lose", data={"lost_reason": "late"})
    assert again.status_code == 409
    assert "no longer changes" in again.text
    listed = page(f"{BASE}/leads/list", params={"stage": "won"})
    assert "PT Prospek" in listed.text


def test_a_bad_lead_form_shows_the_fields_and_writes_nothing(
        client: Any, session: Session, studio: Book,
        counts: Callable[[], dict[str, int]]) -> None:
    before = counts()
    answer = client.post(f"{BASE}/leads/new", data={
        "company": "", "email": "nope", "estimated_value": "lots", "stage": "new"})
    assert answer.status_code == 422
    assert "The lead has errors" in answer.text
    assert 'aria-invalid="true"' in answer.text
    assert counts() == before

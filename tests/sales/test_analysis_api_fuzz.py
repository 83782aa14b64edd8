"""Fuzz the sales and tax reports and the lead pipeline API (Schemathesis, SQLite only): a
seeded IDR book with tax codes, a customer, a project, issued invoices and leads, so that
generated requests reach real figures, wins and losses."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from folio.auth.actor import SYSTEM
from folio.books.service import BookInput, create_book
from folio.db import create_folio_engine, make_session
from folio.parties.service import PartyInput, create_party
from folio.sales.invoices import InvoiceInput, InvoiceLineInput, create_draft
from folio.sales.issuing import issue_invoice
from folio.sales.leads import LeadInput, create_lead, move_lead
from folio.sales.projects import ProjectInput, create_project
from folio.tax.service import seed_default_tax_codes
from tests.conftest import OWNER, bearer_token, ensure_member, unthrottled_app
from tests.fuzzing import is_a_problem_document

DB_DIR = Path(tempfile.mkdtemp(prefix="folio-analysis-fuzz-"))
ENGINE = create_folio_engine(f"sqlite:///{DB_DIR / 'folio.db'}")
PATHS = r"/books/\{slug\}/(leads|reports/(sales-by-|project-profitability|ppn|withholding))"
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", unthrottled_app(ENGINE)) \
    .include(path_regex=PATHS)
AUTH: dict[str, str] = {}
MONTHS = ["2026-03", "2026-13", "2026-3", "1900-01"]


@pytest.fixture(scope="module", autouse=True)
def seeded_book(sqlite_template: Path) -> Iterator[None]:
    shutil.copy(sqlite_template, DB_DIR / "folio.db")
    with make_session(ENGINE, write=True, actor=SYSTEM) as session:
        book = create_book(session, BookInput(slug="studio", name="Studio", base_currency="IDR",
                                              locale="id_ID", chart="id-psak"))
        owner = ensure_member(session, book, OWNER, "owner")
        seed_default_tax_codes(session, book)
        customer, _ = create_party(session, book, PartyInput(name="Klien", is_customer=True))
        project = create_project(session, book, ProjectInput(customer_id=customer.id,
                                                             code="P1", name="Rebrand"))
        for n in range(1, 5):
            issue_invoice(session, book, create_draft(session, book, InvoiceInput(
                customer_id=customer.id, issue_date=date(2026, 3, n), project_id=project.id,
                lines=[InvoiceLineInput(description="Work", unit_price=Decimal(n * 1_000_000),
                                        tax_code="PPN12")])))
        for n in range(1, 9):
            lead = create_lead(session, book, LeadInput(
                company=f"Prospect {n}", estimated_value=Decimal(n * 500_000),
                owner_id=owner.id if n % 2 else None))
            if n % 3 == 0:
                move_lead(session, book, lead, "qualified")
        session.commit()
    AUTH["Authorization"] = f"Bearer {bearer_token(ENGINE, OWNER)}"
    yield
    ENGINE.dispose()
    shutil.rmtree(DB_DIR, ignore_errors=True)


def steer(case: Any) -> None:
    """Point ids at seeded rows and months at real ones most of the time."""
    params = case.path_parameters or {}
    if "slug" in params:
        params["slug"] = "studio"
    if isinstance(params.get("lead_id"), int) and params["lead_id"] % 5:
        params["lead_id"] = params["lead_id"] % 9 or 1
    query = case.query if isinstance(case.query, dict) else None
    if query is not None and isinstance(query.get("month"), str) and len(query["month"]) % 2:
        query["month"] = MONTHS[len(query["month"]) % len(MONTHS)]
    body = case.body if isinstance(case.body, dict) else None
    if body is not None and isinstance(body.get("party_id"), int) and body["party_id"] % 2:
        body["party_id"] = 1


@schema.parametrize()
@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_the_reports_and_leads_api_answers_any_request_without_a_server_error(
        case: Any) -> None:
    steer(case)
    case.call_and_validate(headers=AUTH, checks=[not_a_server_error, is_a_problem_document])

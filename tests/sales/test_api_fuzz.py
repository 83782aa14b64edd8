"""Fuzz the sales API deeper than tests/api/test_fuzz.py can: a seeded IDR book with tax
codes, a customer, items, a project, drafts and issued invoices, so that generated requests
reach issuing, payments, credit notes and write-offs (Schemathesis, SQLite only).
"""

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
from folio.sales.items import ItemInput, create_item
from folio.sales.projects import ProjectInput, create_project
from folio.sales.quotations import (
    QuotationInput,
    create_quotation,
    record_decision,
    send_quotation,
)
from folio.tax.service import seed_default_tax_codes
from tests.conftest import OWNER, bearer_token, ensure_member, unthrottled_app
from tests.fuzzing import is_a_problem_document

DB_DIR = Path(tempfile.mkdtemp(prefix="folio-sales-fuzz-"))
ENGINE = create_folio_engine(f"sqlite:///{DB_DIR / 'folio.db'}")
SALES = r"/books/\{slug\}/(items|projects|invoices|quotations|payments|number-series|parties|" \
        r"reports/(receivables-" \
        r"aging|customer-statement))"
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", unthrottled_app(ENGINE)) \
    .include(path_regex=SALES)
CODES = ["PPN12", "PPN12-LUX", "", "PPH23", None]
ACCOUNTS = ["1111", "4101", "4102", "6401", "1101"]
AUTH: dict[str, str] = {}  # the owner's API token, once the database exists


@pytest.fixture(scope="module", autouse=True)
def seeded_book(sqlite_template: Path) -> Iterator[None]:
    shutil.copy(sqlite_template, DB_DIR / "folio.db")
    with make_session(ENGINE, write=True, actor=SYSTEM) as session:
        book = create_book(session, BookInput(slug="studio", name="Studio", base_currency="IDR",
                                              locale="id_ID", chart="id-psak"))
        ensure_member(session, book, OWNER, "owner")
        seed_default_tax_codes(session, book)
        customer, _ = create_party(session, book, PartyInput(name="Klien", is_customer=True,
                                                             payment_terms_days=14))
        create_item(session, book, ItemInput(code="DESIGN", name="Design", tax_code="PPN12",
                                             default_price=Decimal(750_000)))
        create_project(session, book, ProjectInput(customer_id=customer.id, code="P1",
                                                   name="Rebrand"))
        for n in range(1, 9):
            draft = create_draft(session, book, InvoiceInput(
                customer_id=customer.id, issue_date=date(2026, 3, n),
                withholding_code="PPH23" if n % 2 else None,
                lines=[InvoiceLineInput(description="Work", unit_price=Decimal(n * 1_000_000),
                                        tax_code="PPN12")]))
            if n > 2:
                issue_invoice(session, book, draft)
        for n in range(1, 9):  # quotations: drafts, sent, approved (ids 1 to 8)
            quotation = create_quotation(session, book, QuotationInput(
                customer_id=customer.id, lines=[InvoiceLineInput(
                    description="Work", unit_price=Decimal(n * 1_000_000), tax_code="PPN12")]))
            if n > 2:
                send_quotation(session, book, quotation)
            if n > 5:
                record_decision(session, book, quotation, approve=True, name="Klien")
        session.commit()
    AUTH["Authorization"] = f"Bearer {bearer_token(ENGINE, OWNER)}"
    yield
    ENGINE.dispose()
    shutil.rmtree(DB_DIR, ignore_errors=True)



def steer(case: Any) -> None:
    """Point ids at seeded rows most of the time, and codes at real tax codes and accounts."""
    params = case.path_parameters or {}
    if "slug" in params:
        params["slug"] = "studio"
    for name in ("invoice_id", "item_id", "project_id", "payment_id", "quotation_id"):
        if isinstance(params.get(name), int) and params[name] % 5:
            params[name] = params[name] % 9 or 1
    body = case.body if isinstance(case.body, dict) else None
    if body is None:
        return
    if isinstance(body.get("customer_id"), int) and body["customer_id"] % 3:
        body["customer_id"] = 1
    for n, line in enumerate(body.get("lines") or []):
        if isinstance(line, dict) and n % 2 == 0:
            line["tax_code"] = CODES[n % len(CODES)]
            line.pop("account", None)
            line.pop("item_id", None)
    if isinstance(body.get("account"), str) and len(body["account"]) % 2:
        body["account"] = ACCOUNTS[len(body["account"]) % len(ACCOUNTS)]
    for allocation in body.get("allocations") or []:
        if isinstance(allocation, dict) and isinstance(allocation.get("invoice_id"), int):
            allocation["invoice_id"] = allocation["invoice_id"] % 9 or 3


@schema.parametrize()
@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_the_sales_api_answers_any_request_without_a_server_error(case: Any) -> None:
    steer(case)
    case.call_and_validate(headers=AUTH, checks=[not_a_server_error, is_a_problem_document])

"""Fuzz the exchange-rate and revaluation API, payment voids and refunds, on a seeded IDR
book with a USD bank account, USD rates and USD invoices (Schemathesis, SQLite only)."""

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
from folio.fx.rates import set_rate
from folio.ledger.accounts import AccountInput, create_account
from folio.parties.service import PartyInput, create_party
from folio.sales.invoices import InvoiceInput, InvoiceLineInput, create_draft
from folio.sales.issuing import issue_invoice
from folio.sales.payments import PaymentInput, record_payment
from tests.conftest import OWNER, bearer_token, ensure_member, unthrottled_app
from tests.fuzzing import is_a_problem_document

DB_DIR = Path(tempfile.mkdtemp(prefix="folio-fx-fuzz-"))
ENGINE = create_folio_engine(f"sqlite:///{DB_DIR / 'folio.db'}")
PATHS = r"/books/\{slug\}/(fx/|payments/\{payment_id\}/void|refunds)"
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", unthrottled_app(ENGINE)) \
    .include(path_regex=PATHS)
CURRENCIES = ["USD", "IDR", "XYZ", "EUR", "usd"]
ACCOUNTS = ["1111", "1112", "4101", "2201"]
AUTH: dict[str, str] = {}


@pytest.fixture(scope="module", autouse=True)
def seeded_book(sqlite_template: Path) -> Iterator[None]:
    shutil.copy(sqlite_template, DB_DIR / "folio.db")
    with make_session(ENGINE, write=True, actor=SYSTEM) as session:
        book = create_book(session, BookInput(slug="studio", name="Studio", base_currency="IDR",
                                              locale="id_ID", chart="id-psak"))
        ensure_member(session, book, OWNER, "owner")
        create_account(session, book, AccountInput(code="1112", name="Bank USD", type="asset",
                                                   parent="1100", currency="USD"))
        for day, rate in ((1, "16000"), (15, "16100"), (30, "16300")):
            set_rate(session, book, "USD", date(2026, 11, day), Decimal(rate))
        customer, _ = create_party(session, book, PartyInput(name="Acme", is_customer=True))
        for n in range(1, 4):
            invoice = create_draft(session, book, InvoiceInput(
                customer_id=customer.id, currency="USD", issue_date=date(2026, 11, n),
                lines=[InvoiceLineInput(description="Work", unit_price=Decimal(100 * n))]))
            issue_invoice(session, book, invoice)
        record_payment(session, book, PaymentInput(
            customer_id=customer.id, date=date(2026, 11, 15), account="1112",
            amount=Decimal("150.00")))
        record_payment(session, book, PaymentInput(
            customer_id=customer.id, date=date(2026, 11, 15), account="1111",
            amount=Decimal(1_000_000)))  # all of it customer credit
        session.commit()
    AUTH["Authorization"] = f"Bearer {bearer_token(ENGINE, OWNER)}"
    yield
    ENGINE.dispose()
    shutil.rmtree(DB_DIR, ignore_errors=True)


def steer(case: Any) -> None:
    """Point ids at seeded rows, currencies at real (and a few bad) codes, dates near rates."""
    params = case.path_parameters or {}
    if "slug" in params:
        params["slug"] = "studio"
    if isinstance(params.get("payment_id"), int) and params["payment_id"] % 5:
        params["payment_id"] = params["payment_id"] % 2 + 1
    query = case.query if isinstance(case.query, dict) else None
    if query is not None and isinstance(query.get("currency"), str) and len(query["currency"]) % 2:
        query["currency"] = CURRENCIES[len(query["currency"]) % len(CURRENCIES)]
    body = case.body if isinstance(case.body, dict) else None
    if body is None:
        return
    if isinstance(body.get("currency"), str) and len(body["currency"]) % 2:
        body["currency"] = CURRENCIES[len(body["currency"]) % len(CURRENCIES)]
    if isinstance(body.get("customer_id"), int) and body["customer_id"] % 3:
        body["customer_id"] = 1
    if isinstance(body.get("account"), str) and len(body["account"]) % 2:
        body["account"] = ACCOUNTS[len(body["account"]) % len(ACCOUNTS)]
    if isinstance(body.get("csv"), str) and len(body["csv"]) % 2:
        body["csv"] = "date;currency;rate\n2026-11-02;USD;16.050,5\n" + body["csv"][:50]


@schema.parametrize()
@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_the_fx_api_answers_any_request_without_a_server_error(case: Any) -> None:
    steer(case)
    case.call_and_validate(headers=AUTH, checks=[not_a_server_error, is_a_problem_document])

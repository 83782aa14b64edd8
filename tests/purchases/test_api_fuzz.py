"""Fuzz the purchases API on a seeded IDR book: a vendor, drafts and approved bills, a direct
expense and a submitted claim, so that generated requests reach approval, payments, voiding,
uploads and downloads (Schemathesis, SQLite only)."""

from __future__ import annotations

import io
import os
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
from folio.purchases.attachments import store
from folio.purchases.bills import BillInput, BillLineInput, approve_bill, create_bill
from folio.purchases.claims import ClaimInput, create_claim
from folio.purchases.expenses import ExpenseInput, record_expense
from folio.purchases.vendor_credits import (
    VendorCreditInput,
    VendorCreditLineInput,
    create_vendor_credit,
)
from folio.settings import get_settings
from folio.tax.service import seed_default_tax_codes
from tests.conftest import OWNER, bearer_token, ensure_member, unthrottled_app
from tests.fuzzing import is_a_problem_document
from tests.purchases.conftest import tiny_png

DB_DIR = Path(tempfile.mkdtemp(prefix="folio-purchases-fuzz-"))
ENGINE = create_folio_engine(f"sqlite:///{DB_DIR / 'folio.db'}")
PURCHASES = r"/books/\{slug\}/(bills|bill-payments|expenses|expense-claims|attachments|" \
            r"reports/payables-aging|vendor-credits)"
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", unthrottled_app(ENGINE)) \
    .include(path_regex=PURCHASES)
CODES = ["PPN-IN", "PPN12", "", "PPH23", None]
ACCOUNTS = ["1111", "1101", "5101", "6207", "2101"]
AUTH: dict[str, str] = {}  # the owner's API token, once the database exists


@pytest.fixture(scope="module", autouse=True)
def seeded_book(sqlite_template: Path) -> Iterator[None]:
    shutil.copy(sqlite_template, DB_DIR / "folio.db")
    previous = os.environ.get("DATA_DIR")
    os.environ["DATA_DIR"] = str(DB_DIR / "data")
    get_settings.cache_clear()
    with make_session(ENGINE, write=True, actor=SYSTEM) as session:
        book = create_book(session, BookInput(slug="studio", name="Studio", base_currency="IDR",
                                              locale="id_ID", chart="id-psak"))
        ensure_member(session, book, OWNER, "owner")
        seed_default_tax_codes(session, book)
        vendor, _ = create_party(session, book, PartyInput(name="Vendor", is_vendor=True,
                                                           payment_terms_days=14))
        for n in range(1, 9):
            bill = create_bill(session, book, BillInput(
                vendor_id=vendor.id, vendor_reference=f"V-{n}", bill_date=date(2026, 3, n),
                withholding_code="PPH23" if n % 2 else None,
                lines=[BillLineInput(description="Work", unit_price=Decimal(n * 1_000_000),
                                     tax_code="PPN-IN")]))
            if n > 2:
                approve_bill(session, book, bill)
        for n in range(1, 4):
            create_vendor_credit(session, book, VendorCreditInput(
                vendor_id=vendor.id, vendor_reference=f"CN-{n}", date=date(2026, 3, n),
                lines=[VendorCreditLineInput(description="Discount",
                                             amount=Decimal(n * 100_000),
                                             tax_code="PPN-IN")]))
        expense = record_expense(session, book, ExpenseInput(
            date=date(2026, 3, 3), payee="Taxi", account="6207", amount=Decimal(50_000),
            description="Taxi", paid_from="1101"))
        store(session, book, "expense", expense.id, io.BytesIO(tiny_png()), "taxi.png")
        create_claim(session, book, ClaimInput(title="Trip", submit=True, items=[ExpenseInput(
            date=date(2026, 3, 4), payee="Hotel", account="6207", amount=Decimal(900_000),
            description="Hotel")]))
        session.commit()
    AUTH["Authorization"] = f"Bearer {bearer_token(ENGINE, OWNER)}"
    yield
    ENGINE.dispose()
    if previous is None:
        os.environ.pop("DATA_DIR", None)
    else:
        os.environ["DATA_DIR"] = previous
    get_settings.cache_clear()
    shutil.rmtree(DB_DIR, ignore_errors=True)


def steer(case: Any) -> None:
    """Point ids at seeded rows most of the time, and codes at real tax codes and accounts."""
    params = case.path_parameters or {}
    if "slug" in params:
        params["slug"] = "studio"
    for name in ("bill_id", "payment_id", "expense_id", "claim_id", "attachment_id",
                 "credit_id"):
        if isinstance(params.get(name), int) and params[name] % 5:
            params[name] = params[name] % 9 or 1
    body = case.body if isinstance(case.body, dict) else None
    if body is None:
        return
    if isinstance(body.get("vendor_id"), int) and body["vendor_id"] % 3:
        body["vendor_id"] = 1
    if isinstance(body.get("bill_id"), int) and body["bill_id"] % 4:
        body["bill_id"] = body["bill_id"] % 9 or 3
    for n, line in enumerate(body.get("lines") or body.get("items") or []):
        if isinstance(line, dict) and n % 2 == 0:
            line["tax_code"] = CODES[n % len(CODES)]
            line.pop("account", None) if "lines" in body else None
    for name in ("account", "paid_from"):
        if isinstance(body.get(name), str) and len(body[name]) % 2:
            body[name] = ACCOUNTS[len(body[name]) % len(ACCOUNTS)]
    for allocation in body.get("allocations") or []:
        if isinstance(allocation, dict) and isinstance(allocation.get("bill_id"), int):
            allocation["bill_id"] = allocation["bill_id"] % 9 or 3


@schema.parametrize()
@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_the_purchases_api_answers_any_request_without_a_server_error(case: Any) -> None:
    steer(case)
    case.call_and_validate(headers=AUTH, checks=[not_a_server_error, is_a_problem_document])

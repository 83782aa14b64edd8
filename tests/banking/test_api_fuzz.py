"""Fuzz the banking routes with a money account, lines, a rule, an open bill and an open
reconciliation in the book (so matching and reconciling meet real rows).

The API-wide fuzz test (tests/api/test_fuzz.py) mostly meets 404s here, as its book has no
money accounts; this one steers ids to existing accounts, lines and rules.
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
from folio.banking.accounts import MoneyAccountInput, create_money_account
from folio.banking.imports import import_statement
from folio.banking.reconcile import start_reconciliation
from folio.banking.rules import RuleInput, create_rule
from folio.books.service import BookInput, create_book
from folio.db import create_folio_engine, make_session
from folio.parties.service import PartyInput, create_party
from folio.purchases.bills import BillInput, BillLineInput, approve_bill, create_bill
from tests.conftest import OWNER, bearer_token, ensure_member, unthrottled_app
from tests.fuzzing import is_a_problem_document

DB_DIR = Path(tempfile.mkdtemp(prefix="folio-bank-fuzz-"))
ENGINE = create_folio_engine(f"sqlite:///{DB_DIR / 'folio.db'}")
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", unthrottled_app(ENGINE))
AUTH: dict[str, str] = {}  # the owner's API token, once the database exists
STATEMENT = (b"date,amount,payee,description\n01/03/2024,10.00,Client,x\n"
             b"02/03/2024,-3.00,Landlord,y\n03/03/2024,-4.00,Cafe,z\n")


@pytest.fixture(scope="module", autouse=True)
def seeded_book(sqlite_template: Path) -> Iterator[None]:
    shutil.copy(sqlite_template, DB_DIR / "folio.db")
    with make_session(ENGINE, write=True, actor=SYSTEM) as session:
        book = create_book(session, BookInput(slug="acme", name="Acme", base_currency="USD"))
        ensure_member(session, book, OWNER, "owner")
        money = create_money_account(session, book, MoneyAccountInput(name="Checking",
                                                                      account="1020"))
        create_money_account(session, book, MoneyAccountInput(name="Savings", code="1030"))
        create_rule(session, book, RuleInput(name="Rent", account="6200", payee="landlord"))
        import_statement(session, book, money, "march.csv", STATEMENT)
        # An open bill for the money paid out (matching), an open reconciliation.
        vendor, _ = create_party(session, book, PartyInput(name="Landlord", is_vendor=True))
        approve_bill(session, book, create_bill(session, book, BillInput(
            vendor_id=vendor.id, vendor_reference="R-1", bill_date=date(2024, 3, 1),
            lines=[BillLineInput(description="Rent", unit_price=Decimal(3))])))
        start_reconciliation(session, book, money.id, date(2024, 3, 31), Decimal(5))
        session.commit()
    AUTH["Authorization"] = f"Bearer {bearer_token(ENGINE, OWNER)}"
    yield
    ENGINE.dispose()
    shutil.rmtree(DB_DIR, ignore_errors=True)


def steer(case: Any) -> None:
    """The seeded book, and mostly the ids that exist in it."""
    params = case.path_parameters or {}
    if "slug" in params:
        params["slug"] = "acme"
    for name in ("account_id", "line_id", "rule_id", "reconciliation_id"):
        if isinstance(params.get(name), int) and params[name] % 4:
            params[name] = params[name] % 4



@schema.include(path_regex="/bank-").parametrize()
@settings(max_examples=15, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_the_banking_api_answers_any_request_without_a_server_error(case: Any) -> None:
    steer(case)
    case.call_and_validate(headers=AUTH, checks=[not_a_server_error, is_a_problem_document])

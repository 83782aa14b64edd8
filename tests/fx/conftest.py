"""FX fixtures: the IDR studio book with a USD bank account, a customer, a vendor, rates."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.fx.rates import set_rate
from folio.ledger.accounts import AccountInput, create_account
from folio.ledger.models import Account, JournalLine
from folio.parties.models import Party
from folio.parties.service import PartyInput, create_party
from folio.purchases.bills import BillInput, BillLineInput, approve_bill, create_bill
from folio.purchases.models import Bill
from folio.sales.invoices import InvoiceInput, InvoiceLineInput, create_draft
from folio.sales.issuing import issue_invoice
from folio.sales.models import Invoice

D = Decimal
USD_BANK = "1112"

# The rates every test starts from: IDR per USD.
RATES = {"2026-11-01": "16000", "2026-11-15": "16100", "2026-11-20": "16250",
         "2026-11-30": "16300", "2026-12-05": "16200"}


@pytest.fixture
def studio(session: Session, idr_book: Book) -> Book:
    """The IDR book on the PSAK chart, with a USD bank account 1112 and November's rates."""
    create_account(session, idr_book, AccountInput(code=USD_BANK, name="Bank USD",
                                                   type="asset", parent="1100",
                                                   currency="USD"))
    for day, rate in RATES.items():
        set_rate(session, idr_book, "USD", date.fromisoformat(day), D(rate))
    session.commit()
    return idr_book


@pytest.fixture
def customer(session: Session, studio: Book) -> Party:
    party, _ = create_party(session, studio, PartyInput(name="Acme Inc", is_customer=True))
    session.commit()
    return party


@pytest.fixture
def supplier(session: Session, studio: Book) -> Party:
    party, _ = create_party(session, studio, PartyInput(name="Cloud LLC", is_vendor=True))
    session.commit()
    return party


@pytest.fixture
def usd_invoice(session: Session, studio: Book, customer: Party) -> Callable[..., Invoice]:
    def make(price: str = "1000.00", day: str = "2026-11-01", **kwargs: Any) -> Invoice:
        invoice = create_draft(session, studio, InvoiceInput(
            customer_id=customer.id, currency="USD", issue_date=date.fromisoformat(day),
            lines=[InvoiceLineInput(description="Consulting", unit_price=D(price),
                                    tax_code=kwargs.pop("tax_code", ""))], **kwargs))
        issue_invoice(session, studio, invoice)
        session.commit()
        return invoice

    return make


@pytest.fixture
def usd_bill(session: Session, studio: Book, supplier: Party) -> Callable[..., Bill]:
    def make(price: str = "500.00", day: str = "2026-11-01", ref: str = "CL-1",
             **kwargs: Any) -> Bill:
        bill = create_bill(session, studio, BillInput(
            vendor_id=supplier.id, vendor_reference=ref, currency="USD",
            bill_date=date.fromisoformat(day),
            lines=[BillLineInput(description="Hosting", unit_price=D(price))], **kwargs))
        approve_bill(session, studio, bill)
        session.commit()
        return bill

    return make


def balance(session: Session, book: Book, code: str) -> int:
    """An account's posted balance in base minor units (debit positive)."""
    account = session.scalar(select(Account).where(Account.book_id == book.id,
                                                   Account.code == code))
    assert account is not None
    return int(session.scalar(select(func.coalesce(func.sum(JournalLine.base_amount), 0)).where(
        JournalLine.account_id == account.id, JournalLine.posted.is_(True))) or 0)


def trial_balance_total(session: Session, book: Book) -> int:
    """The sum of every posted line in base: zero when the books balance."""
    return int(session.scalar(select(func.coalesce(func.sum(JournalLine.base_amount), 0))
                              .where(JournalLine.book_id == book.id,
                                     JournalLine.posted.is_(True))) or 0)


Balance = Callable[[str], int]

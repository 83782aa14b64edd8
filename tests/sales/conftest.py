"""Sales fixtures: an IDR agency book with its tax codes, customers, invoice factories."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.ledger.models import Account, JournalLine
from folio.parties.models import Party
from folio.parties.service import PartyInput, create_party
from folio.sales.invoices import InvoiceInput, InvoiceLineInput, create_draft
from folio.sales.issuing import issue_invoice
from folio.sales.models import Invoice
from folio.tax.service import seed_default_tax_codes

D = Decimal
MakeInvoice = Callable[..., Invoice]


@pytest.fixture
def studio(session: Session, idr_book: Book) -> Book:
    """The IDR book on the PSAK chart with PPN12, PPN12-LUX, PPH23 and METERAI."""
    seed_default_tax_codes(session, idr_book)
    session.commit()
    return idr_book


@pytest.fixture
def client_co(session: Session, studio: Book) -> Party:
    """A company customer with an NPWP and 30 days' terms."""
    party, _ = create_party(session, studio, PartyInput(
        name="PT Klien Maju", is_customer=True, tax_id="0123456789012345",
        payment_terms_days=30))
    session.commit()
    return party


def lines(*specs: tuple[Any, ...]) -> list[InvoiceLineInput]:
    """Lines from ``(price, tax_code)`` or ``(price, tax_code, quantity, discount)``."""
    made = []
    for price, code, *rest in specs:
        made.append(InvoiceLineInput(description="Design services", unit_price=D(str(price)),
                                     tax_code=code, quantity=D(str(rest[0])) if rest else D(1),
                                     discount_percent=D(str(rest[1])) if len(rest) > 1
                                     else D(0)))
    return made


@pytest.fixture
def make_invoice(session: Session, studio: Book, client_co: Party) -> MakeInvoice:
    """A draft (or, with issue=True, an issued) invoice to ``client_co``."""

    def make(*specs: tuple[Any, ...], issue: bool = False, day: str = "2026-03-02",
             **kwargs: Any) -> Invoice:
        invoice = create_draft(session, studio, InvoiceInput(
            customer_id=kwargs.pop("customer_id", client_co.id),
            lines=lines(*(specs or ((5_550_000, "PPN12"),))),
            issue_date=date.fromisoformat(day), **kwargs))
        if issue:
            issue_invoice(session, studio, invoice)
        session.commit()
        return invoice

    return make


def balance(session: Session, book: Book, code: str) -> int:
    """An account's balance in minor units, summed from its posted lines."""
    account = session.scalar(select(Account).where(Account.book_id == book.id,
                                                   Account.code == code))
    assert account is not None
    return int(session.scalar(select(func.coalesce(func.sum(JournalLine.base_amount), 0)).where(
        JournalLine.account_id == account.id, JournalLine.posted.is_(True))) or 0)

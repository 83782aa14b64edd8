"""Property: whatever the amounts and rates, issuing and paying a foreign-currency invoice
(in one to three payments) posts entries that balance in base, realises the difference, and
leaves the receivable at zero once the invoice is paid."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.ledger.models import JournalEntry, JournalLine
from folio.parties.models import Party
from folio.sales.invoices import InvoiceInput, InvoiceLineInput, create_draft
from folio.sales.issuing import issue_invoice
from folio.sales.payments import AllocationInput, PaymentInput, record_payment
from tests.fx.conftest import USD_BANK, balance

rates = st.decimals(min_value=Decimal("0.0001"), max_value=Decimal(99_999), places=4)
cents = st.integers(min_value=1, max_value=10**9)


def unbalanced_entries(session: Session, book: Book) -> int:
    sums = session.execute(select(JournalLine.entry_id, func.sum(JournalLine.base_amount))
                           .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
                           .where(JournalEntry.book_id == book.id)
                           .group_by(JournalLine.entry_id)).all()
    return sum(1 for _, total in sums if total != 0)


@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(total=cents, issue_rate=rates, pay_rates=st.lists(rates, min_size=1, max_size=3),
       split=st.integers(min_value=1, max_value=99))
def test_issue_and_pay_keep_every_entry_balanced(session: Session, studio: Book,
                                                 customer: Party, total: int,
                                                 issue_rate: Decimal, pay_rates: list[Decimal],
                                                 split: int) -> None:
    invoice = create_draft(session, studio, InvoiceInput(
        customer_id=customer.id, currency="USD", exchange_rate=issue_rate,
        issue_date=date(2026, 11, 2),
        lines=[InvoiceLineInput(description="Work", unit_price=Decimal(total) / 100)]))
    issue_invoice(session, studio, invoice)
    left = invoice.total
    for n, rate in enumerate(pay_rates):
        last = n == len(pay_rates) - 1
        units = left if last else max(1, min(left - 1, left * split // 100)) if left > 1 \
            else left
        if units <= 0:
            continue
        record_payment(session, studio, PaymentInput(
            customer_id=customer.id, date=date(2026, 11, 10 + n), account=USD_BANK,
            amount=Decimal(units) / 100, exchange_rate=rate,
            allocations=[AllocationInput(invoice.id, Decimal(units) / 100)]))
        left -= units
    assert invoice.status == "paid"
    assert unbalanced_entries(session, studio) == 0
    assert balance(session, studio, "1201") == 0
    session.rollback()

"""Receivables aging on fixed dates, and customer statements."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.parties.models import Party
from folio.sales.adjustments import CreditNoteInput, create_credit_note
from folio.sales.invoices import InvoiceLineInput
from folio.sales.payments import PaymentInput, record_payment
from folio.sales.reports import aging_table, customer_statement, receivables_aging
from tests.sales.conftest import MakeInvoice

D = Decimal
AS_OF = date(2026, 6, 30)


def test_aging_puts_each_invoice_in_its_bucket(session: Session, studio: Book,
                                               client_co: Party,
                                               make_invoice: MakeInvoice) -> None:
    # Due dates (issue + 0 days' terms given explicitly) against 30 June 2026.
    for due, amount in [("2026-07-15", 100), ("2026-06-30", 200), ("2026-06-29", 300),
                        ("2026-05-31", 400), ("2026-05-30", 500), ("2026-04-01", 600),
                        ("2026-03-31", 700)]:
        make_invoice((amount, None), day="2026-01-02", due_date=date.fromisoformat(due),
                     issue=True)
    report = receivables_aging(session, studio, AS_OF)
    assert len(report.rows) == 1
    assert report.rows[0].buckets == {"current": 300, "1-30": 300 + 400, "31-60": 500,
                                      "61-90": 600, "over_90": 700}
    header, rows = aging_table(report)
    assert header[-1] == "total"
    assert rows[-1] == ["Total", "300", "700", "500", "600", "700", "2800"]


def test_aging_as_of_an_earlier_date_ignores_later_payments(
        session: Session, studio: Book, client_co: Party, make_invoice: MakeInvoice) -> None:
    make_invoice((1_000, None), day="2026-05-01", due_date=date(2026, 5, 31), issue=True)
    record_payment(session, studio, PaymentInput(customer_id=client_co.id,
                                                 date=date(2026, 7, 5), account="1111",
                                                 amount=D(1_000)))
    session.commit()
    assert receivables_aging(session, studio, AS_OF).totals["1-30"] == 1_000
    assert receivables_aging(session, studio, date(2026, 7, 5)).rows == []


def test_the_statement_runs_from_opening_to_closing(session: Session, studio: Book,
                                                    client_co: Party,
                                                    make_invoice: MakeInvoice) -> None:
    make_invoice((1_000_000, None), day="2026-02-01", issue=True)
    second = make_invoice((2_000_000, None), day="2026-03-05", issue=True)
    record_payment(session, studio, PaymentInput(customer_id=client_co.id,
                                                 date=date(2026, 3, 10), account="1111",
                                                 amount=D(1_500_000), reference="TRF-1"))
    create_credit_note(session, studio, second, CreditNoteInput(
        issue_date=date(2026, 3, 12),
        lines=[InvoiceLineInput(description="Goodwill", unit_price=D(500_000))]))
    make_invoice((9_000, None), day="2026-04-01", issue=True)  # after the period
    session.commit()
    report = customer_statement(session, studio, client_co, date(2026, 3, 1),
                                date(2026, 3, 31))
    assert report.opening == 1_000_000
    assert [(x.kind, x.amount, x.balance) for x in report.lines] == [
        ("invoice", 2_000_000, 3_000_000), ("payment", -1_500_000, 1_500_000),
        ("credit_note", -500_000, 1_000_000)]
    assert report.closing == 1_000_000

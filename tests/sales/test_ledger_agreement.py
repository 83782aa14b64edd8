"""Whatever happens to invoices, the ledger agrees: receivable = what is open, credit =
customer deposits, and the book's balances and hash chain check out."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.ledger.check import check_book
from folio.parties.models import Party
from folio.sales.adjustments import CreditNoteInput, create_credit_note, write_off
from folio.sales.invoices import InvoiceLineInput
from folio.sales.issuing import void_invoice
from folio.sales.models import Invoice
from folio.sales.payments import AllocationInput, PaymentInput, customer_credit, record_payment
from folio.sales.reports import receivables_aging
from tests.sales.conftest import MakeInvoice, balance

D = Decimal


def test_a_busy_month_leaves_the_ledger_in_agreement(session: Session, studio: Book,
                                                     client_co: Party,
                                                     make_invoice: MakeInvoice) -> None:
    a = make_invoice((5_550_000, "PPN12"), day="2026-03-02", withholding_code="PPH23",
                     issue=True)
    b = make_invoice((1_000_009, "PPN12"), (1_000_009, "PPN12"), day="2026-03-03", issue=True)
    c = make_invoice((2_000_000, None), day="2026-03-04", issue=True)
    d = make_invoice((750_000, "PPN12-LUX"), day="2026-03-05", issue=True)
    e = make_invoice((300_000, None), day="2026-03-06", issue=True)
    record_payment(session, studio, PaymentInput(
        customer_id=client_co.id, date=date(2026, 3, 20), account="1111",
        amount=D(6_043_000), bank_fee=D(6_500), withheld_tax=D(111_000),
        allocations=[AllocationInput(a.id, D(6_160_500))]))
    record_payment(session, studio, PaymentInput(
        customer_id=client_co.id, date=date(2026, 3, 21), account="1101",
        amount=D(1_000_000), allocations=[AllocationInput(b.id, D(400_000))]))
    create_credit_note(session, studio, c, CreditNoteInput(
        issue_date=date(2026, 3, 22),
        lines=[InvoiceLineInput(description="Rebate", unit_price=D(250_000), tax_code="")]))
    write_off(session, studio, d, on=date(2026, 3, 30))
    void_invoice(session, studio, e, on=date(2026, 3, 31))
    session.commit()
    open_due = sum(i.amount_due for i in session.scalars(select(Invoice).where(
        Invoice.kind == "invoice", Invoice.status.in_(("issued", "partially_paid")))))
    assert balance(session, studio, "1201") == open_due
    assert balance(session, studio, "2201") == -customer_credit(session, studio,
                                                                client_co.id) == -600_000
    aging = receivables_aging(session, studio, date(2026, 3, 31))
    assert sum(aging.totals.values()) == open_due
    assert (a.status, b.status, c.status, d.status, e.status) == \
        ("paid", "partially_paid", "partially_paid", "written_off", "void")
    result = check_book(session, studio)
    assert result.ok, result.problems

"""Credit notes and write-offs: the mirror entries and what is left due."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.errors import Conflict, ValidationError
from folio.ledger.check import check_book
from folio.parties.models import Party
from folio.sales.adjustments import CreditNoteInput, create_credit_note, write_off
from folio.sales.invoices import InvoiceLineInput
from folio.sales.issuing import void_invoice
from folio.sales.payments import PaymentInput, record_payment
from tests.sales.conftest import MakeInvoice, balance

D = Decimal


def test_a_full_credit_note_mirrors_the_invoice(session: Session, studio: Book,
                                                make_invoice: MakeInvoice) -> None:
    invoice = make_invoice(issue=True)
    note = create_credit_note(session, studio, invoice,
                              CreditNoteInput(issue_date=date(2026, 3, 10), reason="cancelled"))
    session.commit()
    assert note.number == "CN/2026/0001"
    assert note.total == invoice.total == 6_160_500
    assert invoice.amount_due == 0
    assert invoice.status == "paid"
    for code in ("1201", "4101", "2301"):
        assert balance(session, studio, code) == 0
    assert check_book(session, studio).ok


def test_a_partial_credit_note_reduces_what_is_due(session: Session, studio: Book,
                                                   make_invoice: MakeInvoice) -> None:
    invoice = make_invoice(issue=True)
    note = create_credit_note(session, studio, invoice, CreditNoteInput(
        issue_date=date(2026, 3, 10),
        lines=[InvoiceLineInput(description="Discount", unit_price=D(1_200_000),
                                tax_code="PPN12")]))
    session.commit()
    assert note.total == 1_200_000 + 132_000
    assert invoice.amount_due == 6_160_500 - 1_332_000
    assert invoice.status == "partially_paid"
    assert balance(session, studio, "1201") == invoice.amount_due
    assert balance(session, studio, "2301") == -(610_500 - 132_000)


def test_a_credit_note_cannot_exceed_what_is_due(session: Session, studio: Book,
                                                 make_invoice: MakeInvoice) -> None:
    invoice = make_invoice((1_000_000, None), issue=True)
    with pytest.raises(ValidationError):
        create_credit_note(session, studio, invoice, CreditNoteInput(
            issue_date=date(2026, 3, 10),
            lines=[InvoiceLineInput(description="Too much", unit_price=D(1_000_001))]))


def test_voiding_a_credit_note_restores_the_due(session: Session, studio: Book,
                                                make_invoice: MakeInvoice) -> None:
    invoice = make_invoice(issue=True)
    note = create_credit_note(session, studio, invoice,
                              CreditNoteInput(issue_date=date(2026, 3, 10)))
    with pytest.raises(Conflict):
        void_invoice(session, studio, invoice)
    void_invoice(session, studio, note, on=date(2026, 3, 11))
    session.commit()
    assert invoice.status == "issued"
    assert invoice.amount_due == 6_160_500
    assert balance(session, studio, "1201") == 6_160_500


def test_a_write_off_clears_the_rest_to_bad_debt(session: Session, studio: Book,
                                                 client_co: Party,
                                                 make_invoice: MakeInvoice) -> None:
    invoice = make_invoice(issue=True)
    record_payment(session, studio, PaymentInput(
        customer_id=client_co.id, date=date(2026, 4, 1), account="1111",
        amount=D(6_000_000)))
    write_off(session, studio, invoice, on=date(2026, 9, 30), reason="client closed")
    session.commit()
    assert invoice.status == "written_off"
    assert invoice.amount_written_off == 160_500
    assert balance(session, studio, "6402") == 160_500
    assert balance(session, studio, "1201") == 0
    with pytest.raises(Conflict):
        write_off(session, studio, invoice)
    assert check_book(session, studio).ok


def test_a_write_off_needs_an_expense_account(session: Session, studio: Book,
                                              make_invoice: MakeInvoice) -> None:
    invoice = make_invoice(issue=True)
    with pytest.raises(ValidationError) as caught:
        write_off(session, studio, invoice, account="1111")
    assert caught.value.errors[0]["field"] == "account"

"""Payments: partial and several, bank fees, withheld PPh 23, overpayment as credit."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.errors import Conflict, ValidationError
from folio.ledger.check import check_book
from folio.parties.models import Party
from folio.sales.issuing import void_invoice
from folio.sales.models import Invoice
from folio.sales.payments import (
    AllocationInput,
    PaymentInput,
    apply_credit,
    customer_credit,
    record_payment,
)
from tests.ledger.factories import row_counts
from tests.sales.conftest import MakeInvoice, balance

D = Decimal
DAY = date(2026, 3, 20)


def pay(session: Session, book: Book, customer: Party, amount: int | str, *,
        to: list[tuple[Invoice, int]] | None = None, **kwargs: object) -> object:
    payment = record_payment(session, book, PaymentInput(
        customer_id=customer.id, date=kwargs.pop("day", DAY), account="1111",  # type: ignore[arg-type]
        amount=D(str(amount)),
        allocations=None if to is None else [AllocationInput(i.id, D(a)) for i, a in to],
        **kwargs))  # type: ignore[arg-type]
    session.commit()
    return payment


def open_total(session: Session, book: Book) -> int:
    return sum(i.amount_due for i in session.scalars(select(Invoice).where(
        Invoice.book_id == book.id, Invoice.kind == "invoice",
        Invoice.status.in_(("issued", "partially_paid")))))


def test_partial_payments_move_the_status(session: Session, studio: Book, client_co: Party,
                                          make_invoice: MakeInvoice) -> None:
    invoice = make_invoice(issue=True)
    pay(session, studio, client_co, 2_000_000, to=[(invoice, 2_000_000)])
    assert invoice.status == "partially_paid"
    assert invoice.amount_due == 4_160_500
    assert balance(session, studio, "1201") == open_total(session, studio) == 4_160_500
    pay(session, studio, client_co, 4_160_500)
    assert invoice.status == "paid"
    assert balance(session, studio, "1201") == 0
    assert balance(session, studio, "1111") == 6_160_500
    assert check_book(session, studio).ok


def test_withheld_pph23_is_booked_as_prepaid_tax(session: Session, studio: Book,
                                                 client_co: Party,
                                                 make_invoice: MakeInvoice) -> None:
    # DOMAIN.md 2: Dr Bank 6.049.500, Dr PPh 23 Dibayar Dimuka 111.000 / Cr Piutang 6.160.500.
    invoice = make_invoice(issue=True, withholding_code="PPH23")
    payment = pay(session, studio, client_co, 6_049_500, withheld_tax=D(111_000),
                  withholding_reference="BP-0001")
    assert invoice.status == "paid"
    assert balance(session, studio, "1111") == 6_049_500
    assert balance(session, studio, "1402") == 111_000
    assert balance(session, studio, "1201") == 0
    assert payment.withholding_reference == "BP-0001"  # type: ignore[attr-defined]


def test_bank_fees_go_to_their_expense(session: Session, studio: Book, client_co: Party,
                                       make_invoice: MakeInvoice) -> None:
    invoice = make_invoice(issue=True)
    pay(session, studio, client_co, 6_154_000, bank_fee=D(6_500), to=[(invoice, 6_160_500)])
    assert invoice.status == "paid"
    assert balance(session, studio, "6502") == 6_500
    assert balance(session, studio, "1111") == 6_154_000


def test_an_overpayment_becomes_credit_applied_later(session: Session, studio: Book,
                                                     client_co: Party,
                                                     make_invoice: MakeInvoice) -> None:
    first = make_invoice((1_000_000, None), issue=True)
    pay(session, studio, client_co, 1_500_000)
    assert first.status == "paid"
    assert customer_credit(session, studio, client_co.id) == 500_000
    assert balance(session, studio, "2201") == -500_000
    second = make_invoice((800_000, None), day="2026-04-01", issue=True)
    apply_credit(session, studio, second, on=date(2026, 4, 2))
    session.commit()
    assert second.amount_due == 300_000
    assert second.status == "partially_paid"
    assert customer_credit(session, studio, client_co.id) == 0
    assert balance(session, studio, "2201") == 0
    assert balance(session, studio, "1201") == open_total(session, studio) == 300_000
    with pytest.raises(ValidationError):
        apply_credit(session, studio, second, on=date(2026, 4, 2))
    assert check_book(session, studio).ok


def test_the_oldest_invoices_are_settled_first(session: Session, studio: Book,
                                               client_co: Party,
                                               make_invoice: MakeInvoice) -> None:
    older = make_invoice((1_000_000, None), day="2026-01-05", issue=True)
    newer = make_invoice((1_000_000, None), day="2026-02-05", issue=True)
    pay(session, studio, client_co, 1_500_000)
    assert (older.status, newer.status) == ("paid", "partially_paid")
    assert newer.amount_due == 500_000


def test_overpaying_an_invoice_is_refused_and_writes_nothing(
        session: Session, studio: Book, client_co: Party, make_invoice: MakeInvoice) -> None:
    invoice = make_invoice(issue=True)
    before = row_counts(session)
    with pytest.raises(ValidationError) as caught:
        pay(session, studio, client_co, 7_000_000, to=[(invoice, 7_000_000)])
    session.rollback()
    assert caught.value.errors[0]["field"] == "allocations[0].amount"
    assert row_counts(session) == before


def test_paying_a_void_invoice_is_refused(session: Session, studio: Book, client_co: Party,
                                          make_invoice: MakeInvoice) -> None:
    invoice = make_invoice(issue=True)
    void_invoice(session, studio, invoice, on=date(2026, 3, 3))
    session.commit()
    with pytest.raises(ValidationError) as caught:
        pay(session, studio, client_co, 100, to=[(invoice, 100)])
    assert "void" in caught.value.errors[0]["message"]


def test_a_paid_invoice_cannot_be_voided(session: Session, studio: Book, client_co: Party,
                                         make_invoice: MakeInvoice) -> None:
    invoice = make_invoice(issue=True)
    pay(session, studio, client_co, 100, to=[(invoice, 100)])
    with pytest.raises(Conflict):
        void_invoice(session, studio, invoice)


@pytest.mark.parametrize(("field", "kwargs"), [
    ("amount", {"amount": D(-5)}),
    ("amount", {"amount": D(0)}),
    ("account", {"account": "4101"}),
    ("account", {"account": "9999"}),
    ("currency", {"currency": "USD"}),
    ("withheld_tax", {"withheld_tax": D("1.5")}),
    ("fee_account", {"bank_fee": D(10), "fee_account": "1111"}),
])
def test_bad_payments_are_refused_by_field(session: Session, studio: Book, client_co: Party,
                                           field: str, kwargs: dict[str, object]) -> None:
    data = {"customer_id": client_co.id, "date": DAY, "account": "1111",
            "amount": D(100), **kwargs}
    with pytest.raises(ValidationError) as caught:
        record_payment(session, studio, PaymentInput(**data))  # type: ignore[arg-type]
    assert field in [e["field"] for e in caught.value.errors]

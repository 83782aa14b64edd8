"""Voiding a customer payment and refunding customer credit.

Figures by hand: invoice Rp5.550.000 + PPN 12% on DPP 11/12 (610.500) = 6.160.500.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from folio.banking.matching import match_invoice
from folio.banking.reconcile import finish, start_reconciliation, toggle_cleared
from folio.books.models import Book
from folio.books.service import lock_book
from folio.errors import Conflict, PeriodLocked, ValidationError
from folio.ledger.check import check_book
from folio.parties.models import Party
from folio.sales.models import Invoice, Payment
from folio.sales.payments import (
    RefundInput,
    apply_credit,
    customer_credit,
    refund_credit,
    void_payment,
)
from tests.banking.factories import do_import, generic_csv, lines_of, money_account
from tests.ledger.factories import row_counts
from tests.sales.conftest import MakeInvoice, balance
from tests.sales.test_payments import open_total, pay

D = Decimal
RECEIVABLE, BANK, DEPOSITS = "1201", "1111", "2201"


def test_voiding_a_payment_reopens_its_invoices(session: Session, studio: Book,
                                                 client_co: Party,
                                                 make_invoice: MakeInvoice) -> None:
    first = make_invoice(issue=True)
    second = make_invoice(issue=True)
    payment = pay(session, studio, client_co, 6_160_500 + 1_000_000)
    assert isinstance(payment, Payment)
    assert (first.status, second.status) == ("paid", "partially_paid")
    void_payment(session, studio, payment, reason="bounced")
    session.commit()
    assert (first.status, second.status) == ("issued", "issued")
    assert first.amount_paid == second.amount_paid == 0
    assert payment.void_entry_id is not None
    assert payment.allocations == []
    # The receivable is again exactly what the open invoices ask: 2 x 6.160.500.
    assert balance(session, studio, RECEIVABLE) == open_total(session, studio) == 12_321_000
    assert balance(session, studio, BANK) == 0
    assert check_book(session, studio).ok
    with pytest.raises(Conflict, match="already void"):
        void_payment(session, studio, payment)


def test_a_payment_in_a_locked_period_is_not_voided(session: Session, studio: Book,
                                                    client_co: Party,
                                                    make_invoice: MakeInvoice) -> None:
    make_invoice(issue=True)
    payment = pay(session, studio, client_co, 6_160_500)
    assert isinstance(payment, Payment)
    lock_book(session, studio, date(2026, 3, 31))
    session.commit()
    before = row_counts(session)
    with pytest.raises(PeriodLocked):
        void_payment(session, studio, payment)
    session.rollback()
    assert row_counts(session) == before


def test_a_reconciled_payment_is_not_voided(session: Session, studio: Book,
                                            client_co: Party,
                                            make_invoice: MakeInvoice) -> None:
    invoice = make_invoice(issue=True)
    money = money_account(session, studio)
    do_import(session, studio, money, generic_csv(("20/03/2026", "6160500", "PT Klien Maju",
                                                   "Transfer")))
    line = lines_of(session, money)[0]
    payment = match_invoice(session, studio, line.id, invoice.id)
    rec = start_reconciliation(session, studio, money.id, date(2026, 3, 31), D(6_160_500))
    toggle_cleared(session, studio, money.id, rec.id, [line.id])
    finish(session, studio, money.id, rec.id)
    session.commit()
    with pytest.raises(Conflict, match="is reconciled"):
        void_payment(session, studio, payment)
    session.rollback()
    assert invoice.status == "paid"


def test_voiding_a_matched_payment_unmatches_its_bank_line(
        session: Session, studio: Book, client_co: Party, make_invoice: MakeInvoice) -> None:
    invoice = make_invoice(issue=True)
    money = money_account(session, studio)
    do_import(session, studio, money, generic_csv(("20/03/2026", "6160500", "PT Klien Maju",
                                                   "Transfer")))
    line = lines_of(session, money)[0]
    payment = match_invoice(session, studio, line.id, invoice.id)
    void_payment(session, studio, payment)
    session.commit()
    assert (line.status, line.payment_id, line.entry_id) == ("unmatched", None, None)
    assert invoice.status == "issued"


def test_credit_is_refunded_from_the_bank(session: Session, studio: Book, client_co: Party,
                                          make_invoice: MakeInvoice) -> None:
    make_invoice(issue=True)
    pay(session, studio, client_co, 7_000_000)  # 839.500 more than the invoice asks
    assert customer_credit(session, studio, client_co.id) == 839_500
    refund = refund_credit(session, studio, RefundInput(
        customer_id=client_co.id, date=date(2026, 3, 25), account=BANK, amount=D(500_000)))
    session.commit()
    assert (refund.kind, refund.amount) == ("refund", -500_000)
    assert customer_credit(session, studio, client_co.id) == 339_500
    assert balance(session, studio, DEPOSITS) == -339_500
    assert balance(session, studio, BANK) == 7_000_000 - 500_000
    # What is left can still be applied; the refunded part cannot.
    later = make_invoice(issue=True, day="2026-03-26")
    applied = apply_credit(session, studio, later, on=date(2026, 3, 26))
    assert sum(a.amount for a in applied) == 339_500
    with pytest.raises(ValidationError, match="credit is 0"):
        refund_credit(session, studio, RefundInput(
            customer_id=client_co.id, date=date(2026, 3, 27), account=BANK, amount=D(1)))


def test_refunds_beyond_the_credit_are_refused(session: Session, studio: Book,
                                               client_co: Party) -> None:
    before = row_counts(session)
    for amount, field in ((D(1), "amount"), (D(-5), "amount"), (D("0.5"), "amount")):
        with pytest.raises(ValidationError) as caught:
            refund_credit(session, studio, RefundInput(
                customer_id=client_co.id, date=date(2026, 3, 27), account=BANK,
                amount=amount))
        assert caught.value.errors[0]["field"] == field
    with pytest.raises(ValidationError) as caught:
        refund_credit(session, studio, RefundInput(
            customer_id=client_co.id, date=date(2026, 3, 27), account="4101", amount=D(1)))
    assert "account" in [e["field"] for e in caught.value.errors]
    session.rollback()
    assert row_counts(session) == before


def test_a_payment_whose_credit_was_refunded_is_not_voided(
        session: Session, studio: Book, client_co: Party) -> None:
    payment = pay(session, studio, client_co, 1_000_000)  # no invoice: all credit
    assert isinstance(payment, Payment)
    refund_credit(session, studio, RefundInput(
        customer_id=client_co.id, date=date(2026, 3, 25), account=BANK, amount=D(1_000_000)))
    with pytest.raises(Conflict, match="already refunded"):
        void_payment(session, studio, payment)
    assert session.scalar(select(Invoice.id)) is None

"""Roles in sales: staff draft invoices, an accountant issues them and records payments."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from folio.audit.models import AuditEvent
from folio.auth.actor import Actor, set_actor
from folio.auth.roles import Role
from folio.auth.service import add_member, create_user
from folio.books.models import Book
from folio.db import make_session
from folio.errors import Forbidden
from folio.parties.models import Party
from folio.sales.adjustments import write_off
from folio.sales.invoices import InvoiceInput, create_draft, get_invoice
from folio.sales.issuing import issue_invoice, void_invoice
from folio.sales.payments import PaymentInput, record_payment
from tests.sales.conftest import MakeInvoice, lines

PASSWORD = "correct battery horse staple"


def member_session(engine: Engine, session: Session, book: Book, email: str,
                   role: Role) -> Iterator[Session]:
    user = create_user(session, email, PASSWORD)
    add_member(session, book, user, role)
    session.commit()
    acting = make_session(engine, write=True)
    set_actor(acting, Actor(label=email, user_id=user.id))
    yield acting
    acting.rollback()
    acting.close()


@pytest.fixture
def staff(engine: Engine, session: Session, studio: Book) -> Iterator[Session]:
    yield from member_session(engine, session, studio, "sari@example.com", Role.staff)


@pytest.fixture
def accountant(engine: Engine, session: Session, studio: Book) -> Iterator[Session]:
    yield from member_session(engine, session, studio, "bob@example.com", Role.accountant)


def test_staff_draft_but_may_not_issue(staff: Session, studio: Book, client_co: Party) -> None:
    book = staff.get_one(Book, studio.id)
    draft = create_draft(staff, book, InvoiceInput(customer_id=client_co.id,
                                                   lines=lines((1_000_000, "PPN12"))))
    staff.commit()
    with pytest.raises(Forbidden):
        issue_invoice(staff, book, get_invoice(staff, book, draft.id))
    staff.rollback()
    assert get_invoice(staff, book, draft.id).status == "draft"


def test_staff_may_not_void_write_off_or_record_payments(
        staff: Session, studio: Book, client_co: Party, make_invoice: MakeInvoice) -> None:
    issued = make_invoice(issue=True)
    book = staff.get_one(Book, studio.id)
    invoice = get_invoice(staff, book, issued.id)
    with pytest.raises(Forbidden):
        void_invoice(staff, book, invoice)
    with pytest.raises(Forbidden):
        write_off(staff, book, invoice)
    with pytest.raises(Forbidden):
        record_payment(staff, book, PaymentInput(customer_id=client_co.id,
                                                 date=date(2026, 3, 5), account="1111",
                                                 amount=Decimal(1)))


def test_an_accountant_issues_and_the_audit_log_says_who(
        accountant: Session, studio: Book, client_co: Party, make_invoice: MakeInvoice) -> None:
    draft = make_invoice()
    book = accountant.get_one(Book, studio.id)
    issue_invoice(accountant, book, get_invoice(accountant, book, draft.id))
    accountant.commit()
    event = accountant.query(AuditEvent).filter_by(action="issue",
                                                   object_type="invoice").one()
    assert event.actor == "bob@example.com"
    assert "INV/2026/03/0001" in event.summary

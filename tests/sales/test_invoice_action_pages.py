"""An invoice's adjustment forms: credit notes, write-offs, applying customer credit, and
deleting a draft."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.parties.models import Party
from folio.sales.models import Invoice
from folio.sales.payments import AllocationInput, PaymentInput, record_payment
from tests.conftest import ensure_member, sign_in_as
from tests.sales.conftest import D, MakeInvoice, balance
from tests.web.page import Page

BASE = "/books/studio/invoices"
Counts = Callable[[], dict[str, int]]


def test_a_full_credit_note_settles_the_invoice(
        client: Any, session: Session, studio: Book, make_invoice: MakeInvoice) -> None:
    invoice_id = make_invoice(issue=True).id
    assert f"{BASE}/{invoice_id}/credit-notes" in Page(
        client.get(f"{BASE}/{invoice_id}").text).attribute_values("action")
    session.rollback()
    done = client.post(f"{BASE}/{invoice_id}/credit-notes",
                       data={"mode": "full", "issue_date": "2026-03-05", "reason": "Cancelled"},
                       follow_redirects=False)
    assert done.status_code == 303, done.text
    assert "notice=credited" in done.headers["location"]
    session.expire_all()
    invoice = session.get_one(Invoice, invoice_id)
    assert invoice.amount_credited == 6_160_500
    assert invoice.amount_due == 0
    assert "The credit note is issued" in client.get(done.headers["location"]).text


def test_a_partial_credit_note_takes_quantities_and_an_amount(
        client: Any, session: Session, studio: Book, make_invoice: MakeInvoice) -> None:
    invoice_id = make_invoice((1_000_000, "PPN12", 4), issue=True).id  # 4 x 1.000.000
    session.rollback()
    done = client.post(f"{BASE}/{invoice_id}/credit-notes", data={
        "mode": "part", "credit-0-quantity": "1", "credit_amount": "500000",
        "issue_date": "2026-03-05"}, follow_redirects=False)
    assert done.status_code == 303, done.text
    session.expire_all()
    # 1.500.000 net + PPN 11% effective (165.000) = 1.665.000.
    assert session.get_one(Invoice, invoice_id).amount_credited == 1_665_000


def test_a_bad_credit_note_is_explained_and_writes_nothing(
        client: Any, session: Session, studio: Book, make_invoice: MakeInvoice,
        counts: Counts) -> None:
    invoice_id = make_invoice(issue=True).id
    session.rollback()
    before = counts()
    for data, field in (({"mode": "part"}, "error-credit_amount"),
                        ({"mode": "part", "credit-0-quantity": "5"}, "error-credit-0-quantity"),
                        ({"mode": "part", "credit_amount": "-5"}, "error-credit_amount"),
                        ({"mode": "part", "credit_amount": "99000000"}, "error-lines"),
                        ({"mode": "full", "issue_date": "2020-01-01"}, "error-issue_date")):
        response = client.post(f"{BASE}/{invoice_id}/credit-notes", data=data)
        assert response.status_code in (409, 422), data
        assert field in response.text, data
    assert counts() == before


def test_a_write_off_goes_to_the_bad_debt_account(
        client: Any, session: Session, studio: Book, make_invoice: MakeInvoice) -> None:
    invoice_id = make_invoice(issue=True).id
    page = client.get(f"{BASE}/{invoice_id}").text
    assert 'value="6402" selected' in page  # Bad debts written off, role bad_debt
    session.rollback()
    done = client.post(f"{BASE}/{invoice_id}/write-off",
                       data={"written_on": "2026-09-30", "account": "6402",
                             "reason": "Customer closed"}, follow_redirects=False)
    assert done.status_code == 303, done.text
    session.expire_all()
    invoice = session.get_one(Invoice, invoice_id)
    assert invoice.status == "written_off"
    assert balance(session, studio, "6402") == 6_160_500
    session.rollback()
    bad = client.post(f"{BASE}/{invoice_id}/write-off", data={"account": "6402"})
    assert bad.status_code == 409


def test_a_write_off_to_a_wrong_account_is_refused(
        client: Any, session: Session, studio: Book, make_invoice: MakeInvoice,
        counts: Counts) -> None:
    invoice_id = make_invoice(issue=True).id
    session.rollback()
    before = counts()
    for data in ({"account": "1111"}, {"account": "nope"}, {"written_on": "someday"}):
        response = client.post(f"{BASE}/{invoice_id}/write-off", data=data)
        assert response.status_code == 422, data
        assert 'role="alert"' in response.text
    assert counts() == before


def test_customer_credit_is_offered_and_applied(
        client: Any, session: Session, studio: Book, client_co: Party,
        make_invoice: MakeInvoice) -> None:
    first = make_invoice(issue=True)
    second = make_invoice(issue=True, day="2026-03-10")
    record_payment(session, studio, PaymentInput(  # 1.000.000 more than the first is due
        customer_id=client_co.id, date=first.issue_date, account="1111",
        amount=D(7_160_500), allocations=[AllocationInput(first.id, D(6_160_500))]))
    session.commit()
    second_id = second.id
    page = client.get(f"{BASE}/{second_id}").text
    assert "Apply customer credit" in page
    session.rollback()
    done = client.post(f"{BASE}/{second_id}/apply-credit",
                       data={"applied_on": "2026-03-12"}, follow_redirects=False)
    assert done.status_code == 303, done.text
    session.expire_all()
    assert session.get_one(Invoice, second_id).amount_paid == 1_000_000
    session.rollback()
    again = client.post(f"{BASE}/{second_id}/apply-credit", data={"amount": "5"})
    assert again.status_code == 422
    assert "credit is 0" in again.text


def test_deleting_a_draft(client: Any, session: Session, studio: Book,
                          make_invoice: MakeInvoice) -> None:
    draft_id = make_invoice().id
    issued_id = make_invoice(issue=True).id
    session.rollback()
    done = client.post(f"{BASE}/{draft_id}/delete", follow_redirects=False)
    assert done.status_code == 303
    assert "The draft is deleted" in client.get(done.headers["location"]).text
    assert client.post(f"{BASE}/{issued_id}/delete").status_code == 409
    assert session.scalars(select(Invoice.id)).all() == [issued_id]


def test_a_viewer_gets_no_adjustment_forms_and_403(
        client: Any, engine: Engine, session: Session, studio: Book,
        make_invoice: MakeInvoice, counts: Counts) -> None:
    invoice_id = make_invoice(issue=True).id
    ensure_member(session, studio, "viewer@example.test", "viewer")
    session.commit()
    sign_in_as(client, engine, "viewer@example.test")
    page = Page(client.get(f"{BASE}/{invoice_id}").text)
    assert not [a for a in page.attribute_values("action") if "/invoices/" in a]
    before = counts()
    assert client.post(f"{BASE}/{invoice_id}/credit-notes",
                       data={"mode": "full"}).status_code == 403
    assert client.post(f"{BASE}/{invoice_id}/write-off", data={}).status_code == 403
    assert client.post(f"{BASE}/{invoice_id}/apply-credit", data={}).status_code == 403
    assert counts() == before


def test_adjustments_without_csrf_are_refused(
        client: Any, session: Session, studio: Book, make_invoice: MakeInvoice,
        counts: Counts) -> None:
    invoice_id = make_invoice(issue=True).id
    session.rollback()
    before = counts()
    del client.headers["X-CSRF-Token"]
    for path in ("credit-notes", "write-off", "apply-credit", "delete"):
        assert client.post(f"{BASE}/{invoice_id}/{path}", data={}).status_code == 403
    assert counts() == before

"""The customer's page at /q/{token}: no account, the one quotation only, approve or decline
with a double-submit CSRF token, in the book's language."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from folio.audit.models import AuditEvent
from folio.books.models import Book
from folio.clock import today
from folio.parties.models import Party
from folio.parties.service import PartyInput, create_party
from folio.sales.quotation_models import Quotation
from folio.sales.quotations import QuotationInput, create_quotation, send_quotation
from tests.sales.conftest import lines


def sent(session: Session, book: Book, customer: Party, *specs: tuple[Any, ...],
         **kwargs: Any) -> tuple[Quotation, str]:
    quotation = create_quotation(session, book, QuotationInput(
        customer_id=customer.id, lines=lines(*(specs or ((5_550_000, "PPN12"),))),
        notes="Logo and brand book", **kwargs))
    token = send_quotation(session, book, quotation)
    session.commit()
    return quotation, token


def csrf(page: Any) -> str:
    found = re.search(r'name="q_csrf" value="([^"]+)"', page.text)
    assert found, page.text
    return found.group(1)


def test_the_client_sees_the_quotation_in_the_books_language(
        anonymous: Any, session: Session, studio: Book, client_co: Party) -> None:
    quotation, token = sent(session, studio, client_co)
    page = anonymous.get(f"/q/{token}")
    assert page.status_code == 200
    text = page.text
    assert quotation.number is not None
    assert quotation.number in text
    assert "Rp" in text
    assert "6.160.500" in text
    assert "610.500" in text
    assert "Penawaran" in text
    assert "Setujui penawaran" in text
    assert "PT Klien Maju" in text
    assert "Logo and brand book" in text
    assert page.headers["x-robots-tag"].startswith("noindex")
    assert page.headers["cache-control"] == "no-store"
    assert "<script" not in text
    assert "style=" not in text
    assert "<style" not in text
    assert 'name="viewport"' in text


def test_unknown_tokens_and_drafts_are_a_404_page(anonymous: Any, session: Session,
                                                  studio: Book, client_co: Party) -> None:
    page = anonymous.get("/q/q_nothing-here")
    assert page.status_code == 404
    assert "Quotation not found" in page.text
    assert anonymous.post("/q/q_nothing-here/approve",
                          data={"name": "x", "q_csrf": "y"}).status_code == 404


def test_a_token_shows_its_own_book_only(anonymous: Any, session: Session, studio: Book,
                                         client_co: Party, book: Book) -> None:
    acme, _ = create_party(session, book, PartyInput(name="Acme Secret Inc", is_customer=True))
    session.commit()
    _theirs, their_token = sent(session, book, acme, ("1234.56", ""))
    _ours, our_token = sent(session, studio, client_co)
    ours = anonymous.get(f"/q/{our_token}").text
    assert "Acme Secret" not in ours
    assert "1,234.56" not in ours
    theirs = anonymous.get(f"/q/{their_token}")
    assert theirs.status_code == 200
    assert "$1,234.56" in theirs.text
    assert "Approve quotation" in theirs.text
    assert "PT Klien Maju" not in theirs.text
    assert studio.name not in theirs.text


def test_approving_through_the_page(anonymous: Any, session: Session, studio: Book,
                                    client_co: Party) -> None:
    quotation, token = sent(session, studio, client_co)
    page = anonymous.get(f"/q/{token}")
    done = anonymous.post(f"/q/{token}/approve", data={
        "name": "Budi Santoso", "comment": "Silakan lanjut", "q_csrf": csrf(page)},
        follow_redirects=False)
    assert done.status_code == 303
    assert done.headers["location"] == f"/q/{token}"
    after = anonymous.get(f"/q/{token}")
    assert "Disetujui oleh Budi Santoso" in after.text
    assert 'name="q_csrf"' not in after.text  # no more forms
    session.expire_all()
    stored = session.get_one(Quotation, quotation.id)
    assert (stored.status, stored.client_name, stored.client_comment) == (
        "approved", "Budi Santoso", "Silakan lanjut")
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "approve")).one()
    assert event.actor == "client:Budi Santoso"
    session.rollback()  # end the read before the next request (SQLite)
    again = anonymous.post(f"/q/{token}/decline", data={"name": "Budi", "q_csrf": csrf(page)})
    assert again.status_code == 409
    session.expire_all()
    assert session.get_one(Quotation, quotation.id).status == "approved"


def test_declining_needs_the_double_submit_token(anonymous: Any, session: Session,
                                                 studio: Book, client_co: Party) -> None:
    quotation, token = sent(session, studio, client_co)
    forged = anonymous.post(f"/q/{token}/decline", data={"name": "Mallory"})
    assert forged.status_code == 400
    assert "Formulir kedaluwarsa" in forged.text
    session.rollback()
    anonymous.cookies.clear()
    wrong = anonymous.post(f"/q/{token}/decline", data={"name": "Mallory", "q_csrf": "abc"})
    assert wrong.status_code == 400
    session.expire_all()
    assert session.get_one(Quotation, quotation.id).status == "sent"
    session.rollback()
    page = anonymous.get(f"/q/{token}")
    nameless = anonymous.post(f"/q/{token}/decline", data={"name": " ", "q_csrf": csrf(page)})
    assert nameless.status_code == 422
    declined = anonymous.post(f"/q/{token}/decline", data={
        "name": "Budi", "comment": "Terlalu mahal", "q_csrf": csrf(page)})
    assert declined.status_code == 200
    assert "Ditolak oleh Budi" in declined.text
    session.expire_all()
    assert session.get_one(Quotation, quotation.id).status == "declined"
    assert session.scalars(select(AuditEvent.actor).where(
        AuditEvent.action == "reject")).one() == "client:Budi"


def test_an_expired_quotation_shows_but_cannot_be_approved(
        anonymous: Any, session: Session, studio: Book, client_co: Party) -> None:
    quotation, token = sent(session, studio, client_co)
    page = anonymous.get(f"/q/{token}")
    quotation.valid_until = today() - timedelta(days=1)
    session.commit()
    quotation_id = quotation.id
    session.rollback()
    expired = anonymous.get(f"/q/{token}")
    assert "kedaluwarsa" in expired.text
    assert 'name="q_csrf"' not in expired.text
    late = anonymous.post(f"/q/{token}/approve", data={"name": "Budi", "q_csrf": csrf(page)})
    assert late.status_code == 409
    session.expire_all()
    assert session.get_one(Quotation, quotation_id).status == "sent"

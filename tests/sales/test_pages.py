"""Invoice pages: the list with filters, one invoice, and its issue, void and payment forms."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.ledger.models import JournalEntry
from folio.parties.service import PartyInput, create_party
from folio.sales.models import Invoice, Payment
from tests.conftest import ensure_member, sign_in_as
from tests.sales.conftest import MakeInvoice
from tests.web.page import Page

BASE = "/books/studio/invoices"


def no_inline_script_or_style(html: str) -> None:
    page = Page(html)
    assert not page.attribute_values("style")
    assert not any(name.startswith("on") or name.startswith("hx-on")
                   for _, attrs in page.elements for name in attrs)
    assert all("src" in attrs for tag, attrs in page.elements if tag == "script")


def entries(session: Session, book: Book) -> int:
    """Posted entries in the book; ends the read so the pages can write."""
    count = len(session.scalars(select(JournalEntry).where(JournalEntry.book_id == book.id,
                                                           JournalEntry.status == "posted")).all())
    session.rollback()
    return count


def test_the_list_shows_invoices_with_filters_and_pagination(
        client: Any, session: Session, studio: Book, make_invoice: MakeInvoice) -> None:
    issued = make_invoice(issue=True)
    draft = make_invoice(day="2026-04-10")
    response = client.get(BASE)
    assert response.status_code == 200
    assert issued.number in response.text
    assert "PT Klien Maju" in response.text
    assert "6.160.500" in response.text  # 5.550.000 + PPN 12% on DPP 11/12, id_ID format
    assert "Invoices" in Page(response.text).text
    no_inline_script_or_style(response.text)

    drafts = client.get(BASE, params={"status": "draft"}).text
    assert f"{BASE}/{draft.id}" in drafts
    assert issued.number not in drafts
    assert issued.number in client.get(BASE, params={"q": issued.number}).text
    assert issued.number not in client.get(BASE, params={"q": "nobody"}).text
    assert issued.number in client.get(BASE, params={"status": "overdue"}).text
    dated = client.get(BASE, params={"from": "2026-04-01", "to": "2026-04-30"}).text
    assert f"{BASE}/{draft.id}" in dated
    assert issued.number not in dated
    assert client.get(BASE, params={"status": "nonsense"}).status_code == 422


def test_the_list_pages_through_many_invoices(
        client: Any, session: Session, studio: Book, make_invoice: MakeInvoice) -> None:
    for _ in range(51):
        make_invoice()
    first = client.get(BASE).text
    assert "page=2" in first
    second = client.get(BASE, params={"page": 2})
    assert second.status_code == 200
    assert 'rel="prev"' in second.text


def test_the_detail_shows_totals_and_escapes_names(
        client: Any, session: Session, studio: Book, make_invoice: MakeInvoice) -> None:
    party, _ = create_party(session, studio, PartyInput(name="<b>Evil & Co</b>",
                                                        is_customer=True))
    session.commit()
    invoice = make_invoice(issue=True, customer_id=party.id)
    response = client.get(f"{BASE}/{invoice.id}")
    assert response.status_code == 200
    assert "&lt;b&gt;Evil &amp; Co&lt;/b&gt;" in response.text
    assert "<b>Evil" not in response.text
    text = Page(response.text).text
    assert "5.550.000" in text
    assert "5.087.500" in text
    assert "610.500" in text
    assert "6.160.500" in text
    no_inline_script_or_style(response.text)
    listing = client.get(BASE).text
    assert "&lt;b&gt;Evil" in listing
    assert "<b>Evil" not in listing
    assert client.get(f"{BASE}/999999").status_code == 404


def test_issuing_through_the_form_posts_the_invoice(
        client: Any, session: Session, studio: Book, make_invoice: MakeInvoice) -> None:
    draft = make_invoice()
    draft_id = draft.id
    before = entries(session, studio)
    assert f"{BASE}/{draft_id}/issue" in client.get(f"{BASE}/{draft_id}").text
    session.rollback()
    done = client.post(f"{BASE}/{draft_id}/issue", follow_redirects=False)
    assert done.status_code == 303
    assert "notice=issued" in done.headers["location"]
    session.expire_all()
    assert session.get_one(Invoice, draft_id).status == "issued"
    assert entries(session, studio) == before + 1
    shown = client.get(done.headers["location"]).text
    assert "The invoice is issued" in shown
    again = client.post(f"{BASE}/{draft_id}/issue")
    assert again.status_code == 409
    assert "already issued" in again.text


def test_voiding_through_the_form_reverses_the_entry(
        client: Any, session: Session, studio: Book, make_invoice: MakeInvoice) -> None:
    invoice_id = make_invoice(issue=True).id
    before = entries(session, studio)
    done = client.post(f"{BASE}/{invoice_id}/void", data={"reason": "Wrong client"},
                       follow_redirects=False)
    assert done.status_code == 303
    assert "notice=voided" in done.headers["location"]
    session.expire_all()
    assert session.get_one(Invoice, invoice_id).status == "void"
    assert entries(session, studio) == before + 1
    assert f"{BASE}/{invoice_id}/void" not in client.get(f"{BASE}/{invoice_id}").text


def test_a_payment_through_the_form_settles_the_invoice(
        client: Any, session: Session, studio: Book, make_invoice: MakeInvoice) -> None:
    invoice_id = make_invoice(issue=True).id
    before = entries(session, studio)
    form = Page(client.get(f"{BASE}/{invoice_id}").text)
    assert f"{BASE}/{invoice_id}/payments" in form.attribute_values("action")
    done = client.post(f"{BASE}/{invoice_id}/payments", data={
        "paid_on": "2026-03-20", "account": "1111", "amount": "3000000", "bank_fee": "5000"},
        follow_redirects=False)
    assert done.status_code == 303
    assert "notice=paid" in done.headers["location"]
    session.expire_all()
    paid = session.get_one(Invoice, invoice_id)
    assert paid.status == "partially_paid"
    assert paid.amount_paid == 3_005_000
    assert entries(session, studio) == before + 1
    shown = client.get(done.headers["location"]).text
    assert "The payment is recorded" in shown
    assert "3.005.000" in shown
    # Voiding is offered no more once money has arrived.
    assert f"{BASE}/{invoice_id}/void" not in shown


def test_a_bad_payment_is_explained_in_the_page(
        client: Any, session: Session, studio: Book, make_invoice: MakeInvoice) -> None:
    invoice_id = make_invoice(issue=True).id
    session.rollback()
    for data in ({"paid_on": "2026-03-20", "account": "1111", "amount": "lots"},
                 {"paid_on": "", "account": "1111", "amount": "100"},
                 {"paid_on": "2026-03-20", "account": "", "amount": "100"},
                 {"paid_on": "2026-03-20", "account": "1111", "amount": "99999999999"}):
        response = client.post(f"{BASE}/{invoice_id}/payments", data=data)
        assert response.status_code in (409, 422), data
        assert 'role="alert"' in response.text
    session.expire_all()
    assert session.scalars(select(Payment)).all() == []
    assert session.get_one(Invoice, invoice_id).amount_paid == 0


def test_an_action_without_the_csrf_token_is_refused(
        client: Any, session: Session, studio: Book, make_invoice: MakeInvoice) -> None:
    draft_id = make_invoice().id
    session.rollback()
    del client.headers["X-CSRF-Token"]
    assert client.post(f"{BASE}/{draft_id}/issue").status_code == 403
    assert session.get_one(Invoice, draft_id).status == "draft"


def test_a_viewer_sees_the_pages_but_no_actions(
        client: Any, engine: Engine, session: Session, studio: Book,
        make_invoice: MakeInvoice) -> None:
    draft_id = make_invoice().id
    issued_id = make_invoice(issue=True).id
    ensure_member(session, studio, "viewer@example.test", "viewer")
    session.commit()
    sign_in_as(client, engine, "viewer@example.test")
    assert client.get(BASE).status_code == 200
    for invoice_id in (draft_id, issued_id):
        shown = Page(client.get(f"{BASE}/{invoice_id}").text)
        assert not [a for a in shown.attribute_values("action") if "/invoices/" in a]
    refused = client.post(f"{BASE}/{draft_id}/issue")
    assert refused.status_code == 403
    assert client.post(f"{BASE}/{issued_id}/payments", data={
        "paid_on": "2026-03-20", "account": "1111", "amount": "100"}).status_code == 403
    assert session.get_one(Invoice, draft_id).status == "draft"
    assert session.scalars(select(Payment)).all() == []


def test_the_navigation_links_to_invoices(client: Any, studio: Book) -> None:
    assert BASE in Page(client.get("/books/studio").text).hrefs()


def test_an_impossible_invoice_id_is_not_found_or_refused(client: Any, studio: Book) -> None:
    assert client.get(f"{BASE}/{2**70}").status_code in (404, 422)
    assert client.get(f"{BASE}/999999").status_code == 404

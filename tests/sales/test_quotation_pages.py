"""Quotation pages: the list, the draft form, and one quotation's actions (send with the
public link, decision, revise, convert in full or in milestones)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.clock import today
from folio.parties.models import Party
from folio.sales.models import Invoice
from folio.sales.quotation_models import Quotation
from folio.sales.quotations import QuotationInput, create_quotation, record_decision
from tests.conftest import ensure_member, sign_in_as
from tests.sales.conftest import lines
from tests.sales.test_invoice_form_pages import DESIGN, form
from tests.sales.test_pages import no_inline_script_or_style
from tests.web.page import Page

BASE = "/books/studio/quotations"
Counts = Callable[[], dict[str, int]]


def draft(session: Session, book: Book, customer: Party, price: int = 5_550_000) -> int:
    quotation = create_quotation(session, book, QuotationInput(
        customer_id=customer.id, lines=lines((price, "PPN12")),
        issue_date=None, notes="Brand book"))
    session.commit()
    return quotation.id


def sent_link(client: Any, quotation_id: int) -> str:
    response = client.post(f"{BASE}/{quotation_id}/send")
    assert response.status_code == 200, response.text
    found = re.search(r'data-public-link value="([^"]+)"|value="([^"]+)" data-public-link',
                      response.text) or re.search(r'id="public-link" readonly value="([^"]+)"',
                                                  response.text)
    assert found, response.text
    return next(g for g in found.groups() if g)


def test_the_form_saves_a_draft_quotation(client: Any, session: Session, studio: Book,
                                          client_co: Party) -> None:
    page = client.get(f"{BASE}/new")
    assert page.status_code == 200
    no_inline_script_or_style(page.text)
    session.rollback()
    done = client.post(f"{BASE}/new", data=form(client_co, DESIGN, terms="50% upfront"),
                       follow_redirects=False)
    assert done.status_code == 303, done.text
    quotation = session.scalars(select(Quotation)).one()
    assert quotation.total == 6_160_500
    assert quotation.terms == "50% upfront"
    assert str(quotation.valid_until) == "2026-04-01"  # 30 days from the date
    shown = client.get(done.headers["location"])
    assert "6.160.500" in shown.text
    no_inline_script_or_style(shown.text)


def test_a_bad_quotation_form_writes_nothing(client: Any, session: Session, studio: Book,
                                             client_co: Party, counts: Counts) -> None:
    session.rollback()
    before = counts()
    for data, field in (
            (form(client_co, {**DESIGN, "quantity": "-1"}), "error-lines-0-quantity"),
            (form(client_co, {**DESIGN, "tax_code": "XXX"}), "error-lines-0-tax_code"),
            (form(None, DESIGN), "error-customer_id"),
            (form(client_co, DESIGN, valid_until="2026-01-01"), "error-valid_until")):
        response = client.post(f"{BASE}/new", data=data)
        assert response.status_code == 422, data
        assert field in response.text
    assert counts() == before


def test_the_list_filters_and_pages(client: Any, session: Session, studio: Book,
                                    client_co: Party) -> None:
    first = draft(session, studio, client_co)
    response = client.get(BASE)
    assert response.status_code == 200
    assert f"{BASE}/{first}" in response.text
    assert f"{BASE}/{first}" not in client.get(BASE, params={"status": "sent"}).text
    assert f"{BASE}/{first}" in client.get(BASE, params={"q": "Klien"}).text
    assert f"{BASE}/{first}" not in client.get(BASE, params={"q": "nobody"}).text
    assert f"{BASE}/{first}" not in client.get(
        BASE, params={"from": "2000-01-01", "to": "2000-12-31"}).text
    assert client.get(BASE, params={"status": "bogus"}).status_code == 422
    for _ in range(50):
        draft(session, studio, client_co)
    assert 'rel="next"' in client.get(BASE).text
    assert client.get(BASE, params={"page": 2}).status_code == 200


def test_sending_shows_the_link_once_and_it_opens_the_public_page(
        client: Any, session: Session, studio: Book, client_co: Party) -> None:
    quotation_id = draft(session, studio, client_co)
    session.rollback()
    link = sent_link(client, quotation_id)
    path = link[link.index("/q/"):]
    assert path.startswith("/q/q_")
    assert "data-public-link" not in client.get(f"{BASE}/{quotation_id}").text
    signed_in = dict(client.cookies)
    client.cookies.clear()  # the customer has no account
    assert client.get(path).status_code == 200
    client.cookies.update(signed_in)
    renewed = client.post(f"{BASE}/{quotation_id}/link")
    assert "data-public-link" in renewed.text
    assert client.get(path).status_code == 404


def test_staff_record_a_decision_then_convert_in_milestones(
        client: Any, session: Session, studio: Book, client_co: Party) -> None:
    quotation_id = draft(session, studio, client_co)
    session.rollback()
    sent_link(client, quotation_id)
    missing = client.post(f"{BASE}/{quotation_id}/decision", data={"decision": "approve"})
    assert missing.status_code == 422
    assert "error-name" in missing.text
    done = client.post(f"{BASE}/{quotation_id}/decision",
                       data={"decision": "approve", "name": "Budi", "comment": "OK"},
                       follow_redirects=False)
    assert done.status_code == 303
    shown = client.get(done.headers["location"]).text
    assert "Budi" in shown
    wrong = client.post(f"{BASE}/{quotation_id}/convert", data={
        "mode": "milestones", "milestones-0-percent": "30", "milestones-1-percent": "60"})
    assert wrong.status_code == 422
    session.expire_all()
    assert session.scalars(select(Invoice)).all() == []
    session.rollback()
    converted = client.post(f"{BASE}/{quotation_id}/convert", data={
        "mode": "milestones", "milestones-0-percent": "30", "milestones-1-percent": "70"},
        follow_redirects=False)
    assert converted.status_code == 303, converted.text
    session.expire_all()
    totals = sorted(i.total for i in session.scalars(select(Invoice)))
    assert totals == [1_848_150, 4_312_350]  # 30% and 70% of 6.160.500
    session.rollback()
    assert "Draft invoices are made" in client.get(converted.headers["location"]).text


def test_converting_in_full_opens_the_invoice(client: Any, session: Session, studio: Book,
                                              client_co: Party) -> None:
    quotation_id = draft(session, studio, client_co)
    session.rollback()
    sent_link(client, quotation_id)
    client.post(f"{BASE}/{quotation_id}/decision", data={"decision": "approve", "name": "B"})
    done = client.post(f"{BASE}/{quotation_id}/convert", data={"mode": "full"},
                       follow_redirects=False)
    assert done.status_code == 303
    assert "/invoices/" in done.headers["location"]
    session.expire_all()
    assert session.scalars(select(Invoice)).one().total == 6_160_500


def test_revising_a_declined_quotation_makes_a_new_draft(
        client: Any, session: Session, studio: Book, client_co: Party) -> None:
    quotation_id = draft(session, studio, client_co)
    session.rollback()
    sent_link(client, quotation_id)
    client.post(f"{BASE}/{quotation_id}/decision", data={"decision": "decline", "name": "B"})
    done = client.post(f"{BASE}/{quotation_id}/revise", follow_redirects=False)
    assert done.status_code == 303
    page = client.get(done.headers["location"]).text
    assert "rev. 1" in page
    session.expire_all()
    assert session.get_one(Quotation, quotation_id).status == "superseded"
    session.rollback()
    assert client.post(f"{BASE}/{quotation_id}/revise").status_code == 409


def test_editing_a_draft_and_not_a_sent_one(client: Any, session: Session, studio: Book,
                                            client_co: Party) -> None:
    quotation_id = draft(session, studio, client_co)
    assert "5.550.000" in client.get(f"{BASE}/{quotation_id}/edit").text
    session.rollback()
    done = client.post(f"{BASE}/{quotation_id}/edit",
                       data=form(client_co, {**DESIGN, "quantity": "2"},
                                 issue_date=today().isoformat()),
                       follow_redirects=False)
    assert done.status_code == 303
    session.expire_all()
    assert session.get_one(Quotation, quotation_id).net_total == 11_100_000
    session.rollback()
    sent_link(client, quotation_id)
    assert client.get(f"{BASE}/{quotation_id}/edit").status_code == 409


def test_a_viewer_sees_quotations_but_no_actions(
        client: Any, engine: Engine, session: Session, studio: Book, client_co: Party,
        counts: Counts) -> None:
    quotation_id = draft(session, studio, client_co)
    ensure_member(session, studio, "viewer@example.test", "viewer")
    session.commit()
    sign_in_as(client, engine, "viewer@example.test")
    listing = client.get(BASE).text
    assert f"{BASE}/new" not in listing
    shown = Page(client.get(f"{BASE}/{quotation_id}").text)
    assert not [a for a in shown.attribute_values("action") if "/quotations/" in a]
    before = counts()
    for path in ("/send", "/revise", "/delete"):
        assert client.post(f"{BASE}/{quotation_id}{path}").status_code == 403
    assert client.post(f"{BASE}/new", data=form(client_co, DESIGN)).status_code == 403
    assert counts() == before


def test_a_post_without_csrf_is_refused(client: Any, session: Session, studio: Book,
                                        client_co: Party, counts: Counts) -> None:
    quotation_id = draft(session, studio, client_co)
    session.rollback()
    before = counts()
    del client.headers["X-CSRF-Token"]
    assert client.post(f"{BASE}/{quotation_id}/send").status_code == 403
    assert client.post(f"{BASE}/new", data=form(client_co, DESIGN)).status_code == 403
    assert counts() == before


def test_an_unknown_quotation_is_not_found(client: Any, studio: Book) -> None:
    assert client.get(f"{BASE}/999999").status_code == 404
    assert client.get(f"{BASE}/{2**70}").status_code in (404, 422)


def test_decided_quotations_record_their_history(client: Any, session: Session, studio: Book,
                                                 client_co: Party) -> None:
    quotation_id = draft(session, studio, client_co)
    session.rollback()
    sent_link(client, quotation_id)
    quotation = session.get_one(Quotation, quotation_id)
    record_decision(session, studio, quotation, approve=True, name="Sari")
    session.commit()
    text = Page(client.get(f"{BASE}/{quotation_id}").text).text
    assert "Sent to the customer" in text
    assert "Approved · Sari" in text

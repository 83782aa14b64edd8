"""The invoice draft form: new and edited drafts, validation, the live totals."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.parties.models import Party
from folio.sales.models import Invoice
from tests.conftest import ensure_member, sign_in_as
from tests.sales.conftest import MakeInvoice
from tests.sales.test_pages import no_inline_script_or_style
from tests.web.page import Page

BASE = "/books/studio/invoices"
Counts = Callable[[], dict[str, int]]


def form(customer: Party | None, *rows: dict[str, str], **fields: str) -> dict[str, str]:
    data = {"customer_id": str(customer.id) if customer else "", "issue_date": "2026-03-02",
            "currency": "IDR", "stamp_duty_borne_by": "issuer", "vat_rounding": "document",
            **fields}
    for n, row in enumerate(rows):
        data.update({f"lines-{n}-{key}": value for key, value in row.items()})
    return data


DESIGN = {"description": "Design services", "quantity": "1", "unit_price": "5.550.000",
          "tax_code": "PPN12"}


def test_the_new_invoice_form_saves_a_draft(client: Any, session: Session, studio: Book,
                                            client_co: Party) -> None:
    page = client.get(f"{BASE}/new")
    assert page.status_code == 200
    no_inline_script_or_style(page.text)
    assert "/static/line_editor.js" in page.text
    assert f"{BASE}/new" in Page(page.text).attribute_values("action")
    session.rollback()
    done = client.post(f"{BASE}/new", data=form(client_co, DESIGN, reference="PO-77"),
                       follow_redirects=False)
    assert done.status_code == 303, done.text
    invoice = session.scalars(select(Invoice)).one()
    assert invoice.status == "draft"
    assert invoice.reference == "PO-77"
    assert invoice.total == 6_160_500
    assert str(invoice.due_date) == "2026-04-01"  # 30 days' terms
    shown = client.get(done.headers["location"]).text
    assert "6.160.500" in shown


def test_the_preview_prices_lines_like_a_saved_invoice(client: Any, studio: Book,
                                                        client_co: Party) -> None:
    second = {"description": "Hosting", "quantity": "2", "unit_price": "100.000",
              "tax_code": "PPN12"}
    response = client.post(f"{BASE}/preview", data=form(client_co, DESIGN, second,
                                                        withholding_code="PPH23"))
    assert response.status_code == 200
    text = Page(response.text).text
    assert "5.750.000" in text  # net
    assert "632.500" in text  # PPN 11% effective on 5.750.000
    assert "6.382.500" in text
    assert "115.000" in text  # PPh 23 2% of 5.750.000
    assert "10.000" in text  # meterai above Rp5.000.000
    bad = client.post(f"{BASE}/preview", data=form(client_co, DESIGN, {
        "description": "Oops", "quantity": "-1", "unit_price": "100"}))
    assert "6.160.500" in Page(bad.text).text
    assert "left out" in bad.text


def test_a_bad_form_is_explained_and_nothing_is_saved(
        client: Any, session: Session, studio: Book, client_co: Party, counts: Counts) -> None:
    session.rollback()
    before = counts()
    for data, field in (
            (form(client_co, {**DESIGN, "quantity": "-2"}), "error-lines-0-quantity"),
            (form(client_co, {**DESIGN, "tax_code": "NOPE"}), "error-lines-0-tax_code"),
            (form(None, DESIGN), "error-customer_id"),
            (form(client_co, {**DESIGN, "unit_price": "abc"}), "error-lines-0-unit_price")):
        response = client.post(f"{BASE}/new", data=data)
        assert response.status_code == 422, data
        assert field in response.text, data
        assert "Nothing was saved" in response.text
    assert counts() == before


def test_editing_a_draft_changes_it(client: Any, session: Session, studio: Book,
                                    client_co: Party, make_invoice: MakeInvoice) -> None:
    draft_id = make_invoice().id
    page = client.get(f"{BASE}/{draft_id}/edit")
    assert page.status_code == 200
    assert "5.550.000" in page.text
    session.rollback()
    done = client.post(f"{BASE}/{draft_id}/edit",
                       data=form(client_co, {**DESIGN, "quantity": "2"}),
                       follow_redirects=False)
    assert done.status_code == 303
    session.expire_all()
    assert session.get_one(Invoice, draft_id).net_total == 11_100_000


def test_an_issued_invoice_cannot_be_edited(client: Any, studio: Book, client_co: Party,
                                            make_invoice: MakeInvoice) -> None:
    issued_id = make_invoice(issue=True).id
    assert client.get(f"{BASE}/{issued_id}/edit").status_code == 409
    assert client.post(f"{BASE}/{issued_id}/edit",
                       data=form(client_co, DESIGN)).status_code == 409


def test_add_line_without_javascript_shows_one_more_row(client: Any, studio: Book,
                                                        client_co: Party) -> None:
    response = client.post(f"{BASE}/new", data={**form(client_co, DESIGN), "action": "add_line"})
    assert response.status_code == 200
    assert 'name="lines-1-description"' in response.text


def test_a_viewer_cannot_draft_invoices(client: Any, engine: Engine, session: Session,
                                        studio: Book, client_co: Party, counts: Counts) -> None:
    ensure_member(session, studio, "viewer@example.test", "viewer")
    session.commit()
    sign_in_as(client, engine, "viewer@example.test")
    assert "/invoices/new" not in client.get(BASE).text
    before = counts()
    assert client.post(f"{BASE}/new", data=form(client_co, DESIGN)).status_code == 403
    assert counts() == before


def test_a_post_without_csrf_is_refused(client: Any, session: Session, studio: Book,
                                        client_co: Party, counts: Counts) -> None:
    session.rollback()
    before = counts()
    del client.headers["X-CSRF-Token"]
    assert client.post(f"{BASE}/new", data=form(client_co, DESIGN)).status_code == 403
    assert client.post(f"{BASE}/preview", data=form(client_co, DESIGN)).status_code == 403
    assert counts() == before

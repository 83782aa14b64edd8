"""Receivables pages: the aging by customer and bucket, and a customer's statement."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.parties.models import Party
from folio.sales.payments import AllocationInput, PaymentInput, record_payment
from tests.sales.conftest import D, MakeInvoice
from tests.sales.test_pages import no_inline_script_or_style
from tests.web.page import Page

AGING = "/books/studio/receivables/aging"
STATEMENT = "/books/studio/receivables/statement"


def test_the_aging_puts_what_is_owed_in_buckets(
        client: Any, session: Session, studio: Book, client_co: Party,
        make_invoice: MakeInvoice) -> None:
    make_invoice(issue=True, day="2026-03-02")  # due 2026-04-01
    make_invoice(issue=True, day="2026-05-04")  # due 2026-06-03
    response = client.get(AGING, params={"as_of": "2026-06-10"})
    assert response.status_code == 200
    no_inline_script_or_style(response.text)
    page = Page(response.text)
    row = page.text[page.text.index("PT Klien Maju"):]
    # 70 days overdue: 61-90; 7 days overdue: 1-30; total 2 x 6.160.500.
    assert "6.160.500" in row
    assert "12.321.000" in row
    assert any("receivables-aging" in href and "format=csv" in href for href in page.hrefs())
    assert any("format=json" in href for href in page.hrefs("receivables-aging"))
    assert page.hrefs(STATEMENT)
    earlier = Page(client.get(AGING, params={"as_of": "2026-03-01"}).text).text
    assert "Nothing owed" in earlier


def test_the_aging_before_and_after_a_payment(
        client: Any, session: Session, studio: Book, client_co: Party,
        make_invoice: MakeInvoice) -> None:
    invoice = make_invoice(issue=True, day="2026-03-02")
    record_payment(session, studio, PaymentInput(
        customer_id=client_co.id, date=invoice.issue_date, account="1111",
        amount=D(6_160_500), allocations=[AllocationInput(invoice.id, D(6_160_500))]))
    session.commit()
    assert "Nothing owed" in client.get(AGING, params={"as_of": "2026-04-10"}).text


def test_the_statement_shows_opening_lines_and_closing(
        client: Any, session: Session, studio: Book, client_co: Party,
        make_invoice: MakeInvoice) -> None:
    first = make_invoice(issue=True, day="2026-02-02")
    second = make_invoice(issue=True, day="2026-03-10")
    record_payment(session, studio, PaymentInput(
        customer_id=client_co.id, date=second.issue_date, account="1111",
        amount=D(1_000_000), reference="TRF-1",
        allocations=[AllocationInput(first.id, D(1_000_000))]))
    session.commit()
    response = client.get(STATEMENT, params={"customer": client_co.id, "from": "2026-03-01",
                                             "to": "2026-03-31"})
    assert response.status_code == 200
    no_inline_script_or_style(response.text)
    text = Page(response.text).text
    assert first.number is not None
    assert second.number is not None
    assert second.number in text
    assert first.number not in text  # before the period: in the opening balance
    assert "TRF-1" in text
    assert "6.160.500" in text  # opening
    assert "11.321.000" in text  # closing: 2 x 6.160.500 - 1.000.000
    assert "customer-statement" in response.text


def test_the_statement_asks_for_a_customer_and_checks_the_period(
        client: Any, studio: Book, client_co: Party) -> None:
    assert "Choose a customer" in client.get(STATEMENT).text
    backwards = client.get(STATEMENT, params={"customer": client_co.id, "from": "2026-05-01",
                                              "to": "2026-04-01"})
    assert backwards.status_code == 422
    assert 'role="alert"' in backwards.text
    assert client.get(STATEMENT, params={"customer": 999999}).status_code == 404
    assert client.get(STATEMENT, params={"customer": "x"}).status_code == 422
    assert client.get(AGING, params={"as_of": "yesterday"}).status_code == 422


def test_the_navigation_links_to_the_sales_pages(client: Any, studio: Book) -> None:
    hrefs = Page(client.get("/books/studio").text).hrefs()
    assert "/books/studio/quotations" in hrefs
    assert "/books/studio/invoices" in hrefs
    assert AGING in hrefs

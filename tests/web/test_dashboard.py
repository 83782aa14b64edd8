"""The dashboard: real figures from the ledger in the book's own formatting."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.clock import today
from folio.ledger.service import EntryInput, LineInput, create_entry
from folio.parties.service import PartyInput, create_party
from folio.sales.models import Invoice
from tests.conftest import post
from tests.sales.conftest import studio  # noqa: F401  (the IDR book with tax codes)
from tests.web.page import Page


def test_it_shows_cash_results_and_receivables_in_rupiah(session: Session, idr_book: Book,
                                                         page: Callable[..., Page]) -> None:
    day = today()
    post(session, idr_book, day, [("1111", "400000000"), ("3101", "-400000000")],
         description="Modal disetor")
    post(session, idr_book, day, [("1201", "16500000"), ("4101", "-15000000"),
                                    ("2301", "-1500000")], description="Invoice")
    post(session, idr_book, day, [("6201", "1500000"), ("1101", "-1500000")],
         description="Sewa")
    shown = page("/books/studio")
    assert "Rp398.500.000" in shown.text  # cash and bank: 400 jt bank, -1,5 jt cash
    assert "Rp13.500.000" in shown.text  # result: 15 jt income - 1,5 jt expenses
    assert "16.500.000" in shown.text  # customers owe
    assert "Sewa" in shown.text
    assert "Invoice" in shown.text
    assert shown.link("Bank").startswith("/books/studio/reports/general-ledger?account=1111")


def test_it_counts_drafts_waiting_to_be_posted(session: Session, book: Book,
                                               page: Callable[..., Page]) -> None:
    create_entry(session, book, EntryInput(date=today(), description="Unfinished", lines=[
        LineInput("1010", Decimal(5)), LineInput("4100", Decimal(-5))]))
    session.commit()
    shown = page("/books/acme")
    assert "1 draft entry is waiting to be posted." in shown.text
    assert shown.link("Review drafts") == "/books/acme/journal?status=draft"


def test_it_charts_income_and_expenses_of_the_last_twelve_months(
        session: Session, book: Book, page: Callable[..., Page]) -> None:
    this_month = today().replace(day=1)
    post(session, book, this_month, [("1010", "120.50"), ("4100", "-120.50")])
    post(session, book, this_month - timedelta(days=400), [("1010", "777"), ("4100", "-777")])
    chart = next(attrs for tag, attrs in page("/books/acme").elements if tag == "canvas")
    income = json.loads(chart["data-income"])
    assert len(income) == 12
    assert len(json.loads(chart["data-labels"])) == 12
    assert income[-1] == 12050  # minor units of this month; the old sale is out of range
    assert sum(income) == 12050
    assert chart["data-exponent"] == "2"
    assert chart["data-locale"] == "en-US"


def test_it_invites_the_first_entry_in_an_empty_book(book: Book,
                                                     page: Callable[..., Page]) -> None:
    shown = page("/books/acme")
    assert "No entries yet" in shown.text
    assert shown.link("New entry") == "/books/acme/entries/new"
    assert "$0.00" in shown.text


# Sales widgets: receivables, the most overdue invoices, payables due, sales per month.

def _sales_month(session: Session, book: Book, customer_id: int, count: int,
                 days_ago: int, price: int = 1_000_000) -> list[Invoice]:
    from folio.sales.invoices import InvoiceInput, InvoiceLineInput, create_draft
    from folio.sales.issuing import issue_invoice

    made = []
    for n in range(count):
        draft = create_draft(session, book, InvoiceInput(
            customer_id=customer_id, issue_date=today() - timedelta(days=days_ago + n),
            lines=[InvoiceLineInput(description="Design", unit_price=Decimal(price),
                                    tax_code="PPN12")]))
        made.append(issue_invoice(session, book, draft))
    session.commit()
    return made


@pytest.fixture
def customer(session: Session, studio: Book) -> int:  # noqa: F811
    party, _ = create_party(session, studio, PartyInput(name="PT Klien Maju", is_customer=True,
                                                        payment_terms_days=30))
    session.commit()
    return party.id


def test_it_shows_receivables_overdue_and_the_most_overdue_invoices(
        session: Session, studio: Book, customer: int,  # noqa: F811
        page: Callable[..., Page]) -> None:
    from folio.purchases.bills import BillInput, BillLineInput, approve_bill, create_bill

    overdue = _sales_month(session, studio, customer, 1, days_ago=70)  # due 40 days ago
    _sales_month(session, studio, customer, 1, days_ago=5, price=2_000_000)  # not yet due
    vendor, _ = create_party(session, studio, PartyInput(name="PT Vendor", is_vendor=True))
    approve_bill(session, studio, create_bill(session, studio, BillInput(
        vendor_id=vendor.id, vendor_reference="V-1", bill_date=today(),
        due_date=today() + timedelta(days=3),
        lines=[BillLineInput(description="Print", unit_price=Decimal(500_000))])))
    session.commit()
    shown = page("/books/studio")
    # 1.110.000 overdue (1.000.000 + 11% PPN) and 2.220.000 not yet due.
    assert "Rp3.330.000" in shown.text
    assert "1.110.000" in shown.text
    assert "Days overdue: 40" in shown.text
    assert shown.link(overdue[0].number or "") == f"/books/studio/invoices/{overdue[0].id}"
    assert "Rp500.000" in shown.text  # payables due, within the next 7 days


def test_it_charts_net_sales_per_month_drawn_by_its_own_script(
        session: Session, studio: Book, customer: int,  # noqa: F811
        page: Callable[..., Page]) -> None:
    _sales_month(session, studio, customer, 1, days_ago=0, price=3_000_000)
    _sales_month(session, studio, customer, 1, days_ago=400)  # out of range
    shown = page("/books/studio")
    chart = next(attrs for tag, attrs in shown.elements
                 if tag == "canvas" and "data-sales-chart" in attrs)
    values = json.loads(chart["data-values"])
    assert len(values) == len(json.loads(chart["data-labels"])) == 12
    assert values[-1] == 3_000_000
    assert sum(values) == 3_000_000
    assert (chart["data-exponent"], chart["data-currency"], chart["data-locale"]) == (
        "0", "IDR", "id-ID")
    assert "data-chart" not in chart  # folio.js leaves it to dashboard.js
    assert any(attrs.get("src", "").startswith("/static/dashboard.js")
               for tag, attrs in shown.elements if tag == "script")


def test_the_dashboard_query_count_does_not_grow_with_overdue_invoices(
        session: Session, studio: Book, customer: int,  # noqa: F811
        client: Any, engine: Engine) -> None:
    from tests.ledger.test_query_budget import count_queries

    _sales_month(session, studio, customer, 1, days_ago=70)
    client.get("/books/studio")  # warm caches (catalogs, templates)
    with count_queries(engine) as few:
        assert client.get("/books/studio").status_code == 200
    _sales_month(session, studio, customer, 8, days_ago=80)
    with count_queries(engine) as many:
        assert client.get("/books/studio").status_code == 200
    assert len(many) == len(few), "\n".join(many)

"""The dashboard: real figures from the ledger in the book's own formatting."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.clock import today
from folio.ledger.service import EntryInput, LineInput, create_entry
from tests.conftest import post
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

"""Report pages: figures in the book's formatting, checks, downloads, and drill-down."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.ledger.models import JournalEntry
from tests.conftest import post
from tests.web.page import Page

LEDGER = "/books/acme/reports/general-ledger"


def test_the_trial_balance_drills_down_to_the_ledger_and_the_entry(
        book: Book, entries: list[JournalEntry], page: Callable[..., Page]) -> None:
    report = page("/books/acme/reports/trial-balance?as_of=2026-01-31")
    assert "Total 6,250.50 6,250.50" in report.text
    assert "Debits equal credits." in report.text
    ledger_href = report.link("Sales")
    assert ledger_href == f"{LEDGER}?account=4100&from=2026-01-01&to=2026-01-31"
    ledger = page(ledger_href)
    assert "4100 Sales" in ledger.text
    entry = page(ledger.link("Cash sale"))
    assert f"Entry #{entries[1].number}" in entry.text


def test_the_balance_sheet_shows_current_earnings_and_that_it_balances(
        book: Book, entries: list[JournalEntry], page: Callable[..., Page]) -> None:
    report = page("/books/acme/reports/balance-sheet?as_of=2026-01-31")
    text = report.text
    assert "Current year earnings 450.50" in text  # 1,250.50 sales - 800.00 rent
    assert "Total assets 5,450.50" in text
    assert "Assets (5,450.50) = liabilities + equity (5,450.50)." in text
    assert report.link("Current year earnings") == (
        "/books/acme/reports/income-statement?from=2026-01-01&to=2026-01-31")
    assert report.link("Bank account") == f"{LEDGER}?account=1020&from=2026-01-01&to=2026-01-31"


def test_the_income_statement_compares_with_the_previous_period(
        session: Session, book: Book, entries: list[JournalEntry],
        page: Callable[..., Page]) -> None:
    post(session, book, "2025-12-15", [("1010", "300"), ("4100", "-300")])
    report = page("/books/acme/reports/income-statement?from=2026-01-01&to=2026-01-31")
    assert "4100 Sales 1,250.50 300.00" in report.text
    assert "Net income 450.50 300.00" in report.text
    assert report.link("Rent") == f"{LEDGER}?account=6200&from=2026-01-01&to=2026-01-31"


def test_the_general_ledger_shows_opening_running_and_closing_balances(
        book: Book, entries: list[JournalEntry], page: Callable[..., Page]) -> None:
    ledger = page(f"{LEDGER}?account=1020&from=2026-01-06&to=2026-01-31")
    text = ledger.text
    assert "Opening balance 5,000.00" in text
    assert "January rent 800.00 4,200.00" in text
    assert "Closing balance 4,200.00" in text
    assert ledger.link("January rent") == f"/books/acme/entries/{entries[2].id}"


def test_the_general_ledger_asks_for_an_account_first(book: Book,
                                                      page: Callable[..., Page]) -> None:
    shown = page(LEDGER)
    assert "Choose an account" in shown.text
    assert shown.link("Chart of accounts") == "/books/acme/accounts"


def test_report_figures_follow_the_books_locale(session: Session, idr_book: Book,
                                                page: Callable[..., Page]) -> None:
    post(session, idr_book, "2026-03-02", [("1111", "1500000"), ("3101", "-1500000")])
    text = page("/books/studio/reports/balance-sheet?as_of=2026-03-31").text
    assert "1.500.000" in text
    assert "1,500,000" not in text
    assert "Maret 2026" in text  # dates in the book's locale too


def test_each_report_offers_its_csv_and_json(client: Any, book: Book,
                                             entries: list[JournalEntry],
                                             page: Callable[..., Page]) -> None:
    for path, api in [("trial-balance?as_of=2026-01-31", "trial-balance"),
                      ("balance-sheet?as_of=2026-01-31", "balance-sheet"),
                      ("income-statement?from=2026-01-01&to=2026-01-31", "income-statement"),
                      ("general-ledger?account=1020&from=2026-01-01&to=2026-01-31",
                       "general-ledger")]:
        shown = page(f"/books/acme/reports/{path}")
        csv, json = shown.link("CSV"), shown.link("JSON")
        assert csv.startswith(f"/api/v1/books/acme/reports/{api}?")
        assert csv.endswith("format=csv")
        assert client.get(csv).headers["content-type"].startswith("text/csv")
        assert client.get(json).status_code == 200


def test_a_report_with_impossible_dates_explains_itself(book: Book,
                                                        page: Callable[..., Page]) -> None:
    shown = page("/books/acme/reports/income-statement?from=2026-02-01&to=2026-01-01",
                 status=422)
    assert "'from' is after 'to'" in shown.text
    assert "Input should be a valid date" in page(
        "/books/acme/reports/balance-sheet?as_of=yesterday", status=422).text

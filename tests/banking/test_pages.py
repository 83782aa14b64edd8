"""Banking pages: accounts, upload with a preview that writes nothing, categorise screen."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from folio.books.models import Book
from tests.banking.factories import (
    balance,
    do_import,
    entry_count,
    generic_csv,
    lines_of,
    money_account,
    rule,
)
from tests.ledger.factories import row_counts
from tests.web.page import Page

MARCH = generic_csv(
    ("01/03/2024", "2500.00", "Client Co", "Invoice 17"),
    ("03/03/2024", "-42.50", "Coffee Corner", "Card 1234"),
    ("05/03/2024", "-1200.00", "Landlord LLC", "March rent"),
)


def test_the_accounts_page_lists_accounts_and_open_lines(
        session: Session, book: Book, page: Callable[..., Page]) -> None:
    checking = money_account(session, book, institution="First Bank", account_number="4000123456")
    do_import(session, book, checking, MARCH)

    shown = page("/books/acme/banking")

    assert "Checking First Bank" in shown.text
    assert "••••3456" in shown.text
    assert "Import a statement" in shown.text


def test_an_account_less_book_explains_what_to_do(book: Book, page: Callable[..., Page]) -> None:
    assert "No bank accounts yet" in page("/books/acme/banking").text


def test_the_preview_shows_the_lines_and_writes_nothing(
        session: Session, book: Book, client: Any, page: Callable[..., Page]) -> None:
    checking = money_account(session, book)
    rule(session, book, "Rent", "6200", payee="landlord")
    account_id = str(checking.id)
    before = row_counts(session)
    session.rollback()  # SQLite: let the request take the write lock

    preview = client.post("/books/acme/banking/import", data={"account_id": account_id},
                          files={"file": ("march.csv", MARCH, "text/csv")})

    assert preview.status_code == 200, preview.text[:2000]
    text = Page(preview.text).text
    assert "3 new lines, 1 booked by rules, 0 already imported" in text
    assert "Landlord LLC" in text
    session.expire_all()
    assert row_counts(session) == before


def test_confirming_the_preview_imports_the_file(
        session: Session, book: Book, client: Any) -> None:
    checking = money_account(session, book)
    preview = Page(client.post("/books/acme/banking/import",
                               data={"account_id": str(checking.id)},
                               files={"file": ("march.csv", MARCH, "text/csv")}).text)
    hidden = {a["name"]: a.get("value", "") for t, a in preview.elements
              if t == "input" and a.get("type") == "hidden" and a.get("name") != "csrf_token"}

    done = client.post("/books/acme/banking/import", data=hidden, follow_redirects=False)

    assert done.status_code == 303
    assert "notice=imported" in done.headers["location"]
    session.expire_all()
    assert len(lines_of(session, checking)) == 3


def test_a_bad_file_is_shown_with_its_line(session: Session, book: Book, client: Any) -> None:
    checking = money_account(session, book)

    response = client.post("/books/acme/banking/import", data={"account_id": str(checking.id)},
                           files={"file": ("bad.csv", b"date,amount\n01/03/2024,ten\n")})

    assert response.status_code == 422
    assert "line 2" in Page(response.text).text


def test_the_categorise_screen_books_ticked_lines_and_suggestions(
        session: Session, book: Book, client: Any, page: Callable[..., Page]) -> None:
    checking = money_account(session, book)
    first = do_import(session, book, checking, generic_csv(
        ("01/02/2024", "-4.00", "Coffee Corner", "Card"))).lines[0]
    do_import(session, book, checking, MARCH)
    learned = client.post("/books/acme/banking/lines/categorise",
                          data={"line_ids": [str(first.id)], "target": "6400"},
                          follow_redirects=False)
    assert learned.status_code == 303, learned.text[:3000]

    shown = page("/books/acme/banking/lines")
    session.expire_all()
    coffee, rent = [x.id for x in lines_of(session, checking)
                    if x.payee in ("Coffee Corner", "Landlord LLC") and x.status == "unmatched"]
    session.rollback()  # SQLite: let the requests take the write lock
    suggested = client.post("/books/acme/banking/lines/categorise",
                            data={"suggested": f"{coffee}:6400"}, follow_redirects=False)
    ticked = client.post("/books/acme/banking/lines/categorise",
                         data={"line_ids": [str(rent)], "target": "6200", "memo": "Rent"},
                         follow_redirects=False)

    assert "6400 Office supplies" in shown.text
    assert (suggested.status_code, ticked.status_code) == (303, 303)
    session.expire_all()
    assert balance(session, book, "6400") == Decimal("46.50")
    assert balance(session, book, "6200") == 1200
    assert entry_count(session, book) == 3


def test_categorising_without_an_account_says_so(
        session: Session, book: Book, client: Any) -> None:
    checking = money_account(session, book)
    line = do_import(session, book, checking, MARCH).lines[0]

    response = client.post("/books/acme/banking/lines/categorise",
                           data={"line_ids": [str(line.id)]})

    assert response.status_code == 422
    assert "Choose the account" in Page(response.text).text


def test_the_pages_speak_indonesian(session: Session, idr_book: Book, client: Any,
                                    page: Callable[..., Page]) -> None:
    from folio.i18n import LANGUAGE_COOKIE

    bank = money_account(session, idr_book)
    do_import(session, idr_book, bank, generic_csv(("01/03/2024", "-1.500.000", "PLN", "Listrik")))
    client.cookies.set(LANGUAGE_COOKIE, "id")

    lines = page("/books/studio/banking/lines")
    accounts = page("/books/studio/banking")

    assert "Bukukan mutasi yang dicentang" in lines.text
    assert "-1.500.000" in lines.text
    assert "Impor rekening koran" in accounts.text

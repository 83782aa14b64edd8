"""The chart of accounts page: the tree, balances, links, and adding an account."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.ledger.accounts import get_account, update_account
from folio.ledger.models import JournalEntry
from tests.web.page import Page


def _row_class(page: Page, code: str) -> str:
    return next(a.get("class", "") for t, a in page.elements
                if t == "tr" and a.get("id") == f"account-{code}")


def test_it_shows_accounts_under_their_groups(book: Book, page: Callable[..., Page]) -> None:
    shown = page("/books/acme/accounts")
    assert "depth-0" in _row_class(shown, "1000")
    assert "is-group" in _row_class(shown, "1000")
    assert "depth-1" in _row_class(shown, "1010")
    text = shown.text
    assert text.index("Assets") < text.index("Cash") < text.index("Liabilities")


def test_it_shows_balances_and_group_totals(book: Book, entries: list[JournalEntry],
                                            page: Callable[..., Page]) -> None:
    text = page("/books/acme/accounts").text
    assert "1020 Bank account 4,200.00" in text.replace("Asset ", "")
    assert "1000 Assets 5,450.50" in text.replace("Asset ", "")


def test_each_account_links_to_its_general_ledger(book: Book, page: Callable[..., Page]) -> None:
    shown = page("/books/acme/accounts")
    assert shown.link("Bank account") == "/books/acme/reports/general-ledger?account=1020"


def test_it_dims_an_inactive_account(session: Session, book: Book,
                                     page: Callable[..., Page]) -> None:
    update_account(session, get_account(session, book, "6600"), is_active=False)
    session.commit()
    shown = page("/books/acme/accounts")
    assert "is-inactive" in _row_class(shown, "6600")
    assert "is-inactive" not in _row_class(shown, "6500")


def test_it_adds_an_account(client: Any, session: Session, book: Book,
                            page: Callable[..., Page]) -> None:
    response = client.post("/books/acme/accounts", data={
        "code": "1030", "name": "Petty cash", "name_id": "Kas kecil", "type": "asset",
        "parent": "1000"}, follow_redirects=False)
    assert response.status_code == 303
    shown = page(response.headers["location"])
    assert "The account is added to the chart." in shown.text
    assert "depth-1" in _row_class(shown, "1030")
    assert get_account(session, book, "1030").name_id == "Kas kecil"


def test_a_bad_account_gets_its_message_and_writes_nothing(
        client: Any, book: Book, counts: Callable[[], dict[str, int]]) -> None:
    before = counts()
    response = client.post("/books/acme/accounts", data={
        "code": "no spaces", "name": "", "type": "asset", "parent": "4000"})
    assert response.status_code == 422
    page = Page(response.text)
    assert "1-20 letters, digits, dots, dashes or underscores" in page.text
    assert "a name of 1 to 200 characters" in page.text
    assert ("input", {"id": "account-code", "name": "code", "value": "no spaces",
                      "maxlength": "20", "required": "", "autocomplete": "off",
                      "inputmode": "numeric", "aria-invalid": "true",
                      "aria-describedby": "error-code"}) in page.elements
    assert counts() == before


def test_a_duplicate_code_says_so(client: Any, book: Book) -> None:
    response = client.post("/books/acme/accounts",
                           data={"code": "1010", "name": "Again", "type": "asset"})
    assert response.status_code == 409
    assert "An account with the code &#39;1010&#39; already exists" in response.text

"""The web shell: front door, book switcher, navigation, language and theme, security headers."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine

from folio.auth.actor import SYSTEM
from folio.books.models import Book
from folio.db import make_session
from folio.ledger.models import JournalEntry
from tests.web.page import Page


def book_pages(book: Book, entry: JournalEntry) -> list[str]:
    """Every page of a book, with filters and periods filled in."""
    base = f"/books/{book.slug}"
    return [
        base, f"{base}/accounts", f"{base}/journal",
        f"{base}/journal?q=rent&from=2026-01-01&to=2026-12-31&status=posted&page=1",
        f"{base}/entries/{entry.id}", f"{base}/entries/new",
        f"{base}/reports/trial-balance?as_of=2026-01-31",
        f"{base}/reports/balance-sheet?as_of=2026-01-31",
        f"{base}/reports/income-statement?from=2026-01-01&to=2026-01-31",
        f"{base}/reports/general-ledger",
        f"{base}/reports/general-ledger?account=1020&from=2026-01-01&to=2026-01-31",
    ]


def test_it_sends_the_first_visit_to_the_first_books_dashboard(client: Any, book: Book) -> None:
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/books/acme"


def test_it_explains_how_to_start_when_there_is_no_book(page: Callable[..., Page]) -> None:
    shown = page("/")
    assert "There is no book yet" in shown.text
    assert "folio demo" in shown.text
    assert "folio books create" in shown.text


def test_it_lists_every_book_in_the_switcher(client: Any, book: Book, idr_book: Book,
                                            page: Callable[..., Page]) -> None:
    shown = page("/books/acme")
    assert "/books/studio" in shown.hrefs()
    assert "Studio Jakarta" in shown.text


def test_it_links_only_to_pages_that_exist(client: Any, book: Book, entries: list[JournalEntry],
                                          page: Callable[..., Page]) -> None:
    for path in book_pages(book, entries[0]):
        for href in page(path).hrefs():
            if href.startswith(("/static/", "/api/", "#")) or href == "/docs":
                continue
            assert client.get(href).status_code == 200, f"{href} on {path}"


def test_it_never_references_another_origin(book: Book, entries: list[JournalEntry],
                                            page: Callable[..., Page]) -> None:
    for path in book_pages(book, entries[0]):
        shown = page(path)
        for name in ("href", "src", "action", "hx-post", "hx-get"):
            for value in shown.attribute_values(name):
                assert not re.match(r"^(https?:)?//", value), f"{name}={value} on {path}"


def test_its_pages_need_no_inline_script_or_style(client: Any, book: Book,
                                                  entries: list[JournalEntry]) -> None:
    for path in book_pages(book, entries[0]):
        html = client.get(path).text
        page = Page(html)
        assert not page.attribute_values("style"), path
        assert not any(name.startswith("on") or name.startswith("hx-on")
                       for _, attrs in page.elements for name in attrs), path
        assert all("src" in attrs for tag, attrs in page.elements if tag == "script"), path
        assert "<style" not in html, path


def test_its_pages_carry_the_strict_csp(client: Any, book: Book) -> None:
    csp = client.get("/books/acme").headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp
    assert "unsafe-inline" not in csp


def test_a_get_never_changes_data(client: Any, engine: Engine, book: Book,
                                  entries: list[JournalEntry],
                                  counts: Callable[[], dict[str, int]]) -> None:
    def chain() -> tuple[int, str]:
        with make_session(engine, actor=SYSTEM) as reader:
            seq, head = reader.execute(select(Book.chain_seq, Book.chain_head)).one()
            return int(seq), str(head)

    before, head = counts(), chain()
    for path in [*book_pages(book, entries[0]), "/"]:
        client.get(path)
    # Actions only answer POST: a GET (a crawler, a prefetch) does nothing.
    assert client.get(f"/books/acme/entries/{entries[0].id}/reverse").status_code == 405
    assert counts() == before
    assert chain() == head


def test_it_shows_a_friendly_page_for_an_unknown_book(page: Callable[..., Page]) -> None:
    shown = page("/books/nope", status=404)
    assert "This page does not exist" in shown.text
    assert "No book with the slug 'nope'" in shown.text


def test_it_switches_the_interface_to_bahasa_indonesia(client: Any, book: Book,
                                                       page: Callable[..., Page]) -> None:
    response = client.post("/preferences/language",
                           data={"language": "id", "next": "/books/acme/journal"},
                           follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/books/acme/journal"
    shown = page("/books/acme/journal")
    assert ("html", {"lang": "id"}) in shown.elements
    assert "Jurnal baru" in shown.text
    assert "Bagan Akun" in shown.text
    assert "Neraca Saldo" in shown.text
    assert "New entry" not in shown.text


def test_it_follows_the_browsers_language_until_one_is_chosen(book: Book,
                                                               page: Callable[..., Page]) -> None:
    indonesian = page("/books/acme/reports/balance-sheet?as_of=2026-01-31",
                      headers={"Accept-Language": "id-ID,id;q=0.9,en;q=0.5"})
    assert "Neraca" in indonesian.text
    assert "Total aset" in indonesian.text
    english = page("/books/acme/reports/balance-sheet?as_of=2026-01-31",
                   headers={"Accept-Language": "de-DE,en;q=0.5"})
    assert "Total assets" in english.text


def test_it_shows_bahasa_account_names_in_bahasa(client: Any, idr_book: Book,
                                                 page: Callable[..., Page]) -> None:
    assert "Cash on hand" in page("/books/studio/accounts").text
    client.cookies.set("folio_lang", "id")
    shown = page("/books/studio/accounts")
    assert "Kas dan Bank" in shown.text
    assert "Piutang Usaha" in shown.text


def test_the_language_switch_never_redirects_to_another_site(client: Any) -> None:
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = client.post("/preferences/language", data={"language": "id", "next": target},
                               follow_redirects=False)
        assert response.headers["location"] == "/"


def test_it_remembers_the_chosen_theme(client: Any, book: Book) -> None:
    response = client.post("/preferences/theme", data={"theme": "dark", "next": "/books/acme"},
                           follow_redirects=False)
    assert response.status_code == 303
    assert "folio_theme=dark" in response.headers["set-cookie"]
    assert '<html lang="en" data-theme="dark">' in client.get("/books/acme").text


def test_it_shows_the_navigation_of_the_book(book: Book, page: Callable[..., Page]) -> None:
    shown = page("/books/acme/journal")
    for label, href in [("Dashboard", "/books/acme"), ("Journal", "/books/acme/journal"),
                        ("Chart of accounts", "/books/acme/accounts"),
                        ("Trial balance", "/books/acme/reports/trial-balance"),
                        ("Balance sheet", "/books/acme/reports/balance-sheet"),
                        ("Income statement", "/books/acme/reports/income-statement"),
                        ("General ledger", "/books/acme/reports/general-ledger")]:
        assert shown.link(label) == href
    current = [a for t, a in shown.elements if t == "a" and a.get("aria-current") == "page"]
    assert [a["href"] for a in current] == ["/books/acme", "/books/acme/journal"]

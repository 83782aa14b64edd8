"""The journal, an entry's page, and posting, reversing and deleting from the page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.clock import today
from folio.ledger.models import EntryStatus, JournalEntry
from folio.ledger.service import EntryInput, LineInput, create_entry, get_entry
from folio.ledger.views import JOURNAL_PAGE_SIZE
from tests.conftest import post
from tests.web.page import Page


def _draft(session: Session, book: Book, description: str = "Draft sale",
           day: date = date(2026, 2, 3)) -> JournalEntry:
    entry = create_entry(session, book, EntryInput(date=day, description=description, lines=[
        LineInput("1010", Decimal("99.90")), LineInput("4100", Decimal("-99.90"))]))
    session.commit()
    return entry


def test_it_lists_entries_newest_first_with_links(book: Book, entries: list[JournalEntry],
                                                  page: Callable[..., Page]) -> None:
    shown = page("/books/acme/journal")
    assert "3 entries" in shown.text
    text = shown.text
    assert text.index("January rent") < text.index("Cash sale") < text.index("Owner's capital")
    assert shown.link("Cash sale") == f"/books/acme/entries/{entries[1].id}"
    assert "1,250.50" in text


def test_it_searches_and_filters_the_journal(session: Session, book: Book,
                                             entries: list[JournalEntry],
                                             page: Callable[..., Page]) -> None:
    _draft(session, book)
    assert "1 entry" in page("/books/acme/journal?q=walk-in").text
    by_status = page("/books/acme/journal?status=draft&q=&from=&to=")
    assert "Draft sale" in by_status.text
    assert "Cash sale" not in by_status.text
    by_date = page("/books/acme/journal?from=2026-01-08&to=2026-01-15")
    assert "Cash sale" in by_date.text
    assert "January rent" not in by_date.text
    nothing = page("/books/acme/journal?q=nothing-like-this")
    assert "No entries match" in nothing.text
    assert nothing.link("Clear filters") == "/books/acme/journal"


def test_it_pages_through_a_long_journal(session: Session, book: Book,
                                         page: Callable[..., Page]) -> None:
    for n in range(JOURNAL_PAGE_SIZE + 1):
        create_entry(session, book, EntryInput(date=date(2026, 3, 1), description=f"Sale {n}",
                                               lines=[LineInput("1010", Decimal(1)),
                                                      LineInput("4100", Decimal(-1))]), post=True)
    session.commit()
    first = page("/books/acme/journal?q=Sale")
    assert "Page 1 of 2" in first.text
    second = page(first.link("Next"))
    assert "Page 2 of 2" in second.text
    assert "Sale 0" in second.text
    assert "Sale 0" not in first.text


def test_it_explains_an_empty_journal(book: Book, page: Callable[..., Page]) -> None:
    shown = page("/books/acme/journal")
    assert "The journal is empty" in shown.text
    assert shown.link("New entry") == "/books/acme/entries/new"


def test_an_entry_page_shows_lines_number_and_hash(book: Book, entries: list[JournalEntry],
                                                   page: Callable[..., Page]) -> None:
    entry = entries[1]
    shown = page(f"/books/acme/entries/{entry.id}")
    assert f"Entry #{entry.number}" in shown.text
    assert "Posted" in shown.text
    assert "Walk-in customer" in shown.text
    assert entry.hash
    assert entry.hash in shown.text
    assert "1010 Cash" in shown.text
    assert "4100 Sales" in shown.text
    assert shown.link("Cash") == ("/books/acme/reports/general-ledger?account=1010"
                                  "&from=2026-01-01&to=2026-01-10")


def test_it_posts_a_draft_from_its_page(client: Any, session: Session, book: Book,
                                        page: Callable[..., Page]) -> None:
    draft = _draft(session, book)
    shown = page(f"/books/acme/entries/{draft.id}")
    assert "Draft" in shown.text
    assert shown.link("Edit").endswith(f"/entries/{draft.id}/edit")
    response = client.post(f"/books/acme/entries/{draft.id}/post", follow_redirects=False)
    assert response.status_code == 303
    posted = page(response.headers["location"])
    assert "The entry is posted" in posted.text
    assert "Entry #1" in posted.text
    session.expire_all()
    assert get_entry(session, book, draft.id).status == EntryStatus.POSTED.value


def test_it_reverses_a_posted_entry_and_links_both_ways(client: Any, book: Book,
                                                        entries: list[JournalEntry],
                                                        page: Callable[..., Page]) -> None:
    original = entries[2]
    shown = page(f"/books/acme/entries/{original.id}")
    form = next(a for t, a in shown.elements if t == "form" and a.get("action", "").endswith(
        f"/entries/{original.id}/reverse"))
    assert "reversal dated today" in form["data-confirm"]
    response = client.post(form["action"], follow_redirects=False)
    assert response.status_code == 303
    mirror = page(response.headers["location"])
    assert "The reversal is posted" in mirror.text
    assert "Entry #4" in mirror.text
    assert "Reversal of entry #3" in mirror.text
    assert today().strftime("%Y") in mirror.text
    again = page(f"/books/acme/entries/{original.id}")
    assert "Reversed by entry #4" in again.text
    assert "Reverse" not in [label for _, label in again.links]
    assert not [a for t, a in again.elements if t == "form" and "reverse" in a.get("action", "")]


def test_reversing_twice_explains_why_not(client: Any, book: Book,
                                          entries: list[JournalEntry]) -> None:
    client.post(f"/books/acme/entries/{entries[0].id}/reverse")
    response = client.post(f"/books/acme/entries/{entries[0].id}/reverse")
    assert response.status_code == 409
    assert "was already reversed by entry 4" in Page(response.text).text


def test_posting_into_a_locked_period_is_refused_with_the_reason(
        client: Any, session: Session, book: Book, counts: Callable[[], dict[str, int]]) -> None:
    draft = _draft(session, book)
    book.lock_date = date(2026, 12, 31)
    session.commit()
    before = counts()
    response = client.post(f"/books/acme/entries/{draft.id}/post")
    assert response.status_code == 409
    assert "The books are locked up to 2026-12-31" in Page(response.text).text
    assert counts() == before


def test_it_deletes_a_draft(client: Any, session: Session, book: Book,
                            page: Callable[..., Page]) -> None:
    draft = _draft(session, book)
    response = client.post(f"/books/acme/entries/{draft.id}/delete", follow_redirects=False)
    assert response.status_code == 303
    assert "The draft is deleted." in page(response.headers["location"]).text
    assert client.get(f"/books/acme/entries/{draft.id}").status_code == 404


def test_a_posted_entry_cannot_be_deleted_or_edited(client: Any, session: Session, book: Book
                                                    ) -> None:
    entry = post(session, book, "2026-01-02", [("1010", "1"), ("4100", "-1")])
    assert client.post(f"/books/acme/entries/{entry.id}/delete").status_code == 409
    edit = client.get(f"/books/acme/entries/{entry.id}/edit")
    assert edit.status_code == 409
    assert "reverse it instead" in edit.text


def test_what_people_typed_is_shown_as_text_never_as_markup(
        client: Any, session: Session, book: Book) -> None:
    entry = post(session, book, "2026-01-02", [("1010", "1"), ("4100", "-1")],
                 description="<script>alert('x')</script>", party="<b>Bold & Co</b>")
    for path in ("/books/acme/journal", f"/books/acme/entries/{entry.id}", "/books/acme"):
        html = client.get(path).text
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
        assert "<b>Bold" not in html
    response = client.post("/books/acme/entries", data={
        "date": "2026-01-02", "description": "x", "lines[0].account": "<img src=x>",
        "lines[0].debit": "1", "lines[1].account": "4100", "lines[1].credit": "1"})
    assert response.status_code == 422
    assert "<img src=x>" not in response.text

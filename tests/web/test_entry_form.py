"""The entry form: saving and posting, friendly errors, the line editor and its totals."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.clock import today
from folio.ledger.models import EntryStatus
from folio.ledger.service import EntryInput, LineInput, create_entry, get_entry
from tests.web.page import Page


def _form(description: str, *lines: tuple[str, str, str], day: str = "2026-02-10",
          action: str = "draft") -> dict[str, str]:
    data = {"date": day, "description": description, "party": "", "reference": "",
            "action": action}
    for index, (account, debit, credit) in enumerate(lines):
        data |= {f"lines[{index}].account": account, f"lines[{index}].debit": debit,
                 f"lines[{index}].credit": credit, f"lines[{index}].memo": ""}
    return data


def test_the_new_entry_form_starts_with_two_lines_dated_today(book: Book,
                                                              page: Callable[..., Page]) -> None:
    shown = page("/books/acme/entries/new")
    names = shown.attribute_values("name")
    assert "lines[0].account" in names
    assert "lines[1].credit" in names
    assert "lines[2].account" not in names
    assert today().isoformat() in shown.attribute_values("value")
    options = [a.get("value") for t, a in shown.elements if t == "option"]
    assert "1010" in options
    assert "1000" not in options


def test_it_saves_a_draft(client: Any, session: Session, book: Book,
                          page: Callable[..., Page]) -> None:
    response = client.post("/books/acme/entries", data=_form(
        "Office chairs", ("6400", "320.00", ""), ("1020", "", "320.00")),
        follow_redirects=False)
    assert response.status_code == 303
    shown = page(response.headers["location"])
    assert "The draft is saved" in shown.text
    assert "Draft entry" in shown.text
    entry_id = int(response.headers["location"].split("/")[-1].split("?")[0])
    entry = get_entry(session, book, entry_id)
    assert entry.status == EntryStatus.DRAFT.value
    assert [line.amount for line in entry.lines] == [32000, -32000]


def test_it_saves_and_posts_with_amounts_typed_the_indonesian_way(
        client: Any, session: Session, idr_book: Book) -> None:
    response = client.post("/books/studio/entries", data=_form(
        "Sewa kantor", ("6201", "15.000.000", ""), ("1111", "", "15000000"), action="post"),
        follow_redirects=False)
    assert response.status_code == 303
    entry_id = int(response.headers["location"].split("/")[-1].split("?")[0])
    entry = get_entry(session, idr_book, entry_id)
    assert entry.status == EntryStatus.POSTED.value
    assert entry.number == 1
    assert [line.amount for line in entry.lines] == [15_000_000, -15_000_000]
    assert "15.000.000" in client.get(response.headers["location"]).text


def test_a_bad_form_says_what_to_fix_and_writes_nothing(
        client: Any, book: Book, counts: Callable[[], dict[str, int]]) -> None:
    before = counts()
    response = client.post("/books/acme/entries", data=_form(
        "", ("1010", "12.345", ""), ("9999", "", "10"), ("4100", "5", "5"), action="post"))
    assert response.status_code == 422
    shown = Page(response.text)
    assert "The entry was not saved." in shown.text
    assert "an entry needs a description" in shown.text
    assert "12.345 has more decimals than USD allows (2)" in shown.text
    assert "no account with the code '9999'" in shown.text
    assert "enter either a debit or a credit, not both" in shown.text
    invalid = [a["name"] for t, a in shown.elements if a.get("aria-invalid") == "true"]
    assert invalid == ["description", "lines[0].debit", "lines[1].account", "lines[2].debit"]
    # What was typed comes back, to be corrected rather than retyped.
    assert "12.345" in shown.attribute_values("value")
    assert counts() == before


def test_an_unbalanced_entry_shows_the_difference(client: Any, book: Book,
                                                  counts: Callable[[], dict[str, int]]) -> None:
    before = counts()
    response = client.post("/books/acme/entries", data=_form(
        "Lopsided", ("1010", "100", ""), ("4100", "", "60")))
    assert response.status_code == 422
    text = Page(response.text).text
    assert "debits exceed credits by 40.00 USD" in text
    assert "Difference 40.00" in text
    assert counts() == before


def test_bahasa_users_read_form_errors_in_bahasa(client: Any, book: Book) -> None:
    client.cookies.set("folio_lang", "id")
    response = client.post("/books/acme/entries", data=_form("", ("1010", "1", ""),
                                                             ("4100", "", "1")))
    assert response.status_code == 422
    text = Page(response.text).text
    assert "Jurnal belum disimpan." in text
    assert "jurnal memerlukan keterangan" in text


def test_it_edits_a_draft_and_removed_lines_stay_removed(client: Any, session: Session,
                                                         book: Book,
                                                         page: Callable[..., Page]) -> None:
    draft = create_entry(session, book, EntryInput(
        date=date(2026, 2, 1), description="Supplies", lines=[
            LineInput("6400", Decimal(50)), LineInput("1010", Decimal(-30)),
            LineInput("1020", Decimal(-20))]))
    session.commit()
    form = page(f"/books/acme/entries/{draft.id}/edit")
    assert "50.00" in form.attribute_values("value")
    # The page removed the middle row (index 1) and changed the rest.
    data = {"date": "2026-02-02", "description": "Supplies, paid by bank", "action": "post",
            "lines[0].account": "6400", "lines[0].debit": "50", "lines[0].credit": "",
            "lines[2].account": "1020", "lines[2].debit": "", "lines[2].credit": "50"}
    response = client.post(f"/books/acme/entries/{draft.id}", data=data, follow_redirects=False)
    assert response.status_code == 303
    session.expire_all()
    entry = get_entry(session, book, draft.id)
    assert entry.is_posted
    assert entry.description == "Supplies, paid by bank"
    assert [(line.account.code, line.amount) for line in entry.lines] == [
        ("6400", 5000), ("1020", -5000)]


def test_the_line_editor_adds_a_row_with_a_fresh_index(client: Any, book: Book) -> None:
    response = client.post("/books/acme/entry-form/line", data=_form(
        "x", ("1010", "1", ""), ("4100", "", "1")))
    assert response.status_code == 200
    row = Page(response.text)
    assert "lines[2].account" in row.attribute_values("name")
    assert not response.text.lstrip().startswith("<!doctype")


def test_the_line_editor_adds_a_row_without_javascript_too(client: Any, book: Book) -> None:
    response = client.post("/books/acme/entries", data=_form(
        "x", ("1010", "1", ""), ("4100", "", "1"), action="add_line"))
    assert response.status_code == 200
    assert "lines[2].account" in Page(response.text).attribute_values("name")


def test_the_totals_follow_the_lines_as_typed(client: Any, book: Book) -> None:
    unbalanced = client.post("/books/acme/entry-form/totals", data=_form(
        "x", ("1010", "1,000.50", ""), ("4100", "", "400"), ("", "", "")))
    assert "Debits 1,000.50 Credits 400.00 Difference 600.50" in Page(unbalanced.text).text
    balanced = client.post("/books/acme/entry-form/totals", data=_form(
        "x", ("1010", "400", ""), ("4100", "", "400"), ("6100", "abc", "")))
    text = Page(balanced.text).text
    assert "Difference Balanced" in text
    assert "Some amounts cannot be read yet" in text

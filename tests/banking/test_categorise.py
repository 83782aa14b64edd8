"""Categorising bank lines: entries posted, bulk, tax split, suggestions, undo."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from folio.audit.models import AuditEvent
from folio.auth.actor import Actor, set_actor
from folio.auth.models import Membership, User
from folio.banking.service import categorise, ignore, list_lines, uncategorise
from folio.banking.suggestions import payee_key, suggest
from folio.books.models import Book
from folio.errors import Conflict, Forbidden, NotFound, ValidationError
from folio.ledger.models import JournalEntry
from folio.parties.service import PartyInput, create_party
from tests.banking.factories import (
    balance,
    do_import,
    entry_count,
    generic_csv,
    money_account,
    ppn_in,
)

COFFEE = generic_csv(
    ("01/03/2024", "-4.50", "Coffee Corner", "Card 1"),
    ("02/03/2024", "-5.00", "Coffee Corner", "Card 2"),
    ("03/03/2024", "-3.75", "COFFEE  CORNER", "Card 3"),
    ("04/03/2024", "-60.00", "Print Shop", "Flyers"),
)


def test_categorising_a_line_posts_a_balanced_entry(session: Session, book: Book) -> None:
    checking = money_account(session, book)
    line = do_import(session, book, checking, COFFEE).lines[3]

    categorise(session, book, [line.id], "6500", memo="Flyers for the fair")
    session.commit()

    assert line.status == "categorised"
    entry = session.get_one(JournalEntry, line.entry_id)
    assert entry.is_posted
    assert [(x.account.code, x.amount) for x in entry.lines] == [("1020", -6000),
                                                                  ("6500", 6000)]
    assert entry.description == "Flyers for the fair"


def test_bulk_categorise_books_every_line(session: Session, book: Book) -> None:
    checking = money_account(session, book)
    lines = do_import(session, book, checking, COFFEE).lines[:3]

    categorise(session, book, [x.id for x in lines], "6400")
    session.commit()

    assert {x.status for x in lines} == {"categorised"}
    assert entry_count(session, book) == 3
    assert balance(session, book, "6400") == Decimal("13.25")
    events = list(session.scalars(select(AuditEvent).where(AuditEvent.action == "categorise")))
    assert len(events) == 1


def test_bulk_categorise_is_all_or_nothing(session: Session, book: Book) -> None:
    checking = money_account(session, book)
    lines = do_import(session, book, checking, COFFEE).lines
    categorise(session, book, [lines[0].id], "6400")
    session.commit()

    with pytest.raises(Conflict, match=f"line {lines[0].id} is already categorised"):
        categorise(session, book, [lines[1].id, lines[0].id], "6400")
    session.rollback()
    with pytest.raises(NotFound):
        categorise(session, book, [lines[1].id, 999_999], "6400")
    session.rollback()

    assert entry_count(session, book) == 1


def test_a_tax_code_splits_the_vat_out_of_the_amount(session: Session, idr_book: Book) -> None:
    bank = money_account(session, idr_book)
    ppn_in(session, idr_book)
    line = do_import(session, idr_book, bank, generic_csv(
        ("10/03/2024", "-1.110.000", "Toko Komputer", "Printer"))).lines[0]

    categorise(session, idr_book, [line.id], "6204", tax_code="PPN-IN")
    session.commit()

    # 1.110.000 includes PPN 12% of DPP 11/12 (11% of the net): net 1.000.000, PPN 110.000.
    assert balance(session, idr_book, "1111") == Decimal(-1_110_000)
    assert balance(session, idr_book, "1401") == Decimal(110_000)
    assert balance(session, idr_book, "6204") == Decimal(1_000_000)


def test_categorise_refuses_bad_targets(session: Session, book: Book) -> None:
    checking = money_account(session, book)
    line = do_import(session, book, checking, COFFEE).lines[0]

    with pytest.raises(ValidationError) as caught:
        categorise(session, book, [line.id], "6000", party_id=4242, tax_code="NOPE")
    assert {e["field"] for e in caught.value.errors} == {"account", "party_id", "tax_code"}
    with pytest.raises(ValidationError, match="its own money account"):
        categorise(session, book, [line.id], "1020")


def test_suggestions_learn_the_most_frequent_account(session: Session, book: Book) -> None:
    checking = money_account(session, book)
    cafe, _ = create_party(session, book, PartyInput(name="Coffee Corner", is_vendor=True))
    first, second, third, _ = do_import(session, book, checking, COFFEE).lines
    categorise(session, book, [first.id], "6400", party_id=cafe.id)
    categorise(session, book, [second.id], "6400", party_id=cafe.id)
    session.commit()

    hint = suggest(session, book, third)

    assert hint is not None
    assert (hint.account.code, hint.times, hint.party) == ("6400", 2, cafe)
    assert payee_key("COFFEE  CORNER", "") == payee_key("Coffee Corner", "x")


def test_a_payee_never_booked_has_no_suggestion(session: Session, book: Book) -> None:
    checking = money_account(session, book)
    line = do_import(session, book, checking, COFFEE).lines[3]

    assert suggest(session, book, line) is None


def test_suggestions_ignore_dates_and_numbers_in_descriptions(session: Session,
                                                              book: Book) -> None:
    checking = money_account(session, book)
    data = generic_csv(("01/03/2024", "-9.00", "", "TRSF 0103/FT111 NETFLIX"),
                       ("01/04/2024", "-9.00", "", "TRSF 0104/FT222 NETFLIX"))
    march, april = do_import(session, book, checking, data).lines
    categorise(session, book, [march.id], "6500")
    session.commit()

    hint = suggest(session, book, april)

    assert hint is not None
    assert hint.account.code == "6500"


def test_uncategorise_reverses_the_entry(session: Session, book: Book) -> None:
    checking = money_account(session, book)
    line = do_import(session, book, checking, COFFEE).lines[3]
    categorise(session, book, [line.id], "6500")
    session.commit()

    uncategorise(session, book, [line.id])
    session.commit()

    assert (line.status, line.entry_id, line.account_id) == ("unmatched", None, None)
    assert balance(session, book, "6500") == 0
    assert entry_count(session, book) == 2  # the entry and its reversal
    categorise(session, book, [line.id], "6400")
    session.commit()
    assert balance(session, book, "6400") == Decimal("60.00")


def test_ignored_lines_book_nothing(session: Session, book: Book) -> None:
    checking = money_account(session, book)
    line = do_import(session, book, checking, COFFEE).lines[0]

    ignore(session, book, [line.id])
    session.commit()

    assert line.status == "ignored"
    assert list_lines(session, book, status="unmatched").total == 3
    with pytest.raises(Conflict):
        categorise(session, book, [line.id], "6400")


def test_lines_filter_by_status_date_and_text(session: Session, book: Book) -> None:
    from datetime import date

    checking = money_account(session, book)
    do_import(session, book, checking, COFFEE)

    assert list_lines(session, book, search="corner").total == 3
    assert list_lines(session, book, search="flyers").total == 1
    assert list_lines(session, book, start=date(2024, 3, 2), end=date(2024, 3, 3)).total == 2
    page = list_lines(session, book, page=2, page_size=3)
    assert (page.pages, [x.payee for x in page.lines]) == (2, ["Coffee Corner"])
    with pytest.raises(ValidationError):
        list_lines(session, book, status="lost")


def test_a_viewer_may_list_but_not_categorise(session: Session, book: Book) -> None:
    checking = money_account(session, book)
    line = do_import(session, book, checking, COFFEE).lines[0]
    viewer = User(email="viewer@example.com", display_name="Vera", password_hash="x")
    session.add(viewer)
    session.flush()
    session.add(Membership(book_id=book.id, user_id=viewer.id, role="viewer"))
    session.commit()
    set_actor(session, Actor(user_id=viewer.id, label="viewer@example.com"))

    assert list_lines(session, book).total == 4
    with pytest.raises(Forbidden):
        categorise(session, book, [line.id], "6400")

"""``folio check``: tampering with postings, entries or balances is detected and named."""

from __future__ import annotations

from datetime import date

from sqlalchemy import text
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.ledger.check import check_book
from folio.ledger.service import close_fiscal_year, create_entry, reverse_entry
from tests.conftest import post
from tests.ledger.factories import entry_input


def _check(session: Session, book: Book) -> list[str]:
    session.expire_all()
    return check_book(session, book).problems


def _tamper(session: Session, sql: str, **params: object) -> None:
    session.execute(text(sql), params)
    session.commit()


def test_a_clean_book_passes(session: Session, small_book: Book) -> None:
    reverse_entry(session, small_book, post(session, small_book, "2025-03-01",
                                            [("1010", 1), ("4100", -1)]), on=date(2025, 3, 2))
    close_fiscal_year(session, small_book, date(2024, 12, 31))
    create_entry(session, small_book, entry_input("2025-03-03", [("1010", 1), ("4100", -1)]))
    session.commit()
    result = check_book(session, small_book)
    assert result.ok, result.problems
    assert (result.book, result.entries) == ("acme", 11)


def test_an_empty_book_passes(session: Session, book: Book) -> None:
    result = check_book(session, book)
    assert (result.ok, result.entries) == (True, 0)


def test_a_changed_line_amount_is_detected(session: Session, small_book: Book) -> None:
    _tamper(session, "UPDATE journal_lines SET amount = amount + 1, base_amount = base_amount + 1"
                     " WHERE entry_id = (SELECT id FROM journal_entries WHERE number = 3)"
                     " AND line_no = 1")
    problems = _check(session, small_book)
    assert any(p.startswith("balance of account 6200 in 202411") for p in problems), problems
    assert "entry 3 does not balance" in problems
    assert any(p.startswith("hash chain broken at entry 3 (2024-11-30, 'Rent')")
               for p in problems), problems


def test_a_changed_description_breaks_the_chain_at_that_entry(session: Session,
                                                              small_book: Book) -> None:
    _tamper(session, "UPDATE journal_entries SET description = 'Nothing to see' "
                     "WHERE number = 5")
    assert _check(session, small_book) == [
        "hash chain broken at entry 5 (2025-01-20, 'Nothing to see'): its content or an "
        "earlier entry was altered"]


def test_a_deleted_balance_row_is_detected(session: Session, small_book: Book) -> None:
    _tamper(session, "DELETE FROM account_balances WHERE period = 202502 AND account_id = "
                     "(SELECT id FROM accounts WHERE code = '6300')")
    assert _check(session, small_book) == [
        "balance of account 6300 in 202502 is stored as debit 0 credit 0 but the postings "
        "sum to debit 45000 credit 0"]


def test_a_changed_balance_is_detected(session: Session, small_book: Book) -> None:
    _tamper(session, "UPDATE account_balances SET credit = credit + 100 WHERE period = 202501 "
                     "AND account_id = (SELECT id FROM accounts WHERE code = '4100')")
    problems = _check(session, small_book)
    assert problems == ["balance of account 4100 in 202501 is stored as debit 0 credit 80100 "
                        "but the postings sum to debit 0 credit 80000"]


def test_a_deleted_entry_shows_as_a_gap(session: Session, small_book: Book) -> None:
    _tamper(session, "DELETE FROM journal_lines WHERE entry_id = "
                     "(SELECT id FROM journal_entries WHERE number = 4)")
    _tamper(session, "DELETE FROM journal_entries WHERE number = 4")
    problems = _check(session, small_book)
    assert "entry numbers jump from 3 to 5: an entry is missing" in problems


def test_a_line_moved_to_another_month_is_detected(session: Session, small_book: Book) -> None:
    _tamper(session, "UPDATE journal_lines SET date = :day WHERE entry_id = "
                     "(SELECT id FROM journal_entries WHERE number = 2)", day=date(2024, 7, 1))
    problems = _check(session, small_book)
    assert "entry 2 has lines out of step with it" in problems


def test_a_draft_line_marked_posted_is_detected(session: Session, book: Book) -> None:
    entry = create_entry(session, book, entry_input("2025-01-05", [("1010", 1), ("4100", -1)]))
    session.commit()
    _tamper(session, "UPDATE journal_lines SET posted = :yes WHERE entry_id = :id",
            yes=True, id=entry.id)
    problems = _check(session, book)
    assert "2 lines of draft entries are marked posted" in problems


def test_a_rewound_chain_head_is_detected(session: Session, small_book: Book) -> None:
    _tamper(session, "UPDATE books SET chain_seq = 7")
    assert _check(session, small_book) == [
        "the book's chain head does not match its last entry (7 recorded, 8 found)"]


def test_other_books_do_not_disturb_the_check(session: Session, small_book: Book,
                                              idr_book: Book) -> None:
    post(session, idr_book, "2025-01-05", [("1101", 1000), ("4101", -1000)])
    _tamper(session, "UPDATE journal_entries SET description = 'x' WHERE book_id = :id",
            id=idr_book.id)
    assert _check(session, small_book) == []
    assert len(_check(session, idr_book)) == 1

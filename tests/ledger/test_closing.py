"""Year-end closing: income and expenses into retained earnings, then the year is locked."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.books.service import BookInput, create_book
from folio.errors import PeriodLocked, ValidationError
from folio.ledger.accounts import get_account, update_account
from folio.ledger.check import check_book
from folio.ledger.models import EntryKind
from folio.ledger.reports import balance_sheet, income_statement, trial_balance
from folio.ledger.service import close_fiscal_year, create_entry, post_entry
from tests.conftest import post
from tests.ledger.factories import entry_input


def _lines(entry: object) -> list[tuple[str, int]]:
    return [(x.account.code, x.base_amount) for x in entry.lines]  # type: ignore[attr-defined]


def test_closing_moves_the_years_profit_into_retained_earnings(session: Session,
                                                               small_book: Book) -> None:
    entry = close_fiscal_year(session, small_book, date(2024, 7, 1))
    session.commit()
    assert entry is not None
    assert (entry.kind, entry.date, entry.number) == (EntryKind.CLOSING.value,
                                                      date(2024, 12, 31), 9)
    assert entry.description == "Closing of fiscal year 2024-01-01 to 2024-12-31"
    assert _lines(entry) == [("4100", 250_000), ("6200", -120_000), ("3200", -130_000)]
    assert small_book.lock_date == date(2024, 12, 31)
    assert check_book(session, small_book).ok


def test_after_closing_the_year_end_trial_balance_has_no_income_or_expense(
        session: Session, small_book: Book) -> None:
    close_fiscal_year(session, small_book, date(2024, 12, 31))
    session.commit()
    codes = [r.account.code for r in trial_balance(session, small_book, date(2024, 12, 31)).rows
             if r.account]
    assert codes == ["1020", "1100", "3100", "3200"]


def test_the_income_statement_of_a_closed_year_still_shows_its_figures(
        session: Session, small_book: Book) -> None:
    before = income_statement(session, small_book, date(2024, 1, 1), date(2024, 12, 31))
    close_fiscal_year(session, small_book, date(2024, 12, 31))
    session.commit()
    for start in (date(2024, 1, 1), date(2024, 6, 10)):
        after = income_statement(session, small_book, start, date(2024, 12, 31))
        assert (after.income.total, after.expenses.total, after.net_income) == (
            250_000, 120_000, 130_000)
    after = income_statement(session, small_book, date(2024, 1, 1), date(2024, 12, 31))
    assert [(r.label, r.amount) for r in after.income.rows] == [
        (r.label, r.amount) for r in before.income.rows]
    # Next year's comparison column reads the closed year without its closing entry.
    next_year = income_statement(session, small_book, date(2025, 1, 1), date(2025, 12, 31))
    assert next_year.compare_net_income == 130_000


def test_the_balance_sheet_still_balances_after_closing(session: Session,
                                                        small_book: Book) -> None:
    close_fiscal_year(session, small_book, date(2024, 12, 31))
    session.commit()
    year_end = balance_sheet(session, small_book, date(2024, 12, 31))
    assert year_end.balanced
    assert [(r.label, r.amount) for r in year_end.equity.rows] == [
        ("Owner's capital", 1_000_000), ("Retained earnings", 130_000),
        ("Current year earnings", 0)]
    later = balance_sheet(session, small_book, date(2025, 2, 28))
    assert later.balanced
    assert [(r.label, r.amount) for r in later.equity.rows] == [
        ("Owner's capital", 1_000_000), ("Retained earnings", 130_000),
        ("Current year earnings", 15_000)]


def test_a_year_cannot_be_closed_twice(session: Session, small_book: Book) -> None:
    close_fiscal_year(session, small_book, date(2024, 12, 31))
    session.commit()
    with pytest.raises(PeriodLocked, match="already closed or locked"):
        close_fiscal_year(session, small_book, date(2024, 3, 1))


def test_nothing_posts_into_a_closed_year(session: Session, small_book: Book) -> None:
    close_fiscal_year(session, small_book, date(2024, 12, 31))
    session.commit()
    entry = create_entry(session, small_book, entry_input("2024-12-31", [("1010", 1),
                                                                          ("4100", -1)]))
    with pytest.raises(PeriodLocked):
        post_entry(session, small_book, entry)


def test_closing_a_later_year_leaves_earlier_unclosed_years_as_they_are(
        session: Session, small_book: Book) -> None:
    entry = close_fiscal_year(session, small_book, date(2025, 6, 1))
    session.commit()
    assert entry is not None
    assert _lines(entry) == [("4100", 180_000), ("6200", -120_000), ("6300", -45_000),
                             ("3200", -15_000)]
    sheet = balance_sheet(session, small_book, date(2025, 12, 31))
    assert sheet.balanced
    assert [(r.label, r.amount) for r in sheet.equity.rows] == [
        ("Owner's capital", 1_000_000), ("Retained earnings", 15_000),
        ("Retained earnings of prior years (not closed)", 130_000),
        ("Current year earnings", 0)]


def test_a_year_without_income_or_expense_is_locked_without_an_entry(session: Session,
                                                                     book: Book) -> None:
    post(session, book, "2024-03-10", [("1020", "100.00"), ("3100", "-100.00")])
    assert close_fiscal_year(session, book, date(2024, 1, 1)) is None
    assert book.lock_date == date(2024, 12, 31)
    assert book.chain_seq == 1


def test_a_loss_is_closed_as_a_debit_to_retained_earnings(session: Session, book: Book) -> None:
    post(session, book, "2024-03-10", [("6200", "500.00"), ("1020", "-500.00")])
    post(session, book, "2024-04-10", [("1010", "100.00"), ("4100", "-100.00")])
    entry = close_fiscal_year(session, book, date(2024, 1, 1))
    assert entry is not None
    assert _lines(entry) == [("4100", 10_000), ("6200", -50_000), ("3200", 40_000)]


def test_inactive_accounts_are_closed_too(session: Session, small_book: Book) -> None:
    update_account(session, get_account(session, small_book, "6200"), is_active=False)
    entry = close_fiscal_year(session, small_book, date(2024, 12, 31))
    assert entry is not None
    assert ("6200", -120_000) in _lines(entry)


def test_a_chart_without_retained_earnings_cannot_close(session: Session) -> None:
    bare = create_book(session, BookInput(slug="bare", name="Bare", base_currency="USD",
                                          chart="none"))
    with pytest.raises(ValidationError, match="retained-earnings"):
        close_fiscal_year(session, bare, date(2024, 12, 31))
    assert bare.lock_date is None


def test_a_fiscal_year_from_april_closes_april_to_march(session: Session) -> None:
    book = create_book(session, BookInput(slug="mumbai", name="Mumbai Traders",
                                          base_currency="INR", locale="en_IN", country="IN",
                                          fiscal_year_start=4))
    session.commit()
    post(session, book, "2024-03-31", [("1010", "100.00"), ("4100", "-100.00")])  # FY 2023-24
    post(session, book, "2024-04-01", [("1010", "2000.00"), ("4100", "-2000.00")])
    post(session, book, "2025-03-31", [("6200", "500.00"), ("1010", "-500.00")])
    post(session, book, "2025-04-01", [("1010", "70.00"), ("4100", "-70.00")])  # FY 2025-26
    entry = close_fiscal_year(session, book, date(2024, 12, 25))
    session.commit()
    assert entry is not None
    assert entry.date == date(2025, 3, 31)
    assert entry.description == "Closing of fiscal year 2024-04-01 to 2025-03-31"
    assert _lines(entry) == [("4100", 200_000), ("6200", -50_000), ("3200", -150_000)]
    assert book.lock_date == date(2025, 3, 31)
    sheet = balance_sheet(session, book, date(2025, 6, 30))
    assert sheet.balanced
    assert [(r.label, r.amount) for r in sheet.equity.rows] == [
        ("Retained earnings", 150_000),
        ("Retained earnings of prior years (not closed)", 10_000),
        ("Current year earnings", 7_000)]
    assert check_book(session, book).ok

"""An account's general ledger (opening, running, closing balance, pages) and the journal."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.errors import ValidationError
from folio.ledger.accounts import get_account
from folio.ledger.general_ledger import general_ledger, journal
from folio.ledger.report_output import general_ledger_dict, general_ledger_table
from folio.ledger.service import create_entry, reverse_entry
from tests.conftest import post
from tests.ledger.factories import entry_input


def test_the_ledger_has_opening_running_and_closing_balances(session: Session,
                                                             small_book: Book) -> None:
    bank = get_account(session, small_book, "1020")
    report = general_ledger(session, small_book, bank, date(2025, 1, 1), date(2025, 2, 28))
    data = general_ledger_dict(report)
    assert (data["opening_balance"], data["closing_balance"]) == ("8800.00", "10100.00")
    assert [(r["date"], r["description"], r["debit"], r["credit"], r["balance"])
            for r in data["rows"]] == [
        ("2025-01-10", "Customer pays", "2500.00", "0.00", "11300.00"),
        ("2025-02-05", "Rent", "0.00", "1200.00", "10100.00")]
    assert (data["page"], data["pages"], data["total_rows"]) == (1, 1, 2)
    assert data["account"] == {"code": "1020", "name": "Bank account", "type": "asset"}


def test_the_ledger_table_brackets_the_rows_with_opening_and_closing(session: Session,
                                                                     small_book: Book) -> None:
    bank = get_account(session, small_book, "1020")
    header, rows = general_ledger_table(general_ledger(session, small_book, bank,
                                                       date(2025, 1, 1), date(2025, 2, 28)))
    assert header == ["date", "entry", "description", "memo", "debit", "credit", "balance"]
    assert rows[0] == ["2025-01-01", "", "Opening balance", "", "", "", "8800.00"]
    assert rows[-1] == ["2025-02-28", "", "Closing balance", "", "", "", "10100.00"]
    assert len(rows) == 4


def test_an_empty_period_shows_the_opening_as_closing(session: Session,
                                                      small_book: Book) -> None:
    bank = get_account(session, small_book, "1020")
    report = general_ledger(session, small_book, bank, date(2024, 12, 1), date(2024, 12, 31))
    assert (report.opening, report.closing, report.rows, report.pages) == (
        880_000, 880_000, [], 1)


@pytest.fixture
def busy_bank(session: Session, book: Book) -> Book:
    """Eleven bank postings, five of them on one day, among other entries."""
    amounts = [100, -30, 45, -5, 60, 7, -12, 300, -250, 1, 99]
    days = ["2025-01-31", "2025-02-03", "2025-02-03", "2025-02-03", "2025-02-03",
            "2025-02-03", "2025-02-17", "2025-03-01", "2025-03-01", "2025-03-15", "2025-04-02"]
    for n, (day, amount) in enumerate(zip(days, amounts, strict=True)):
        post(session, book, day, [("1020", amount), ("4100", -amount)], description=f"Bank {n}")
        post(session, book, day, [("1010", 1), ("4100", -1)], description=f"Cash {n}")
    return book


@pytest.mark.parametrize("page_size", [1, 2, 3, 4, 5])
def test_each_page_continues_the_running_balance_of_the_one_before(
        session: Session, busy_bank: Book, page_size: int) -> None:
    bank = get_account(session, busy_bank, "1020")
    start, end = date(2025, 2, 1), date(2025, 3, 31)
    whole = general_ledger(session, busy_bank, bank, start, end, page_size=1000)
    assert whole.opening == 10_000
    assert [r.balance for r in whole.rows] == [7000, 11500, 11000, 17000, 17700, 16500, 46500,
                                               21500, 21600]
    assert whole.closing == 21_600
    balances: list[int] = []
    for page in range(1, whole.total_rows // page_size + 2):
        part = general_ledger(session, busy_bank, bank, start, end, page=page,
                              page_size=page_size)
        assert part.opening == whole.opening
        assert part.closing == whole.closing
        assert part.pages == -(-9 // page_size)
        if balances and part.rows:
            assert part.rows[0].balance == balances[-1] + part.rows[0].base_amount
        balances += [r.balance for r in part.rows]
    assert balances == [r.balance for r in whole.rows]


def test_a_page_past_the_end_is_empty(session: Session, busy_bank: Book) -> None:
    bank = get_account(session, busy_bank, "1020")
    report = general_ledger(session, busy_bank, bank, date(2025, 1, 1), date(2025, 12, 31),
                            page=99, page_size=5)
    assert (report.rows, report.page, report.pages, report.total_rows) == ([], 99, 3, 11)


def test_the_ledger_shows_reversals_and_ignores_drafts(session: Session, book: Book) -> None:
    sale = post(session, book, "2025-01-05", [("1010", "10.00"), ("4100", "-10.00")])
    reverse_entry(session, book, sale, on=date(2025, 1, 6))
    create_entry(session, book, entry_input("2025-01-07", [("1010", 3), ("4100", -3)]))
    session.commit()
    cash = get_account(session, book, "1010")
    report = general_ledger(session, book, cash, date(2025, 1, 1), date(2025, 1, 31))
    assert [(r.number, r.base_amount, r.balance) for r in report.rows] == [
        (1, 1000, 1000), (2, -1000, 0)]


def test_the_ledger_refuses_dates_folio_cannot_handle(session: Session, book: Book) -> None:
    cash = get_account(session, book, "1010")
    with pytest.raises(ValidationError):
        general_ledger(session, book, cash, date(1, 1, 1), date(2025, 1, 1))
    with pytest.raises(ValidationError):
        general_ledger(session, book, cash, date(2025, 1, 1), date(9999, 12, 31))


# The journal (day book)


@pytest.fixture
def journal_book(session: Session, book: Book) -> Book:
    post(session, book, "2025-01-05", [("1010", 5), ("4100", -5)], description="Coffee beans",
         party="Kopi Senja", reference="INV-001")
    post(session, book, "2025-01-06", [("1010", 7), ("4100", -7)], description="Cake",
         party="Alice")
    post(session, book, "2025-02-01", [("6200", 9), ("1020", -9)], description="Rent",
         reference="LEASE-7")
    create_entry(session, book, entry_input("2025-02-02", [("1010", 1), ("4100", -1)],
                                            "Coffee cups (draft)"))
    session.commit()
    return book


def _descriptions(page: object) -> list[str]:
    return [e.description for e in page.entries]  # type: ignore[attr-defined]


def test_the_journal_lists_newest_first_with_lines(session: Session,
                                                   journal_book: Book) -> None:
    page = journal(session, journal_book)
    assert _descriptions(page) == ["Coffee cups (draft)", "Rent", "Cake", "Coffee beans"]
    assert page.total == 4
    assert [x.account.code for x in page.entries[1].lines] == ["6200", "1020"]


@pytest.mark.parametrize(("search", "found"), [
    ("coffee", ["Coffee cups (draft)", "Coffee beans"]),
    ("KOPI", ["Coffee beans"]),
    ("lease", ["Rent"]),
    ("  alice ", ["Cake"]),
    ("nothing like it", []),
    ("100%", []),
])
def test_the_journal_searches_description_party_and_reference(
        session: Session, journal_book: Book, search: str, found: list[str]) -> None:
    assert _descriptions(journal(session, journal_book, search=search)) == found


def test_the_journal_filters_by_date_and_status(session: Session, journal_book: Book) -> None:
    assert _descriptions(journal(session, journal_book, date(2025, 1, 6),
                                 date(2025, 2, 1))) == ["Rent", "Cake"]
    assert _descriptions(journal(session, journal_book, status="draft")) == [
        "Coffee cups (draft)"]
    posted = journal(session, journal_book, status="posted", search="coffee")
    assert _descriptions(posted) == ["Coffee beans"]


def test_the_journal_pages(session: Session, journal_book: Book) -> None:
    first = journal(session, journal_book, page=1, page_size=3)
    second = journal(session, journal_book, page=2, page_size=3)
    assert (first.pages, first.total, len(first.entries)) == (2, 4, 3)
    assert _descriptions(second) == ["Coffee beans"]


def test_the_journal_search_treats_wildcards_and_nul_as_text(session: Session,
                                                             journal_book: Book) -> None:
    assert _descriptions(journal(session, journal_book, search="_")) == []
    assert _descriptions(journal(session, journal_book, search="%")) == []
    assert _descriptions(journal(session, journal_book, search="a\x00b")) == []

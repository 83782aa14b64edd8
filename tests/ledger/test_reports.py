"""Trial balance, balance sheet and income statement, with figures worked out by hand.

The book is SMALL_BOOK (tests/ledger/conftest.py).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.errors import ValidationError
from folio.ledger.models import JournalLine
from folio.ledger.report_output import (
    balance_sheet_dict,
    balance_sheet_table,
    income_statement_dict,
    income_statement_table,
    trial_balance_dict,
    trial_balance_table,
)
from folio.ledger.reports import (
    balance_sheet,
    income_statement,
    net_by_account,
    previous_period,
    trial_balance,
)
from tests.conftest import post


def _tb_rows(session: Session, book: Book, as_of: date) -> list[tuple[str, str, str, str]]:
    data = trial_balance_dict(trial_balance(session, book, as_of))
    return [(a["code"], a["debit"], a["credit"], a["balance"]) for a in data["accounts"]]


def _amounts(section: dict[str, object]) -> list[tuple[str | None, str, str]]:
    return [(a["code"], a["name"], a.get("balance", a.get("amount")))
            for a in section["accounts"]]  # type: ignore[attr-defined]


def net_from_postings(session: Session, book: Book, start: date | None,
                      end: date) -> dict[int, int]:
    """The slow, obvious way: sum every posted line in [start, end]."""
    query = select(JournalLine.account_id, func.sum(JournalLine.base_amount)).where(
        JournalLine.book_id == book.id, JournalLine.posted.is_(True), JournalLine.date <= end)
    if start is not None:
        query = query.where(JournalLine.date >= start)
    rows = session.execute(query.group_by(JournalLine.account_id)).all()
    return {account_id: int(net) for account_id, net in rows if net}


# Trial balance


def test_the_trial_balance_lists_every_account_with_a_balance(session: Session,
                                                              small_book: Book) -> None:
    assert _tb_rows(session, small_book, date(2025, 2, 28)) == [
        ("1010", "800.00", "0.00", "800.00"),
        ("1020", "10100.00", "0.00", "10100.00"),
        ("1100", "1000.00", "0.00", "1000.00"),
        ("2100", "0.00", "450.00", "-450.00"),
        ("3100", "0.00", "10000.00", "-10000.00"),
        ("4100", "0.00", "4300.00", "-4300.00"),
        ("6200", "2400.00", "0.00", "2400.00"),
        ("6300", "450.00", "0.00", "450.00"),
    ]
    data = trial_balance_dict(trial_balance(session, small_book, date(2025, 2, 28)))
    assert (data["total_debit"], data["total_credit"]) == ("14750.00", "14750.00")
    assert (data["book"], data["currency"], data["as_of"]) == ("acme", "USD", "2025-02-28")


def test_the_trial_balance_in_the_middle_of_a_month(session: Session, small_book: Book) -> None:
    # 2025-02-10: the rent of the 5th is in, the purchase of the 14th is not; AR is settled.
    assert _tb_rows(session, small_book, date(2025, 2, 10)) == [
        ("1010", "800.00", "0.00", "800.00"),
        ("1020", "10100.00", "0.00", "10100.00"),
        ("3100", "0.00", "10000.00", "-10000.00"),
        ("4100", "0.00", "3300.00", "-3300.00"),
        ("6200", "2400.00", "0.00", "2400.00"),
    ]


def test_the_trial_balance_before_the_first_entry_is_empty(session: Session,
                                                           small_book: Book) -> None:
    report = trial_balance(session, small_book, date(2024, 3, 9))
    assert (report.rows, report.total_debit, report.total_credit) == ([], 0, 0)


def test_the_trial_balance_table_has_a_totals_row(session: Session, small_book: Book) -> None:
    header, rows = trial_balance_table(trial_balance(session, small_book, date(2025, 2, 28)))
    assert header == ["code", "name", "type", "debit", "credit", "balance"]
    assert rows[0] == ["1010", "Cash", "asset", "800.00", "0.00", "800.00"]
    assert rows[-1] == ["", "Total", "", "14750.00", "14750.00", ""]


def test_drafts_are_not_in_any_report(session: Session, small_book: Book) -> None:
    from folio.ledger.service import create_entry
    from tests.ledger.factories import entry_input

    before = _tb_rows(session, small_book, date(2025, 2, 28))
    create_entry(session, small_book, entry_input("2025-02-20", [("1010", 5), ("4100", -5)]))
    session.commit()
    assert _tb_rows(session, small_book, date(2025, 2, 28)) == before


@pytest.mark.parametrize("as_of", [
    date(2024, 3, 9), date(2024, 3, 10), date(2024, 6, 30), date(2024, 12, 1),
    date(2025, 1, 15), date(2025, 1, 31), date(2025, 2, 1), date(2025, 2, 14),
    date(2025, 2, 24), date(2025, 2, 28), date(2026, 7, 4)])
def test_any_as_of_date_gives_the_sum_of_the_postings(session: Session, small_book: Book,
                                                      as_of: date) -> None:
    assert net_by_account(session, small_book, None, as_of) == net_from_postings(
        session, small_book, None, as_of)


@pytest.mark.parametrize(("start", "end"), [
    (date(2024, 6, 15), date(2025, 1, 20)), (date(2024, 6, 16), date(2025, 1, 19)),
    (date(2025, 1, 1), date(2025, 1, 31)), (date(2025, 1, 11), date(2025, 2, 13)),
    (date(2025, 2, 6), date(2025, 2, 6)), (date(2024, 1, 1), date(2025, 12, 31))])
def test_any_range_gives_the_sum_of_its_postings(session: Session, small_book: Book,
                                                 start: date, end: date) -> None:
    assert net_by_account(session, small_book, start, end) == net_from_postings(
        session, small_book, start, end)


# Balance sheet


def test_the_balance_sheet_balances_with_this_years_earnings(session: Session,
                                                             small_book: Book) -> None:
    data = balance_sheet_dict(balance_sheet(session, small_book, date(2025, 2, 28)))
    assert _amounts(data["assets"]) == [("1010", "Cash", "800.00"),
                                        ("1020", "Bank account", "10100.00"),
                                        ("1100", "Accounts receivable", "1000.00")]
    assert _amounts(data["liabilities"]) == [("2100", "Accounts payable", "450.00")]
    assert _amounts(data["equity"]) == [
        ("3100", "Owner's capital", "10000.00"),
        (None, "Retained earnings of prior years (not closed)", "1300.00"),
        (None, "Current year earnings", "150.00"),
    ]
    assert (data["total_assets"], data["total_liabilities"], data["total_equity"]) == (
        "11900.00", "450.00", "11450.00")
    assert data["total_liabilities_and_equity"] == "11900.00"
    assert data["balanced"] is True


def test_current_year_earnings_equal_the_years_net_income(session: Session,
                                                          small_book: Book) -> None:
    for as_of in (date(2024, 12, 31), date(2025, 1, 20), date(2025, 2, 28)):
        sheet = balance_sheet(session, small_book, as_of)
        year = income_statement(session, small_book, date(as_of.year, 1, 1), as_of)
        earnings = [r.amount for r in sheet.equity.rows if r.label == "Current year earnings"]
        assert earnings == [year.net_income]
        assert sheet.balanced


def test_the_balance_sheet_of_the_first_year_has_no_prior_earnings(session: Session,
                                                                   small_book: Book) -> None:
    sheet = balance_sheet(session, small_book, date(2024, 12, 31))
    assert [(r.label, r.amount) for r in sheet.equity.rows] == [
        ("Owner's capital", 1_000_000), ("Current year earnings", 130_000)]
    assert (sheet.assets.total, sheet.liabilities.total) == (1_130_000, 0)


def test_the_balance_sheet_table_has_section_totals(session: Session, small_book: Book) -> None:
    header, rows = balance_sheet_table(balance_sheet(session, small_book, date(2025, 2, 28)))
    assert header == ["section", "code", "name", "balance"]
    assert ["assets", "", "Total assets", "11900.00"] in rows
    assert ["equity", "", "Current year earnings", "150.00"] in rows
    assert rows[-1] == ["equity", "", "Total equity", "11450.00"]


# Income statement


def test_a_month_compares_with_the_month_before(session: Session, small_book: Book) -> None:
    data = income_statement_dict(income_statement(session, small_book, date(2025, 2, 1),
                                                  date(2025, 2, 28)))
    assert (data["previous_from"], data["previous_to"]) == ("2025-01-01", "2025-01-31")
    assert data["income"]["accounts"] == [{"code": "4100", "name": "Sales", "type": "income",
                                           "amount": "1000.00", "previous": "800.00"}]
    assert [(a["code"], a["amount"], a["previous"]) for a in data["expenses"]["accounts"]] == [
        ("6200", "1200.00", "0.00"), ("6300", "450.00", "0.00")]
    assert (data["total_income"], data["total_expenses"], data["net_income"],
            data["previous_net_income"]) == ("1000.00", "1650.00", "-650.00", "800.00")
    assert (data["income"]["previous_total"], data["expenses"]["previous_total"]) == (
        "800.00", "0.00")


def test_two_months_compare_with_the_two_months_before(session: Session,
                                                       small_book: Book) -> None:
    report = income_statement(session, small_book, date(2025, 1, 1), date(2025, 2, 28))
    assert (report.compare_start, report.compare_end) == (date(2024, 11, 1), date(2024, 12, 31))
    assert (report.net_income, report.compare_net_income) == (15_000, -120_000)


def test_an_arbitrary_range_compares_with_as_many_days_before(session: Session,
                                                              small_book: Book) -> None:
    report = income_statement(session, small_book, date(2025, 1, 15), date(2025, 2, 14))
    assert (report.compare_start, report.compare_end) == (date(2024, 12, 15), date(2025, 1, 14))
    assert (report.income.total, report.expenses.total, report.net_income) == (
        80_000, 165_000, -85_000)
    assert report.compare_net_income == 0
    assert [r.compare for r in report.expenses.rows] == [0, 0]


def test_accounts_only_in_the_previous_period_still_show(session: Session,
                                                         small_book: Book) -> None:
    report = income_statement(session, small_book, date(2024, 12, 1), date(2024, 12, 31))
    assert [(r.account.code if r.account else None, r.amount, r.compare)
            for r in report.expenses.rows] == [("6200", 0, 120_000)]


def test_the_income_statement_table_ends_with_net_income(session: Session,
                                                         small_book: Book) -> None:
    header, rows = income_statement_table(income_statement(
        session, small_book, date(2025, 2, 1), date(2025, 2, 28)))
    assert header == ["section", "code", "name", "amount", "previous"]
    assert rows[-1] == ["", "", "Net income", "-650.00", "800.00"]


@pytest.mark.parametrize(("start", "end", "previous"), [
    (date(2025, 3, 1), date(2025, 3, 31), (date(2025, 2, 1), date(2025, 2, 28))),
    (date(2024, 3, 1), date(2024, 5, 31), (date(2023, 12, 1), date(2024, 2, 29))),
    (date(2025, 1, 1), date(2025, 12, 31), (date(2024, 1, 1), date(2024, 12, 31))),
    (date(2025, 3, 31), date(2025, 3, 31), (date(2025, 3, 30), date(2025, 3, 30))),
    (date(2025, 3, 2), date(2025, 3, 31), (date(2025, 1, 31), date(2025, 3, 1))),
    (date(2025, 2, 1), date(2025, 2, 27), (date(2025, 1, 5), date(2025, 1, 31))),
])
def test_previous_period(start: date, end: date, previous: tuple[date, date]) -> None:
    assert previous_period(start, end) == previous
    assert previous[1] == start - timedelta(days=1)


# Dates out of range are refused, not crashed on


@pytest.mark.parametrize("day", [date(1, 1, 1), date(9999, 12, 31)])
def test_reports_refuse_dates_folio_cannot_handle(session: Session, small_book: Book,
                                                  day: date) -> None:
    with pytest.raises(ValidationError):
        trial_balance(session, small_book, day)
    with pytest.raises(ValidationError):
        balance_sheet(session, small_book, day)
    with pytest.raises(ValidationError):
        income_statement(session, small_book, min(day, date(2025, 1, 1)),
                         max(day, date(2025, 1, 1)))


def test_reports_of_another_book_do_not_mix(session: Session, small_book: Book,
                                            idr_book: Book) -> None:
    post(session, idr_book, "2025-01-05", [("1101", 1_500_000), ("4101", -1_500_000)])
    data = trial_balance_dict(trial_balance(session, idr_book, date(2025, 12, 31)))
    assert [(a["code"], a["balance"]) for a in data["accounts"]] == [
        ("1101", "1500000"), ("4101", "-1500000")]
    assert data["total_debit"] == "1500000"
    assert len(trial_balance(session, small_book, date(2025, 12, 31)).rows) == 8

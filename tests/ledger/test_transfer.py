"""CSV import and export of charts and journals (the file contract is in docs/cli.md)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.books.service import BookInput, create_book, lock_book
from folio.errors import ValidationError
from folio.ledger.accounts import get_account
from folio.ledger.check import check_book
from folio.ledger.models import JournalEntry
from folio.ledger.report_output import (
    balance_sheet_dict,
    income_statement_dict,
    trial_balance_dict,
)
from folio.ledger.reports import balance_sheet, income_statement, trial_balance
from folio.ledger.service import close_fiscal_year, create_entry, reverse_entry
from folio.ledger.transfer import (
    export_accounts,
    export_journal,
    import_accounts,
    import_journal,
)
from tests.conftest import post
from tests.ledger.factories import entry_input, row_counts

HEADER = "txn_id,date,description,party,account,amount\n"


def _import(session: Session, book: Book, text: str) -> tuple[int, int]:
    result = import_journal(session, book, io.StringIO(text, newline=""))
    session.commit()
    return result.created, result.skipped


def _export(session: Session, book: Book) -> tuple[str, str]:
    accounts, journal = io.StringIO(), io.StringIO()
    export_accounts(session, book, accounts)
    export_journal(session, book, journal)
    return accounts.getvalue(), journal.getvalue()


def _reports(session: Session, book: Book, day: date) -> list[object]:
    out: list[object] = []
    for report in (trial_balance_dict(trial_balance(session, book, day)),
                   balance_sheet_dict(balance_sheet(session, book, day)),
                   income_statement_dict(income_statement(session, book, date(day.year, 1, 1),
                                                          day))):
        report.pop("book")
        out.append(report)
    return out


def test_it_imports_entries_as_posted_and_chained(session: Session, book: Book) -> None:
    text = HEADER + ("t1,2025-01-05,Sale,Alice,1010,100.50\n"
                     "t1,2025-01-05,Sale,Alice,4100,-100.50\n"
                     "t2,2025-01-06,Rent,,6200,40\n"
                     "t2,2025-01-06,Rent,,1020,-25.5\n"
                     "t2,2025-01-06,Rent,,1010,-14.50\n")
    assert _import(session, book, text) == (2, 0)
    data = trial_balance_dict(trial_balance(session, book, date(2025, 1, 31)))
    assert [(a["code"], a["balance"]) for a in data["accounts"]] == [
        ("1010", "86.00"), ("1020", "-25.50"), ("4100", "-100.50"), ("6200", "40.00")]
    result = check_book(session, book)
    assert (result.ok, result.entries) == (True, 2)


def test_importing_the_same_file_again_creates_nothing(session: Session, book: Book) -> None:
    text = HEADER + "t1,2025-01-05,Sale,,1010,1\nt1,2025-01-05,Sale,,4100,-1\n"
    assert _import(session, book, text) == (1, 0)
    counts = row_counts(session)
    assert _import(session, book, text) == (0, 1)
    assert row_counts(session) == counts
    more = text + "t2,2025-01-06,Sale,,1010,2\nt2,2025-01-06,Sale,,4100,-2\n"
    assert _import(session, book, more) == (1, 1)
    assert check_book(session, book).ok


def test_entries_after_imports_continue_the_chain(session: Session, book: Book) -> None:
    post(session, book, "2025-01-01", [("1010", 1), ("4100", -1)])
    _import(session, book, HEADER + "t1,2025-01-05,Sale,,1010,1\nt1,2025-01-05,Sale,,4100,-1\n")
    assert post(session, book, "2025-01-09", [("1010", 1), ("4100", -1)]).number == 3
    assert check_book(session, book).ok


@pytest.mark.parametrize(("rows", "message"), [
    ("t1,2025-01-05,Sale,,1010,1\nt1,2025-01-05,Sale,,4100,-2\n",
     "line 2: transaction t1 does not balance: it is off by -1.00 USD"),
    ("t1,2025-01-05,Sale,,1010,1\nt1,2025-01-05,Sale,,9999,-1\n",
     "line 3: unknown account '9999'"),
    ("t1,2025-13-05,Sale,,1010,1\nt1,2025-13-05,Sale,,4100,-1\n",
     "line 2: '2025-13-05' is not a date in the form YYYY-MM-DD"),
    ("t1,2025-01-05,Sale,,1010,1.001\nt1,2025-01-05,Sale,,4100,-1.001\n",
     "line 2: 1.001 has more decimals than USD allows (2)"),
    ("t1,2025-01-05,Sale,,1010,1,00\n", "line 2: the row has more cells than the header"),
    ("t1,2025-01-05,Sale,,1010,abc\nt1,2025-01-05,Sale,,4100,-1\n",
     "line 2: 'abc' is not a number"),
    ("t1,2025-01-05,Sale,,1010,1\n", "line 2: transaction t1 has only one row"),
    ("t1,2025-01-05,Sale,,1000,1\nt1,2025-01-05,Sale,,4100,-1\n",
     "line 2: 1000 is a group account"),
    ("t1,2025-01-05,Sale,,1010,0\nt1,2025-01-05,Sale,,4100,0\n", "line 2: amount cannot be zero"),
    ("t1,2025-01-05,,,1010,1\nt1,2025-01-05,,,4100,-1\n", "line 2: description is empty"),
    ("t1,2025-01-05,Sale,,1010,1\nt1,2025-01-06,Sale,,4100,-1\n",
     "line 3: transaction t1 has rows with different dates (2025-01-05 and 2025-01-06)"),
    ("t1,9999-12-31,Sale,,1010,1\nt1,9999-12-31,Sale,,4100,-1\n", "line 2: 9999-12-31 is outside"),
    ("t1,2025-01-05,Sale\x00,,1010,1\nt1,2025-01-05,Sale,,4100,-1\n", "line 2: "),
    ("t1,2025-01-05,Sale,,6200,1\nt1,2025-01-05,Sale,,4100,-1\n", "line 2: 6200 is inactive"),
    ("t1,2025-01-05,Sale,,1020,1,EUR,1e30\nt1,2025-01-05,Sale,,4100,-1\n", "line 2: "),
])
def test_a_bad_row_names_its_line_and_writes_nothing(session: Session, book: Book, rows: str,
                                                     message: str) -> None:
    from folio.ledger.accounts import update_account

    update_account(session, get_account(session, book, "6200"), is_active=False)
    post(session, book, "2025-01-01", [("1010", 1), ("4100", -1)])
    counts = row_counts(session)
    header = HEADER if ",EUR," not in rows else HEADER.rstrip() + ",currency,rate\n"
    with pytest.raises(ValidationError) as exc:
        _import(session, book, header + "ok,2025-01-02,Fine,,1010,5\nok,2025-01-02,Fine,,4100,-5\n"
                + rows)
    session.rollback()
    line, _, reason = message.partition(": ")
    shifted = f"line {int(line.split()[1]) + 2}: {reason}"
    assert exc.value.detail.startswith(shifted), exc.value.detail
    assert row_counts(session) == counts


@pytest.mark.parametrize(("text", "message"), [
    ("", "the file is empty"),
    (HEADER, "the file has a header but no rows"),
    ("txn_id,date,description,account,amount\nt1,2025-01-05,Sale,1010,1\n",
     "line 1: missing column party"),
    ("txn_id,date,party\nt1,2025-01-05,x\n", "line 1: missing columns description, account, "
                                             "amount"),
])
def test_a_file_without_rows_or_columns_is_refused(session: Session, book: Book, text: str,
                                                   message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        _import(session, book, text)


def test_nothing_is_imported_into_a_locked_period(session: Session, book: Book) -> None:
    lock_book(session, book, date(2025, 1, 31))
    session.commit()
    with pytest.raises(ValidationError, match="line 2: the books are locked up to 2025-01-31"):
        _import(session, book, HEADER + "t1,2025-01-05,Sale,,1010,1\nt1,2025-01-05,Sale,,4100,-1\n")


def test_foreign_rows_take_a_rate_or_a_base_amount(session: Session, book: Book) -> None:
    text = ("txn_id,date,description,party,account,amount,currency,rate,base_amount\n"
            "t1,2025-01-05,Euro sale,,1020,100.00,EUR,1.0815,\n"
            "t1,2025-01-05,Euro sale,,4100,-108.15,,,\n"
            "t2,2025-01-06,Euro sale,,1020,50.00,EUR,,54.10\n"
            "t2,2025-01-06,Euro sale,,4100,-54.10,,,\n")
    assert _import(session, book, text) == (2, 0)
    lines = [(x.amount, x.currency, str(x.rate), x.base_amount)
             for e in (1, 2) for x in _entry(session, book, e).lines]
    assert lines == [(10000, "EUR", "1.0815", 10815), (-10815, "USD", "1", -10815),
                     (5000, "EUR", "1.082", 5410), (-5410, "USD", "1", -5410)]
    with pytest.raises(ValidationError, match="needs a rate or base_amount"):
        _import(session, book, "txn_id,date,description,party,account,amount,currency\n"
                               "t3,2025-01-05,x,,1020,1,EUR\nt3,2025-01-05,x,,4100,-1,\n")


def _entry(session: Session, book: Book, number: int) -> JournalEntry:
    entry = session.scalar(select(JournalEntry).where(JournalEntry.book_id == book.id,
                                                      JournalEntry.number == number))
    assert entry is not None
    return entry


def test_accounts_import_creates_new_codes_and_leaves_existing_ones(session: Session,
                                                                    book: Book) -> None:
    text = ("code,name,type,parent,currency\n"
            "1031,Till two,asset,1030,\n"        # the parent comes later in the file
            "1030,Tills,asset,1000,\n"
            "1010,Renamed cash,asset,,\n"        # exists: left as it is
            "1025,Euro account,asset,1000,eur\n")
    result = import_accounts(session, book, io.StringIO(text))
    assert (result.created, result.existing) == (3, 1)
    assert get_account(session, book, "1010").name == "Cash"
    till = get_account(session, book, "1031")
    assert till.parent_id == get_account(session, book, "1030").id
    assert get_account(session, book, "1025").currency == "EUR"


@pytest.mark.parametrize(("text", "message"), [
    ("code,name\n1,x\n", "missing column type"),
    ("code,name,type\nbad code,x,asset\n", "line 2: 'bad code' is not a valid account code"),
    ("code,name,type\n1031,x,assets\n", "line 2: type must be one of"),
    ("code,name,type\n1031,,asset\n", "line 2: a name of 1 to 200"),
    ("code,name,type,parent\n1031,x,income,1000\n", "line 2: parent 1000 is a asset account"),
    ("code,name,type,parent\n1031,x,asset,1032\n1032,y,asset,1031\n", "parent cycle"),
    ("code,name,type,parent\n1031,x,asset,9999\n", "line 2: parent '9999' is not an account"),
    ("code,name,type\n1031,x,asset\n1031,y,asset\n", "line 3: the code 1031 appears twice"),
    ("code,name,type,currency\n1031,x,asset,EURO\n", "line 2: 'EURO' is not an ISO 4217"),
    ("code,name,type\n1031,x\x00y,asset\n", "line 2: "),
])
def test_a_bad_account_row_is_refused(session: Session, book: Book, text: str,
                                      message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        import_accounts(session, book, io.StringIO(text))


def test_export_writes_the_import_columns(session: Session, book: Book) -> None:
    post(session, book, "2025-01-05", [("1010", "12.50"), ("4100", "-12.50")],
         description='Sale, "quoted"', party="Alice")
    _, journal = _export(session, book)
    assert journal.splitlines() == [
        "txn_id,date,description,party,account,amount,currency,rate,base_amount,memo,kind",
        'folio-1,2025-01-05,"Sale, ""quoted""",Alice,1010,12.50,USD,,,,',
        'folio-1,2025-01-05,"Sale, ""quoted""",Alice,4100,-12.50,USD,,,,']


def test_export_leaves_the_callers_objects_usable(session: Session, book: Book,
                                                  idr_book: Book) -> None:
    post(session, book, "2025-01-05", [("1010", 1), ("4100", -1)])
    _export(session, book)
    assert idr_book.slug == "studio"
    post(session, idr_book, "2025-01-05", [("1101", 1), ("4101", -1)])


def test_an_export_imports_into_a_new_book_with_the_same_reports(session: Session,
                                                                  small_book: Book) -> None:
    reverse_entry(session, small_book,
                  post(session, small_book, "2025-02-10", [("1010", 3), ("4100", -3)]),
                  on=date(2025, 2, 11))
    create_entry(session, small_book, entry_input(
        "2025-02-12", [("1020", "10.00", "EUR", "1.1"), ("4100", "-11.00")]), post=True)
    close_fiscal_year(session, small_book, date(2024, 12, 31))
    create_entry(session, small_book, entry_input("2025-02-13", [("1010", 9), ("4100", -9)]))
    session.commit()
    accounts, journal = _export(session, small_book)
    copy = create_book(session, BookInput(slug="copy", name="Copy", base_currency="USD",
                                          chart="none"))
    import_accounts(session, copy, io.StringIO(accounts))
    assert _import(session, copy, journal) == (12, 0)
    for day in (date(2024, 12, 31), date(2025, 2, 12), date(2025, 2, 28)):
        assert _reports(session, copy, day) == _reports(session, small_book, day)
    assert _export(session, copy)[1] == journal
    assert check_book(session, copy).ok

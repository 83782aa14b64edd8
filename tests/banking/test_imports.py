"""Importing statements into a money account: all or nothing, each line once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from folio.audit.models import AuditEvent
from folio.banking.models import BankLine, BankStatement
from folio.books.models import Book
from folio.errors import ValidationError
from folio.ledger.service import EntryInput, LineInput, create_entry
from tests.banking.factories import (
    balance,
    do_import,
    entry_count,
    generic_csv,
    lines_of,
    money_account,
    rule,
)
from tests.ledger.factories import row_counts

Fixture = Callable[[str], bytes]

MARCH = generic_csv(
    ("01/03/2024", "2500.00", "Client Co", "Invoice 17"),
    ("03/03/2024", "-42.50", "Coffee Corner", "Card 1234"),
    ("05/03/2024", "-1200.00", "Landlord LLC", "March rent"),
)


def test_it_imports_lines_as_unmatched_without_entries(session: Session, book: Book) -> None:
    checking = money_account(session, book)

    result = do_import(session, book, checking, MARCH)

    assert (result.imported, result.skipped, result.categorised) == (3, 0, 0)
    lines = lines_of(session, checking)
    assert [(x.date, x.amount, x.payee, x.status) for x in lines] == [
        (date(2024, 3, 1), 250000, "Client Co", "unmatched"),
        (date(2024, 3, 3), -4250, "Coffee Corner", "unmatched"),
        (date(2024, 3, 5), -120000, "Landlord LLC", "unmatched"),
    ]
    assert entry_count(session, book) == 0
    statement = session.get_one(BankStatement, result.statement.id)
    assert (statement.start_date, statement.end_date) == (date(2024, 3, 1), date(2024, 3, 5))
    assert statement.format == "csv:generic"


def test_importing_the_same_file_twice_creates_nothing(session: Session, book: Book) -> None:
    checking = money_account(session, book)
    rule(session, book, "Rent", "6200", payee="landlord")
    do_import(session, book, checking, MARCH)
    before = row_counts(session)

    again = do_import(session, book, checking, MARCH)

    assert (again.imported, again.skipped) == (0, 3)
    assert row_counts(session) == before


def test_an_overlapping_statement_adds_only_the_new_lines(session: Session, book: Book) -> None:
    checking = money_account(session, book)
    do_import(session, book, checking, MARCH)
    later = generic_csv(("05/03/2024", "-1200.00", "Landlord LLC", "March rent"),
                        ("09/03/2024", "-15.00", "Bank", "Monthly fee"))

    result = do_import(session, book, checking, later)

    assert (result.imported, result.skipped) == (1, 1)
    assert len(lines_of(session, checking)) == 4


def test_two_identical_rows_in_one_file_are_both_kept(session: Session, book: Book) -> None:
    checking = money_account(session, book)
    data = generic_csv(("03/03/2024", "-4.00", "Coffee Corner", "Latte"),
                       ("03/03/2024", "-4.00", "Coffee Corner", "Latte"))

    assert do_import(session, book, checking, data).imported == 2
    assert do_import(session, book, checking, data).imported == 0


def test_rules_book_their_lines_on_import(session: Session, book: Book) -> None:
    checking = money_account(session, book)
    rule(session, book, "Rent", "6200", payee="landlord")
    rule(session, book, "Sales", "4100", direction="in", description="invoice")

    result = do_import(session, book, checking, MARCH)

    assert (result.imported, result.categorised, result.unmatched) == (3, 2, 1)
    assert [x.status for x in lines_of(session, checking)] == [
        "categorised", "unmatched", "categorised"]
    assert balance(session, book, "1020") == Decimal("1300.00")
    assert balance(session, book, "6200") == Decimal("1200.00")
    assert balance(session, book, "4100") == Decimal("-2500.00")
    assert entry_count(session, book) == 2


def test_a_bad_line_rejects_the_file_naming_the_line(session: Session, book: Book) -> None:
    checking = money_account(session, book)
    rule(session, book, "Rent", "6200", payee="landlord")
    data = generic_csv(("01/03/2024", "2500.00", "Client Co", "Invoice 17"),
                       ("03/03/2024", "forty", "Coffee Corner", "Card 1234"),
                       ("05/03/2024", "-1200.00", "Landlord LLC", "March rent"))
    before = row_counts(session)

    with pytest.raises(ValidationError, match="line 3") as caught:
        do_import(session, book, checking, data)

    session.rollback()
    assert caught.value.errors[0]["line"] == "3"
    assert row_counts(session) == before


def test_a_bad_date_names_its_line(session: Session, book: Book) -> None:
    checking = money_account(session, book)
    data = generic_csv(("01/03/2024", "1.00", "A", "x"), ("31/02/2024", "2.00", "B", "y"))

    with pytest.raises(ValidationError, match=r"line 3: .*not a date"):
        do_import(session, book, checking, data)


def test_it_reads_a_messy_indonesian_export(session: Session, idr_book: Book) -> None:
    """BOM, ';' separators, 1.234.567,00 numbers, amounts in parentheses."""
    bank = money_account(session, idr_book)
    data = ("\ufeffdate;amount;payee;description\n"
            "01/03/2024;1.234.567,00;PT Sumber Rejeki;INV-001\n"
            "02/03/2024;(250.000,00);PLN;Listrik Maret\n"
            "04/03/2024;-12.500,00;Bank;Biaya admin\n").encode()

    result = do_import(session, idr_book, bank, data)

    assert [(x.amount, x.payee) for x in result.lines] == [
        (1234567, "PT Sumber Rejeki"), (-250000, "PLN"), (-12500, "Bank")]


def test_it_refuses_cents_in_a_whole_rupiah_account(session: Session, idr_book: Book) -> None:
    bank = money_account(session, idr_book)
    data = b"date;amount;payee;description\n01/03/2024;1.234.567,89;PT A;INV\n"

    with pytest.raises(ValidationError, match=r"line 2: .*more decimals than IDR"):
        do_import(session, idr_book, bank, data)


def test_it_reads_a_usd_file_with_comma_decimals(session: Session, book: Book) -> None:
    checking = money_account(session, book)
    data = b"date;amount;payee;description\n01/03/2024;1.234.567,89;Client;x\n" \
           b"02/03/2024;(1.234,50);Vendor;y\n"

    result = do_import(session, book, checking, data)

    assert [x.amount for x in result.lines] == [123456789, -123450]


def test_it_imports_a_bca_export_with_its_balances(session: Session, idr_book: Book,
                                                   fixture_bytes: Fixture) -> None:
    bank = money_account(session, idr_book, account_number="1234567890")

    result = do_import(session, idr_book, bank, fixture_bytes("bca_personal.csv"), "bca.csv")

    assert result.imported == 3
    assert result.statement.format == "csv:bca"
    assert (result.statement.opening_balance, result.statement.closing_balance) == (
        10_000_000, 10_985_000)
    assert sum(x.amount for x in result.lines) == 985_000


def test_it_imports_a_mandiri_export_with_the_preset(session: Session, idr_book: Book,
                                                     fixture_bytes: Fixture) -> None:
    bank = money_account(session, idr_book)

    result = do_import(session, idr_book, bank, fixture_bytes("mandiri.csv"), preset="mandiri")

    assert [x.amount for x in result.lines] == [1_500_000, -250_000, -12_500]
    assert "PT SUMBER REJEKI" in result.lines[0].description


def test_it_refuses_a_statement_of_another_account(session: Session, idr_book: Book,
                                                   fixture_bytes: Fixture) -> None:
    bank = money_account(session, idr_book, account_number="999888777")

    with pytest.raises(ValidationError, match="for account …7890"):
        do_import(session, idr_book, bank, fixture_bytes("bca_personal.csv"))


def test_ofx_v1_and_v2_of_the_same_statement_import_once(session: Session, book: Book,
                                                         fixture_bytes: Fixture) -> None:
    checking = money_account(session, book)

    first = do_import(session, book, checking, fixture_bytes("statement_v1.ofx"), "a.ofx")
    second = do_import(session, book, checking, fixture_bytes("statement_v2.ofx"), "a.qfx")

    assert (first.imported, second.imported, second.skipped) == (3, 0, 3)
    assert first.statement.closing_balance == 320783
    assert lines_of(session, checking)[0].external_id == "202403020001"


def test_camt_lines_must_be_in_the_accounts_currency(session: Session, book: Book,
                                                     fixture_bytes: Fixture) -> None:
    checking = money_account(session, book)
    euro = money_account(session, book, "Euro account", currency="EUR", code="1030")

    with pytest.raises(ValidationError, match="in EUR, the account Checking in USD"):
        do_import(session, book, checking, fixture_bytes("camt053.xml"))
    session.rollback()
    result = do_import(session, book, euro, fixture_bytes("camt053.xml"), format="camt")

    assert [x.amount for x in result.lines] == [85000, -11950, 2500]
    assert (result.statement.opening_balance, result.statement.closing_balance) == (
        100000, 175550)


def test_qif_takes_a_date_order(session: Session, book: Book) -> None:
    checking = money_account(session, book)
    data = b"!Type:Bank\nD05/03/2024\nT-5.00\nPCoffee\n^\n"

    result = do_import(session, book, checking, data, options={"date_order": "dmy"})

    assert (result.lines[0].date, result.lines[0].amount) == (date(2024, 3, 5), -500)


def test_a_saved_column_mapping_is_used_next_time(session: Session, book: Book) -> None:
    checking = money_account(session, book)
    mapping = {"date": "Booked", "date_format": "%Y-%m-%d", "debit": "Out", "credit": "In",
               "description": "Text"}
    first = b"Booked,Text,Out,In\n2024-03-01,Salary,,100.00\n"
    second = b"Booked,Text,Out,In\n2024-03-02,Coffee,4.50,\n"

    do_import(session, book, checking, first, mapping=mapping)
    result = do_import(session, book, checking, second)

    assert [x.amount for x in lines_of(session, checking)] == [10000, -450]
    assert result.statement.format == "csv"


def test_a_bad_mapping_is_a_field_error(session: Session, book: Book) -> None:
    checking = money_account(session, book)

    with pytest.raises(ValidationError) as caught:
        do_import(session, book, checking, MARCH, mapping={"date": "d", "colour": "x"})

    assert caught.value.errors[0]["field"] == "mapping.colour"


def test_an_empty_file_imports_nothing(session: Session, book: Book) -> None:
    checking = money_account(session, book)

    with pytest.raises(ValidationError, match="empty"):
        do_import(session, book, checking, b"  \n")
    with pytest.raises(ValidationError, match="no transactions"):
        do_import(session, book, checking, b"date,amount,payee,description\n")


def test_rules_leave_lines_in_a_locked_period_unmatched(session: Session, book: Book) -> None:
    from folio.books.service import lock_book

    checking = money_account(session, book)
    rule(session, book, "Rent", "6200", payee="landlord")
    lock_book(session, book, date(2024, 3, 31))
    session.commit()

    result = do_import(session, book, checking, MARCH)

    assert (result.imported, result.categorised) == (3, 0)


def test_one_audit_event_records_an_import(session: Session, book: Book) -> None:
    checking = money_account(session, book)
    rule(session, book, "Rent", "6200", payee="landlord")

    result = do_import(session, book, checking, MARCH, name="march.csv")

    events = list(session.scalars(select(AuditEvent).where(AuditEvent.action == "import")))
    assert len(events) == 1
    assert events[0].object_id == str(result.statement.id)
    assert "march.csv" in events[0].summary


def test_the_entry_of_a_booked_line_is_linked(session: Session, book: Book) -> None:
    checking = money_account(session, book)
    rule(session, book, "Rent", "6200", payee="landlord", memo="Office rent")

    do_import(session, book, checking, MARCH)

    line = session.scalar(select(BankLine).where(BankLine.payee == "Landlord LLC"))
    assert line is not None
    assert line.entry_id is not None
    count = session.scalar(select(func.count()).select_from(BankLine)
                           .where(BankLine.entry_id == line.entry_id))
    assert count == 1


def test_an_opening_balance_is_posted_against_capital(session: Session, book: Book) -> None:
    money_account(session, book, "Savings", code="1030", opening_balance=Decimal("500.00"),
                  opening_date=date(2024, 1, 1))

    assert balance(session, book, "1030") == Decimal("500.00")
    assert balance(session, book, "3100") == Decimal("-500.00")


def test_a_manual_entry_is_not_touched_by_import(session: Session, book: Book) -> None:
    checking = money_account(session, book)
    create_entry(session, book, EntryInput(date=date(2024, 3, 1), description="Cash sale",
                                           lines=[LineInput("1020", Decimal(10)),
                                                  LineInput("4100", Decimal(-10))]), post=True)
    session.commit()

    do_import(session, book, checking, MARCH)

    assert balance(session, book, "1020") == Decimal("10.00")


def test_whole_rupiah_amounts_like_100_000_read_as_thousands(session: Session,
                                                            idr_book: Book) -> None:
    bank = money_account(session, idr_book)
    data = generic_csv(("01/03/2024", "-100.000", "", "Tarik tunai"))

    assert do_import(session, idr_book, bank, data).lines[0].amount == -100_000


def test_a_usd_amount_like_100_000_reads_as_thousands_too(session: Session, book: Book) -> None:
    checking = money_account(session, book)
    data = generic_csv(("01/03/2024", "100,000", "", "Deposit"))

    assert do_import(session, book, checking, data).lines[0].amount == 10_000_000

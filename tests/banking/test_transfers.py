"""Transfers between the book's own money accounts are booked once, whichever side comes first."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from folio.banking.models import BankLine, MoneyAccount
from folio.banking.service import categorise, uncategorise
from folio.books.models import Book
from folio.errors import ValidationError
from tests.banking.factories import (
    balance,
    do_import,
    entry_count,
    generic_csv,
    lines_of,
    money_account,
    rule,
)

CHECKING_SIDE = generic_csv(("01/03/2024", "-500.00", "", "Transfer to savings"),
                            ("02/03/2024", "-20.00", "Coffee Corner", "Card"))
SAVINGS_SIDE = generic_csv(("03/03/2024", "500.00", "", "Transfer from checking"))


def accounts(session: Session, book: Book) -> tuple[MoneyAccount, MoneyAccount]:
    return money_account(session, book), money_account(session, book, "Savings", code="1030")


def only(lines: list[BankLine], status: str) -> BankLine:
    [found] = [x for x in lines if x.status == status]
    return found


def test_a_transfer_rule_then_the_other_statement_books_once(session: Session,
                                                             book: Book) -> None:
    checking, savings = accounts(session, book)
    rule(session, book, "To savings", "1030", description="transfer to savings")

    first = do_import(session, book, checking, CHECKING_SIDE)
    second = do_import(session, book, savings, SAVINGS_SIDE)

    out, into = first.lines[0], second.lines[0]
    assert (out.status, into.status) == ("transfer", "transfer")
    assert out.entry_id == into.entry_id
    assert (out.transfer_line_id, into.transfer_line_id) == (into.id, out.id)
    assert second.categorised == 1
    assert entry_count(session, book) == 1
    assert balance(session, book, "1020") == Decimal("-500.00")
    assert balance(session, book, "1030") == Decimal("500.00")


def test_both_sides_with_rules_still_book_once(session: Session, book: Book) -> None:
    checking, savings = accounts(session, book)
    rule(session, book, "To savings", "1030", description="transfer to savings")
    rule(session, book, "From checking", "1020", description="transfer from checking")

    do_import(session, book, savings, SAVINGS_SIDE)
    do_import(session, book, checking, CHECKING_SIDE)

    assert entry_count(session, book) == 1
    assert {x.status for x in lines_of(session, savings)} == {"transfer"}
    assert only(lines_of(session, checking), "transfer").entry_id == \
        lines_of(session, savings)[0].entry_id
    assert balance(session, book, "1030") == Decimal("500.00")


def test_categorising_one_side_pairs_the_other_already_imported(session: Session,
                                                                book: Book) -> None:
    checking, savings = accounts(session, book)
    do_import(session, book, checking, CHECKING_SIDE)
    do_import(session, book, savings, SAVINGS_SIDE)
    out = lines_of(session, checking)[0]

    categorise(session, book, [out.id], "1030")
    session.commit()

    into = lines_of(session, savings)[0]
    assert (out.status, into.status) == ("transfer", "transfer")
    assert out.entry_id == into.entry_id
    assert entry_count(session, book) == 1


def test_pairing_on_import_comes_before_the_rules(session: Session, book: Book) -> None:
    checking, savings = accounts(session, book)
    out = do_import(session, book, checking, CHECKING_SIDE).lines[0]
    categorise(session, book, [out.id], "1030")
    session.commit()
    rule(session, book, "Deposits", "4900", direction="in")

    later = do_import(session, book, savings, generic_csv(("04/03/2024", "500.00", "", "Cash"),
                                                          ("04/03/2024", "499.00", "", "Cash")))

    paired, other = later.lines
    assert (paired.status, paired.entry_id) == ("transfer", out.entry_id)
    assert other.status == "categorised"
    assert balance(session, book, "1030") == Decimal("999.00")


def test_lines_more_than_three_days_apart_are_not_paired(session: Session, book: Book) -> None:
    checking, savings = accounts(session, book)
    rule(session, book, "To savings", "1030", description="transfer to savings")
    do_import(session, book, checking, CHECKING_SIDE)

    later = do_import(session, book, savings,
                      generic_csv(("05/03/2024", "500.00", "", "Transfer from checking")))

    assert later.lines[0].status == "unmatched"


def test_uncategorising_a_transfer_frees_both_sides(session: Session, book: Book) -> None:
    checking, savings = accounts(session, book)
    rule(session, book, "To savings", "1030", description="transfer to savings")
    out = do_import(session, book, checking, CHECKING_SIDE).lines[0]
    into = do_import(session, book, savings, SAVINGS_SIDE).lines[0]

    uncategorise(session, book, [into.id])
    session.commit()

    assert (out.status, into.status) == ("unmatched", "unmatched")
    assert (out.transfer_line_id, into.transfer_line_id) == (None, None)
    assert balance(session, book, "1030") == 0
    assert balance(session, book, "1020") == 0


def test_a_transfer_takes_no_tax_code(session: Session, idr_book: Book) -> None:
    from tests.banking.factories import ppn_in

    bank = money_account(session, idr_book)
    money_account(session, idr_book, "Cash box", kind="cash", account="1101")
    ppn_in(session, idr_book)
    line = do_import(session, idr_book, bank,
                     generic_csv(("01/03/2024", "-100.000", "", "Tarik tunai"))).lines[0]

    with pytest.raises(ValidationError, match="no tax code"):
        categorise(session, idr_book, [line.id], "1101", tax_code="PPN-IN")


def test_an_open_opposite_line_is_suggested_as_a_transfer(session: Session, book: Book) -> None:
    from folio.banking.suggestions import suggest

    checking, savings = accounts(session, book)
    out = do_import(session, book, checking, CHECKING_SIDE).lines[0]
    into = do_import(session, book, savings, SAVINGS_SIDE).lines[0]

    hint = suggest(session, book, out)

    assert hint is not None
    assert (hint.account.code, hint.transfer_line_id) == ("1030", into.id)
    categorise(session, book, [out.id], hint.account.code)
    session.commit()
    assert into.status == "transfer"
    assert suggest(session, book, into) is None

"""Tax codes: validation, and the defaults seeded for an Indonesian book."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.errors import Conflict, ValidationError
from folio.ledger.accounts import AccountInput, create_account
from folio.ledger.models import Account
from folio.tax.calc import vat_for_line, withholding
from folio.tax.service import (
    TaxCodeInput,
    create_tax_code,
    list_tax_codes,
    seed_default_tax_codes,
)


def test_seeding_an_idr_book_links_the_right_accounts(session: Session, idr_book: Book) -> None:
    made = seed_default_tax_codes(session, idr_book)
    session.commit()
    codes = {code.code: code for code in list_tax_codes(session, idr_book)}
    assert set(codes) == {"PPN12", "PPN12-LUX", "PPN-IN", "PPH23", "METERAI"} == \
        {code.code for code in made}

    def account_code(key: str) -> str:
        return session.get_one(Account, codes[key].account_id).code

    assert account_code("PPN12") == "2301"
    assert account_code("PPN12-LUX") == "2301"
    assert account_code("PPN-IN") == "1401"
    assert account_code("PPH23") == "1402"
    assert account_code("METERAI") == "6501"
    ppn = codes["PPN12"]
    assert (ppn.rate, ppn.base_numerator, ppn.base_denominator, ppn.rounding) == \
        (Decimal("0.12"), 11, 12, "down")
    assert vat_for_line(Decimal(5_550_000), ppn, "IDR").tax == Decimal(610_500)
    assert withholding(Decimal(5_550_000), codes["PPH23"], "IDR") == Decimal(111_000)


def test_seeding_twice_adds_nothing(session: Session, idr_book: Book) -> None:
    seed_default_tax_codes(session, idr_book)
    assert seed_default_tax_codes(session, idr_book) == []


def test_other_countries_get_no_default_codes(session: Session, book: Book) -> None:
    assert seed_default_tax_codes(session, book) == []


def test_it_creates_a_vat_code_for_any_country(session: Session, book: Book) -> None:
    code = create_tax_code(session, book, TaxCodeInput(
        code="VAT20", name="VAT 20%", kind="vat", rate=Decimal("0.2")))
    session.commit()
    assert list_tax_codes(session, book) == [code]
    assert code.rate == Decimal("0.2")


def test_it_reports_every_bad_field(session: Session, idr_book: Book) -> None:
    with pytest.raises(ValidationError) as raised:
        create_tax_code(session, idr_book, TaxCodeInput(
            code="bad code", name="", kind="sales", rate=Decimal("1.5"), account="9999",
            base_numerator=13, base_denominator=12, rounding="up"))
    assert {e["field"] for e in raised.value.errors} == {
        "code", "name", "kind", "rate", "account", "base_numerator", "rounding"}


@pytest.mark.parametrize("rate", [Decimal("-0.01"), Decimal("1.0001"), Decimal("NaN")])
def test_it_rejects_rates_outside_zero_to_one(session: Session, idr_book: Book,
                                              rate: Decimal) -> None:
    with pytest.raises(ValidationError):
        create_tax_code(session, idr_book, TaxCodeInput(code="X", name="X", kind="vat",
                                                        rate=rate))


def test_it_refuses_a_group_account_and_another_books_account(session: Session, idr_book: Book,
                                                              book: Book) -> None:
    group = session.query(Account).filter_by(book_id=idr_book.id, is_group=True).first()
    assert group is not None
    with pytest.raises(ValidationError):
        create_tax_code(session, idr_book, TaxCodeInput(code="X", name="X", kind="vat",
                                                        rate=Decimal("0.1"), account=group.code))
    elsewhere = create_account(session, book, AccountInput(code="2399", name="VAT",
                                                           type="liability"))
    with pytest.raises(ValidationError) as raised:
        create_tax_code(session, idr_book, TaxCodeInput(
            code="X", name="X", kind="vat", rate=Decimal("0.1"), account=elsewhere.code))
    assert raised.value.errors[0]["field"] == "account"


def test_it_refuses_a_duplicate_code(session: Session, idr_book: Book) -> None:
    seed_default_tax_codes(session, idr_book)
    with pytest.raises(Conflict):
        create_tax_code(session, idr_book, TaxCodeInput(code="PPN12", name="Again", kind="vat",
                                                        rate=Decimal("0.12")))

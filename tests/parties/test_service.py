"""Parties: create, edit, find; field errors name the field."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.errors import Conflict, NotFound, ValidationError
from folio.parties.service import (
    PartyInput,
    create_party,
    get_party,
    list_parties,
    update_party,
)


def fields_of(raised: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return {error["field"] for error in raised.value.errors}


def test_it_creates_a_customer_with_a_normalized_npwp(session: Session, idr_book: Book) -> None:
    party, warnings = create_party(session, idr_book, PartyInput(
        name="  PT Maju Jaya ", is_customer=True, tax_id="01.855.081.4-412.000",
        email="finance@maju.co.id", payment_terms_days=30, default_currency="idr"))
    session.commit()
    assert warnings == []
    found = get_party(session, idr_book, party.id)
    assert found.name == "PT Maju Jaya"
    assert found.tax_id == "018550814412000"
    assert found.default_currency == "IDR"
    assert found.is_customer
    assert not found.is_vendor
    assert found.created_at is not None


def test_it_returns_a_warning_for_a_doubtful_check_digit(session: Session, idr_book: Book) -> None:
    party, warnings = create_party(session, idr_book, PartyInput(
        name="CV Sinar", is_vendor=True, tax_id="01.855.081.5-412.000"))
    assert party.tax_id == "018550815412000"
    assert len(warnings) == 1


def test_it_reports_every_bad_field(session: Session, idr_book: Book) -> None:
    with pytest.raises(ValidationError) as raised:
        create_party(session, idr_book, PartyInput(
            name=" ", tax_id="12345", email="not-an-email", payment_terms_days=-1,
            default_currency="XYZ"))
    assert fields_of(raised) == {"name", "is_customer", "tax_id", "email", "payment_terms_days",
                                 "default_currency"}


def test_it_rejects_a_nik_born_in_month_13(session: Session, idr_book: Book) -> None:
    with pytest.raises(ValidationError) as raised:
        create_party(session, idr_book, PartyInput(name="Budi", is_customer=True,
                                                   tax_id="3171011513900001"))
    assert fields_of(raised) == {"tax_id"}


def test_it_refuses_a_duplicate_name(session: Session, idr_book: Book) -> None:
    create_party(session, idr_book, PartyInput(name="PT Maju", is_customer=True))
    with pytest.raises(Conflict) as raised:
        create_party(session, idr_book, PartyInput(name="PT Maju", is_vendor=True))
    assert raised.value.errors[0]["field"] == "name"


def test_the_same_name_may_exist_in_another_book(session: Session, idr_book: Book,
                                                 book: Book) -> None:
    create_party(session, idr_book, PartyInput(name="Globex", is_customer=True))
    party, _ = create_party(session, book, PartyInput(name="Globex", is_customer=True))
    assert party.book_id == book.id


def test_it_updates_a_party_and_keeps_names_unique(session: Session, idr_book: Book) -> None:
    first, _ = create_party(session, idr_book, PartyInput(name="Alpha", is_customer=True))
    create_party(session, idr_book, PartyInput(name="Beta", is_customer=True))
    updated, _ = update_party(session, first, PartyInput(
        name="Alpha", is_customer=True, is_vendor=True, tax_id="3171014501900001"))
    assert updated.is_vendor
    assert updated.tax_id == "3171014501900001"
    with pytest.raises(Conflict):
        update_party(session, first, PartyInput(name="Beta", is_customer=True))


def test_it_lists_by_kind_and_search(session: Session, idr_book: Book) -> None:
    for name, customer, vendor in [("PT Maju Jaya", True, False), ("CV Maju_Terus", False, True),
                                   ("Both Co", True, True), ("100% Kopi", True, False)]:
        create_party(session, idr_book, PartyInput(name=name, is_customer=customer,
                                                   is_vendor=vendor))
    create_party(session, idr_book, PartyInput(name="Gone Ltd", is_customer=True,
                                               is_active=False))

    def names(**kwargs: object) -> list[str]:
        return [p.name for p in list_parties(session, idr_book, **kwargs)]  # type: ignore[arg-type]

    assert names() == ["100% Kopi", "Both Co", "CV Maju_Terus", "PT Maju Jaya"]
    assert names(customers=True) == ["100% Kopi", "Both Co", "PT Maju Jaya"]
    assert names(vendors=True) == ["Both Co", "CV Maju_Terus"]
    assert names(search="maju") == ["CV Maju_Terus", "PT Maju Jaya"]
    assert names(search="_") == ["CV Maju_Terus"]
    assert names(search="%") == ["100% Kopi"]
    assert "Gone Ltd" in names(include_inactive=True)


def test_it_does_not_find_another_books_party(session: Session, idr_book: Book,
                                              book: Book) -> None:
    party, _ = create_party(session, idr_book, PartyInput(name="Alpha", is_customer=True))
    with pytest.raises(NotFound):
        get_party(session, book, party.id)

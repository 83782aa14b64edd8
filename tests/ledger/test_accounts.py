"""The chart of accounts: create, validate, update, deactivate."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.errors import Conflict, NotFound, ValidationError
from folio.ledger.accounts import (
    AccountInput,
    account_by_role,
    create_account,
    get_account,
    list_accounts,
    update_account,
)
from folio.ledger.service import create_entry
from tests.conftest import post
from tests.ledger.factories import entry_input


def test_it_creates_an_account_under_a_parent_of_the_same_type(session: Session,
                                                               book: Book) -> None:
    account = create_account(session, book, AccountInput(
        code="1030", name="Petty cash", type="asset", parent="1000", currency="USD",
        name_id="Kas kecil", description="Drawer"))
    assert get_account(session, book, "1030").id == account.id
    assert account.parent_id == get_account(session, book, "1000").id
    assert (account.currency, account.is_active, account.is_group) == ("USD", True, False)
    assert account.display_name("id") == "Kas kecil"
    assert account.display_name("en") == "Petty cash"


def test_it_refuses_a_parent_of_another_type(session: Session, book: Book) -> None:
    with pytest.raises(ValidationError) as exc:
        create_account(session, book, AccountInput(code="4150", name="Fees", type="income",
                                                   parent="1000"))
    assert exc.value.errors == [{"field": "parent",
                                 "message": "the parent 1000 is a asset account"}]


def test_it_refuses_an_unknown_parent(session: Session, book: Book) -> None:
    with pytest.raises(ValidationError) as exc:
        create_account(session, book, AccountInput(code="4150", name="Fees", type="income",
                                                   parent="9999"))
    assert exc.value.errors[0]["field"] == "parent"


def test_it_refuses_a_duplicate_code(session: Session, book: Book) -> None:
    with pytest.raises(Conflict) as exc:
        create_account(session, book, AccountInput(code="1010", name="Cash 2", type="asset"))
    assert exc.value.errors[0]["field"] == "code"


@pytest.mark.parametrize(("data", "field"), [
    (AccountInput(code="has space", name="X", type="asset"), "code"),
    (AccountInput(code="", name="X", type="asset"), "code"),
    (AccountInput(code="x" * 21, name="X", type="asset"), "code"),
    (AccountInput(code="1031\n", name="X", type="asset"), "code"),
    (AccountInput(code="1031", name="X", type="asset", name_id="n" * 201), "name_id"),
    (AccountInput(code="1031", name="X", type="asset", description="d" * 501), "description"),
    (AccountInput(code="1031", name=" ", type="asset"), "name"),
    (AccountInput(code="1031", name="X", type="assets"), "type"),
    (AccountInput(code="1031", name="X", type="asset", currency="EURO"), "currency"),
    (AccountInput(code="1031", name="X", type="asset", parent="bad\x00code"), "parent"),
    (AccountInput(code="1031", name="X\x00", type="asset"), "name"),
])
def test_it_refuses_bad_fields(session: Session, book: Book, data: AccountInput,
                               field: str) -> None:
    with pytest.raises(ValidationError) as exc:
        create_account(session, book, data)
    assert [e["field"] for e in exc.value.errors] == [field]


def test_accounts_of_other_books_are_invisible(session: Session, book: Book,
                                              idr_book: Book) -> None:
    with pytest.raises(NotFound):
        get_account(session, book, "1101")  # only in the PSAK chart
    assert get_account(session, idr_book, "1101").book_id == idr_book.id


def test_get_account_says_not_found_for_codes_that_cannot_exist(session: Session,
                                                                book: Book) -> None:
    for code in ("nope", "bad\x00", "x" * 300):
        with pytest.raises(NotFound):
            get_account(session, book, code)


def test_it_finds_accounts_by_role(session: Session, book: Book) -> None:
    account = account_by_role(session, book, "retained_earnings")
    assert account is not None
    assert account.code == "3200"
    assert account_by_role(session, book, "no_such_role") is None


def test_it_renames_and_deactivates(session: Session, book: Book) -> None:
    account = get_account(session, book, "6200")
    update_account(session, account, name=" Office rent ", name_id="Sewa", description="")
    assert (account.name, account.name_id, account.description) == ("Office rent", "Sewa", None)
    update_account(session, account, is_active=False)
    codes = [a.code for a in list_accounts(session, book, include_inactive=False)]
    assert "6200" not in codes
    assert "6200" in [a.code for a in list_accounts(session, book)]


def test_it_refuses_an_empty_name_on_update(session: Session, book: Book) -> None:
    with pytest.raises(ValidationError):
        update_account(session, get_account(session, book, "6200"), name="  ")


def test_an_inactive_account_refuses_postings(session: Session, book: Book) -> None:
    update_account(session, get_account(session, book, "6200"), is_active=False)
    with pytest.raises(ValidationError) as exc:
        create_entry(session, book, entry_input("2025-01-05", [("6200", 10), ("1010", -10)]))
    assert exc.value.errors == [{"field": "lines[0].account", "message": "6200 is inactive"}]


def test_an_account_reactivated_takes_postings_again(session: Session, book: Book) -> None:
    account = get_account(session, book, "6200")
    update_account(session, account, is_active=False)
    update_account(session, account, is_active=True)
    assert post(session, book, "2025-01-05", [("6200", 10), ("1010", -10)]).is_posted


def test_a_draft_on_an_account_deactivated_since_cannot_be_posted(session: Session,
                                                                  book: Book) -> None:
    from folio.ledger.service import post_entry

    entry = create_entry(session, book, entry_input("2025-01-05", [("6200", 10), ("1010", -10)]))
    update_account(session, get_account(session, book, "6200"), is_active=False)
    with pytest.raises(ValidationError, match="Account 6200 is inactive"):
        post_entry(session, book, entry)


def test_a_posted_entry_on_a_deactivated_account_can_still_be_reversed(session: Session,
                                                                       book: Book) -> None:
    from datetime import date

    from folio.ledger.service import reverse_entry

    entry = post(session, book, "2025-01-05", [("6200", 10), ("1010", -10)])
    update_account(session, get_account(session, book, "6200"), is_active=False)
    assert reverse_entry(session, book, entry, on=date(2025, 1, 6)).is_posted

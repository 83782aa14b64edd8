"""What the purchase pages share: reading typed amounts and dates, the account choices,
and turning a service's error into the page's message and field errors."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.errors import FolioError, ValidationError
from folio.ledger.accounts import list_accounts
from folio.ledger.models import Account
from folio.parties.models import Party
from folio.parties.service import list_parties
from folio.web.forms import field_errors, parse_date, parse_local_amount


def amount_field(book: Book, value: str, field: str, *,
                 required: bool = False) -> Decimal | None:
    """An amount as the book's locale writes it; None when left blank and optional."""
    if not value.strip():
        if required:
            raise ValidationError("Enter an amount", field=field)
        return None
    return parse_local_amount(value, book.base_currency, book.locale, field)


def date_field(value: str, field: str) -> date:
    return parse_date(value, field)


def money_accounts(session: Session, book: Book) -> list[Account]:
    """Bank and cash accounts (active, postable assets) to pay from or into."""
    return [a for a in list_accounts(session, book, include_inactive=False)
            if a.type == "asset" and not a.is_group]


def expense_accounts(session: Session, book: Book) -> list[Account]:
    """Accounts an expense or a vendor credit line may go to."""
    return [a for a in list_accounts(session, book, include_inactive=False)
            if a.type in ("expense", "asset") and not a.is_group]


def vendors(session: Session, book: Book) -> list[Party]:
    return list_parties(session, book, vendors=True)


def problem(exc: FolioError) -> tuple[str, dict[str, str]]:
    """The page's message and its field errors, from a service's error."""
    return exc.detail, field_errors(exc.errors)


def optional_id(value: str, field: str) -> int | None:
    """A chosen id from a <select>; blank is none."""
    value = value.strip()
    if not value:
        return None
    if not value.isdigit() or not 0 < int(value) < 2**63:
        raise ValidationError("Choose one from the list", field=field)
    return int(value)

"""Finding what sales and purchase documents name (accounts, tax codes, parties, projects),
as field errors."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.commerce.records import MAX_ID
from folio.errors import ValidationError
from folio.ledger.accounts import CODE_RE, account_by_role
from folio.ledger.models import Account
from folio.money import exponent, to_minor
from folio.parties.models import Party
from folio.sales.models import Project
from folio.tax.models import TaxCode

MAX_AMOUNT = Decimal(10) ** 15

Errors = list[dict[str, str]]


def error(errors: Errors, field: str, message: str) -> None:
    errors.append({"field": field, "message": message})


def minor(value: Decimal | None, currency: str, field: str, errors: Errors, *,
          allow_negative: bool = False) -> int:
    """``value`` in minor units; a field error (and 0) when it is not a fit amount."""
    if value is None:
        return 0
    if not value.is_finite() or abs(value) >= MAX_AMOUNT:
        error(errors, field, "an amount below 10^15")
        return 0
    if value < 0 and not allow_negative:
        error(errors, field, "cannot be negative")
        return 0
    if value != value.quantize(Decimal(1).scaleb(-exponent(currency))):
        error(errors, field, f"at most {exponent(currency)} decimals in {currency}")
        return 0
    return to_minor(value, currency)


def account(session: Session, book: Book, code: str | None, field: str, errors: Errors,
            *, types: tuple[str, ...] | None = None) -> Account | None:
    """The postable, active account with ``code``; None (and an error) otherwise."""
    if code is None:
        return None
    found = session.scalar(select(Account).where(
        Account.book_id == book.id, Account.code == code)) if CODE_RE.match(code) else None
    if found is None:
        error(errors, field, f"no account with the code {code!r} in this book")
    elif found.is_group:
        error(errors, field, f"{found.code} is a group account; choose one below it")
    elif not found.is_active:
        error(errors, field, f"{found.code} is inactive")
    elif types is not None and found.type not in types:
        error(errors, field, f"{found.code} is an {found.type} account; "
                             f"use a {' or '.join(types)} account")
    else:
        return found
    return None


def role_account(session: Session, book: Book, role: str, what: str) -> Account:
    """The account playing ``role`` in the book's chart; a clear error if the chart lacks it."""
    found = account_by_role(session, book, role)
    if found is None:
        raise ValidationError(f"The chart has no {what} account (role {role!r}); "
                              f"name one explicitly or set the role on an account")
    return found


def tax_code(session: Session, book: Book, code: str | None, field: str, errors: Errors,
             kind: str) -> TaxCode | None:
    if code is None:
        return None
    found = session.scalar(select(TaxCode).where(
        TaxCode.book_id == book.id, TaxCode.code == code)) if CODE_RE.match(code) else None
    if found is None or not found.is_active:
        error(errors, field, f"no active tax code {code!r} in this book")
    elif found.kind != kind:
        error(errors, field, f"{found.code} is a {found.kind} code, not {kind}")
    else:
        return found
    return None


def party(session: Session, book: Book, party_id: int | None, field: str, errors: Errors,
          role: Literal["customer", "vendor"]) -> Party | None:
    """The party with this id, if it is a ``role``; None (and an error) otherwise."""
    if party_id is None:
        error(errors, field, f"a {role} is required")
        return None
    found = session.scalar(select(Party).where(Party.book_id == book.id, Party.id == party_id)) \
        if 0 < party_id < MAX_ID else None
    if found is None:
        error(errors, field, f"no party {party_id} in this book")
    elif not (found.is_customer if role == "customer" else found.is_vendor):
        error(errors, field, f"{found.name} is not a {role}")
    else:
        return found
    return None


def customer(session: Session, book: Book, party_id: int | None, field: str,
             errors: Errors) -> Party | None:
    return party(session, book, party_id, field, errors, "customer")


def project(session: Session, book: Book, project_id: int | None, errors: Errors, *,
            customer: Party | None = None) -> Project | None:
    """The project with this id (an error if it is not ``customer``'s, when one is given)."""
    if project_id is None:
        return None
    found = session.scalar(select(Project).where(Project.book_id == book.id,
                                                 Project.id == project_id)) \
        if 0 < project_id < MAX_ID else None
    if found is None:
        error(errors, "project_id", f"no project {project_id} in this book")
    elif customer is not None and found.customer_id != customer.id:
        error(errors, "project_id", "the project belongs to another customer")
    return found

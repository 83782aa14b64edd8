"""The chart of accounts: create, edit, find accounts."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from folio.audit import service as audit
from folio.audit.service import snapshot
from folio.auth.guard import require
from folio.books.models import Book
from folio.errors import Conflict, NotFound, ValidationError
from folio.ledger.models import Account, AccountType
from folio.money import is_currency

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.\-_]{0,19}\Z")  # \Z: no trailing newline
ACCOUNT_TYPES = tuple(t.value for t in AccountType)


@dataclass
class AccountInput:
    code: str
    name: str
    type: str
    parent: str | None = None
    currency: str | None = None
    name_id: str | None = None
    is_group: bool = False
    description: str | None = None


def list_accounts(session: Session, book: Book, *, include_inactive: bool = True) -> list[Account]:
    query = select(Account).where(Account.book_id == book.id)
    if not include_inactive:
        query = query.where(Account.is_active.is_(True))
    return list(session.scalars(query.order_by(Account.code)))


def get_account(session: Session, book: Book, code: str) -> Account:
    # A string that is no code names no account (and PostgreSQL refuses NUL characters).
    account = session.scalar(select(Account).where(
        Account.book_id == book.id, Account.code == code)) if CODE_RE.match(code) else None
    if account is None:
        raise NotFound(f"No account with the code {code!r} in this book", field="account")
    return account


def account_by_role(session: Session, book: Book, role: str) -> Account | None:
    return session.scalar(select(Account).where(Account.book_id == book.id, Account.role == role))


def validate_account(session: Session, book: Book, data: AccountInput) -> list[dict[str, str]]:
    """Field errors for ``data``; an empty list when it is acceptable."""
    errors: list[dict[str, str]] = []
    if not CODE_RE.match(data.code or ""):
        errors.append({"field": "code", "message":
                       "1-20 letters, digits, dots, dashes or underscores, e.g. 1101"})
    if not (data.name or "").strip() or len(data.name) > 200:
        errors.append({"field": "name", "message": "a name of 1 to 200 characters"})
    for name, value, limit in (("name_id", data.name_id, 200),
                               ("description", data.description, 500)):
        if value and len(value) > limit:
            errors.append({"field": name, "message": f"at most {limit} characters"})
    for name, value in (("name", data.name), ("name_id", data.name_id),
                        ("description", data.description)):
        if value and "\x00" in value:
            errors.append({"field": name, "message": "must not contain NUL characters"})
    if data.type not in ACCOUNT_TYPES:
        errors.append({"field": "type", "message": f"one of: {', '.join(ACCOUNT_TYPES)}"})
    if data.currency and not is_currency(data.currency):
        errors.append({"field": "currency",
                       "message": f"{data.currency!r} is not an ISO 4217 currency code"})
    if data.parent:
        parent = session.scalar(select(Account).where(
            Account.book_id == book.id, Account.code == data.parent)
        ) if CODE_RE.match(data.parent) else None
        if parent is None:
            errors.append({"field": "parent",
                           "message": f"no account with the code {data.parent!r}"})
        elif parent.type != data.type:
            errors.append({"field": "parent",
                           "message": f"the parent {parent.code} is a {parent.type} account"})
    return errors


ACCOUNT_FIELDS = ("code", "name", "name_id", "type", "parent_id", "currency", "is_group",
                  "description", "is_active", "role")


def create_account(session: Session, book: Book, data: AccountInput) -> Account:
    require(session, book, "account.write")
    errors = validate_account(session, book, data)
    if errors:
        raise ValidationError(errors[0]["message"], errors=errors)
    exists = session.scalar(
        select(Account.id).where(Account.book_id == book.id, Account.code == data.code))
    if exists is not None:
        raise Conflict(f"An account with the code {data.code!r} already exists", field="code")
    parent_id = get_account(session, book, data.parent).id if data.parent else None
    account = Account(book_id=book.id, code=data.code, name=data.name.strip(),
                      name_id=data.name_id, type=data.type, parent_id=parent_id,
                      currency=data.currency or None, is_group=data.is_group,
                      description=data.description, is_active=True)
    session.add(account)
    session.flush()
    audit.record(session, "create", "account", account.code, book=book,
                 after=snapshot(account, ACCOUNT_FIELDS), summary=account.name)
    return account


def update_account(session: Session, account: Account, *, name: str | None = None,
                   name_id: str | None = None, is_active: bool | None = None,
                   description: str | None = None) -> Account:
    """Rename or (de)activate; code, type and currency stay once postings exist."""
    book = session.get_one(Book, account.book_id)
    require(session, book, "account.write")
    before = snapshot(account, ACCOUNT_FIELDS)
    for field, value, limit in (("name", name, 200), ("name_id", name_id, 200),
                                ("description", description, 500)):
        if value is not None and (len(value) > limit or "\x00" in value):
            raise ValidationError(f"at most {limit} characters, and no NUL characters",
                                  field=field)
    if name is not None:
        if not name.strip():
            raise ValidationError("a name of 1 to 200 characters", field="name")
        account.name = name.strip()
    if name_id is not None:
        account.name_id = name_id.strip() or None
    if description is not None:
        account.description = description.strip() or None
    if is_active is not None:
        account.is_active = is_active
    session.flush()
    audit.record(session, "update", "account", account.code, book=book, before=before,
                 after=snapshot(account, ACCOUNT_FIELDS), summary=account.name)
    return account

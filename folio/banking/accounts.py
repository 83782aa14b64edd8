"""Money accounts: the bank, cash, card and e-wallet accounts a book imports statements into.

Each is one ledger account: a new asset account under the chart's cash-and-bank group (a
liability for a credit card), or an existing account linked to it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from folio.audit import service as audit
from folio.audit.service import snapshot
from folio.auth.guard import require
from folio.banking.models import MoneyAccount, MoneyAccountKind
from folio.banking.statements import ColumnMapping
from folio.banking.statements.csv_generic import PRESETS
from folio.books.models import Book
from folio.clock import today
from folio.errors import Conflict, NotFound, ValidationError
from folio.ledger.accounts import CODE_RE, AccountInput, account_by_role, create_account
from folio.ledger.models import Account, AccountType
from folio.ledger.service import EntryInput, LineInput, create_entry
from folio.money import MAX_ABS_AMOUNT, is_currency, to_minor

KINDS = tuple(k.value for k in MoneyAccountKind)
FIELDS = ("name", "kind", "currency", "institution", "account_number", "opening_balance",
          "opening_date", "is_active", "account_id")


@dataclass
class MoneyAccountInput:
    name: str
    kind: str = MoneyAccountKind.BANK.value
    currency: str | None = None  # default: the linked account's, else the book's
    institution: str | None = None
    account_number: str | None = None
    opening_balance: Decimal = Decimal(0)
    opening_date: date | None = None
    account: str | None = None  # link this existing ledger account (its code)
    code: str | None = None  # code of the ledger account to create (default: next free)


def _error(errors: list[dict[str, str]], field: str, message: str) -> None:
    errors.append({"field": field, "message": message})


def _text(errors: list[dict[str, str]], field: str, value: str | None, limit: int) -> str | None:
    if value is None or not value.strip():
        return None
    if len(value) > limit or not value.isprintable():
        _error(errors, field, f"at most {limit} printable characters")
    return value.strip()


def _ledger_type(kind: str) -> str:
    return AccountType.LIABILITY.value if kind == MoneyAccountKind.CARD.value \
        else AccountType.ASSET.value


def _parent(session: Session, book: Book, kind: str) -> Account | None:
    """Where a new account goes: beside the bank account, or under the liabilities group."""
    if kind != MoneyAccountKind.CARD.value:
        anchor = account_by_role(session, book, "bank") or account_by_role(session, book, "cash")
        if anchor is not None and anchor.parent_id is not None:
            return session.get(Account, anchor.parent_id)
    return session.scalar(select(Account).where(
        Account.book_id == book.id, Account.type == _ledger_type(kind), Account.is_group,
        Account.parent_id.is_(None)).order_by(Account.code))


def _next_code(session: Session, book: Book, kind: str, parent: Account | None) -> str:
    """The first free numeric code after the bank account (or the parent group)."""
    anchor = account_by_role(session, book, "bank") if kind != MoneyAccountKind.CARD.value \
        else None
    start = anchor.code if anchor is not None else (parent.code if parent else "")
    taken = set(session.scalars(select(Account.code).where(Account.book_id == book.id)))
    if start.isdigit():
        number = int(start) + 1
        while str(number).zfill(len(start)) in taken:
            number += 1
        return str(number).zfill(len(start))
    number = 1
    while f"{kind.upper()}{number}" in taken:
        number += 1
    return f"{kind.upper()}{number}"


def _linked(session: Session, book: Book, code: str, kind: str,
            errors: list[dict[str, str]]) -> Account | None:
    account = session.scalar(select(Account).where(
        Account.book_id == book.id, Account.code == code)) if CODE_RE.match(code) else None
    if account is None:
        _error(errors, "account", f"no account with the code {code!r} in this book")
        return None
    if account.is_group:
        _error(errors, "account", f"{account.code} is a group account")
    elif account.type != _ledger_type(kind):
        _error(errors, "account", f"a {kind} account is kept in an {_ledger_type(kind)} account; "
                                  f"{account.code} is a {account.type} account")
    elif session.scalar(select(MoneyAccount.id).where(
            MoneyAccount.book_id == book.id, MoneyAccount.account_id == account.id)):
        _error(errors, "account", f"{account.code} is already a money account")
    return account


def create_money_account(session: Session, book: Book, data: MoneyAccountInput) -> MoneyAccount:
    """Create a money account with a new ledger account, or on an existing one."""
    require(session, book, "account.write")
    errors: list[dict[str, str]] = []
    name = (data.name or "").strip()
    if not name or len(name) > 200 or not name.isprintable():
        _error(errors, "name", "a name of 1 to 200 characters")
    if data.kind not in KINDS:
        _error(errors, "kind", f"one of {', '.join(KINDS)}")
    institution = _text(errors, "institution", data.institution, 200)
    number = _text(errors, "account_number", data.account_number, 40)
    linked = _linked(session, book, data.account, data.kind, errors) \
        if data.account and data.kind in KINDS else None
    currency = (data.currency or (linked.currency if linked else None)
                or book.base_currency).upper()
    if not is_currency(currency):
        _error(errors, "currency", f"{data.currency!r} is not an ISO 4217 currency code")
    elif linked is not None and (linked.currency or book.base_currency) != currency:
        _error(errors, "currency", f"{linked.code} is kept in "
                                   f"{linked.currency or book.base_currency}")
    opening = 0
    if not data.opening_balance.is_finite() or abs(data.opening_balance) >= MAX_ABS_AMOUNT:
        _error(errors, "opening_balance", "an amount like 1250.00")
    elif is_currency(currency):
        try:
            opening = to_minor(data.opening_balance, currency)
        except ValidationError as exc:
            _error(errors, "opening_balance", exc.detail)
    if data.code is not None and not CODE_RE.match(data.code):
        _error(errors, "code", "1-20 letters, digits, dots, dashes or underscores")
    if errors:
        raise ValidationError(errors[0]["message"] if len(errors) == 1
                              else "The money account has errors", errors=errors)
    if session.scalar(select(MoneyAccount.id).where(MoneyAccount.book_id == book.id,
                                                    MoneyAccount.name == name)) is not None:
        raise Conflict(f"A money account named {name!r} already exists", field="name")
    if linked is None:
        parent = _parent(session, book, data.kind)
        linked = create_account(session, book, AccountInput(
            code=data.code or _next_code(session, book, data.kind, parent), name=name,
            type=_ledger_type(data.kind), parent=parent.code if parent else None,
            currency=None if currency == book.base_currency else currency))
        if opening:
            _post_opening(session, book, linked, data.opening_balance, currency,
                          data.opening_date or today(), name)
    money = MoneyAccount(book_id=book.id, account_id=linked.id, kind=data.kind, name=name,
                         currency=currency, institution=institution, account_number=number,
                         opening_balance=opening, opening_date=data.opening_date,
                         is_active=True)
    session.add(money)
    session.flush()
    audit.record(session, "create", "money_account", money.id, book=book,
                 after=snapshot(money, FIELDS), summary=f"{name} ({linked.code})")
    return money


def _post_opening(session: Session, book: Book, account: Account, amount: Decimal,
                  currency: str, day: date, name: str) -> None:
    """A new account's opening balance comes from the owner's capital."""
    capital = account_by_role(session, book, "capital")
    if capital is None:
        raise ValidationError("The chart has no capital account to take the opening balance "
                              "from; create the account with no opening balance and post it "
                              "as a journal entry", field="opening_balance")
    if currency != book.base_currency:
        raise ValidationError(f"An opening balance in {currency} needs an exchange rate; post "
                              "it as a journal entry", field="opening_balance")
    create_entry(session, book, EntryInput(
        date=day, description=f"Opening balance of {name}",
        lines=[LineInput(account=account.code, amount=amount),
               LineInput(account=capital.code, amount=-amount)]), post=True)


def list_money_accounts(session: Session, book: Book, *,
                        include_inactive: bool = False) -> list[MoneyAccount]:
    require(session, book, "report.read")
    query = select(MoneyAccount).where(MoneyAccount.book_id == book.id)
    if not include_inactive:
        query = query.where(MoneyAccount.is_active.is_(True))
    return list(session.scalars(query.order_by(MoneyAccount.name, MoneyAccount.id)))


def get_money_account(session: Session, book: Book, money_account_id: int) -> MoneyAccount:
    require(session, book, "report.read")
    money = session.scalar(select(MoneyAccount).where(
        MoneyAccount.book_id == book.id, MoneyAccount.id == money_account_id)) \
        if 0 < money_account_id < 2**63 else None
    if money is None:
        raise NotFound(f"No money account {money_account_id} in this book")
    return money


def money_account_by_code(session: Session, book: Book, code: str) -> MoneyAccount:
    """The money account kept in the ledger account ``code``."""
    require(session, book, "report.read")
    money = session.scalar(select(MoneyAccount).join(Account, Account.id == MoneyAccount.account_id)
                           .where(MoneyAccount.book_id == book.id, Account.code == code)) \
        if CODE_RE.match(code) else None
    if money is None:
        raise NotFound(f"No money account on the ledger account {code!r}; create one with "
                       "'folio bank accounts create'", field="account")
    return money


def ledger_account(session: Session, money: MoneyAccount) -> Account:
    return session.get_one(Account, money.account_id)


def update_money_account(session: Session, book: Book, money: MoneyAccount, *,
                         name: str | None = None, institution: str | None = None,
                         account_number: str | None = None,
                         is_active: bool | None = None) -> MoneyAccount:
    """Rename, describe or (de)activate; the ledger account and currency stay."""
    require(session, book, "account.write")
    errors: list[dict[str, str]] = []
    before = snapshot(money, FIELDS)
    if name is not None:
        clean = name.strip()
        if not clean or len(clean) > 200 or not clean.isprintable():
            _error(errors, "name", "a name of 1 to 200 characters")
        elif session.scalar(select(MoneyAccount.id).where(
                MoneyAccount.book_id == book.id, MoneyAccount.name == clean,
                MoneyAccount.id != money.id)) is not None:
            raise Conflict(f"A money account named {clean!r} already exists", field="name")
        else:
            money.name = clean
    if institution is not None:
        money.institution = _text(errors, "institution", institution, 200)
    if account_number is not None:
        money.account_number = _text(errors, "account_number", account_number, 40)
    if errors:
        raise ValidationError(errors[0]["message"], errors=errors)
    if is_active is not None:
        money.is_active = is_active
    session.flush()
    audit.record(session, "update", "money_account", money.id, book=book, before=before,
                 after=snapshot(money, FIELDS), summary=money.name)
    return money


def saved_mapping(money: MoneyAccount) -> ColumnMapping | str | None:
    """The CSV mapping (or preset name) this account's last CSV import used."""
    if not money.csv_mapping:
        return None
    saved: dict[str, Any] = json.loads(money.csv_mapping)
    if "preset" in saved:
        return str(saved["preset"])
    return ColumnMapping(**saved["columns"])


def remember_mapping(money: MoneyAccount, mapping: ColumnMapping | str) -> None:
    """Keep the mapping for this account's next CSV import."""
    if isinstance(mapping, str):
        money.csv_mapping = json.dumps({"preset": mapping}) if mapping in PRESETS else None
    else:
        money.csv_mapping = json.dumps({"columns": asdict(mapping)}, sort_keys=True)

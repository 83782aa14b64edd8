"""Which accounts personal finance may use, and how account trees add up."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.errors import ValidationError
from folio.ledger.accounts import CODE_RE
from folio.ledger.models import Account, AccountType
from folio.money import MAX_ABS_AMOUNT, to_minor


def find_account(session: Session, book: Book, code: str, field: str, *,
                 types: Iterable[AccountType], groups: bool,
                 errors: list[dict[str, str]]) -> Account | None:
    """The active account ``code`` of one of ``types``; appends a field error otherwise."""
    wanted = tuple(t.value for t in types)
    account = session.scalar(select(Account).where(
        Account.book_id == book.id, Account.code == code)) if CODE_RE.match(code or "") else None
    if account is None:
        errors.append({"field": field, "message": f"no account with the code {code!r}"})
        return None
    if account.type not in wanted:
        errors.append({"field": field, "message": f"{account.code} is an {account.type} "
                                                  f"account; choose an {' or '.join(wanted)} "
                                                  f"account"})
        return None
    if account.is_group and not groups:
        errors.append({"field": field,
                       "message": f"{account.code} is a group account; choose one below it"})
        return None
    if not account.is_active:
        errors.append({"field": field, "message": f"{account.code} is inactive"})
        return None
    return account


def minor_amount(value: Decimal, book: Book, field: str, errors: list[dict[str, str]], *,
                 positive: bool) -> int:
    """``value`` in minor units of the book's currency; appends a field error when invalid."""
    if not value.is_finite():
        errors.append({"field": field, "message": "the amount is not a number"})
        return 0
    if value < 0 or (positive and value == 0):
        errors.append({"field": field, "message": "the amount must be more than zero"
                       if positive else "the amount cannot be negative"})
        return 0
    if value >= MAX_ABS_AMOUNT:
        errors.append({"field": field, "message": "the amount is too large"})
        return 0
    try:
        return to_minor(value, book.base_currency)
    except ValidationError as exc:
        errors.append({"field": field, "message": exc.detail})
        return 0


def children_of(accounts: Iterable[Account]) -> dict[int | None, list[int]]:
    tree: dict[int | None, list[int]] = {}
    for account in accounts:
        tree.setdefault(account.parent_id, []).append(account.id)
    return tree


def subtree(tree: dict[int | None, list[int]], root: int) -> set[int]:
    """``root`` and every account below it."""
    found, todo = set(), [root]
    while todo:
        current = todo.pop()
        if current in found:
            continue
        found.add(current)
        todo.extend(tree.get(current, []))
    return found


def raise_errors(errors: list[dict[str, str]]) -> None:
    if errors:
        raise ValidationError(errors[0]["message"] if len(errors) == 1
                              else "Some fields are invalid", errors=errors)

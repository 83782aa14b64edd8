"""Factories for the banking tests: money accounts, statement files, ledger balances."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from folio.banking.accounts import MoneyAccountInput, create_money_account
from folio.banking.imports import ImportResult, import_statement
from folio.banking.models import BankLine, MoneyAccount
from folio.banking.rules import RuleInput, create_rule
from folio.books.models import Book
from folio.ledger.models import Account, JournalEntry, JournalLine
from folio.money import from_minor
from folio.tax.models import TaxCode
from folio.tax.service import TaxCodeInput, create_tax_code


def money_account(session: Session, book: Book, name: str = "Checking", **kwargs: Any
                  ) -> MoneyAccount:
    """A money account; by default it lives on the chart's bank account."""
    if "account" not in kwargs and "code" not in kwargs and name == "Checking":
        kwargs["account"] = "1111" if book.base_currency == "IDR" else "1020"
    made = create_money_account(session, book, MoneyAccountInput(name=name, **kwargs))
    session.commit()
    return made


def generic_csv(*rows: tuple[str, str, str, str], header: str = "date,amount,payee,description"
                ) -> bytes:
    """A statement in the generic preset's columns: (date, amount, payee, description)."""
    lines = [header] + [",".join(f'"{cell}"' for cell in row) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def do_import(session: Session, book: Book, money: MoneyAccount, data: bytes,
              name: str = "statement.csv", **kwargs: Any) -> ImportResult:
    result = import_statement(session, book, money, name, data, **kwargs)
    session.commit()
    return result


def rule(session: Session, book: Book, name: str, account: str, **kwargs: Any) -> Any:
    made = create_rule(session, book, RuleInput(name=name, account=account, **kwargs))
    session.commit()
    return made


def ppn_in(session: Session, book: Book) -> TaxCode:
    """Input PPN 12% on DPP 11/12, rounded down, posted to PPN Masukan (1401)."""
    made = create_tax_code(session, book, TaxCodeInput(
        code="PPN-IN", name="PPN masukan", kind="vat", rate=Decimal("0.12"), account="1401",
        base_numerator=11, base_denominator=12, rounding="down"))
    session.commit()
    return made


def balance(session: Session, book: Book, code: str) -> Decimal:
    """The posted balance of an account, in its currency (debit positive)."""
    account = session.scalar(select(Account).where(Account.book_id == book.id,
                                                   Account.code == code))
    assert account is not None
    units = session.scalar(select(func.coalesce(func.sum(JournalLine.amount), 0)).where(
        JournalLine.account_id == account.id, JournalLine.posted.is_(True)))
    return from_minor(int(units or 0), account.currency or book.base_currency)


def entry_count(session: Session, book: Book) -> int:
    return int(session.scalar(select(func.count()).select_from(JournalEntry)
                              .where(JournalEntry.book_id == book.id)) or 0)


def lines_of(session: Session, money: MoneyAccount) -> list[BankLine]:
    return list(session.scalars(select(BankLine).where(BankLine.money_account_id == money.id)
                                .order_by(BankLine.date, BankLine.id)))

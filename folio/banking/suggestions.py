"""Suggestions for open lines: how the same payee was booked before, or a likely transfer."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from folio.auth.guard import require
from folio.banking.models import BankLine, LineStatus, MoneyAccount
from folio.banking.service import TRANSFER_WINDOW
from folio.books.models import Book
from folio.ledger.models import Account
from folio.parties.models import Party
from folio.tax.models import TaxCode

_NOISE = re.compile(r"[\W\d_]+")
BOOKED = (LineStatus.CATEGORISED.value, LineStatus.TRANSFER.value, LineStatus.MATCHED.value)


def payee_key(payee: str, description: str) -> str:
    """The payee (else the description) without case, digits or punctuation.

    Banks put dates and reference numbers into descriptions ("TRSF 2812/FT95051 PT SUMBER");
    without them, every payment to the same payee gets the same key.
    """
    return " ".join(_NOISE.sub(" ", (payee or description).casefold()).split())[:200]


@dataclass(frozen=True)
class Suggestion:
    account: Account
    party: Party | None
    tax_code: TaxCode | None
    times: int  # how many earlier lines of this payee were booked to the account
    # The opposite line in another money account, when the line looks like a transfer.
    transfer_line_id: int | None = None


def suggest(session: Session, book: Book, line: BankLine) -> Suggestion | None:
    """The counter account most often chosen for this line's payee, else the other money
    account when an opposite line there makes it look like a transfer, else None."""
    return suggest_many(session, book, [line]).get(line.id)


def suggest_many(session: Session, book: Book,
                 lines: Sequence[BankLine]) -> dict[int, Suggestion]:
    """Suggestions for unbooked lines, by line id, in a few queries however many lines."""
    require(session, book, "report.read")
    keys = {line.payee_key for line in lines
            if line.payee_key and line.status == LineStatus.UNMATCHED.value}
    result = _by_payee(session, book, lines, keys) if keys else {}
    open_lines = [line for line in lines if line.status == LineStatus.UNMATCHED.value
                  and line.id not in result and line.amount]
    if open_lines:
        result.update(_transfers(session, book, open_lines))
    return result


def _transfers(session: Session, book: Book, lines: Sequence[BankLine]) -> dict[int, Suggestion]:
    """Lines with an open opposite line (same size, within three days) in another account."""
    first = min(line.date for line in lines) - TRANSFER_WINDOW
    last = max(line.date for line in lines) + TRANSFER_WINDOW
    candidates = list(session.scalars(select(BankLine).where(
        BankLine.book_id == book.id, BankLine.status == LineStatus.UNMATCHED.value,
        BankLine.amount.in_({-line.amount for line in lines}),
        BankLine.date.between(first, last)).order_by(BankLine.date, BankLine.id)))
    result: dict[int, Suggestion] = {}
    for line in lines:
        near = [c for c in candidates if c.amount == -line.amount
                and c.money_account_id != line.money_account_id and c.currency == line.currency
                and abs((c.date - line.date).days) <= TRANSFER_WINDOW.days]
        if near:
            other = min(near, key=lambda c: abs((c.date - line.date).days))
            money = session.get_one(MoneyAccount, other.money_account_id)
            result[line.id] = Suggestion(account=session.get_one(Account, money.account_id),
                                         party=None, tax_code=None, times=0,
                                         transfer_line_id=other.id)
    return result


def _by_payee(session: Session, book: Book, lines: Sequence[BankLine],
              keys: set[str]) -> dict[int, Suggestion]:
    rows = session.execute(
        select(BankLine.payee_key, BankLine.account_id, BankLine.party_id, BankLine.tax_code_id,
               func.count(), func.max(BankLine.id))
        .where(BankLine.book_id == book.id, BankLine.payee_key.in_(keys),
               BankLine.status.in_(BOOKED), BankLine.account_id.is_not(None))
        .group_by(BankLine.payee_key, BankLine.account_id, BankLine.party_id,
                  BankLine.tax_code_id)).all()
    # Per key: the account booked most often (latest wins a tie), then its commonest details.
    per_account: dict[tuple[str, int], tuple[int, int]] = {}
    details: dict[tuple[str, int], tuple[int, int, int | None, int | None]] = {}
    for key, account_id, party_id, tax_id, count, latest in rows:
        assert account_id is not None
        total, newest = per_account.get((key, account_id), (0, 0))
        per_account[(key, account_id)] = (total + count, max(newest, latest))
        if (key, account_id) not in details or (count, latest) > details[(key, account_id)][:2]:
            details[(key, account_id)] = (count, latest, party_id, tax_id)
    best: dict[str, tuple[int, int, int]] = {}
    for (key, account_id), (total, newest) in per_account.items():
        if key not in best or (total, newest) > best[key][:2]:
            best[key] = (total, newest, account_id)
    ids = {account_id for _, _, account_id in best.values()}
    accounts = {a.id: a for a in session.scalars(select(Account).where(Account.id.in_(ids)))}
    result: dict[int, Suggestion] = {}
    for line in lines:
        if line.payee_key not in best or line.status != LineStatus.UNMATCHED.value:
            continue
        total, _, account_id = best[line.payee_key]
        _, _, party_id, tax_id = details[(line.payee_key, account_id)]
        result[line.id] = Suggestion(
            account=accounts[account_id],
            party=session.get(Party, party_id) if party_id else None,
            tax_code=session.get(TaxCode, tax_id) if tax_id else None, times=total)
    return result

"""Reconciliation: tick a money account's bank lines off against a statement's balance.

What a reconciliation proves: the statement's closing balance equals the account's opening
balance plus every line cleared so far (in earlier, finished reconciliations and in this
one). Each bank line is booked to the money account's ledger account when it is
categorised, matched or paired as a transfer, so the cleared lines are exactly the
statement's side; lines still open (unmatched) are listed so the user sees what remains to
be booked. A finished reconciliation locks its cleared lines: they can no longer be
categorised, uncategorised or ignored until the reconciliation is undone.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from folio.audit import service as audit
from folio.auth.actor import maybe_actor
from folio.auth.guard import require
from folio.banking.accounts import get_money_account
from folio.banking.models import (
    BankLine,
    LineStatus,
    MoneyAccount,
    Reconciliation,
    ReconciliationStatus,
)
from folio.books.models import Book
from folio.errors import Conflict, NotFound, ValidationError
from folio.money import decimal_str, from_minor, to_minor

MAX_TOGGLE = 1000


def _actor_label(session: Session) -> str:
    actor = maybe_actor(session)
    return actor.label if actor else "system"


def _reconciliation(session: Session, book: Book, money: MoneyAccount,
                    reconciliation_id: int) -> Reconciliation:
    found = session.scalar(select(Reconciliation).where(
        Reconciliation.book_id == book.id, Reconciliation.money_account_id == money.id,
        Reconciliation.id == reconciliation_id)) if 0 < reconciliation_id < 2**63 else None
    if found is None:
        raise NotFound(f"No reconciliation {reconciliation_id} for {money.name}")
    return found


def _open_of(session: Session, book: Book, money: MoneyAccount) -> Reconciliation | None:
    return session.scalar(select(Reconciliation).where(
        Reconciliation.book_id == book.id, Reconciliation.money_account_id == money.id,
        Reconciliation.status == ReconciliationStatus.OPEN.value))


def _last_done(session: Session, book: Book, money: MoneyAccount) -> Reconciliation | None:
    return session.scalar(select(Reconciliation).where(
        Reconciliation.book_id == book.id, Reconciliation.money_account_id == money.id,
        Reconciliation.status == ReconciliationStatus.DONE.value)
        .order_by(Reconciliation.statement_date.desc(), Reconciliation.id.desc()).limit(1))


def list_reconciliations(session: Session, book: Book, money_account_id: int
                         ) -> list[Reconciliation]:
    """A money account's reconciliations, newest first."""
    require(session, book, "report.read")
    money = get_money_account(session, book, money_account_id)
    return list(session.scalars(select(Reconciliation).where(
        Reconciliation.book_id == book.id, Reconciliation.money_account_id == money.id)
        .order_by(Reconciliation.statement_date.desc(), Reconciliation.id.desc())))


def get_reconciliation(session: Session, book: Book, money_account_id: int,
                       reconciliation_id: int) -> Reconciliation:
    require(session, book, "report.read")
    money = get_money_account(session, book, money_account_id)
    return _reconciliation(session, book, money, reconciliation_id)


def _balance_units(statement_balance: Decimal, money: MoneyAccount) -> int:
    value = Decimal(statement_balance)
    if not value.is_finite() or abs(value) >= Decimal(10) ** 15:
        raise ValidationError("The statement balance is not a valid amount",
                              field="statement_balance")
    try:
        balance = to_minor(value, money.currency)
    except ValidationError as exc:
        raise ValidationError(exc.detail, field="statement_balance") from exc
    if abs(balance) >= 2**62:
        raise ValidationError("The statement balance is too large", field="statement_balance")
    return balance


def start_reconciliation(session: Session, book: Book, money_account_id: int,
                         statement_date: date, statement_balance: Decimal
                         ) -> Reconciliation:
    """Open a reconciliation against a statement's end date and closing balance."""
    require(session, book, "bank.reconcile")
    money = get_money_account(session, book, money_account_id)
    balance = _balance_units(statement_balance, money)
    if _open_of(session, book, money) is not None:
        raise Conflict(f"{money.name} already has an open reconciliation; finish or delete "
                       "it first")
    last = _last_done(session, book, money)
    if last is not None and statement_date <= last.statement_date:
        raise ValidationError(f"The statement date must be after the last reconciled "
                              f"statement ({last.statement_date.isoformat()})",
                              field="statement_date")
    made = Reconciliation(book_id=book.id, money_account_id=money.id,
                          statement_date=statement_date, statement_balance=balance,
                          status=ReconciliationStatus.OPEN.value,
                          created_by=_actor_label(session))
    session.add(made)
    session.flush()
    audit.record(session, "create", "reconciliation", made.id, book=book,
                 after={"money_account": money.name, "statement_date": statement_date,
                        "statement_balance": decimal_str(balance, money.currency)},
                 summary=f"Reconciliation of {money.name} to {statement_date.isoformat()} "
                         "started")
    return made


def toggle_cleared(session: Session, book: Book, money_account_id: int,
                   reconciliation_id: int, line_ids: Sequence[int]) -> list[BankLine]:
    """Flip the cleared mark of lines in an open reconciliation."""
    require(session, book, "bank.reconcile")
    money = get_money_account(session, book, money_account_id)
    rec = _reconciliation(session, book, money, reconciliation_id)
    if rec.status != ReconciliationStatus.OPEN.value:
        raise Conflict(f"Reconciliation {rec.id} is finished; undo it to change it")
    ids = list(dict.fromkeys(line_ids))
    if not ids:
        raise ValidationError("Choose at least one bank line", field="line_ids")
    if len(ids) > MAX_TOGGLE:
        raise ValidationError(f"At most {MAX_TOGGLE} lines at once", field="line_ids")
    valid = [i for i in ids if 0 < i < 2**63]
    found = {line.id: line for line in session.scalars(select(BankLine).where(
        BankLine.book_id == book.id, BankLine.money_account_id == money.id,
        BankLine.id.in_(valid)).with_for_update())}
    missing = [i for i in ids if i not in found]
    if missing:
        raise NotFound(f"No bank line {missing[0]} in {money.name}", field="line_ids")
    lines = [found[i] for i in ids]
    for line in lines:
        if line.reconciliation_id is not None and line.reconciliation_id != rec.id:
            raise Conflict(f"Bank line {line.id} was reconciled in reconciliation "
                           f"{line.reconciliation_id}", field="line_ids")
        if line.date > rec.statement_date:
            raise ValidationError(f"Bank line {line.id} is dated after the statement "
                                  f"({rec.statement_date.isoformat()})", field="line_ids")
    for line in lines:
        line.cleared = not line.cleared
        line.reconciliation_id = rec.id if line.cleared else None
    session.flush()
    audit.record(session, "update", "reconciliation", rec.id, book=book,
                 after={"cleared": [x.id for x in lines if x.cleared],
                        "uncleared": [x.id for x in lines if not x.cleared]},
                 summary=f"{len(lines)} bank line(s) toggled in reconciliation {rec.id}")
    return lines


def set_cleared(session: Session, book: Book, money_account_id: int, reconciliation_id: int,
                shown: Sequence[int], cleared: Sequence[int]) -> list[BankLine]:
    """Make the lines in ``shown`` cleared exactly when they are in ``cleared``.

    What a page's checkboxes send: every line it listed, and the ticked ones. Only lines
    whose mark changes are toggled (and audited); nothing to change writes nothing.
    """
    require(session, book, "bank.reconcile")
    ids = list(dict.fromkeys([*shown, *cleared]))
    if len(ids) > MAX_TOGGLE:
        raise ValidationError(f"At most {MAX_TOGGLE} lines at once", field="line_ids")
    wanted = set(cleared)
    valid = [i for i in ids if 0 < i < 2**63]
    marks = dict(session.execute(select(BankLine.id, BankLine.reconciliation_id).where(
        BankLine.book_id == book.id, BankLine.money_account_id == money_account_id,
        BankLine.id.in_(valid))).all())
    flips = [i for i in ids if (marks.get(i) == reconciliation_id) != (i in wanted)]
    if not flips:
        return []
    return toggle_cleared(session, book, money_account_id, reconciliation_id, flips)


def change_statement_balance(session: Session, book: Book, money_account_id: int,
                             reconciliation_id: int, statement_balance: Decimal
                             ) -> Reconciliation:
    """Correct the closing balance of an open reconciliation (a typo in the statement's
    figure); the cleared marks stay."""
    require(session, book, "bank.reconcile")
    money = get_money_account(session, book, money_account_id)
    rec = _reconciliation(session, book, money, reconciliation_id)
    if rec.status != ReconciliationStatus.OPEN.value:
        raise Conflict(f"Reconciliation {rec.id} is finished; undo it to change it")
    balance = _balance_units(statement_balance, money)
    before = rec.statement_balance
    if balance == before:
        return rec
    rec.statement_balance = balance
    session.flush()
    audit.record(session, "update", "reconciliation", rec.id, book=book,
                 before={"statement_balance": decimal_str(before, money.currency)},
                 after={"statement_balance": decimal_str(balance, money.currency)},
                 summary=f"Statement balance of reconciliation {rec.id} changed")
    return rec


def latest_finished(session: Session, book: Book, money_account_id: int
                    ) -> Reconciliation | None:
    """The account's last finished reconciliation: the only one that can be undone."""
    require(session, book, "report.read")
    return _last_done(session, book, get_money_account(session, book, money_account_id))


def locked_line_ids(session: Session, book: Book, lines: Sequence[BankLine]) -> set[int]:
    """Which of ``lines`` a finished reconciliation has locked."""
    ids = {x.reconciliation_id for x in lines if x.reconciliation_id is not None}
    if not ids:
        return set()
    done = set(session.scalars(select(Reconciliation.id).where(
        Reconciliation.book_id == book.id, Reconciliation.id.in_(ids),
        Reconciliation.status == ReconciliationStatus.DONE.value)))
    return {x.id for x in lines if x.reconciliation_id in done}


@dataclass
class ReconciliationStatusReport:
    """Where a reconciliation stands, in minor units of the account's currency."""

    reconciliation: Reconciliation
    money: MoneyAccount
    opening: int
    cleared_deposits: int
    cleared_withdrawals: int  # negative or zero
    cleared: list[BankLine] = field(default_factory=list)
    uncleared: list[BankLine] = field(default_factory=list)

    @property
    def cleared_balance(self) -> int:
        return self.opening + self.cleared_deposits + self.cleared_withdrawals

    @property
    def difference(self) -> int:
        return self.reconciliation.statement_balance - self.cleared_balance

    def amount(self, units: int) -> Decimal:
        return from_minor(units, self.money.currency)

    def as_dict(self) -> dict[str, Any]:
        rec, cur = self.reconciliation, self.money.currency

        def line(x: BankLine) -> dict[str, Any]:
            return {"id": x.id, "date": x.date.isoformat(), "amount": decimal_str(x.amount, cur),
                    "payee": x.payee, "description": x.description, "status": x.status}

        return {
            "id": rec.id, "money_account_id": self.money.id, "money_account": self.money.name,
            "currency": cur, "status": rec.status,
            "statement_date": rec.statement_date.isoformat(),
            "statement_balance": decimal_str(rec.statement_balance, cur),
            "opening": decimal_str(self.opening, cur),
            "cleared_deposits": decimal_str(self.cleared_deposits, cur),
            "cleared_withdrawals": decimal_str(self.cleared_withdrawals, cur),
            "cleared_balance": decimal_str(self.cleared_balance, cur),
            "difference": decimal_str(self.difference, cur),
            "created_by": rec.created_by, "finished_by": rec.finished_by,
            "finished_at": rec.finished_at.isoformat() if rec.finished_at else None,
            "cleared": [line(x) for x in self.cleared],
            "uncleared": [line(x) for x in self.uncleared],
        }

    def as_csv(self) -> str:
        """The report as CSV: the summary rows, then every cleared and uncleared line."""
        data = self.as_dict()
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["section", "date", "id", "payee", "description", "amount"])
        for key in ("opening", "cleared_deposits", "cleared_withdrawals", "cleared_balance",
                    "statement_balance", "difference"):
            writer.writerow(["summary", data["statement_date"], "", key, "", data[key]])
        for section in ("cleared", "uncleared"):
            for item in data[section]:
                writer.writerow([section, item["date"], item["id"], item["payee"],
                                 item["description"], item["amount"]])
        return buffer.getvalue()


def reconciliation_status(session: Session, book: Book, money_account_id: int,
                          reconciliation_id: int) -> ReconciliationStatusReport:
    """Statement balance, cleared balance, the difference and the items still uncleared."""
    require(session, book, "report.read")
    money = get_money_account(session, book, money_account_id)
    rec = _reconciliation(session, book, money, reconciliation_id)
    earlier = select(Reconciliation.id).where(
        Reconciliation.book_id == book.id, Reconciliation.money_account_id == money.id,
        Reconciliation.status == ReconciliationStatus.DONE.value,
        Reconciliation.id != rec.id, Reconciliation.statement_date < rec.statement_date)
    before = session.scalar(select(func.coalesce(func.sum(BankLine.amount), 0)).where(
        BankLine.book_id == book.id, BankLine.money_account_id == money.id,
        BankLine.cleared.is_(True), BankLine.reconciliation_id.in_(earlier)))
    cleared = list(session.scalars(select(BankLine).where(
        BankLine.book_id == book.id, BankLine.reconciliation_id == rec.id,
        BankLine.cleared.is_(True)).order_by(BankLine.date, BankLine.id)))
    uncleared = list(session.scalars(select(BankLine).where(
        BankLine.book_id == book.id, BankLine.money_account_id == money.id,
        BankLine.reconciliation_id.is_(None), BankLine.date <= rec.statement_date,
        BankLine.status != LineStatus.IGNORED.value).order_by(BankLine.date, BankLine.id)))
    return ReconciliationStatusReport(
        reconciliation=rec, money=money, opening=money.opening_balance + int(before or 0),
        cleared_deposits=sum(x.amount for x in cleared if x.amount > 0),
        cleared_withdrawals=sum(x.amount for x in cleared if x.amount < 0),
        cleared=cleared, uncleared=uncleared)


def finish(session: Session, book: Book, money_account_id: int,
           reconciliation_id: int) -> ReconciliationStatusReport:
    """Close a balanced reconciliation; its cleared lines are locked from then on."""
    require(session, book, "bank.reconcile")
    report = reconciliation_status(session, book, money_account_id, reconciliation_id)
    rec = report.reconciliation
    if rec.status != ReconciliationStatus.OPEN.value:
        raise Conflict(f"Reconciliation {rec.id} is already finished")
    if report.difference != 0:
        raise Conflict(f"The cleared balance differs from the statement by "
                       f"{decimal_str(report.difference, report.money.currency)} "
                       f"{report.money.currency}; clear or book the missing lines first")
    rec.status = ReconciliationStatus.DONE.value
    rec.finished_by = _actor_label(session)
    rec.finished_at = datetime.now(UTC)
    session.flush()
    audit.record(session, "lock", "reconciliation", rec.id, book=book,
                 before={"status": "open"}, after={"status": "done",
                                                   "lines": [x.id for x in report.cleared]},
                 summary=f"Reconciliation of {report.money.name} to "
                         f"{rec.statement_date.isoformat()} finished")
    return report


def undo(session: Session, book: Book, money_account_id: int) -> Reconciliation:
    """Reopen the last finished reconciliation of an account (owners and admins only)."""
    require(session, book, "bank.reconcile")
    require(session, book, "book.manage")
    money = get_money_account(session, book, money_account_id)
    if _open_of(session, book, money) is not None:
        raise Conflict(f"{money.name} has an open reconciliation; delete it first")
    last = _last_done(session, book, money)
    if last is None:
        raise NotFound(f"{money.name} has no finished reconciliation to undo")
    last.status = ReconciliationStatus.OPEN.value
    last.finished_by = None
    last.finished_at = None
    session.flush()
    audit.record(session, "update", "reconciliation", last.id, book=book,
                 before={"status": "done"}, after={"status": "open"},
                 summary=f"Reconciliation of {money.name} to "
                         f"{last.statement_date.isoformat()} undone")
    return last


def delete_open(session: Session, book: Book, money_account_id: int,
                reconciliation_id: int) -> None:
    """Drop an open reconciliation and its cleared marks."""
    require(session, book, "bank.reconcile")
    money = get_money_account(session, book, money_account_id)
    rec = _reconciliation(session, book, money, reconciliation_id)
    if rec.status != ReconciliationStatus.OPEN.value:
        raise Conflict(f"Reconciliation {rec.id} is finished; undo it first")
    for line in session.scalars(select(BankLine).where(BankLine.reconciliation_id == rec.id)):
        line.cleared = False
        line.reconciliation_id = None
    session.flush()
    audit.record(session, "delete", "reconciliation", rec.id, book=book,
                 before={"statement_date": rec.statement_date},
                 summary=f"Open reconciliation of {money.name} deleted")
    session.delete(rec)
    session.flush()


def ensure_unlocked(session: Session, lines: Sequence[BankLine]) -> None:
    """Refuse to change a line that a finished reconciliation has locked."""
    ids = {x.reconciliation_id for x in lines if x.reconciliation_id is not None}
    if not ids:
        return
    done = set(session.scalars(select(Reconciliation.id).where(
        Reconciliation.id.in_(ids), Reconciliation.status == ReconciliationStatus.DONE.value)))
    for line in lines:
        if line.reconciliation_id in done:
            raise Conflict(f"Bank line {line.id} is reconciled (reconciliation "
                           f"{line.reconciliation_id}); undo the reconciliation to change it",
                           field="line_ids")

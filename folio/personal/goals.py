"""Savings goals: a target amount by a date, saved in a linked asset account or by hand.

A goal linked to an account is as far along as the account's balance (with the accounts
below it, for a group); a goal without one counts the contributions recorded against it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from folio.audit import service as audit
from folio.audit.service import snapshot
from folio.auth.guard import require
from folio.books.models import Book
from folio.clock import today as clock_today
from folio.commerce.records import record_in_book
from folio.errors import Conflict, ValidationError
from folio.ledger.models import Account, AccountType
from folio.ledger.periods import FIRST_DAY, LAST_DAY
from folio.ledger.reports import net_by_account
from folio.money import MAX_ABS_AMOUNT, to_minor
from folio.personal.categories import children_of, find_account, minor_amount, raise_errors, subtree
from folio.personal.models import SavingsGoal

FIELDS = ("name", "target_amount", "target_date", "account_id", "contributed")


@dataclass
class GoalInput:
    name: str
    target_amount: Decimal
    target_date: date | None = None
    account: str | None = None  # an asset account's code; None: manual contributions


@dataclass
class GoalProgress:
    goal: SavingsGoal
    account: Account | None
    current: int
    today: date

    @property
    def target(self) -> int:
        return self.goal.target_amount

    @property
    def remaining(self) -> int:
        return max(self.target - self.current, 0)

    @property
    def percent(self) -> Decimal:
        if self.target <= 0:
            return Decimal(100)
        return (Decimal(max(self.current, 0)) * 100 / Decimal(self.target)).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def months_left(self) -> int | None:
        """Months to save in: the ones after this one up to the target date's month.

        At least 1 while the target date has not passed (a goal due this month needs the
        rest now); 0 once it has passed; None without a target date.
        """
        when = self.goal.target_date
        if when is None:
            return None
        if when < self.today:
            return 0
        return max((when.year - self.today.year) * 12 + when.month - self.today.month, 1)

    @property
    def monthly_needed(self) -> int | None:
        """What to save each month to reach the target on time (rounded up)."""
        months = self.months_left
        if months is None:
            return None
        if months == 0:
            return self.remaining
        return -(-self.remaining // months)

    @property
    def reached(self) -> bool:
        return self.current >= self.target


def _validated(session: Session, book: Book, data: GoalInput) -> tuple[str, int, Account | None]:
    errors: list[dict[str, str]] = []
    name = (data.name or "").strip()
    if not name or len(name) > 200 or not name.isprintable():
        errors.append({"field": "name", "message": "a name of 1 to 200 characters"})
    target = minor_amount(data.target_amount, book, "target_amount", errors, positive=True)
    if data.target_date is not None and not FIRST_DAY <= data.target_date <= LAST_DAY:
        errors.append({"field": "target_date", "message": "a date Folio accepts"})
    account = None
    if data.account:
        account = find_account(session, book, data.account, "account",
                               types=(AccountType.ASSET,), groups=True, errors=errors)
    raise_errors(errors)
    return name, target, account


def _unique(session: Session, book: Book, name: str, goal_id: int | None = None) -> None:
    other = session.scalar(select(SavingsGoal.id).where(
        SavingsGoal.book_id == book.id, SavingsGoal.name == name))
    if other is not None and other != goal_id:
        raise Conflict(f"A goal named {name!r} already exists", field="name")


def create_goal(session: Session, book: Book, data: GoalInput) -> SavingsGoal:
    require(session, book, "budget.write")
    name, target, account = _validated(session, book, data)
    _unique(session, book, name)
    goal = SavingsGoal(book_id=book.id, name=name, target_amount=target,
                       target_date=data.target_date,
                       account_id=account.id if account else None, contributed=0)
    session.add(goal)
    session.flush()
    audit.record(session, "create", "savings_goal", goal.id, book=book,
                 after=snapshot(goal, FIELDS), summary=goal.name)
    return goal


def update_goal(session: Session, book: Book, goal: SavingsGoal, data: GoalInput) -> SavingsGoal:
    require(session, book, "budget.write")
    name, target, account = _validated(session, book, data)
    _unique(session, book, name, goal.id)
    before = snapshot(goal, FIELDS)
    goal.name, goal.target_amount, goal.target_date = name, target, data.target_date
    goal.account_id = account.id if account else None
    session.flush()
    audit.record(session, "update", "savings_goal", goal.id, book=book, before=before,
                 after=snapshot(goal, FIELDS), summary=goal.name)
    return goal


def contribute(session: Session, book: Book, goal: SavingsGoal, amount: Decimal) -> SavingsGoal:
    """Add a manual contribution (negative: take some back) to a goal with no account."""
    require(session, book, "budget.write")
    if goal.account_id is not None:
        raise Conflict("This goal follows the balance of its account; "
                       "move money into that account instead", field="amount")
    if not amount.is_finite() or amount == 0 or abs(amount) >= MAX_ABS_AMOUNT:
        raise ValidationError("a non-zero amount", field="amount")
    units = to_minor(amount, book.base_currency)
    if goal.contributed + units < 0:
        raise ValidationError("more than the goal holds", field="amount")
    before = snapshot(goal, FIELDS)
    goal.contributed += units
    session.flush()
    audit.record(session, "update", "savings_goal", goal.id, book=book, before=before,
                 after=snapshot(goal, FIELDS), summary=f"{goal.name}: contribution")
    return goal


def delete_goal(session: Session, book: Book, goal: SavingsGoal) -> None:
    require(session, book, "budget.write")
    audit.record(session, "delete", "savings_goal", goal.id, book=book,
                 before=snapshot(goal, FIELDS), summary=goal.name)
    session.delete(goal)
    session.flush()


def get_goal(session: Session, book: Book, goal_id: int, *,
             for_update: bool = False) -> SavingsGoal:
    require(session, book, "report.read")
    return record_in_book(session, book, SavingsGoal, goal_id, noun="savings goal",
                          field="goal_id", for_update=for_update)


def progress(session: Session, book: Book, goals: list[SavingsGoal],
             today: date | None = None) -> list[GoalProgress]:
    """Each goal's progress; the linked accounts' balances are read once for all of them."""
    day = today or clock_today()
    linked = any(g.account_id is not None for g in goals)
    accounts = list(session.scalars(select(Account).where(
        Account.book_id == book.id, Account.type == AccountType.ASSET.value))) if linked else []
    by_id = {a.id: a for a in accounts}
    tree = children_of(accounts)
    balances = net_by_account(session, book, None, day) if linked else {}
    result = []
    for goal in goals:
        account = by_id.get(goal.account_id) if goal.account_id is not None else None
        current = sum(balances.get(a, 0) for a in subtree(tree, account.id)) if account \
            else goal.contributed
        result.append(GoalProgress(goal=goal, account=account, current=current, today=day))
    return result


def list_goals(session: Session, book: Book, today: date | None = None) -> list[GoalProgress]:
    require(session, book, "report.read")
    goals = list(session.scalars(select(SavingsGoal).where(
        SavingsGoal.book_id == book.id).order_by(
        SavingsGoal.target_date.is_(None), SavingsGoal.target_date, SavingsGoal.name)))
    return progress(session, book, goals, today)

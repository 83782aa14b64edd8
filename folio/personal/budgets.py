"""Monthly budgets per expense category: set, remove, copy from the month before."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from folio.audit import service as audit
from folio.auth.guard import require
from folio.books.models import Book
from folio.errors import NotFound, ValidationError
from folio.ledger.accounts import CODE_RE
from folio.ledger.models import Account, AccountType
from folio.ledger.periods import add_months
from folio.personal.categories import (
    children_of,
    find_account,
    minor_amount,
    raise_errors,
    subtree,
)
from folio.personal.models import Budget
from folio.personal.months import month_text, parse_month, period


@dataclass
class BudgetInput:
    month: str  # YYYY-MM
    account: str  # an expense account's code, or an expense group's
    amount: Decimal
    rollover: bool = False


def budget_snapshot(budget: Budget, account: Account) -> dict[str, object]:
    return {"month": budget.month, "account": account.code, "amount": budget.amount,
            "rollover": budget.rollover}


def list_budgets(session: Session, book: Book, month: str) -> list[tuple[Budget, Account]]:
    """The month's budgets with their accounts, by account code."""
    require(session, book, "report.read")
    first = parse_month(month)
    return [(b, a) for b, a in session.execute(
        select(Budget, Account).join(Account, Account.id == Budget.account_id)
        .where(Budget.book_id == book.id, Budget.month == period(first))
        .order_by(Account.code))]


def _expense_tree(session: Session, book: Book) -> tuple[dict[int, Account],
                                                        dict[int | None, list[int]]]:
    accounts = list(session.scalars(select(Account).where(
        Account.book_id == book.id, Account.type == AccountType.EXPENSE.value)))
    return {a.id: a for a in accounts}, children_of(accounts)


def _related(by_id: dict[int, Account], tree: dict[int | None, list[int]],
             account_id: int) -> set[int]:
    """The accounts above and below ``account_id`` (not itself)."""
    related = subtree(tree, account_id)
    parent = by_id[account_id].parent_id if account_id in by_id else None
    while parent is not None and parent in by_id and parent not in related:
        related.add(parent)
        parent = by_id[parent].parent_id
    related.discard(account_id)
    return related


def _overlap(session: Session, book: Book, month: int, account: Account) -> Account | None:
    """A budget of the same month on an account above or below ``account``, if any."""
    by_id, tree = _expense_tree(session, book)
    related = _related(by_id, tree, account.id)
    if not related:
        return None
    other = session.scalar(select(Budget.account_id).where(
        Budget.book_id == book.id, Budget.month == month, Budget.account_id.in_(related)))
    return by_id.get(other) if other is not None else None


def set_budget(session: Session, book: Book, data: BudgetInput) -> Budget:
    """Create or change the budget of one category in one month."""
    require(session, book, "budget.write")
    errors: list[dict[str, str]] = []
    try:
        first = parse_month(data.month)
    except ValidationError as exc:
        errors += exc.errors
        first = None
    account = find_account(session, book, data.account, "account",
                           types=(AccountType.EXPENSE,), groups=True, errors=errors)
    amount = minor_amount(data.amount, book, "amount", errors, positive=False)
    raise_errors(errors)
    assert first is not None
    assert account is not None
    month = period(first)
    clash = _overlap(session, book, month, account)
    if clash is not None:
        raise ValidationError(f"{clash.code} {clash.name} already has a budget for "
                              f"{month_text(first)}; budget a group or its categories, "
                              f"not both", field="account")
    budget = session.scalar(select(Budget).where(
        Budget.book_id == book.id, Budget.month == month, Budget.account_id == account.id))
    if budget is None:
        budget = Budget(book_id=book.id, month=month, account_id=account.id, amount=amount,
                        rollover=data.rollover)
        session.add(budget)
        session.flush()
        audit.record(session, "create", "budget", budget.id, book=book,
                     after=budget_snapshot(budget, account),
                     summary=f"Budget {month_text(first)} {account.code} {account.name}")
        return budget
    before = budget_snapshot(budget, account)
    budget.amount, budget.rollover = amount, data.rollover
    session.flush()
    audit.record(session, "update", "budget", budget.id, book=book, before=before,
                 after=budget_snapshot(budget, account),
                 summary=f"Budget {month_text(first)} {account.code} {account.name}")
    return budget


def get_budget(session: Session, book: Book, month: str, account: str) -> tuple[Budget, Account]:
    first = parse_month(month)
    found = session.execute(
        select(Budget, Account).join(Account, Account.id == Budget.account_id)
        .where(Budget.book_id == book.id, Budget.month == period(first),
               Account.code == account)).first() if CODE_RE.match(account) else None
    if found is None:
        raise NotFound(f"No budget for {account!r} in {month_text(first)}", field="account")
    return found[0], found[1]


def delete_budget(session: Session, book: Book, month: str, account: str) -> None:
    require(session, book, "budget.write")
    budget, ledger_account = get_budget(session, book, month, account)
    audit.record(session, "delete", "budget", budget.id, book=book,
                 before=budget_snapshot(budget, ledger_account),
                 summary=f"Budget {month} {ledger_account.code} {ledger_account.name}")
    session.delete(budget)
    session.flush()


def copy_budgets(session: Session, book: Book, month: str) -> list[Budget]:
    """Copy the previous month's budgets into ``month``; categories it already has stay."""
    require(session, book, "budget.write")
    first = parse_month(month)
    target = period(first)
    previous = [(b, a) for b, a in session.execute(
        select(Budget, Account).join(Account, Account.id == Budget.account_id)
        .where(Budget.book_id == book.id, Budget.month == period(add_months(first, -1))))]
    taken = set(session.scalars(select(Budget.account_id).where(
        Budget.book_id == book.id, Budget.month == target)))
    by_id, tree = _expense_tree(session, book)
    made = []
    for old, account in previous:
        if old.account_id in taken or not account.is_active \
                or _related(by_id, tree, old.account_id) & taken:
            continue
        taken.add(old.account_id)
        budget = Budget(book_id=book.id, month=target, account_id=old.account_id,
                        amount=old.amount, rollover=old.rollover)
        session.add(budget)
        session.flush()
        audit.record(session, "create", "budget", budget.id, book=book,
                     after=budget_snapshot(budget, account),
                     summary=f"Budget {month_text(first)} {account.code} {account.name} "
                             f"(copied)")
        made.append(budget)
    return made

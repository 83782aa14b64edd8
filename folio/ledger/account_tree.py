"""The chart of accounts as a tree: each account under its parent, groups carrying their totals."""

from __future__ import annotations

from dataclasses import dataclass

from folio.ledger.models import Account, AccountType


@dataclass
class TreeRow:
    account: Account
    depth: int
    balance: int  # base minor units in natural sign; a group's is the sum below it


def _natural(account: Account, units: int) -> int:
    return -units if AccountType(account.type).credit_normal else units


def account_tree(accounts: list[Account], balances: dict[int, int]) -> list[TreeRow]:
    """Accounts depth-first, children by code; ``balances`` are debit-positive nets by id."""
    by_id = {a.id: a for a in accounts}
    children: dict[int | None, list[Account]] = {}
    for account in sorted(accounts, key=lambda a: a.code):
        parent = account.parent_id if account.parent_id in by_id else None
        children.setdefault(parent, []).append(account)

    rows: list[TreeRow] = []

    def visit(account: Account, depth: int) -> int:
        row = TreeRow(account, depth, 0)
        rows.append(row)
        total = balances.get(account.id, 0)
        for child in children.get(account.id, []):
            total += visit(child, depth + 1)
        row.balance = _natural(account, total)
        return total

    for root in children.get(None, []):
        visit(root, 0)
    return rows

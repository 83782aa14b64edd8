"""Roles and the permission matrix: which roles may take which action in a book.

The matrix is data so that docs/permissions.md can be checked against it.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    owner = "owner"
    admin = "admin"
    accountant = "accountant"
    staff = "staff"
    viewer = "viewer"


_EVERYONE = frozenset(Role)
_MANAGERS = frozenset({Role.owner, Role.admin})
_BOOKKEEPERS = frozenset({Role.owner, Role.admin, Role.accountant})

_PREPARERS = _BOOKKEEPERS | {Role.staff}

PERMISSIONS: dict[str, frozenset[Role]] = {
    "book.read": _EVERYONE,
    "book.manage": _MANAGERS,
    "account.write": _BOOKKEEPERS,
    # Staff prepare drafts; posting, reversing and closing need an accountant or above.
    "entry.draft": _PREPARERS,
    "entry.post": _BOOKKEEPERS,
    "entry.reverse": _BOOKKEEPERS,
    "period.close": _BOOKKEEPERS,
    "report.read": _EVERYONE,
    "party.write": _PREPARERS,
    "tax.manage": _BOOKKEEPERS,
    "fx.manage": _BOOKKEEPERS,
    # Sales and purchases: staff draft quotations, invoices and bills; issuing, payments,
    # credit notes and write-offs move money and need an accountant.
    "sales.draft": _PREPARERS,
    "sales.issue": _BOOKKEEPERS,
    "payment.record": _BOOKKEEPERS,
    "expense.submit": _PREPARERS,
    "expense.approve": _MANAGERS,
    # Banking: importing statements, categorising, matching, reconciling, budgets.
    "bank.import": _BOOKKEEPERS,
    "bank.reconcile": _BOOKKEEPERS,
    "budget.write": _BOOKKEEPERS,
    "user.manage": _MANAGERS,
    "audit.read": _MANAGERS,
}

ACTIONS: tuple[str, ...] = tuple(PERMISSIONS)
# What a read-only API token may still do.
READ_ACTIONS = frozenset({"book.read", "report.read"})


def allows(role: Role | str, action: str) -> bool:
    """Whether ``role`` may take ``action``; an unknown action is allowed to nobody."""
    return Role(role) in PERMISSIONS.get(action, frozenset())

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

PERMISSIONS: dict[str, frozenset[Role]] = {
    "book.read": _EVERYONE,
    "book.manage": _MANAGERS,
    "account.write": _BOOKKEEPERS,
    # Staff prepare drafts; posting, reversing and closing need an accountant or above.
    "entry.draft": _BOOKKEEPERS | {Role.staff},
    "entry.post": _BOOKKEEPERS,
    "entry.reverse": _BOOKKEEPERS,
    "period.close": _BOOKKEEPERS,
    "report.read": _EVERYONE,
    "user.manage": _MANAGERS,
    "audit.read": _MANAGERS,
}

ACTIONS: tuple[str, ...] = tuple(PERMISSIONS)


def allows(role: Role | str, action: str) -> bool:
    """Whether ``role`` may take ``action``; an unknown action is allowed to nobody."""
    return Role(role) in PERMISSIONS.get(action, frozenset())

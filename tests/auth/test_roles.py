"""The permission matrix, checked for every (role, action) pair through authorize and can."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from folio.auth.models import User
from folio.auth.roles import ACTIONS, PERMISSIONS, Role, allows
from folio.auth.service import add_member, authorize, can
from folio.books.models import Book
from folio.errors import Forbidden
from tests.auth.conftest import MakeUser

EXPECTED = {
    # action:          owner admin accountant staff viewer
    "book.read":       (1, 1, 1, 1, 1),
    "book.manage":     (1, 1, 0, 0, 0),
    "account.write":   (1, 1, 1, 0, 0),
    "entry.draft":     (1, 1, 1, 1, 0),
    "entry.post":      (1, 1, 1, 0, 0),
    "entry.reverse":   (1, 1, 1, 0, 0),
    "period.close":    (1, 1, 1, 0, 0),
    "report.read":     (1, 1, 1, 1, 1),
    "party.write":     (1, 1, 1, 1, 0),
    "tax.manage":      (1, 1, 1, 0, 0),
    "fx.manage":       (1, 1, 1, 0, 0),
    "sales.draft":     (1, 1, 1, 1, 0),
    "sales.issue":     (1, 1, 1, 0, 0),
    "payment.record":  (1, 1, 1, 0, 0),
    "expense.submit":  (1, 1, 1, 1, 0),
    "expense.approve": (1, 1, 0, 0, 0),
    "bank.import":     (1, 1, 1, 0, 0),
    "bank.reconcile":  (1, 1, 1, 0, 0),
    "budget.write":    (1, 1, 1, 0, 0),
    "user.manage":     (1, 1, 0, 0, 0),
    "audit.read":      (1, 1, 0, 0, 0),
}
PAIRS = [(role, action, bool(EXPECTED[action][i]))
         for action in EXPECTED for i, role in enumerate(Role)]


def test_the_matrix_covers_exactly_the_expected_actions() -> None:
    assert set(ACTIONS) == set(EXPECTED)
    for action, roles in PERMISSIONS.items():
        assert roles == {role for role, a, allowed in PAIRS if a == action and allowed}


def test_staff_may_draft_but_not_post_and_viewers_only_read() -> None:
    assert allows(Role.staff, "entry.draft")
    assert not allows(Role.staff, "entry.post")
    assert {a for a in ACTIONS if allows(Role.viewer, a)} == {"book.read", "report.read"}


@pytest.fixture
def members(session: Session, book: Book, make_user: MakeUser) -> dict[Role, User]:
    """One member of ``book`` per role."""
    return {role: make_user(f"{role.value}@example.com", book=book, role=role) for role in Role}


@pytest.mark.parametrize(("role", "action", "allowed"), PAIRS,
                         ids=[f"{r.value}-{a}" for r, a, _ in PAIRS])
def test_each_role_may_do_what_the_matrix_says(
        session: Session, book: Book, members: dict[Role, User],
        role: Role, action: str, allowed: bool) -> None:
    user = members[role]
    assert can(session, user, book, action) is allowed
    if allowed:
        authorize(session, user, book, action)
    else:
        with pytest.raises(Forbidden):
            authorize(session, user, book, action)


def test_an_outsider_is_denied_everything(session: Session, book: Book,
                                          alice: User, charlie: User) -> None:
    for action in ACTIONS:
        assert not can(session, charlie, book, action)
        with pytest.raises(Forbidden) as raised:
            authorize(session, charlie, book, action)
        assert raised.value.status == 403


def test_a_role_in_one_book_grants_nothing_in_another(
        session: Session, book: Book, idr_book: Book, alice: User) -> None:
    assert can(session, alice, book, "user.manage")
    assert not can(session, alice, idr_book, "book.read")
    add_member(session, idr_book, alice, Role.viewer)
    assert can(session, alice, idr_book, "book.read")
    assert not can(session, alice, idr_book, "entry.draft")


def test_an_inactive_user_may_do_nothing(session: Session, book: Book, alice: User) -> None:
    alice.is_active = False
    session.flush()
    assert not any(can(session, alice, book, action) for action in ACTIONS)


def test_an_unknown_action_is_a_programming_error(session: Session, book: Book,
                                                  alice: User) -> None:
    with pytest.raises(ValueError, match="unknown action"):
        can(session, alice, book, "book.destroy")

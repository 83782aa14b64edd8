"""Personas for role tests (alice the owner, bob the accountant, charlie an outsider)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy.orm import Session

from folio.auth.models import User
from folio.auth.roles import Role
from folio.auth.service import add_member, create_user, get_user, remove_member
from folio.books.models import Book
from tests.conftest import OWNER

PASSWORD = "correct battery horse staple"

MakeUser = Callable[..., User]


@pytest.fixture
def make_user(session: Session) -> MakeUser:
    """Create a user, and a member of ``book`` with ``role`` when both are given."""

    def make(email: str, *, book: Book | None = None, role: Role | None = None) -> User:
        user = create_user(session, email, PASSWORD, email.partition("@")[0].title())
        if book is not None and role is not None:
            add_member(session, book, user, role)
        session.commit()
        return user

    return make


@pytest.fixture
def alice(make_user: MakeUser, book: Book, session: Session) -> User:
    """The book's only owner (the suite's default OWNER steps aside)."""
    made = make_user("alice@example.com", book=book, role=Role.owner)
    remove_member(session, book, get_user(session, OWNER))
    session.commit()
    return made


@pytest.fixture
def bob(make_user: MakeUser, book: Book) -> User:
    return make_user("bob@example.com", book=book, role=Role.accountant)


@pytest.fixture
def charlie(make_user: MakeUser) -> User:
    return make_user("charlie@example.com")

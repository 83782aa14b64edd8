"""Users and memberships: creating users, roles in books, the last owner."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from folio.auth.models import User
from folio.auth.passwords import verify_password
from folio.auth.roles import Role
from folio.auth.service import (
    add_member,
    create_user,
    find_user,
    memberships_of,
    remove_member,
    role_in,
    set_role,
)
from folio.books.models import Book
from folio.books.service import BookInput, create_book
from folio.errors import Conflict, NotFound, ValidationError
from tests.auth.conftest import PASSWORD, MakeUser


def test_it_stores_the_email_lower_cased_and_the_password_hashed(session: Session) -> None:
    user = create_user(session, "  Alice.W@Example.COM ", PASSWORD, "Alice W", "id")
    session.commit()
    assert user.email == "alice.w@example.com"
    assert user.display_name == "Alice W"
    assert user.language == "id"
    assert user.is_active
    assert user.created_at is not None
    assert user.last_login_at is None
    assert user.password_hash.startswith("$argon2id$")
    assert verify_password(user.password_hash, PASSWORD)


def test_the_display_name_defaults_to_the_email_name(session: Session) -> None:
    assert create_user(session, "dewi@example.id", PASSWORD).display_name == "dewi"


@pytest.mark.parametrize("email", ["alice@example.com", "ALICE@example.com", "Alice@Example.Com"])
def test_a_second_user_with_the_same_email_in_any_case_is_a_conflict(
        session: Session, email: str) -> None:
    create_user(session, "alice@example.com", PASSWORD)
    session.commit()
    with pytest.raises(Conflict) as raised:
        create_user(session, email, PASSWORD)
    assert raised.value.errors[0]["field"] == "email"


@pytest.mark.parametrize("email", [
    "", "alice", "alice@", "@example.com", "alice@example", "alice@@example.com",
    "al ice@example.com", "alice@example..com", "alice@exa\nmple.com", "a\x00@example.com",
    "x" * 65 + "@example.com",
])
def test_it_refuses_a_malformed_email(session: Session, email: str) -> None:
    with pytest.raises(ValidationError) as raised:
        create_user(session, email, PASSWORD)
    assert raised.value.errors[0]["field"] == "email"
    assert find_user(session, "alice@example.com") is None


def test_it_refuses_a_weak_password_and_an_unknown_language(session: Session) -> None:
    with pytest.raises(ValidationError) as raised:
        create_user(session, "alice@example.com", "password1234")
    assert raised.value.errors[0]["field"] == "password"
    with pytest.raises(ValidationError) as raised:
        create_user(session, "alice@example.com", PASSWORD, language="fr")
    assert raised.value.errors[0]["field"] == "language"


def test_a_member_has_a_role_and_an_outsider_none(
        session: Session, book: Book, alice: User, bob: User, charlie: User) -> None:
    assert role_in(session, alice, book) is Role.owner
    assert role_in(session, bob, book) is Role.accountant
    assert role_in(session, charlie, book) is None


def test_memberships_of_lists_every_book_with_its_role(
        session: Session, book: Book, bob: User) -> None:
    other = create_book(session, BookInput(slug="beta", name="Beta", base_currency="IDR",
                                           locale="id_ID", chart="none"))
    add_member(session, other, bob, Role.viewer)
    session.commit()
    assert [(b.slug, role) for b, role in memberships_of(session, bob)] == [
        ("acme", Role.accountant), ("beta", Role.viewer)]


def test_adding_a_member_twice_is_a_conflict(session: Session, book: Book, bob: User) -> None:
    with pytest.raises(Conflict):
        add_member(session, book, bob, Role.viewer)


def test_an_unknown_role_is_refused(session: Session, book: Book, charlie: User) -> None:
    with pytest.raises(ValidationError) as raised:
        add_member(session, book, charlie, "superuser")
    assert raised.value.errors[0]["field"] == "role"


def test_set_role_changes_a_members_role(session: Session, book: Book, alice: User,
                                         bob: User) -> None:
    set_role(session, book, bob, Role.staff)
    session.commit()
    assert role_in(session, bob, book) is Role.staff


def test_the_last_owner_keeps_the_owner_role(session: Session, book: Book, alice: User) -> None:
    with pytest.raises(Conflict, match="last owner"):
        set_role(session, book, alice, Role.admin)
    assert role_in(session, alice, book) is Role.owner


def test_removing_the_last_owner_is_refused(session: Session, book: Book, alice: User,
                                            bob: User) -> None:
    with pytest.raises(Conflict, match="last owner"):
        remove_member(session, book, alice)
    assert role_in(session, alice, book) is Role.owner


def test_an_owner_may_go_once_another_owner_is_there(
        session: Session, book: Book, alice: User, bob: User) -> None:
    set_role(session, book, bob, Role.owner)
    remove_member(session, book, alice)
    session.commit()
    assert role_in(session, alice, book) is None
    assert role_in(session, bob, book) is Role.owner


def test_removing_a_member_leaves_the_user(session: Session, book: Book, alice: User,
                                           bob: User) -> None:
    remove_member(session, book, bob)
    session.commit()
    assert role_in(session, bob, book) is None
    assert find_user(session, "bob@example.com") is not None


def test_removing_an_outsider_is_not_found(session: Session, book: Book,
                                           charlie: User) -> None:
    with pytest.raises(NotFound):
        remove_member(session, book, charlie)


def test_deleting_a_book_deletes_its_memberships(
        session: Session, make_user: MakeUser) -> None:
    other = create_book(session, BookInput(slug="gone", name="Gone", base_currency="USD",
                                           chart="none"))
    user = make_user("dewi@example.com", book=other, role=Role.owner)
    session.delete(other)
    session.commit()
    assert memberships_of(session, user) == []

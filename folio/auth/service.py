"""Creating users, their memberships of books, and deciding what they may do."""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from folio.auth.models import Membership, User
from folio.auth.passwords import check_password, hash_password
from folio.auth.roles import PERMISSIONS, Role, allows
from folio.books.models import Book
from folio.errors import Conflict, Forbidden, NotFound, ValidationError

# Deliberately loose: one @, no spaces or control characters, a dot in the domain. Only a
# message that arrives proves an address.
_NOT = r"@\s\x00-\x1f\x7f"
EMAIL_RE = re.compile(rf"^[^{_NOT}]{{1,64}}@[^{_NOT}.]+(?:\.[^{_NOT}.]+)+\Z")
LANGUAGES = ("en", "id")


def normalize_email(email: str) -> str:
    return email.strip().lower()


def check_email(email: str) -> str:
    """The email lower-cased, or ValidationError on the field 'email'."""
    normalized = normalize_email(email)
    if len(normalized) > 254 or not EMAIL_RE.match(normalized):
        raise ValidationError(f"{email!r} is not an email address", field="email")
    return normalized


def create_user(session: Session, email: str, password: str, display_name: str = "",
                language: str = "en") -> User:
    """Create a user with a hashed password; the email is stored lower-cased."""
    email = check_email(email)
    if language not in LANGUAGES:
        raise ValidationError(f"choose a language from: {', '.join(LANGUAGES)}", field="language")
    display_name = display_name.strip() or email.partition("@")[0]
    if len(display_name) > 200 or "\x00" in display_name:
        raise ValidationError("a name has at most 200 characters and no NUL",
                              field="display_name")
    check_password(password, email)
    if find_user(session, email) is not None:
        raise Conflict(f"A user with the email {email!r} already exists", field="email")
    user = User(email=email, display_name=display_name, password_hash=hash_password(password),
                language=language, is_active=True)
    session.add(user)
    session.flush()
    return user


def find_user(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalize_email(email)))


def get_user(session: Session, email: str) -> User:
    user = find_user(session, email) if "\x00" not in email else None
    if user is None:
        raise NotFound(f"No user with the email {email!r}")
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.email)))


def _membership(session: Session, book: Book, user: User) -> Membership | None:
    return session.get(Membership, (book.id, user.id))


def _role(role: Role | str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise ValidationError(f"choose a role from: {', '.join(Role)}", field="role") from None


def add_member(session: Session, book: Book, user: User, role: Role | str) -> Membership:
    """Give ``user`` a role in ``book``; a user already there is a Conflict."""
    role = _role(role)
    if _membership(session, book, user) is not None:
        raise Conflict(f"{user.email} is already a member of {book.slug}", field="email")
    membership = Membership(book_id=book.id, user_id=user.id, role=role.value)
    session.add(membership)
    session.flush()
    return membership


def _owner_count(session: Session, book: Book) -> int:
    return session.scalar(select(func.count()).select_from(Membership).where(
        Membership.book_id == book.id, Membership.role == Role.owner.value)) or 0


def _require_membership(session: Session, book: Book, user: User) -> Membership:
    membership = _membership(session, book, user)
    if membership is None:
        raise NotFound(f"{user.email} is not a member of {book.slug}")
    return membership


def set_role(session: Session, book: Book, user: User, role: Role | str) -> Membership:
    """Change a member's role; the last owner stays an owner."""
    role = _role(role)
    membership = _require_membership(session, book, user)
    if (membership.role == Role.owner and role != Role.owner
            and _owner_count(session, book) == 1):
        raise Conflict(f"{user.email} is the last owner of {book.slug}; make another "
                       "member owner first", field="role")
    membership.role = role.value
    session.flush()
    return membership


def remove_member(session: Session, book: Book, user: User) -> None:
    """Take ``user`` out of ``book``; a book keeps at least one owner."""
    membership = _require_membership(session, book, user)
    if membership.role == Role.owner and _owner_count(session, book) == 1:
        raise Conflict(f"{user.email} is the last owner of {book.slug}; make another "
                       "member owner first")
    session.delete(membership)
    session.flush()


def memberships_of(session: Session, user: User) -> list[tuple[Book, Role]]:
    """The books ``user`` belongs to, with the role in each, by book name."""
    rows = session.execute(select(Book, Membership.role)
                           .join(Membership, Membership.book_id == Book.id)
                           .where(Membership.user_id == user.id).order_by(Book.name))
    return [(book, Role(role)) for book, role in rows]


def role_in(session: Session, user: User, book: Book) -> Role | None:
    """The user's role in ``book``, or None for an outsider."""
    membership = _membership(session, book, user)
    return None if membership is None else Role(membership.role)


def can(session: Session, user: User, book: Book, action: str) -> bool:
    """Whether ``user`` may take ``action`` in ``book``; inactive users may do nothing."""
    if action not in PERMISSIONS:
        raise ValueError(f"unknown action {action!r}")  # a programming error, not a user's
    if not user.is_active:
        return False
    role = role_in(session, user, book)
    return role is not None and allows(role, action)


def authorize(session: Session, user: User, book: Book, action: str) -> None:
    """Raise Forbidden unless ``user`` may take ``action`` in ``book``."""
    if not can(session, user, book, action):
        raise Forbidden(f"You may not do {action!r} in the book {book.slug!r}")

"""Creating users, their memberships of books, and deciding what they may do."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from folio.audit import service as audit
from folio.auth.actor import Actor, actor_of
from folio.auth.guard import actor_can, require, role_of
from folio.auth.models import Membership, User
from folio.auth.passwords import check_password, hash_password
from folio.auth.roles import Role
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
                language: str = "en", *, is_admin: bool | None = None) -> User:
    """Create a user with a hashed password; the email is stored lower-cased.

    The first user of an installation administers it unless ``is_admin`` says otherwise.
    """
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
    if is_admin is None:
        is_admin = session.scalar(select(User.id).limit(1)) is None
    user = User(email=email, display_name=display_name, password_hash=hash_password(password),
                language=language, is_active=True, is_admin=is_admin,
                password_changed_at=datetime.now(UTC))
    session.add(user)
    session.flush()
    audit.record(session, "create", "user", user.id,
                 after={"email": email, "display_name": display_name, "is_admin": is_admin},
                 summary=email)
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
    require(session, book, "user.manage")
    role = _role(role)
    _no_promotion_above_self(session, book, role)
    if _membership(session, book, user) is not None:
        raise Conflict(f"{user.email} is already a member of {book.slug}", field="email")
    membership = Membership(book_id=book.id, user_id=user.id, role=role.value)
    session.add(membership)
    session.flush()
    audit.record(session, "member_add", "membership", user.id, book=book,
                 after={"email": user.email, "role": role.value}, summary=user.email)
    return membership


def _no_promotion_above_self(session: Session, book: Book, role: Role) -> None:
    """Only an owner makes owners (an admin may not hand out more than they hold)."""
    actor = actor_of(session)
    if role is Role.owner and not actor.is_system and role_of(session, actor, book) != Role.owner:
        raise Forbidden("Only an owner may make someone an owner")


def members_of(session: Session, book: Book) -> list[tuple[User, Role]]:
    """The book's members with their roles, by email."""
    require(session, book, "book.read")
    rows = session.execute(select(User, Membership.role)
                           .join(Membership, Membership.user_id == User.id)
                           .where(Membership.book_id == book.id).order_by(User.email))
    return [(user, Role(role)) for user, role in rows]


def require_installation_admin(session: Session) -> None:
    """Forbidden unless the actor administers this installation (or is the system)."""
    actor = actor_of(session)
    if actor.is_system:
        return
    user = session.get(User, actor.user_id) if actor.user_id is not None else None
    if user is None or not user.is_admin or not user.is_active:
        raise Forbidden("Only an administrator of this Folio may do this")


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
    require(session, book, "user.manage")
    role = _role(role)
    membership = _require_membership(session, book, user)
    if membership.role == Role.owner or role is Role.owner:
        _no_promotion_above_self(session, book, Role.owner)
    if (membership.role == Role.owner and role != Role.owner
            and _owner_count(session, book) == 1):
        raise Conflict(f"{user.email} is the last owner of {book.slug}; make another "
                       "member owner first", field="role")
    before = membership.role
    membership.role = role.value
    session.flush()
    audit.record(session, "role_change", "membership", user.id, book=book,
                 before={"role": before}, after={"role": role.value}, summary=user.email)
    return membership


def remove_member(session: Session, book: Book, user: User) -> None:
    """Take ``user`` out of ``book``; a book keeps at least one owner."""
    require(session, book, "user.manage")
    membership = _require_membership(session, book, user)
    if membership.role == Role.owner:
        _no_promotion_above_self(session, book, Role.owner)
    if membership.role == Role.owner and _owner_count(session, book) == 1:
        raise Conflict(f"{user.email} is the last owner of {book.slug}; make another "
                       "member owner first")
    audit.record(session, "member_remove", "membership", user.id, book=book,
                 before={"email": user.email, "role": membership.role}, summary=user.email)
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
    """Whether ``user`` may take ``action`` in ``book``; inactive users may do nothing.
    The same rule as the services' check (``folio.auth.guard``), for a user who is not the
    session's actor."""
    return actor_can(session, Actor(label=user.email, user_id=user.id), book, action)


def authorize(session: Session, user: User, book: Book, action: str) -> None:
    """Raise Forbidden unless ``user`` may take ``action`` in ``book``."""
    if not can(session, user, book, action):
        raise Forbidden(f"You may not do {action!r} in the book {book.slug!r}")

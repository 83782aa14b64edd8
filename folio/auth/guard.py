"""The one permission check that every service calls: ``require(session, book, action)``.

It reads the actor from the session (see folio.auth.actor), so a service is checked the
same way whether the CLI, the API or a page called it.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from folio.auth.actor import Actor, actor_of
from folio.auth.roles import PERMISSIONS, READ_ACTIONS, Role, allows
from folio.books.models import Book
from folio.errors import Forbidden, NotFound


def role_of(session: Session, actor: Actor, book: Book) -> Role | None:
    """The actor's role in ``book`` (owner for the system), None for an outsider."""
    if actor.is_system:
        return Role.owner
    if actor.user_id is None:
        return None
    if book.id in actor.roles:  # cached per request
        return Role(actor.roles[book.id])
    from folio.auth.models import Membership, User

    row = session.execute(
        select(Membership.role, User.is_active)
        .join(User, User.id == Membership.user_id)
        .where(Membership.book_id == book.id, Membership.user_id == actor.user_id)).first()
    role = row[0] if row is not None and row[1] else None
    if role is not None:
        actor.roles[book.id] = role
    return None if role is None else Role(role)


def can(session: Session, book: Book, action: str) -> bool:
    """Whether the session's actor may take ``action`` in ``book``."""
    return actor_can(session, actor_of(session), book, action)


def actor_can(session: Session, actor: Actor, book: Book, action: str) -> bool:
    """Whether ``actor`` may take ``action`` in ``book`` (inactive users may do nothing)."""
    if action not in PERMISSIONS:
        raise ValueError(f"unknown action {action!r}")  # a programming error, not a user's
    if actor.is_system:
        return True
    if actor.scope == "read" and action not in READ_ACTIONS:
        return False
    role = role_of(session, actor, book)
    return role is not None and allows(role, action)


def require(session: Session, book: Book, action: str) -> None:
    """Raise unless the actor may take ``action`` in ``book``.

    An outsider learns nothing about the book (404, as for a book that does not exist);
    a member without the permission gets 403.
    """
    if can(session, book, action):
        return
    actor = actor_of(session)
    if not actor.is_system and role_of(session, actor, book) is None:
        raise NotFound(f"No book with the slug {book.slug!r}")
    if actor.scope == "read" and action not in READ_ACTIONS:
        raise Forbidden("This API token may only read; create a token with --scope write")
    raise Forbidden(f"Your role may not do this ({action}) in this book")


def visible_book_ids(session: Session) -> set[int] | None:
    """The ids of the books the actor may see; None means every book (the system)."""
    actor = actor_of(session)
    if actor.is_system:
        return None
    if actor.user_id is None:
        return set()
    from folio.auth.models import Membership, User

    rows = session.execute(select(Membership.book_id, Membership.role)
                           .join(User, User.id == Membership.user_id)
                           .where(Membership.user_id == actor.user_id, User.is_active))
    ids = set()
    for book_id, role in rows:
        actor.roles[book_id] = role
        ids.add(book_id)
    return ids

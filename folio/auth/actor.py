"""Who is acting: every session carries its actor, and services ask it for permission.

A request's session gets the signed-in user (or the API token's owner) as its actor; the
CLI, the scheduler and the demo act as the system, with the machine's authority. A session
with no actor may read nothing and change nothing, so a route that forgets to authenticate
fails closed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy.orm import Session

from folio.errors import Forbidden

Scope = Literal["read", "write"]


@dataclass(frozen=True)
class Actor:
    """A user (``user_id``) or the system; ``label`` is what the audit log shows."""

    label: str
    user_id: int | None = None
    scope: Scope = "write"
    is_system: bool = False
    # Where the request came from, for the audit log (empty outside a request).
    request_id: str = ""
    ip: str = ""
    roles: dict[int, str] = field(default_factory=dict, compare=False, repr=False)


SYSTEM = Actor(label="system", is_system=True)
_KEY = "folio_actor"


def set_actor(session: Session, actor: Actor | None) -> Session:
    """Make ``actor`` the one acting through ``session``; returns the session."""
    if actor is None:
        session.info.pop(_KEY, None)
    else:
        session.info[_KEY] = actor
    return session


def actor_of(session: Session) -> Actor:
    """The session's actor, or Forbidden when nobody has signed in."""
    actor = session.info.get(_KEY)
    if actor is None:
        raise Forbidden("Sign in first")
    return actor


def maybe_actor(session: Session) -> Actor | None:
    return session.info.get(_KEY)

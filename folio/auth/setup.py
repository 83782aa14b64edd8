"""The first user: a one-time setup link that the server prints when nobody can sign in.

Folio has no default account or password. While the users table is empty, each start of
the server (and ``folio users setup-link``) makes a link valid for 24 hours and prints it
on the console, where only the operator sees it. Whoever opens it first creates the
installation administrator, who owns every book that already exists. Once a user exists
every setup link is refused.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from folio.auth.actor import Actor, set_actor
from folio.auth.models import User
from folio.auth.recovery import INVALID_LINK, LinkInvalid, issue_link, redeem_link
from folio.auth.roles import Role
from folio.auth.service import add_member, create_user
from folio.books.models import Book
from folio.db import make_session
from folio.errors import Conflict
from folio.settings import Settings, get_settings

log = logging.getLogger("folio.auth")
SETUP_TTL = timedelta(hours=24)
SETUP_DONE = "Folio is already set up: sign in, or ask an administrator for an account"


def setup_needed(session: Session) -> bool:
    return session.scalar(select(User.id).limit(1)) is None


def setup_url(base_url: str, plain: str) -> str:
    return f"{base_url.rstrip('/')}/setup/{plain}"


def ensure_setup_link(engine: Engine, base_url: str) -> str | None:
    """A fresh setup link when no user exists yet, else None.

    Each call makes a new link; older ones stay valid until they expire or a user exists,
    so every worker of a server can print its own.
    """
    with make_session(engine, write=True) as session:
        if not setup_needed(session):
            return None
        plain = issue_link(session, "setup", SETUP_TTL)
        session.commit()
    return setup_url(base_url, plain)


def announce_setup_link(engine: Engine, base_url: str) -> str | None:
    """Print the setup link on stderr (never through the log: it is a secret)."""
    link = ensure_setup_link(engine, base_url)
    if link is not None:
        print(f"\nFolio has no users yet. Open this link within 24 hours to create the "
              f"administrator:\n\n    {link}\n\n(If this server is reached at another "
              f"address, keep the path /setup/... and change the start.)\n",
              file=sys.stderr, flush=True)
    return link


def check_setup_link(session: Session, plain: str) -> None:
    """Conflict when Folio is already set up, LinkInvalid for a bad link."""
    if not setup_needed(session):
        raise Conflict(SETUP_DONE)
    redeem_link(session, "setup", plain)


def complete_setup(session: Session, plain: str, email: str, display_name: str,
                   password: str, *, language: str = "en", ip: str = "",
                   request_id: str = "") -> User:
    """Create the installation administrator and make them owner of every book.

    The link carries the operator's authority (it was printed on the server's console),
    so the work is done with the system's permissions, logged under the new user's name.
    """
    if not setup_needed(session):
        raise Conflict(SETUP_DONE)
    token = redeem_link(session, "setup", plain)
    if token.user_id is not None:  # a setup token is never tied to a user
        raise LinkInvalid(INVALID_LINK)
    previous = session.info.get("folio_actor")
    set_actor(session, Actor(label=email.strip().lower()[:254], is_system=True, ip=ip,
                             request_id=request_id))
    try:
        user = create_user(session, email, password, display_name, language, is_admin=True)
        set_actor(session, Actor(label=user.email, user_id=user.id, is_system=True, ip=ip,
                                 request_id=request_id))
        for book in session.scalars(select(Book).order_by(Book.id)):
            add_member(session, book, user, Role.owner)
    finally:
        set_actor(session, previous)
    token.used_at = datetime.now(UTC)
    token.user_id = user.id
    session.flush()
    return user


def startup_base_url(settings: Settings) -> str:
    """PUBLIC_URL, else the address the server is configured to listen on."""
    if settings.PUBLIC_URL.strip():
        return settings.PUBLIC_URL.strip()
    host = settings.HOST if ":" not in settings.HOST else f"[{settings.HOST}]"
    # Listening on every address: this machine is reachable on loopback.
    host = "127.0.0.1" if host in ("0.0.0.0", "[::]") else host  # noqa: S104
    return f"http://{host}:{settings.PORT}"


@asynccontextmanager
async def setup_lifespan(app: FastAPI) -> AsyncIterator[None]:
    """The app's lifespan: announce the setup link when nobody can sign in, then run the
    scheduler (folio.ops.scheduler) for as long as the app runs."""
    from folio.ops.scheduler import scheduler_lifespan

    if getattr(app.state, "announce_setup", False):
        try:
            announce_setup_link(app.state.engine, startup_base_url(get_settings()))
        except SQLAlchemyError as exc:  # e.g. not migrated yet: the app still starts
            log.warning("could not check for users at start (%s); run `folio db upgrade`",
                        exc.__class__.__name__)
    from folio.ops.requestlog import request_log_lifespan

    async with scheduler_lifespan(app), request_log_lifespan(app):
        yield

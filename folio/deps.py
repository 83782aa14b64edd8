"""Typed FastAPI dependencies, so route signatures read as prose.

``SessionDep`` and ``WriteSessionDep`` authenticate the request and make its user the
session's actor; with no credentials they answer 401 (API) or send the browser to the
sign-in page. Only the sign-in routes themselves use the ``Public*`` sessions.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Path, Request
from sqlalchemy.orm import Session

from folio.auth.actor import actor_of, set_actor
from folio.auth.models import User
from folio.auth.principal import authenticate, check_csrf
from folio.books.models import Book
from folio.books.service import get_book
from folio.db import make_session
from folio.errors import Unauthorized


def _open(request: Request, write: bool) -> Session:
    return make_session(request.app.state.engine, write=write)


def _session(request: Request, write: bool, public: bool = False) -> Iterator[Session]:
    session = _open(request, write)
    try:
        actor = authenticate(request, session) if not public else None
        if actor is None and not public:
            raise Unauthorized("Sign in first, or send 'Authorization: Bearer <token>'")
        if session.dirty:  # a token's or session's last-used time: keep it apart
            session.commit()
        set_actor(session, actor)
        if actor is not None:
            from folio.auth.limits import check_api_rate

            check_api_rate(request)
        yield session
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def get_read_session(request: Request, _csrf: Annotated[None, Depends(check_csrf)]
                     ) -> Iterator[Session]:
    """An authenticated session for reading; a route that writes uses WriteSession."""
    yield from _session(request, write=False)


def get_write_session(request: Request, _csrf: Annotated[None, Depends(check_csrf)]
                      ) -> Iterator[Session]:
    """An authenticated session whose SQLite transactions begin IMMEDIATE; the route commits."""
    yield from _session(request, write=True)


def get_public_session(request: Request) -> Iterator[Session]:
    """A session with no actor, for sign-in, token and setup routes."""
    yield from _session(request, write=True, public=True)


SessionDep = Annotated[Session, Depends(get_read_session)]
WriteSessionDep = Annotated[Session, Depends(get_write_session)]
PublicSessionDep = Annotated[Session, Depends(get_public_session)]


def current_user(session: SessionDep) -> User:
    actor = actor_of(session)
    user = session.get(User, actor.user_id) if actor.user_id is not None else None
    if user is None:
        raise Unauthorized("Sign in first")
    return user


def current_user_for_write(session: WriteSessionDep) -> User:
    return current_user(session)


CurrentUser = Annotated[User, Depends(current_user)]
WriteCurrentUser = Annotated[User, Depends(current_user_for_write)]


def book_from_path(session: SessionDep,
                   slug: Annotated[str, Path(max_length=40, description="Book slug")]) -> Book:
    return get_book(session, slug)


def book_for_write(session: WriteSessionDep,
                   slug: Annotated[str, Path(max_length=40, description="Book slug")]) -> Book:
    return get_book(session, slug)


BookDep = Annotated[Book, Depends(book_from_path)]
WriteBookDep = Annotated[Book, Depends(book_for_write)]

"""Typed FastAPI dependencies, so route signatures read as prose."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Path, Request
from sqlalchemy.orm import Session

from folio.auth.actor import SYSTEM
from folio.books.models import Book
from folio.books.service import get_book
from folio.db import make_session


def _session(request: Request, write: bool) -> Iterator[Session]:
    session = make_session(request.app.state.engine, write=write, actor=SYSTEM)  # TEMP
    try:
        yield session
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def get_read_session(request: Request) -> Iterator[Session]:
    """A session for reading; a route that writes uses WriteSession and commits."""
    yield from _session(request, write=False)


def get_write_session(request: Request) -> Iterator[Session]:
    """A session whose SQLite transactions begin IMMEDIATE; the route commits."""
    yield from _session(request, write=True)


SessionDep = Annotated[Session, Depends(get_read_session)]
WriteSessionDep = Annotated[Session, Depends(get_write_session)]


def book_from_path(session: SessionDep,
                   slug: Annotated[str, Path(max_length=40, description="Book slug")]) -> Book:
    return get_book(session, slug)


def book_for_write(session: WriteSessionDep,
                   slug: Annotated[str, Path(max_length=40, description="Book slug")]) -> Book:
    return get_book(session, slug)


BookDep = Annotated[Book, Depends(book_from_path)]
WriteBookDep = Annotated[Book, Depends(book_for_write)]

"""Personas for role tests (alice the owner, bob the accountant, charlie an outsider)
and the ``folio`` command against the test database."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner, Result

from folio.auth.models import User
from folio.auth.roles import Role
from folio.auth.service import add_member, create_user
from folio.books.models import Book
from folio.cli import app
from folio.db import dispose_engines
from folio.settings import get_settings

PASSWORD = "correct battery horse staple"

MakeUser = Callable[..., User]
Cli = Callable[..., Result]


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
def alice(make_user: MakeUser, book: Book) -> User:
    return make_user("alice@example.com", book=book, role=Role.owner)


@pytest.fixture
def bob(make_user: MakeUser, book: Book) -> User:
    return make_user("bob@example.com", book=book, role=Role.accountant)


@pytest.fixture
def charlie(make_user: MakeUser) -> User:
    return make_user("charlie@example.com")


@pytest.fixture
def cli(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[Cli]:
    """Run ``folio ARGS...`` (with ``input`` as stdin) against the test database."""
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    dispose_engines()
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None) -> Result:
        return runner.invoke(app, list(args), input=input)

    yield invoke
    dispose_engines()
    get_settings.cache_clear()


def said(result: Result) -> str:
    """Everything the command printed, with line wrapping undone (and any crash)."""
    crash = "" if result.exception is None or isinstance(result.exception, SystemExit) \
        else f" [crashed: {result.exception!r}]"
    return " ".join((result.stdout + result.stderr).split()) + crash

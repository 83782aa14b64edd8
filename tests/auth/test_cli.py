"""``folio users``: create, add, remove and list, against the test database."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from folio.auth.actor import SYSTEM
from folio.auth.models import Membership, User
from folio.auth.passwords import verify_password
from folio.auth.roles import Role
from folio.auth.service import find_user, role_in
from folio.books.service import get_book
from folio.db import make_session
from tests.auth.conftest import PASSWORD
from tests.conftest import Cli, said

SECRET = "violet kites over jakarta"


@pytest.fixture
def acme(cli: Cli) -> Cli:
    """The database holds one USD book, ``acme``."""
    result = cli("books", "create", "acme", "--name", "Acme Ltd", "--currency", "USD",
                 "--chart", "none")
    assert result.exit_code == 0, said(result)
    return cli


def user_count(engine: Engine) -> int:
    with make_session(engine, actor=SYSTEM) as session:
        return session.scalar(select(func.count()).select_from(User)) or 0


def membership_count(engine: Engine) -> int:
    with make_session(engine, actor=SYSTEM) as session:
        return session.scalar(select(func.count()).select_from(Membership)) or 0


def test_create_with_password_stdin_makes_an_owner_of_the_only_book(
        acme: Cli, engine: Engine) -> None:
    result = acme("users", "create", "Alice@Example.com", "--role", "owner", "--name", "Alice",
                  "--language", "id", "--password-stdin", input=SECRET + "\n")
    assert result.exit_code == 0, said(result)
    assert "Created user alice@example.com as owner of acme" in said(result)
    assert SECRET not in result.stdout + result.stderr
    with make_session(engine, actor=SYSTEM) as session:
        user = find_user(session, "alice@example.com")
        assert user is not None
        assert user.display_name == "Alice"
        assert user.language == "id"
        assert verify_password(user.password_hash, SECRET)  # the newline is not part of it
        assert role_in(session, user, get_book(session, "acme")) is Role.owner


def test_create_without_password_stdin_asks_twice_without_echoing(
        acme: Cli, engine: Engine) -> None:
    result = acme("users", "create", "bob@example.com", "--role", "viewer",
                  input=f"{SECRET}\n{SECRET}\n")
    assert result.exit_code == 0, said(result)
    assert SECRET not in result.stdout + result.stderr
    assert user_count(engine) == 1


def test_create_refuses_a_weak_password_and_writes_nothing(acme: Cli, engine: Engine) -> None:
    result = acme("users", "create", "alice@example.com", "--role", "owner",
                  "--password-stdin", input="password1234\n")
    assert result.exit_code != 0
    assert "too common" in said(result)
    assert "password1234" not in said(result)
    assert user_count(engine) == 0


def test_create_refuses_a_short_password(acme: Cli, engine: Engine) -> None:
    result = acme("users", "create", "alice@example.com", "--role", "owner",
                  "--password-stdin", input="tiny\n")
    assert result.exit_code != 0
    assert "at least 12 characters" in said(result)
    assert user_count(engine) == 0


def test_create_refuses_an_unknown_book_and_writes_nothing(acme: Cli, engine: Engine) -> None:
    result = acme("users", "create", "alice@example.com", "--role", "owner", "--book", "nope",
                  "--password-stdin", input=SECRET + "\n")
    assert result.exit_code != 0
    assert "No book with the slug 'nope'" in said(result)
    assert SECRET not in said(result)
    assert user_count(engine) == 0


def test_create_without_any_book_says_how_to_make_one(cli: Cli, engine: Engine) -> None:
    result = cli("users", "create", "alice@example.com", "--role", "owner",
                 "--password-stdin", input=SECRET + "\n")
    assert result.exit_code != 0
    assert "There is no book yet" in said(result)
    assert user_count(engine) == 0


def test_create_refuses_an_unknown_role(acme: Cli, engine: Engine) -> None:
    result = acme("users", "create", "alice@example.com", "--role", "root",
                  "--password-stdin", input=SECRET + "\n")
    assert result.exit_code != 0
    assert user_count(engine) == 0


def test_create_refuses_a_duplicate_email(acme: Cli, engine: Engine) -> None:
    first = acme("users", "create", "alice@example.com", "--role", "owner",
                 "--password-stdin", input=SECRET + "\n")
    assert first.exit_code == 0, said(first)
    again = acme("users", "create", "ALICE@example.com", "--role", "viewer",
                 "--password-stdin", input=PASSWORD + "\n")
    assert again.exit_code != 0
    assert "already exists" in said(again)
    assert user_count(engine) == 1


def test_add_remove_and_list(acme: Cli, engine: Engine) -> None:
    for email, role in (("alice@example.com", "owner"), ("bob@example.com", "viewer")):
        made = acme("users", "create", email, "--role", role, "--password-stdin",
                    input=SECRET + "\n")
        assert made.exit_code == 0, said(made)
    again = acme("users", "add", "bob@example.com", "--book", "acme", "--role", "staff")
    assert again.exit_code != 0
    assert "already a member" in said(again)

    listed = acme("users", "list")
    assert listed.exit_code == 0, said(listed)
    assert listed.stdout.splitlines() == [
        "alice@example.com\talice\tactive\tacme:owner",
        "bob@example.com\tbob\tactive\tacme:viewer",
    ]

    removed = acme("users", "remove", "bob@example.com", "--book", "acme")
    assert removed.exit_code == 0, said(removed)
    assert membership_count(engine) == 1
    added = acme("users", "add", "BOB@example.com", "--book", "acme", "--role", "accountant")
    assert added.exit_code == 0, said(added)
    assert "acme:accountant" in acme("users", "list").stdout


def test_remove_refuses_the_last_owner(acme: Cli, engine: Engine) -> None:
    made = acme("users", "create", "alice@example.com", "--role", "owner", "--password-stdin",
                input=SECRET + "\n")
    assert made.exit_code == 0, said(made)
    result = acme("users", "remove", "alice@example.com", "--book", "acme")
    assert result.exit_code != 0
    assert "last owner" in said(result)
    assert membership_count(engine) == 1


def test_add_an_unknown_user_is_an_error(acme: Cli) -> None:
    result = acme("users", "add", "ghost@example.com", "--book", "acme", "--role", "viewer")
    assert result.exit_code != 0
    assert "No user with the email" in said(result)

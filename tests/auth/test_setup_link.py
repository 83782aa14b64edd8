"""The first start: no user, a one-time setup link, and the administrator it creates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from folio.app import create_app
from folio.audit.models import AuditEvent
from folio.auth.actor import SYSTEM
from folio.auth.models import OneTimeToken, User
from folio.auth.roles import Role
from folio.auth.service import find_user, role_in
from folio.auth.setup import ensure_setup_link
from folio.books.models import Book
from folio.books.service import BookInput, create_book
from folio.db import make_session
from tests.auth.test_account_pages import NEW_PASSWORD, login, value_of
from tests.conftest import OWNER, ensure_user

ADMIN = "admin@example.test"
FORM = {"email": ADMIN, "display_name": "Ada Admin", "language": "id",
        "password": NEW_PASSWORD, "password_again": NEW_PASSWORD}


@pytest.fixture
def demo_books(session: Session) -> list[Book]:
    """Books made before anybody can sign in, as `make run` makes the demo book."""
    made = [create_book(session, BookInput(slug="demo", name="Demo Ltd", base_currency="USD",
                                           locale="en_US", chart="generic")),
            create_book(session, BookInput(slug="toko", name="Toko Maju", base_currency="IDR",
                                           locale="id_ID", chart="id-psak"))]
    session.commit()
    return made


def path_of(link: str) -> str:
    return link.removeprefix("http://testserver")


def test_the_link_creates_the_administrator_who_owns_every_book(
        anonymous: Any, engine: Engine, demo_books: list[Book]) -> None:
    link = ensure_setup_link(engine, "http://testserver")
    assert link is not None
    assert link.startswith("http://testserver/setup/")
    form = anonymous.get(path_of(link))
    assert form.status_code == 200
    assert form.headers["cache-control"] == "no-store"
    assert "Set up Folio" in form.text

    made = anonymous.post(path_of(link), data=FORM, follow_redirects=False)
    assert made.status_code == 303
    assert made.headers["location"] == "/"
    # Signed in at once, in the chosen language, on the first book.
    home = anonymous.get("/", follow_redirects=False)
    assert home.headers["location"] == "/books/demo"
    assert '<html lang="id"' in anonymous.get("/books/demo").text
    with make_session(engine, actor=SYSTEM) as db:
        admin = find_user(db, ADMIN)
        assert admin is not None
        assert admin.is_admin
        assert admin.display_name == "Ada Admin"
        assert admin.language == "id"
        for book in db.scalars(select(Book)):
            assert role_in(db, admin, book) is Role.owner
        token = db.scalars(select(OneTimeToken)).one()
        assert token.used_at is not None
        assert token.purpose == "setup"
        actions = [e.action for e in db.scalars(select(AuditEvent).order_by(AuditEvent.id))]
        assert actions[-4:] == ["create", "member_add", "member_add", "sign_in"]
        assert {e.actor for e in db.scalars(select(AuditEvent).where(
            AuditEvent.action == "member_add"))} == {ADMIN}

    # Once only: the link, and any other setup link, is refused now.
    again = anonymous.post(path_of(link), data={**FORM, "email": "mallory@example.test"})
    assert again.status_code == 409
    assert "Folio sudah disiapkan" in again.text  # in the language the admin chose
    assert anonymous.get(path_of(link)).status_code == 409
    assert ensure_setup_link(engine, "http://testserver") is None
    with make_session(engine, actor=SYSTEM) as db:
        assert find_user(db, "mallory@example.test") is None


def test_a_link_is_refused_once_a_user_exists(anonymous: Any, engine: Engine) -> None:
    link = ensure_setup_link(engine, "http://testserver")
    assert link is not None
    with make_session(engine, write=True, actor=SYSTEM) as db:
        ensure_user(db, OWNER)
        db.commit()
    refused = anonymous.post(path_of(link), data=FORM)
    assert refused.status_code == 409
    with make_session(engine, actor=SYSTEM) as db:
        assert find_user(db, ADMIN) is None


@pytest.mark.parametrize("token", ["made-up-token", "a" * 250])
def test_an_unknown_link_is_refused(anonymous: Any, engine: Engine, token: str) -> None:
    refused = anonymous.get(f"/setup/{token}")
    assert refused.status_code == 400
    assert "This link does not work" in refused.text
    assert anonymous.post(f"/setup/{token}", data=FORM).status_code == 400
    with make_session(engine, actor=SYSTEM) as db:
        assert db.scalar(select(User.id)) is None


def test_an_expired_link_is_refused(anonymous: Any, engine: Engine) -> None:
    link = ensure_setup_link(engine, "http://testserver")
    assert link is not None
    with make_session(engine, write=True, actor=SYSTEM) as db:
        token = db.scalars(select(OneTimeToken)).one()
        assert token.expires_at - token.created_at == timedelta(hours=24)
        db.execute(update(OneTimeToken).values(expires_at=datetime.now(UTC) - timedelta(1)))
        db.commit()
    assert anonymous.post(path_of(link), data=FORM).status_code == 400


def test_a_reset_link_is_not_a_setup_link(anonymous: Any, engine: Engine) -> None:
    from folio.auth.recovery import RESET_TTL, issue_link

    with make_session(engine, write=True, actor=SYSTEM) as db:
        plain = issue_link(db, "reset", RESET_TTL)
        db.commit()
    assert anonymous.get(f"/setup/{plain}").status_code == 400


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"password": "short", "password_again": "short"}, "password", "at least 12 characters"),
    ({"password_again": "not the same password"}, "password_again", "are not the same"),
    ({"email": "not an email"}, "email", "is not an email address"),
])
def test_a_bad_form_keeps_the_link_usable(anonymous: Any, engine: Engine,
                                          change: dict[str, str], field: str,
                                          message: str) -> None:
    link = ensure_setup_link(engine, "http://testserver")
    assert link is not None
    refused = anonymous.post(path_of(link), data={**FORM, **change})
    assert refused.status_code == 422
    assert message in refused.text
    assert f'id="error-{field}"' in refused.text
    assert anonymous.post(path_of(link), data=FORM, follow_redirects=False).status_code == 303


def test_html_in_the_name_comes_back_escaped(anonymous: Any, engine: Engine) -> None:
    link = ensure_setup_link(engine, "http://testserver")
    assert link is not None
    name = "<script>alert(1)</script>"
    refused = anonymous.post(path_of(link), data={**FORM, "display_name": name,
                                                  "password": "x"})
    assert name not in refused.text
    assert value_of(refused.text, "setup-name") == name


def test_the_server_prints_the_link_at_start(engine: Engine, capsys: Any) -> None:
    app = create_app(engine)
    app.state.announce_setup = True  # tests turn it off; a real start has it on
    with TestClient(app) as browser:
        printed = capsys.readouterr().err
        assert "Folio has no users yet" in printed
        link = next(word for word in printed.split() if "/setup/" in word)
        path = "/setup/" + link.split("/setup/")[1]
        assert browser.get(path).status_code == 200
        assert browser.post(path, data=FORM, follow_redirects=False).status_code == 303
    app = create_app(engine)
    app.state.announce_setup = True
    with TestClient(app):
        pass
    assert "Folio has no users yet" not in capsys.readouterr().err
    assert login(TestClient(create_app(engine)), ADMIN, NEW_PASSWORD).status_code == 303


def test_the_cli_prints_a_fresh_link_only_while_nobody_exists(
        cli: Any, anonymous: Any, engine: Engine) -> None:
    result = cli("users", "setup-link")
    assert result.exit_code == 0, result.output
    path = "/setup/" + result.stdout.strip().split("/setup/")[1]
    assert anonymous.get(path).status_code == 200
    anonymous.post(path, data=FORM)
    refused = cli("users", "setup-link")
    assert refused.exit_code == 1
    assert "already has users" in refused.stderr

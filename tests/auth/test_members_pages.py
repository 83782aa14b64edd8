"""The members page: who belongs to a book, adding, inviting, changing roles, removing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from folio.auth.actor import SYSTEM
from folio.auth.models import User
from folio.auth.roles import Role
from folio.auth.service import find_user, role_in
from folio.books.models import Book
from folio.db import make_session
from folio.settings import get_settings
from tests.auth.test_account_pages import NEW_PASSWORD, Browser, browser, events, login, value_of
from tests.conftest import OWNER, ensure_member, ensure_user, sign_in_as
from tests.smtp_server import SmtpServer
from tests.web.page import Page

__all__ = ["browser"]
ACCOUNTANT = "accountant@example.test"
VIEWER = "viewer@example.test"


@pytest.fixture
def team(session: Session, book: Book) -> dict[str, User]:
    made = {"accountant": ensure_member(session, book, ACCOUNTANT, "accountant"),
            "viewer": ensure_member(session, book, VIEWER, "viewer")}
    session.commit()
    return made


@pytest.fixture
def mail_on(smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[SmtpServer]:
    for name, value in smtp_server.environ.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    yield smtp_server
    get_settings.cache_clear()


@pytest.fixture
def mail_off(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("SMTP_HOST", "")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def role_of(engine: Engine, email: str, slug: str = "acme") -> Role | None:
    from folio.books.service import get_book

    with make_session(engine, actor=SYSTEM) as db:
        user = find_user(db, email)
        return None if user is None else role_in(db, user, get_book(db, slug))


def user_id(engine: Engine, email: str) -> int:
    with make_session(engine, actor=SYSTEM) as db:
        user = find_user(db, email)
        assert user is not None
        return user.id


def test_the_page_lists_members_with_their_roles(client: Any, team: dict[str, User]) -> None:
    page = client.get("/books/acme/members")
    assert page.status_code == 200
    text = Page(page.text).text
    for email in (OWNER, ACCOUNTANT, VIEWER):
        assert email in text
    assert "Add a member" in text
    assert 'aria-current="page"' in page.text  # the navigation's Members item


def test_a_viewer_sees_the_members_but_no_forms(anonymous: Any, engine: Engine,
                                               team: dict[str, User]) -> None:
    sign_in_as(anonymous, engine, VIEWER)
    page = anonymous.get("/books/acme/members")
    assert page.status_code == 200
    assert OWNER in page.text
    assert "Add a member" not in page.text
    assert "/role" not in page.text


def test_an_outsider_does_not_learn_the_book_exists(anonymous: Any, engine: Engine,
                                                    book: Book) -> None:
    sign_in_as(anonymous, engine, "outsider@example.test")
    assert anonymous.get("/books/acme/members").status_code == 404


def test_an_owner_adds_changes_and_removes_a_member(client: Any, engine: Engine,
                                                    session: Session, book: Book) -> None:
    ensure_user(session, "dina@example.test")
    session.commit()
    added = client.post("/books/acme/members", data={"email": "Dina@Example.test",
                                                     "role": "staff"}, follow_redirects=False)
    assert added.status_code == 303
    assert "The member is added" in client.get(added.headers["location"]).text
    assert role_of(engine, "dina@example.test") is Role.staff

    dina = user_id(engine, "dina@example.test")
    changed = client.post(f"/books/acme/members/{dina}/role", data={"role": "accountant"},
                          follow_redirects=False)
    assert changed.status_code == 303
    assert role_of(engine, "dina@example.test") is Role.accountant

    removed = client.post(f"/books/acme/members/{dina}/remove", follow_redirects=False)
    assert removed.status_code == 303
    assert role_of(engine, "dina@example.test") is None
    assert [len(events(engine, a)) for a in ("member_add", "role_change", "member_remove")] \
        == [2, 1, 1]  # the first member_add is OWNER's own, from the fixture


def test_adding_someone_twice_says_so(client: Any, team: dict[str, User]) -> None:
    refused = client.post("/books/acme/members", data={"email": ACCOUNTANT, "role": "viewer"})
    assert refused.status_code == 409
    assert "already a member" in refused.text


@pytest.mark.parametrize(("data", "message"), [
    ({"email": "new@example.test", "role": "emperor"}, "choose a role"),
    ({"email": "not an address", "role": "viewer"}, "is not an email address"),
])
def test_a_bad_add_form_says_why(client: Any, engine: Engine, book: Book,
                                 data: dict[str, str], message: str) -> None:
    refused = client.post("/books/acme/members", data=data)
    assert refused.status_code == 422
    assert message in refused.text
    with make_session(engine, actor=SYSTEM) as db:
        assert find_user(db, "new@example.test") is None


def test_a_new_address_gets_an_invitation_by_email(client: Any, engine: Engine, book: Book,
                                                   mail_on: SmtpServer,
                                                   browser: Browser) -> None:
    invited = client.post("/books/acme/members", data={
        "email": "rani@example.test", "role": "accountant", "display_name": "Rani"},
        follow_redirects=False)
    assert invited.status_code == 303
    assert "The invitation is sent" in client.get(invited.headers["location"]).text
    assert role_of(engine, "rani@example.test") is Role.accountant
    [mail] = mail_on.wait_for(1)
    assert mail.rcpt_tos == ["rani@example.test"]
    assert "Acme Ltd" in mail.message["Subject"]
    body = mail.message.get_content()
    assert "seven days" in body
    path = re.search(r"/password/reset/\S+", body).group(0)  # type: ignore[union-attr]
    # No password works until Rani chooses one through the link.
    newcomer = browser()
    assert newcomer.get(path).status_code == 200
    assert newcomer.post(path, data={"password": NEW_PASSWORD,
                                     "password_again": NEW_PASSWORD}).status_code == 200
    assert login(newcomer, "rani@example.test", NEW_PASSWORD).status_code == 303
    assert "Acme Ltd" in newcomer.get("/account").text


def test_an_invited_user_cannot_sign_in_before_choosing_a_password(
        client: Any, engine: Engine, book: Book, mail_on: SmtpServer) -> None:
    client.post("/books/acme/members", data={"email": "rani@example.test", "role": "viewer"})
    with make_session(engine, actor=SYSTEM) as db:
        user = find_user(db, "rani@example.test")
        assert user is not None
        assert user.password_hash.startswith("!")


def test_with_mail_off_the_invitation_link_is_shown_once(client: Any, engine: Engine,
                                                        book: Book, mail_off: None,
                                                        browser: Browser) -> None:
    shown = client.post("/books/acme/members", data={"email": "budi@example.test",
                                                     "role": "viewer"})
    assert shown.status_code == 200
    assert shown.headers["cache-control"] == "no-store"
    assert "cannot send email" in shown.text
    link = value_of(shown.text, "invite-link")
    assert "/password/reset/" in link
    assert link not in client.get("/books/acme/members").text
    newcomer = browser()
    assert newcomer.get(link.removeprefix("http://testserver")).status_code == 200


def test_an_accountant_may_not_manage_members(anonymous: Any, engine: Engine,
                                              team: dict[str, User]) -> None:
    sign_in_as(anonymous, engine, ACCOUNTANT)
    refused = anonymous.post("/books/acme/members", data={"email": "pal@example.test",
                                                          "role": "owner"})
    assert refused.status_code == 403
    viewer = team["viewer"].id
    assert anonymous.post(f"/books/acme/members/{viewer}/role",
                          data={"role": "owner"}).status_code == 403
    assert anonymous.post(f"/books/acme/members/{viewer}/remove").status_code == 403
    assert role_of(engine, VIEWER) is Role.viewer
    with make_session(engine, actor=SYSTEM) as db:
        assert find_user(db, "pal@example.test") is None  # no account made on the way


def test_the_last_owner_stays_an_owner(client: Any, engine: Engine, book: Book) -> None:
    me = user_id(engine, OWNER)
    demoted = client.post(f"/books/acme/members/{me}/role", data={"role": "viewer"})
    assert demoted.status_code == 409
    assert "is the last owner of acme" in Page(demoted.text).text
    assert "Members" in demoted.text  # the members page, with the reason on it
    removed = client.post(f"/books/acme/members/{me}/remove")
    assert removed.status_code == 409
    assert role_of(engine, OWNER) is Role.owner


def test_an_admin_may_not_make_owners(anonymous: Any, engine: Engine, session: Session,
                                      book: Book, team: dict[str, User]) -> None:
    ensure_member(session, book, "boss@example.test", "admin")
    session.commit()
    sign_in_as(anonymous, engine, "boss@example.test")
    page = anonymous.get("/books/acme/members").text
    assert 'id="member-role"' in page
    assert '<option value="owner"' not in page.split('id="member-role"')[1]
    refused = anonymous.post(f"/books/acme/members/{team['viewer'].id}/role",
                             data={"role": "owner"})
    assert refused.status_code == 403
    assert "Only an owner may make someone an owner" in refused.text
    assert anonymous.post(f"/books/acme/members/{team['viewer'].id}/role",
                          data={"role": "staff"}, follow_redirects=False).status_code == 303


def test_an_unknown_member_is_404(client: Any, book: Book) -> None:
    assert client.post("/books/acme/members/999999/role", data={"role": "staff"}
                       ).status_code == 404
    assert client.post(f"/books/acme/members/{2**70}/remove").status_code in (404, 422)

"""A forgotten password: the email with a link, the link working once, within an hour."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.engine import Engine

from folio.auth.actor import SYSTEM
from folio.auth.models import OneTimeToken
from folio.db import make_session
from folio.settings import get_settings
from tests.auth.test_account_pages import NEW_PASSWORD, Browser, browser, events, login
from tests.conftest import OWNER, PASSWORD, ensure_user
from tests.smtp_server import SmtpServer
from tests.web.page import Page

__all__ = ["browser"]  # the fixture, shared with the account tests
SAME_ANSWER = "If an account exists for that address, we sent a link to it."


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


@pytest.fixture
def owner(engine: Engine) -> str:
    with make_session(engine, write=True, actor=SYSTEM) as db:
        ensure_user(db, OWNER)
        db.commit()
    return OWNER


def ask(client: Any, email: str) -> Any:
    return client.post("/password/forgot", data={"email": email})


def the_link(server: SmtpServer) -> str:
    [received] = server.wait_for(1)
    found = re.search(r"http://testserver/password/reset/\S+", received.message.get_content())
    assert found, received.message.get_content()
    return found.group(0).removeprefix("http://testserver")


def test_the_forgot_page_renders(anonymous: Any, mail_on: SmtpServer) -> None:
    page = anonymous.get("/password/forgot")
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    assert "Send the link" in page.text
    assert "cannot send email" not in page.text


def test_the_link_arrives_by_email_and_sets_the_password_once(
        anonymous: Any, engine: Engine, owner: str, mail_on: SmtpServer,
        browser: Browser) -> None:
    signed_in = browser()
    assert login(signed_in, OWNER, PASSWORD).status_code == 303
    api = browser()
    pair = api.post("/api/v1/auth/token", json={"email": OWNER, "password": PASSWORD}).json()

    answer = ask(anonymous, "  Owner@Example.TEST ")
    assert answer.status_code == 200
    assert SAME_ANSWER in answer.text
    [received] = mail_on.wait_for(1)
    assert received.rcpt_tos == [OWNER]
    assert received.message["Subject"] == "Reset your Folio password"
    path = the_link(mail_on)

    form = anonymous.get(path)
    assert form.status_code == 200
    assert OWNER in Page(form.text).text
    mismatch = anonymous.post(path, data={"password": NEW_PASSWORD,
                                          "password_again": "something else entirely"})
    assert mismatch.status_code == 422
    assert "The two passwords are not the same" in mismatch.text
    weak = anonymous.post(path, data={"password": "short", "password_again": "short"})
    assert weak.status_code == 422
    assert "at least 12 characters" in weak.text

    done = anonymous.post(path, data={"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assert done.status_code == 200
    assert "Your password is set" in done.text
    # Once only.
    assert anonymous.get(path).status_code == 400
    again = anonymous.post(path, data={"password": "another fine password here",
                                       "password_again": "another fine password here"})
    assert again.status_code == 400
    assert "This link does not work" in again.text
    # Everyone signed in before is out; only the new password works.
    assert signed_in.get("/account", follow_redirects=False).status_code == 303
    assert api.post("/api/v1/auth/refresh",
                    json={"refresh_token": pair["refresh_token"]}).status_code == 401
    assert login(browser(), OWNER, PASSWORD).status_code == 401
    assert login(browser(), OWNER, NEW_PASSWORD).status_code == 303
    [event] = events(engine, "password_reset")
    assert event.actor == OWNER


def test_an_unknown_address_gets_the_same_answer_and_no_email(
        anonymous: Any, engine: Engine, owner: str, mail_on: SmtpServer) -> None:
    known = ask(anonymous, OWNER)
    unknown = ask(anonymous, "nobody@example.test")
    assert unknown.status_code == known.status_code == 200
    assert Page(unknown.text).text == Page(known.text).text
    assert len(mail_on.wait_for(1)) == 1
    assert [m.rcpt_tos for m in mail_on.messages] == [[OWNER]]
    with make_session(engine, actor=SYSTEM) as db:
        assert len(db.scalars(select(OneTimeToken)).all()) == 1


def test_an_expired_link_is_refused(anonymous: Any, engine: Engine, owner: str,
                                    mail_on: SmtpServer) -> None:
    ask(anonymous, OWNER)
    path = the_link(mail_on)
    with make_session(engine, write=True, actor=SYSTEM) as db:
        db.execute(update(OneTimeToken).values(
            expires_at=datetime.now(UTC) - timedelta(seconds=1)))
        db.commit()
    refused = anonymous.get(path)
    assert refused.status_code == 400
    assert "it expired" in refused.text
    assert anonymous.post(path, data={"password": NEW_PASSWORD,
                                      "password_again": NEW_PASSWORD}).status_code == 400


def test_the_link_expires_after_an_hour(anonymous: Any, engine: Engine, owner: str,
                                        mail_on: SmtpServer) -> None:
    ask(anonymous, OWNER)
    with make_session(engine, actor=SYSTEM) as db:
        token = db.scalars(select(OneTimeToken)).one()
    lifetime = token.expires_at - token.created_at
    assert lifetime == timedelta(hours=1)
    assert token.purpose == "reset"
    assert len(token.token_hash) == 64
    assert token.token_hash not in the_link(mail_on)


@pytest.mark.parametrize("token", ["not-a-token", "x" * 300, "%00"])
def test_an_unknown_link_is_refused_kindly(anonymous: Any, token: str) -> None:
    refused = anonymous.get(f"/password/reset/{token}")
    assert refused.status_code in (400, 404)
    assert "Traceback" not in refused.text


def test_a_new_reset_spends_the_other_links(anonymous: Any, engine: Engine, owner: str,
                                            mail_on: SmtpServer) -> None:
    ask(anonymous, OWNER)
    ask(anonymous, OWNER)
    first, second = mail_on.wait_for(2)
    links = [re.search(r"/password/reset/\S+", m.message.get_content()).group(0)  # type: ignore[union-attr]
             for m in (first, second)]
    assert anonymous.post(links[1], data={"password": NEW_PASSWORD,
                                          "password_again": NEW_PASSWORD}).status_code == 200
    assert anonymous.get(links[0]).status_code == 400


def test_with_mail_off_the_page_tells_the_operator_and_logs_no_token(
        anonymous: Any, owner: str, mail_off: None, caplog: pytest.LogCaptureFixture) -> None:
    assert "cannot send email" in anonymous.get("/password/forgot").text
    with caplog.at_level(logging.WARNING, logger="folio.auth"):
        answer = ask(anonymous, OWNER)
    assert SAME_ANSWER in answer.text
    assert "folio users reset-link" in answer.text
    assert "mail is off" in caplog.text
    assert "/password/reset/" not in caplog.text
    assert OWNER not in caplog.text


def test_asking_too_often_is_throttled(anonymous: Any, owner: str, mail_on: SmtpServer) -> None:
    answers = [ask(anonymous, OWNER).status_code for _ in range(7)]
    assert answers[0] == 200
    assert answers[-1] == 429


def test_the_reset_link_cli_prints_a_working_link(cli: Any, anonymous: Any, owner: str) -> None:
    result = cli("users", "reset-link", OWNER)
    assert result.exit_code == 0, result.output
    path = result.stdout.strip().split("127.0.0.1:8000")[1]
    assert anonymous.get(path).status_code == 200
    assert cli("users", "reset-link", "nobody@example.test").exit_code == 1

"""Your account: profile, password, signed-in browsers, two-factor sign-in, API tokens."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from folio.app import create_app
from folio.audit.models import AuditEvent
from folio.auth.actor import SYSTEM
from folio.auth.models import User, WebSession
from folio.auth.service import find_user
from folio.books.models import Book
from folio.db import make_session
from tests.conftest import OWNER, PASSWORD, sign_in_as
from tests.web.page import Page

NEW_PASSWORD = "purple elephant dancing quietly"
Browser = Callable[[], TestClient]


@pytest.fixture
def browser(engine: Engine) -> Iterator[Browser]:
    """Make more browsers (clients with their own cookies) on the same database."""
    with ExitStack() as stack:
        def make() -> TestClient:
            return stack.enter_context(TestClient(create_app(engine)))
        yield make


def value_of(html: str, element_id: str) -> str:
    """The value attribute of the element with ``element_id``."""
    for _tag, attrs in Page(html).elements:
        if attrs.get("id") == element_id:
            return attrs.get("value", "")
    raise AssertionError(f"no element #{element_id}")


def hidden(html: str, name: str) -> str:
    for tag, attrs in Page(html).elements:
        if tag == "input" and attrs.get("name") == name:
            return attrs.get("value", "")
    raise AssertionError(f"no input {name}")


def login(client: TestClient, email: str, password: str) -> Any:
    """POST the sign-in form as a browser does (with the login CSRF cookie)."""
    client.get("/login")
    return client.post("/login", data={
        "email": email, "password": password, "next": "/account",
        "login_csrf": client.cookies.get("folio_login_csrf") or ""}, follow_redirects=False)


def db_user(engine: Engine, email: str) -> User:
    with make_session(engine, actor=SYSTEM) as db:
        user = find_user(db, email)
        assert user is not None
        return user


def events(engine: Engine, action: str) -> list[AuditEvent]:
    with make_session(engine, actor=SYSTEM) as db:
        return list(db.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_the_account_page_shows_every_section(client: Any, book: Book) -> None:
    response = client.get("/account")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    text = Page(response.text).text
    for heading in ("Your account", "Profile", "Password", "Two-factor sign-in",
                    "Signed-in browsers", "API tokens", "Your books", "Acme Ltd"):
        assert heading in text
    assert OWNER in text
    assert "This browser" in text


def test_the_account_page_needs_a_sign_in(anonymous: Any) -> None:
    response = anonymous.get("/account", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/account"


@pytest.mark.parametrize(("path", "data"), [
    ("/account/profile", {"display_name": "Mallory", "language": "en"}),
    ("/account/password", {"current_password": PASSWORD, "password": NEW_PASSWORD,
                           "password_again": NEW_PASSWORD}),
    ("/account/tokens", {"name": "stolen", "scope": "write"}),
    ("/account/two-factor/disable", {"password": PASSWORD}),
    ("/account/sessions/1/revoke", {}),
    ("/books/acme/members", {"email": "mallory@example.test", "role": "owner"}),
])
def test_forms_without_the_csrf_token_are_refused(anonymous: Any, engine: Engine, book: Book,
                                                  path: str, data: dict[str, str]) -> None:
    sign_in_as(anonymous, engine, OWNER)
    token = anonymous.headers.pop("X-CSRF-Token")
    refused = anonymous.post(path, data=data, follow_redirects=False)
    assert refused.status_code == 403
    assert "CSRF" in refused.text
    wrong = anonymous.post(path, data={**data, "csrf_token": token[:-2] + "xx"},
                           follow_redirects=False)
    assert wrong.status_code == 403
    assert db_user(engine, OWNER).display_name != "Mallory"
    assert not events(engine, "token_create")
    assert not events(engine, "password_change")


def test_every_form_on_the_account_page_carries_the_csrf_token(client: Any, book: Book) -> None:
    page = Page(client.get("/account").text)
    forms = [attrs for tag, attrs in page.elements if tag == "form"
             and attrs.get("method") == "post"]
    tokens = [attrs for tag, attrs in page.elements if tag == "input"
              and attrs.get("name") == "csrf_token"]
    assert len(forms) >= 5
    assert len(tokens) == len(forms)  # the shell's forms and the page's
    assert {t["value"] for t in tokens} == {client.headers["X-CSRF-Token"]}


def test_the_form_field_carries_the_csrf_token_too(anonymous: Any, engine: Engine) -> None:
    sign_in_as(anonymous, engine, OWNER)
    token = anonymous.headers.pop("X-CSRF-Token")
    saved = anonymous.post("/account/profile", data={
        "display_name": "Olive Owner", "language": "en", "csrf_token": token},
        follow_redirects=False)
    assert saved.status_code == 303
    assert db_user(engine, OWNER).display_name == "Olive Owner"


def test_the_profile_saves_the_name_and_the_language(client: Any, engine: Engine) -> None:
    saved = client.post("/account/profile", data={"display_name": "  Ibu Olive ",
                                                   "language": "id"}, follow_redirects=False)
    assert saved.status_code == 303
    assert saved.headers["location"] == "/account?notice=profile_saved"
    assert "folio_lang=id" in saved.headers["set-cookie"]
    user = db_user(engine, OWNER)
    assert (user.display_name, user.language) == ("Ibu Olive", "id")
    page = client.get(saved.headers["location"]).text
    assert '<html lang="id"' in page
    assert "Profil Anda disimpan." in page
    [event] = events(engine, "update")
    assert event.object_type == "user"


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"display_name": "", "language": "en"}, "display_name", "Enter a name of 1 to 200"),
    ({"display_name": "x" * 201, "language": "en"}, "display_name", "Enter a name of 1 to 200"),
    ({"display_name": "Two\nlines", "language": "en"}, "display_name", "without line breaks"),
    ({"display_name": "Olive", "language": "fr"}, "language", "Choose English or Bahasa"),
])
def test_a_bad_profile_is_refused_with_the_reason(client: Any, engine: Engine,
                                                  data: dict[str, str], field: str,
                                                  message: str) -> None:
    refused = client.post("/account/profile", data=data)
    assert refused.status_code == 422
    assert message in refused.text
    assert f'id="error-{field}"' in refused.text
    assert db_user(engine, OWNER).display_name == "owner"


@pytest.mark.parametrize("name", ["<script>alert(1)</script>", "' OR 1=1 --",
                                  '"><img src=x onerror=alert(1)>'])
def test_special_characters_in_the_name_come_back_escaped(client: Any, engine: Engine,
                                                          book: Book, name: str) -> None:
    assert client.post("/account/profile", data={"display_name": name, "language": "en"},
                       follow_redirects=False).status_code == 303
    assert db_user(engine, OWNER).display_name == name
    for path in ("/account", "/books/acme/members", "/books/acme/audit"):
        html = client.get(path).text
        assert name not in html
        assert name in Page(html).text  # shown as text, exactly as typed
    assert "<script>alert(1)</script>" not in client.get("/account").text


def test_changing_the_password_signs_out_everywhere_else(client: Any, engine: Engine,
                                                         browser: Browser) -> None:
    other = browser()
    sign_in_as(other, engine, OWNER)
    api = browser()
    pair = api.post("/api/v1/auth/token", json={"email": OWNER, "password": PASSWORD}).json()
    assert other.get("/account").status_code == 200

    changed = client.post("/account/password", data={
        "current_password": PASSWORD, "password": NEW_PASSWORD,
        "password_again": NEW_PASSWORD}, follow_redirects=False)
    assert changed.status_code == 303
    assert "Your password is changed" in client.get(changed.headers["location"]).text
    # This browser stays signed in; the other browser and the API client are out.
    assert other.get("/account", follow_redirects=False).status_code == 303
    assert api.post("/api/v1/auth/refresh",
                    json={"refresh_token": pair["refresh_token"]}).status_code == 401
    assert api.get("/api/v1/me", headers={
        "Authorization": f"Bearer {pair['access_token']}"}).status_code == 401
    assert len(events(engine, "password_change")) == 1
    # Only the new password signs in.
    assert login(browser(), OWNER, PASSWORD).status_code == 401
    assert login(browser(), OWNER, NEW_PASSWORD).status_code == 303


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"current_password": "not my password at all", "password": NEW_PASSWORD,
      "password_again": NEW_PASSWORD}, "current_password", "The current password is wrong"),
    ({"current_password": PASSWORD, "password": NEW_PASSWORD,
      "password_again": NEW_PASSWORD + "!"}, "password_again", "are not the same"),
    ({"current_password": PASSWORD, "password": "short", "password_again": "short"},
     "password", "at least 12 characters"),
    ({"current_password": PASSWORD, "password": "password1234",
      "password_again": "password1234"}, "password", "too common"),
    ({"current_password": PASSWORD, "password": PASSWORD, "password_again": PASSWORD},
     "password", "different from the current one"),
])
def test_a_refused_password_change_says_why_and_changes_nothing(
        client: Any, engine: Engine, data: dict[str, str], field: str, message: str) -> None:
    before = db_user(engine, OWNER).password_hash
    refused = client.post("/account/password", data=data)
    assert refused.status_code == 422
    assert message in refused.text
    assert f'id="error-{field}"' in refused.text
    assert db_user(engine, OWNER).password_hash == before
    assert not events(engine, "password_change")


def test_it_lists_browsers_and_signs_one_out(client: Any, engine: Engine,
                                            browser: Browser) -> None:
    other = browser()
    other.headers["User-Agent"] = "Firefox on a phone"
    assert login(other, OWNER, PASSWORD).status_code == 303
    page = client.get("/account").text
    assert "Firefox on a phone" in page
    with make_session(engine, actor=SYSTEM) as db:
        theirs = db.scalar(select(WebSession).where(
            WebSession.user_agent == "Firefox on a phone"))
        assert theirs is not None
    assert Page(page).text.count("This browser") == 1
    revoked = client.post(f"/account/sessions/{theirs.id}/revoke", follow_redirects=False)
    assert revoked.status_code == 303
    assert other.get("/account", follow_redirects=False).status_code == 303
    assert client.get("/account").status_code == 200
    assert "Firefox on a phone" not in client.get("/account").text
    assert len(events(engine, "session_revoke")) == 1


def test_signing_out_this_browser_from_the_list(client: Any, engine: Engine) -> None:
    with make_session(engine, actor=SYSTEM) as db:
        [mine] = db.scalars(select(WebSession)).all()
    out = client.post(f"/account/sessions/{mine.id}/revoke", follow_redirects=False)
    assert out.headers["location"] == "/login"
    assert client.get("/account", follow_redirects=False).status_code == 303


def test_someone_elses_session_cannot_be_revoked(client: Any, engine: Engine,
                                                 browser: Browser) -> None:
    other = browser()
    sign_in_as(other, engine, "someone@example.test")
    with make_session(engine, actor=SYSTEM) as db:
        user = find_user(db, "someone@example.test")
        assert user is not None
        theirs = db.scalars(select(WebSession).where(WebSession.user_id == user.id)).one()
    assert client.post(f"/account/sessions/{theirs.id}/revoke").status_code == 404
    assert other.get("/account").status_code == 200


# -- two-factor ---------------------------------------------------------------------------

def enrol(client: Any) -> tuple[str, list[str]]:
    """Turn two-factor on through the pages; the secret and the recovery codes shown."""
    page = client.get("/account/two-factor")
    assert page.status_code == 200
    secret = Page(page.text).text.split("Type this key into the app instead:")[1].split()[0]
    assert secret == hidden(page.text, "secret")
    assert "<svg" in page.text  # the QR code, inline
    done = client.post("/account/two-factor", data={
        "secret": secret, "signature": hidden(page.text, "signature"),
        "code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200, done.text
    codes = re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", done.text)
    assert len(codes) == 10
    return secret, codes


def second_factor(client: TestClient, code: str) -> Any:
    return client.post("/login/2fa", data={"code": code, "next": "/account"},
                       follow_redirects=False)


def test_two_factor_enrolment_then_sign_in_needs_the_code(client: Any, engine: Engine,
                                                          browser: Browser) -> None:
    secret, codes = enrol(client)
    assert db_user(engine, OWNER).has_mfa
    assert len(events(engine, "mfa_enable")) == 1
    assert "Recovery codes left: 10" in client.get("/account").text

    phone = browser()
    first = login(phone, OWNER, PASSWORD)
    assert first.headers["location"].startswith("/login/2fa")
    assert phone.get("/account", follow_redirects=False).status_code == 303  # not yet
    assert second_factor(phone, "000000").status_code == 401
    # The code used at enrolment is spent; the app's next one works.
    next_code = pyotp.TOTP(secret).at(time.time() + 30)
    ok = second_factor(phone, next_code)
    assert ok.status_code == 303
    assert ok.headers["location"] == "/account"
    assert phone.get("/account").status_code == 200

    # A recovery code works once.
    lost = browser()
    login(lost, OWNER, PASSWORD)
    assert second_factor(lost, codes[0].upper()).status_code == 303
    again = browser()
    login(again, OWNER, PASSWORD)
    assert second_factor(again, codes[0]).status_code == 401
    assert "Recovery codes left: 9" in client.get("/account").text


def test_the_enrolment_secret_cannot_be_swapped(client: Any, engine: Engine) -> None:
    page = client.get("/account/two-factor").text
    mine = pyotp.random_base32()
    swapped = client.post("/account/two-factor", data={
        "secret": mine, "signature": hidden(page, "signature"),
        "code": pyotp.TOTP(mine).now()})
    assert swapped.status_code == 400
    assert "The form was changed" in swapped.text
    assert not db_user(engine, OWNER).has_mfa


def test_a_wrong_enrolment_code_keeps_the_same_secret(client: Any, engine: Engine) -> None:
    page = client.get("/account/two-factor").text
    secret = hidden(page, "secret")
    wrong = client.post("/account/two-factor", data={
        "secret": secret, "signature": hidden(page, "signature"), "code": "12345"})
    assert wrong.status_code == 422
    assert "That code does not match" in wrong.text
    assert hidden(wrong.text, "secret") == secret
    assert not db_user(engine, OWNER).has_mfa


def test_two_factor_off_needs_the_password(client: Any, engine: Engine,
                                           browser: Browser) -> None:
    enrol(client)
    refused = client.post("/account/two-factor/disable", data={"password": "guess guess guess"})
    assert refused.status_code == 422
    assert "The password is wrong" in refused.text
    assert db_user(engine, OWNER).has_mfa
    off = client.post("/account/two-factor/disable", data={"password": PASSWORD},
                      follow_redirects=False)
    assert off.status_code == 303
    assert not db_user(engine, OWNER).has_mfa
    assert login(browser(), OWNER, PASSWORD).headers["location"] == "/account"


def test_new_recovery_codes_replace_the_old_ones(client: Any, engine: Engine,
                                                 browser: Browser) -> None:
    _secret, old = enrol(client)
    assert client.post("/account/two-factor/recovery-codes",
                       data={"password": "wrong wrong wrong"}).status_code == 422
    fresh = client.post("/account/two-factor/recovery-codes", data={"password": PASSWORD})
    assert fresh.status_code == 200
    new = re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", fresh.text)
    assert len(new) == 10
    assert not set(new) & set(old)
    phone = browser()
    login(phone, OWNER, PASSWORD)
    assert second_factor(phone, old[1]).status_code == 401
    assert second_factor(phone, new[1]).status_code == 303


# -- API tokens ---------------------------------------------------------------------------

def test_a_token_is_shown_once_and_works_until_revoked(client: Any, engine: Engine,
                                                      browser: Browser) -> None:
    made = client.post("/account/tokens", data={"name": "Bank sync <b>", "scope": "read",
                                                "expires_in_days": "30"})
    assert made.status_code == 200
    secret = value_of(made.text, "new-token-secret")
    assert secret.startswith("folio_pat_")
    assert "Bank sync &lt;b&gt;" in made.text
    listing = client.get("/account").text
    assert secret not in listing
    assert secret[:16] in listing  # the prefix tells tokens apart

    script = browser()
    me = script.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status_code == 200
    assert me.json()["email"] == OWNER
    # A read token may not write.
    assert script.post("/api/v1/me/tokens", json={"name": "x"},
                       headers={"Authorization": f"Bearer {secret}"}).status_code == 403

    with make_session(engine, actor=SYSTEM) as db:
        from folio.auth.models import ApiToken

        token_id = db.scalar(select(ApiToken.id).where(ApiToken.name == "Bank sync <b>"))
    revoked = client.post(f"/account/tokens/{token_id}/revoke", follow_redirects=False)
    assert revoked.status_code == 303
    assert "revoked" in client.get(revoked.headers["location"]).text
    assert script.get("/api/v1/me", headers={
        "Authorization": f"Bearer {secret}"}).status_code == 401


@pytest.mark.parametrize(("data", "field"), [
    ({"name": "", "scope": "read"}, "name"),
    ({"name": "x", "scope": "admin"}, "scope"),
    ({"name": "x", "scope": "read", "expires_in_days": "soon"}, "expires_in_days"),
    ({"name": "x", "scope": "read", "expires_in_days": "0"}, "expires_in_days"),
])
def test_a_bad_token_form_is_refused(client: Any, engine: Engine, data: dict[str, str],
                                     field: str) -> None:
    refused = client.post("/account/tokens", data=data)
    assert refused.status_code == 422
    assert f'id="error-{field}"' in refused.text
    assert "folio_pat_" not in refused.text
    assert not events(engine, "token_create")


def test_someone_elses_token_cannot_be_revoked(client: Any, engine: Engine,
                                               session: Session) -> None:
    from folio.auth.tokens import create_api_token
    from tests.conftest import ensure_user

    token, _plain = create_api_token(session, ensure_user(session, "eve@example.test"), "eve")
    session.commit()
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 404

"""Signing in on the web: the login form, the session cookie, CSRF, signing out, headers."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from folio.auth.sessions import cookie_name
from folio.books.models import Book
from folio.settings import get_settings
from tests.conftest import OWNER, PASSWORD, sign_in_as


def _login(client: TestClient, email: str = OWNER, password: str = PASSWORD,
           next_path: str = "/") -> Any:
    form = client.get(f"/login?next={next_path}")
    token = re.search(r'name="login_csrf" value="([^"]+)"', form.text)
    assert token is not None
    return client.post("/login", data={"email": email, "password": password,
                                       "login_csrf": token.group(1), "next": next_path},
                       follow_redirects=False)


def test_a_visitor_is_sent_to_sign_in_and_back_to_the_page_afterwards(
        anonymous: TestClient, book: Book) -> None:
    response = anonymous.get("/books/acme/journal", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/books/acme/journal"
    signed_in = _login(anonymous, next_path="/books/acme/journal")
    assert signed_in.status_code == 303
    assert signed_in.headers["location"] == "/books/acme/journal"
    cookie = signed_in.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "samesite=lax" in cookie.lower()
    page = anonymous.get("/books/acme/journal")
    assert page.status_code == 200
    assert "Sign out" in page.text


def test_a_wrong_password_shows_one_message_for_every_cause(anonymous: TestClient,
                                                            book: Book) -> None:
    wrong = _login(anonymous, password="not my password")
    unknown = _login(anonymous, email="nobody@example.test", password="not my password")
    assert wrong.status_code == unknown.status_code == 401
    assert "Wrong email or password" in wrong.text
    assert "Wrong email or password" in unknown.text
    assert cookie_name() not in wrong.headers.get("set-cookie", "")


def test_the_login_form_needs_its_own_csrf_value(anonymous: TestClient, book: Book) -> None:
    anonymous.get("/login")
    forged = anonymous.post("/login", data={"email": OWNER, "password": PASSWORD,
                                            "login_csrf": "made-up"}, follow_redirects=False)
    assert forged.status_code == 400
    assert cookie_name() not in forged.headers.get("set-cookie", "")


def test_the_next_parameter_never_leaves_the_site(anonymous: TestClient, book: Book) -> None:
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        assert _login(anonymous, next_path=target).headers["location"] == "/"
        anonymous.cookies.clear()


@pytest.mark.parametrize("csrf", [None, "wrong-token"], ids=["missing", "wrong"])
def test_a_form_post_without_the_right_csrf_token_changes_nothing(
        anonymous: TestClient, engine: Engine, book: Book, csrf: str | None,
        counts: Any) -> None:
    sign_in_as(anonymous, engine, OWNER)
    del anonymous.headers["X-CSRF-Token"]
    data = {"code": "7777", "name": "Petty cash", "type": "asset"}
    if csrf is not None:
        data["csrf_token"] = csrf
    before = counts()
    page = anonymous.post("/books/acme/accounts", data=data)
    assert page.status_code == 403
    assert "CSRF" in page.text
    api = anonymous.post("/api/v1/books/acme/accounts", json=data)
    assert api.status_code == 403
    assert api.headers["content-type"] == "application/problem+json"
    assert counts() == before


def test_the_csrf_token_in_the_page_is_accepted(anonymous: TestClient, engine: Engine,
                                                book: Book) -> None:
    sign_in_as(anonymous, engine, OWNER)
    del anonymous.headers["X-CSRF-Token"]
    page = anonymous.get("/books/acme/accounts")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    response = anonymous.post("/books/acme/accounts", follow_redirects=False, data={
        "code": "7777", "name": "Petty cash", "type": "asset", "csrf_token": token.group(1)})
    assert response.status_code == 303


def test_signing_out_ends_the_session_for_good(client: TestClient, book: Book) -> None:
    stolen = client.cookies.get(cookie_name())
    response = client.post("/logout", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    replay = TestClient(client.app, cookies={cookie_name(): stolen or ""})
    assert replay.get("/books/acme", follow_redirects=False).status_code == 303


def test_every_response_carries_the_security_headers(client: TestClient, book: Book) -> None:
    for path in ("/books/acme", "/api/v1/books", "/login"):
        headers = client.get(path).headers
        assert "default-src 'self'" in headers["content-security-policy"]
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert headers["x-frame-options"] == "DENY"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"
        assert "strict-transport-security" not in headers  # only in production


def test_production_adds_hsts_and_secure_host_cookies(engine: Engine, book: Book,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from folio.app import create_app

    monkeypatch.setenv("FOLIO_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "k" * 20 + "-production-grade-key-xyz")
    get_settings.cache_clear()
    try:
        with TestClient(create_app(engine), base_url="https://testserver") as https:
            assert "max-age=" in https.get("/login").headers["strict-transport-security"]
            response = _login(https)
            cookie = response.headers["set-cookie"]
            assert cookie.startswith("__Host-folio_session=")
            assert "Secure" in cookie
    finally:
        get_settings.cache_clear()


def _request(peer: str, forwarded: str) -> Any:
    from starlette.requests import Request

    return Request({"type": "http", "method": "GET", "path": "/", "client": (peer, 50000),
                    "headers": [(b"x-forwarded-for", forwarded.encode())]})


@pytest.mark.parametrize(("peer", "forwarded", "expected"), [
    ("203.0.113.5", "198.51.100.9", "203.0.113.5"),  # not a proxy of ours: header ignored
    ("10.0.0.5", "198.51.100.9", "198.51.100.9"),
    ("10.0.0.5", "6.6.6.6, 198.51.100.9, 10.0.0.7", "198.51.100.9"),  # spoofed left part
    ("10.0.0.5", "10.0.0.9", "10.0.0.5"),  # only proxies: the nearest one
    ("10.0.0.5", "not-an-address", "10.0.0.5"),
    ("::1", "2001:db8::1", "2001:db8::1"),
])
def test_the_client_address_comes_through_trusted_proxies_only(
        monkeypatch: pytest.MonkeyPatch, peer: str, forwarded: str, expected: str) -> None:
    from folio.auth.principal import client_ip

    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.0/8, ::1")
    get_settings.cache_clear()
    try:
        assert client_ip(_request(peer, forwarded)) == expected
    finally:
        get_settings.cache_clear()


def test_a_bad_trusted_proxy_list_stops_the_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.0/8, proxy.example")
    get_settings.cache_clear()
    try:
        with pytest.raises(ValueError, match="TRUSTED_PROXIES"):
            get_settings()
    finally:
        monkeypatch.delenv("TRUSTED_PROXIES")
        get_settings.cache_clear()


@pytest.mark.parametrize("name", ["<script>alert(1)</script>", "' OR 1=1 --", 'a"b&c'])
def test_names_with_html_or_sql_come_back_escaped(client: TestClient, book: Book,
                                                  name: str) -> None:
    response = client.post("/books/acme/accounts", follow_redirects=False,
                           data={"code": "7777", "name": name, "type": "asset"})
    assert response.status_code == 303
    page = client.get("/books/acme/accounts").text
    assert name not in page or name == "' OR 1=1 --"
    assert "<script>alert(1)</script>" not in page
    api = client.get("/api/v1/books/acme/accounts").json()
    assert any(a["name"] == name for a in api)

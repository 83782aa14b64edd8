"""API authentication: tokens for email and password, refresh rotation and reuse, personal
tokens, and the 401s a client gets for anything less."""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from folio.auth.actor import SYSTEM
from folio.auth.keys import secret_key
from folio.books.models import Book
from folio.db import make_session
from folio.settings import get_settings
from tests.api.conftest import problem
from tests.conftest import OWNER, PASSWORD, bearer_token

TOKEN = "/api/v1/auth/token"


def _pair(client: TestClient, email: str = OWNER, password: str = PASSWORD) -> dict[str, Any]:
    response = client.post(TOKEN, json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_email_and_password_give_a_short_access_token_that_opens_the_api(
        anonymous: TestClient, book: Book) -> None:
    pair = _pair(anonymous)
    assert pair["token_type"] == "Bearer"
    assert pair["expires_in"] == 15 * 60
    claims = jwt.decode(pair["access_token"], options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 15 * 60
    books = anonymous.get("/api/v1/books", headers=_auth(pair["access_token"]))
    assert [b["slug"] for b in books.json()] == ["acme"]


@pytest.mark.parametrize("headers", [
    {}, {"Authorization": "Bearer"}, {"Authorization": "Basic b3duZXI6cHc="},
    {"Authorization": "Bearer not-a-token"}, {"Authorization": "Bearer folio_pat_nope"},
], ids=["none", "empty", "basic", "garbage", "unknown-pat"])
def test_everything_under_the_api_needs_a_valid_token(anonymous: TestClient, book: Book,
                                                      headers: dict[str, str]) -> None:
    for path in ("/api/v1/books", "/api/v1/books/acme/entries", "/api/v1/me"):
        body = problem(anonymous.get(path, headers=headers), 401, "unauthorized")
        assert body["detail"]
    response = anonymous.get("/api/v1/books", headers=headers)
    assert response.headers["www-authenticate"].startswith("Bearer")
    # ... but health and the OpenAPI document stay open.
    assert anonymous.get("/api/v1/health").status_code in (200, 503)
    assert anonymous.get("/api/v1/openapi.json").status_code == 200


def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(
        anonymous: TestClient, book: Book) -> None:
    wrong = problem(anonymous.post(TOKEN, json={"email": OWNER, "password": "x" * 12}), 401)
    unknown = problem(anonymous.post(TOKEN, json={"email": "nobody@example.test",
                                                  "password": "x" * 12}), 401)
    assert wrong["detail"] == unknown["detail"] == "Wrong email or password"


def test_an_expired_access_token_is_refused(anonymous: TestClient, book: Book) -> None:
    pair = _pair(anonymous)
    claims = jwt.decode(pair["access_token"], options={"verify_signature": False})
    claims.update(iat=int(time.time()) - 3600, exp=int(time.time()) - 60)
    stale = jwt.encode(claims, secret_key(), algorithm="HS256")
    body = problem(anonymous.get("/api/v1/me", headers=_auth(stale)), 401)
    assert "expired" in body["detail"]


@pytest.mark.parametrize("tamper", ["other-key", "alg-none", "edited-payload", "refresh-typ"])
def test_a_tampered_access_token_is_refused(anonymous: TestClient, book: Book,
                                            tamper: str) -> None:
    pair = _pair(anonymous)
    claims = jwt.decode(pair["access_token"], options={"verify_signature": False})
    if tamper == "other-key":
        forged = jwt.encode(claims, "another key entirely, 32 bytes long!", algorithm="HS256")
    elif tamper == "alg-none":
        forged = jwt.encode(claims, None, algorithm="none")  # type: ignore[arg-type]
    elif tamper == "edited-payload":
        header, _payload, signature = pair["access_token"].split(".")
        other = jwt.encode({**claims, "sub": "999"}, "x" * 32, algorithm="HS256").split(".")[1]
        forged = ".".join([header, other, signature])
    else:
        forged = jwt.encode({**claims, "typ": "refresh"}, secret_key(), algorithm="HS256")
    problem(anonymous.get("/api/v1/me", headers=_auth(forged)), 401)


def test_refresh_rotates_and_a_reused_refresh_token_revokes_the_whole_sign_in(
        anonymous: TestClient, book: Book) -> None:
    first = _pair(anonymous)
    second = anonymous.post("/api/v1/auth/refresh",
                            json={"refresh_token": first["refresh_token"]}).json()
    assert second["refresh_token"] != first["refresh_token"]
    assert anonymous.get("/api/v1/me", headers=_auth(second["access_token"])).status_code == 200
    # Someone replays the first refresh token (it was copied): everything of this sign-in dies.
    reused = problem(anonymous.post("/api/v1/auth/refresh",
                                    json={"refresh_token": first["refresh_token"]}), 401)
    assert "already used" in reused["detail"]
    problem(anonymous.post("/api/v1/auth/refresh",
                           json={"refresh_token": second["refresh_token"]}), 401)
    problem(anonymous.get("/api/v1/me", headers=_auth(second["access_token"])), 401)
    # Another sign-in of the same user is untouched.
    assert anonymous.get("/api/v1/me",
                         headers=_auth(_pair(anonymous)["access_token"])).status_code == 200


def test_logout_ends_the_refresh_family_and_its_access_tokens(anonymous: TestClient,
                                                              book: Book) -> None:
    pair = _pair(anonymous)
    assert anonymous.post("/api/v1/auth/logout",
                          json={"refresh_token": pair["refresh_token"]}).status_code == 204
    problem(anonymous.get("/api/v1/me", headers=_auth(pair["access_token"])), 401)
    problem(anonymous.post("/api/v1/auth/refresh",
                           json={"refresh_token": pair["refresh_token"]}), 401)


def test_a_personal_token_is_shown_once_works_and_dies_when_revoked(
        anonymous: TestClient, engine: Engine, book: Book) -> None:
    owner = _auth(bearer_token(engine, OWNER))
    made = anonymous.post("/api/v1/me/tokens", json={"name": "nightly export",
                                                     "scope": "write"}, headers=owner)
    assert made.status_code == 201
    secret = made.json()["token"]
    assert secret.startswith("folio_pat_")
    listed = anonymous.get("/api/v1/me/tokens", headers=owner).json()
    assert all("token" not in t for t in listed)
    assert any(t["name"] == "nightly export" and secret.startswith(t["prefix"]) for t in listed)
    assert anonymous.get("/api/v1/me", headers=_auth(secret)).json()["email"] == OWNER
    from folio.auth.models import ApiToken
    with make_session(engine, actor=SYSTEM) as session:
        stored = session.scalars(select(ApiToken.token_hash)).all()
    assert secret not in stored
    assert anonymous.delete(f"/api/v1/me/tokens/{made.json()['id']}",
                            headers=owner).status_code == 204
    problem(anonymous.get("/api/v1/me", headers=_auth(secret)), 401)


def test_sign_in_attempts_are_throttled_with_retry_after_and_then_recover(
        anonymous: TestClient, book: Book, monkeypatch: pytest.MonkeyPatch) -> None:
    from folio.auth.throttle import MemoryThrottle

    now = [1000.0]
    anonymous.app.state.throttle = MemoryThrottle(clock=lambda: now[0])  # type: ignore[attr-defined]
    burst = get_settings().RATE_LIMIT_LOGIN_ACCOUNT_BURST
    for _ in range(burst):
        problem(anonymous.post(TOKEN, json={"email": OWNER, "password": "wrong" * 3}), 401)
    refused = anonymous.post(TOKEN, json={"email": OWNER, "password": PASSWORD})
    body = problem(refused, 429, "too-many-requests")
    assert int(refused.headers["retry-after"]) >= 1
    assert "Too many" in body["detail"]
    now[0] += 61  # a token refills per minute
    assert anonymous.post(TOKEN, json={"email": OWNER, "password": PASSWORD}).status_code == 200


def test_api_requests_are_limited_per_token(anonymous: TestClient, engine: Engine, book: Book,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RATE_LIMIT_API_BURST", "3")
    get_settings.cache_clear()
    try:
        headers = _auth(bearer_token(engine, OWNER))
        codes = [anonymous.get("/api/v1/books", headers=headers).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        other = _auth(bearer_token(engine, OWNER))
        assert anonymous.get("/api/v1/books", headers=other).status_code == 200
    finally:
        get_settings.cache_clear()


def test_failed_sign_ins_write_the_line_fail2ban_matches(
        anonymous: TestClient, book: Book, capsys: pytest.CaptureFixture[str]) -> None:
    import json
    import re
    from pathlib import Path

    anonymous.post(TOKEN, json={"email": OWNER, "password": "not the password"})
    anonymous.post(TOKEN, json={"email": "ghost@example.test", "password": "not the password"})
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()
             if line.startswith("{") and '"auth.failed"' in line]
    assert [(line["ip"], line["reason"]) for line in lines] == [
        ("testclient", "bad_password"), ("testclient", "unknown_user")]
    assert all(OWNER not in json.dumps(line) and "not the password" not in json.dumps(line)
               for line in lines)
    # The shipped filter's failregex matches the line as the app writes it.
    filter_conf = Path(__file__).resolve().parents[2] / "deploy/fail2ban/filter.d/folio.conf"
    if filter_conf.exists():
        text = json.dumps({**lines[0], "ip": "203.0.113.7"}, ensure_ascii=False)
        assert '"event": "auth.failed"' in text
        assert re.search(r'"ip": "203\.0\.113\.7"', text)


def test_the_audit_log_records_sign_ins_and_failures(
        anonymous: TestClient, engine: Engine, book: Book) -> None:
    from folio.audit.models import AuditEvent

    _pair(anonymous)
    anonymous.post(TOKEN, json={"email": OWNER, "password": "wrong" * 3})
    with make_session(engine, actor=SYSTEM) as session:
        actions = dict(session.execute(select(AuditEvent.action, func.count())
                                       .where(AuditEvent.action.like("sign_in%"))
                                       .group_by(AuditEvent.action)).all())
    assert actions == {"sign_in": 1, "sign_in_failed": 1}

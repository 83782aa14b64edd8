"""Unexpected exceptions become error groups: one per fingerprint, counted, no secrets."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.engine import Engine

from folio.app import create_app
from folio.auth.actor import SYSTEM
from folio.db import create_folio_engine, transaction
from folio.ops.errortrack import ErrorGroup, fingerprint, record_exception
from tests.conftest import OWNER, sign_in_as

LEAKY_URL = "postgresql://folio:hunter2-db-password@db.internal/folio"


class LedgerJammed(Exception):
    pass


def explode(kind: str, n: int) -> None:
    """Two raise sites on different lines of one function: one group."""
    if kind == "jam":
        raise LedgerJammed(f"ledger jammed at entry {n}")
    if kind == "leak":
        raise RuntimeError(f"could not connect to {LEAKY_URL}")
    if n % 2:
        raise ValueError(f"odd input {n}")
    raise ValueError(f"even input {n}")


failing = APIRouter()


@failing.get("/api/v1/test-errors/{kind}")
def fail_on_purpose(kind: str, n: int = 0) -> None:
    explode(kind, n)


@pytest.fixture
def app(engine: Engine) -> FastAPI:
    made = create_app(engine)
    made.include_router(failing)
    return made


@pytest.fixture
def http(app: FastAPI, engine: Engine) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        sign_in_as(test_client, engine, OWNER)
        yield test_client


def groups(engine: Engine) -> list[ErrorGroup]:
    with transaction(engine, write=False, actor=SYSTEM) as session:
        return list(session.scalars(select(ErrorGroup).order_by(ErrorGroup.id)))


def test_an_unexpected_exception_makes_one_group_and_the_same_one_counts(
        http: TestClient, engine: Engine) -> None:
    first = http.get("/api/v1/test-errors/value?n=1", headers={"X-Request-ID": "rid-1"})
    second = http.get("/api/v1/test-errors/value?n=2", headers={"X-Request-ID": "rid-2"})
    assert first.status_code == second.status_code == 500

    [group] = groups(engine)
    assert group.count == 2
    assert group.type == "ValueError"
    assert group.message == "even input 2"  # the latest
    assert group.last_request_id == "rid-2"
    assert group.last_route == "/api/v1/test-errors/{kind}"
    assert group.first_seen <= group.last_seen
    assert "in explode" in group.last_traceback
    assert 'raise ValueError(f"even input {n}")' in group.last_traceback
    assert len(group.fingerprint) == 64


def test_another_exception_makes_another_group(http: TestClient, engine: Engine) -> None:
    http.get("/api/v1/test-errors/value?n=1")
    http.get("/api/v1/test-errors/jam?n=7")
    http.get("/api/v1/test-errors/jam?n=8")
    found = {g.type: g.count for g in groups(engine)}
    assert found == {"ValueError": 1, "tests.ops.test_errortrack.LedgerJammed": 2}


def test_the_problem_response_is_unchanged(http: TestClient) -> None:
    response = http.get("/api/v1/test-errors/jam")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == {
        "type": "https://folio.invalid/problems/http-500", "title": "Internal server error",
        "status": 500, "detail": "An unexpected error occurred; it has been logged.",
        "instance": "/api/v1/test-errors/jam"}


def test_secrets_in_the_message_are_blanked(http: TestClient, engine: Engine) -> None:
    http.get("/api/v1/test-errors/leak")
    [group] = groups(engine)
    assert "hunter2" not in group.message + group.last_traceback
    assert "postgresql://folio:***@db.internal/folio" in group.message


def test_the_fingerprint_ignores_line_numbers_and_messages() -> None:
    caught = []
    for kind, n in (("value", 1), ("value", 2), ("jam", 1)):
        try:
            explode(kind, n)
        except Exception as exc:
            caught.append(exc)
    odd, even, jam = (fingerprint(e) for e in caught)
    assert odd == even
    assert jam != odd


def test_a_long_traceback_is_cut_to_its_innermost_part(engine: Engine) -> None:
    def ping(n: int) -> None:  # two functions in turn: Python folds a repeated frame
        if n == 0:
            raise RecursionError("bottom")
        pong(n - 1)

    def pong(n: int) -> None:
        ping(n)

    try:
        ping(300)
    except RecursionError as exc:
        record_exception(engine, exc, "/deep", "rid")
    [group] = groups(engine)
    assert len(group.last_traceback) <= 20_100
    assert group.last_traceback.startswith("...(truncated)")
    assert group.last_traceback.rstrip().endswith("RecursionError: bottom")


def test_recording_never_raises_when_the_database_is_gone(
        caplog: pytest.LogCaptureFixture) -> None:
    gone = create_folio_engine("sqlite:////nonexistent-folio-dir/x/folio.db")
    try:
        raise RuntimeError("boom")
    except RuntimeError as exc:
        recorded = record_exception(gone, exc)
    assert recorded is None
    assert "could not record an error group" in caplog.text

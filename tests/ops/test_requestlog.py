"""The request log: rows by route template with user and address, written in batches."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from folio.app import create_app
from folio.auth.actor import SYSTEM
from folio.auth.models import User
from folio.books.models import Book
from folio.db import transaction
from folio.ops import requestlog
from folio.ops.errortrack import ErrorGroup
from folio.ops.jobs import JobRun, run_job
from folio.ops.requestlog import RequestLog, RequestLogWriter
from folio.settings import get_settings
from tests.conftest import OWNER, Cli, said, sign_in_as
from tests.ops.backup_fixtures import backup_settings


@pytest.fixture
def log_on(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """REQUEST_LOG_ENABLED=true (the test environment leaves it off by default)."""
    monkeypatch.setenv("REQUEST_LOG_ENABLED", "true")
    get_settings.cache_clear()
    yield
    monkeypatch.delenv("REQUEST_LOG_ENABLED")
    get_settings.cache_clear()


@pytest.fixture
def app(engine: Engine, log_on: None) -> FastAPI:
    return create_app(engine)


@pytest.fixture
def logged(app: FastAPI, engine: Engine) -> Iterator[TestClient]:
    """A signed-in client of an app that keeps a request log."""
    with TestClient(app) as test_client:
        sign_in_as(test_client, engine, OWNER)
        yield test_client


def rows(engine: Engine) -> list[RequestLog]:
    with transaction(engine, write=False, actor=SYSTEM) as session:
        return list(session.scalars(select(RequestLog).order_by(RequestLog.id)))


def owner_id(engine: Engine) -> int:
    with transaction(engine, write=False, actor=SYSTEM) as session:
        return session.scalars(select(User.id).where(User.email == OWNER)).one()


def test_a_request_is_logged_by_its_route_template_with_its_user(
        logged: TestClient, app: FastAPI, engine: Engine, book: Book) -> None:
    response = logged.get("/api/v1/books/acme/accounts?access_token=sekrit-token-123",
                          headers={"X-Request-ID": "req-abc-1"})
    assert response.status_code == 200
    requestlog.flush(app)

    [row] = [r for r in rows(engine) if r.route.endswith("/accounts")]
    assert (row.method, row.route, row.status) == ("GET", "/api/v1/books/{slug}/accounts", 200)
    assert row.user_id == owner_id(engine)
    assert row.request_id == "req-abc-1"
    assert row.ip == "testclient"
    assert row.duration_ms > 0
    assert abs((datetime.now(UTC) - row.at.replace(tzinfo=UTC)).total_seconds()) < 60
    everything = " ".join(f"{r.route} {r.ip} {r.request_id}" for r in rows(engine))
    assert "sekrit" not in everything
    assert "acme" not in everything


def test_an_anonymous_request_has_no_user(app: FastAPI, engine: Engine) -> None:
    with TestClient(app) as anonymous:
        anonymous.get("/no/such/page")
        requestlog.flush(app)
    [row] = rows(engine)
    assert (row.route, row.status, row.user_id) == ("<unmatched>", 404, None)


def test_probes_metrics_and_static_files_are_not_logged(logged: TestClient, app: FastAPI,
                                                        engine: Engine) -> None:
    assert logged.get("/health").status_code == 200
    assert logged.get("/api/v1/health").status_code == 200
    logged.get("/metrics")
    assert logged.get("/static/folio.css").status_code == 200
    requestlog.flush(app)
    assert rows(engine) == []


def test_the_app_writes_what_is_queued_when_it_stops(app: FastAPI, engine: Engine) -> None:
    with TestClient(app) as anonymous:
        for n in range(3):
            anonymous.get(f"/nothing-{n}")
    # No flush() here: the lifespan's shutdown wrote the rows.
    assert [r.status for r in rows(engine)] == [404, 404, 404]


def test_rows_are_written_in_batches_off_the_request_path(engine: Engine) -> None:
    writer = RequestLogWriter(engine, interval=0.05, batch=10)
    now = datetime.now(UTC)
    for n in range(25):
        assert writer.put({"at": now, "method": "GET", "route": f"/r{n}", "status": 200,
                           "duration_ms": 1.5, "user_id": None, "ip": "", "request_id": ""})
    assert rows(engine) == []  # nothing touched the database while queueing
    writer.start()
    try:
        deadline = datetime.now(UTC) + timedelta(seconds=10)
        while len(rows(engine)) < 25 and datetime.now(UTC) < deadline:
            import time

            time.sleep(0.05)
    finally:
        writer.stop()
    assert sorted(r.route for r in rows(engine)) == sorted(f"/r{n}" for n in range(25))


def test_a_full_queue_drops_rows_and_counts_them(engine: Engine) -> None:
    before = REGISTRY.get_sample_value("folio_request_log_dropped_total") or 0
    writer = RequestLogWriter(engine, max_queue=2)
    row = {"at": datetime.now(UTC), "method": "GET", "route": "/x", "status": 200,
           "duration_ms": 1.0, "user_id": None, "ip": "", "request_id": ""}
    assert [writer.put(dict(row)) for _ in range(5)] == [True, True, False, False, False]
    assert writer.dropped == 3
    assert REGISTRY.get_sample_value("folio_request_log_dropped_total") == before + 3
    assert writer.flush() == 2
    assert len(rows(engine)) == 2


def test_request_log_enabled_false_turns_it_off(engine: Engine,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REQUEST_LOG_ENABLED", "false")
    get_settings.cache_clear()
    try:
        app = create_app(engine)
        with TestClient(app) as anonymous:
            anonymous.get("/nothing")
            assert requestlog.flush(app) == 0
        assert app.state.request_log is None
    finally:
        monkeypatch.delenv("REQUEST_LOG_ENABLED")
        get_settings.cache_clear()
    assert rows(engine) == []


def _age(engine: Engine, now: datetime) -> None:
    """A fresh and an old row in each table the prune job cleans."""
    old_log, old_error, old_run = (now - timedelta(days=31), now - timedelta(days=91),
                                   now - timedelta(days=91))
    with transaction(engine, actor=SYSTEM) as session:
        for at, route in ((old_log, "/old"), (now - timedelta(days=29), "/new")):
            session.add(RequestLog(at=at, method="GET", route=route, status=200,
                                   duration_ms=1.0, ip="", request_id=""))
        for seen, name in ((old_error, "old"), (now - timedelta(days=89), "new")):
            session.add(ErrorGroup(fingerprint=name * 8, type="RuntimeError", message=name,
                                   count=1, first_seen=seen, last_seen=seen,
                                   last_traceback="", last_request_id="", last_route=""))
        for started, name in ((old_run, "old-job"), (now - timedelta(days=1), "new-job")):
            session.add(JobRun(name=name, started_at=started, duration_ms=1, status="ok",
                               trigger="cli", records=0, message="", error=""))


def _left(engine: Engine) -> tuple[list[str], list[str], list[str]]:
    with transaction(engine, write=False, actor=SYSTEM) as session:
        return (list(session.scalars(select(RequestLog.route))),
                list(session.scalars(select(ErrorGroup.message))),
                sorted(session.scalars(select(JobRun.name))))


def test_the_prune_job_deletes_only_rows_past_their_retention(engine: Engine,
                                                              tmp_path: Path) -> None:
    _age(engine, datetime.now(UTC))
    run = run_job("prune-logs", engine, backup_settings(tmp_path))
    assert run is not None
    assert run.status == "ok", run.error
    assert run.records == 3
    routes, errors, jobs_left = _left(engine)
    assert routes == ["/new"]
    assert errors == ["new"]
    assert jobs_left == ["new-job", "prune-logs"]


def test_a_retention_of_zero_keeps_everything(engine: Engine, tmp_path: Path) -> None:
    _age(engine, datetime.now(UTC))
    settings = backup_settings(tmp_path, REQUEST_LOG_RETENTION_DAYS=0, ERROR_RETENTION_DAYS=0,
                               JOB_RUN_RETENTION_DAYS=0)
    assert requestlog.prune(engine, settings) == {"request_log": 0, "error_groups": 0,
                                                  "job_runs": 0}
    routes, errors, _jobs = _left(engine)
    assert sorted(routes) == ["/new", "/old"]
    assert sorted(errors) == ["new", "old"]


def test_folio_jobs_run_prune_logs(cli: Cli, engine: Engine) -> None:
    _age(engine, datetime.now(UTC))
    result = cli("jobs", "run", "prune-logs")
    assert result.exit_code == 0, said(result)
    assert "prune-logs: ok" in said(result)
    assert "1 request_log" in said(result)
    with transaction(engine, write=False, actor=SYSTEM) as session:
        assert session.scalar(select(func.count()).select_from(RequestLog)) == 1


def test_the_scheduler_runs_the_prune_job_daily(tmp_path: Path) -> None:
    from folio.ops.jobs import jobs

    assert jobs()["prune-logs"].every(backup_settings(tmp_path)) == 24 * 60

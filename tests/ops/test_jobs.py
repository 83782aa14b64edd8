"""Jobs: one run at a time across processes, every run recorded, the scheduler's rules."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from folio.errors import NotFound
from folio.ops import jobs
from folio.ops.jobs import Outcome, job_lock, recent_runs, run_job
from folio.ops.scheduler import build_scheduler
from folio.settings import Settings
from tests.ops.backup_fixtures import backup_settings, need_pg_tools

started = threading.Event()
release = threading.Event()


@pytest.fixture
def slow_job() -> Iterator[str]:
    """A job that waits until the test lets it finish."""
    started.clear()
    release.clear()

    @jobs.job("test-slow", description="waits for the test", every=lambda s: 60)
    def _slow(engine: Engine, settings: Settings) -> Outcome:
        started.set()
        release.wait(20)
        return Outcome(records=3, message="did three things")

    yield "test-slow"
    jobs.REGISTRY.pop("test-slow", None)


@pytest.fixture
def broken_job() -> Iterator[str]:
    @jobs.job("test-broken", description="always fails")
    def _broken(engine: Engine, settings: Settings) -> Outcome:
        raise RuntimeError("the disk is full")

    yield "test-broken"
    jobs.REGISTRY.pop("test-broken", None)


def test_a_run_is_recorded_with_its_outcome(engine: Engine, slow_job: str,
                                            settings: Settings) -> None:
    release.set()
    run = run_job(slow_job, engine, settings, trigger="cli")
    assert run is not None
    assert (run.status, run.records, run.message, run.trigger) == (
        "ok", 3, "did three things", "cli")
    assert run.duration_ms >= 0
    assert [r.id for r in recent_runs(engine, slow_job)] == [run.id]


def test_a_failing_job_is_recorded_with_its_error(engine: Engine, broken_job: str,
                                                 settings: Settings) -> None:
    run = run_job(broken_job, engine, settings)
    assert run is not None
    assert run.status == "failed"
    assert run.message == "the disk is full"
    assert "RuntimeError: the disk is full" in run.error


def test_an_unknown_job_is_not_found(engine: Engine, settings: Settings) -> None:
    with pytest.raises(NotFound, match=r"no job called 'nope'.*backup"):
        run_job("nope", engine, settings)


def test_a_second_concurrent_run_is_skipped(engine: Engine, slow_job: str,
                                           settings: Settings) -> None:
    results: list[jobs.JobRun | None] = []
    first = threading.Thread(target=lambda: results.append(
        run_job(slow_job, engine, settings, trigger="cron")))
    first.start()
    try:
        assert started.wait(20)
        second = run_job(slow_job, engine, settings, trigger="cli")
        # From the scheduler, a job running elsewhere is simply not this process's turn.
        assert run_job(slow_job, engine, settings, trigger="scheduler") is None
    finally:
        release.set()
        first.join(20)
    assert second is not None
    assert second.status == "skipped"
    assert "another process" in second.message
    assert results[0] is not None
    assert results[0].status == "ok"
    # Once the first run is over the lock is free again.
    third = run_job(slow_job, engine, settings)
    assert third is not None
    assert third.status == "ok"


def test_the_lock_is_exclusive_and_released(engine: Engine) -> None:
    with job_lock(engine, "test-lock") as held:
        assert held
        outcome: list[bool] = []

        def other() -> None:
            with job_lock(engine, "test-lock") as other_held:
                outcome.append(other_held)

        thread = threading.Thread(target=other)
        thread.start()
        thread.join(20)
        assert outcome == [False]
    with job_lock(engine, "test-lock") as again:
        assert again


def test_a_lock_left_by_a_dead_process_does_not_block_forever(engine: Engine) -> None:
    if engine.dialect.name == "sqlite":
        # The row of a process that died mid-run stays until it expires.
        with job_lock(engine, "test-expiry", minutes=-1) as held:
            assert held
            with job_lock(engine, "test-expiry") as taken_over:
                assert taken_over
        return
    # PostgreSQL's advisory lock ends with the connection that held it.
    connection = engine.connect()
    connection.execute(text("SELECT pg_try_advisory_lock(:k)"),
                        {"k": jobs._advisory_key("test-expiry")})
    with job_lock(engine, "test-expiry") as held_elsewhere:
        assert not held_elsewhere
    connection.invalidate()  # the process dies: its connection closes
    connection.close()
    # The server ends the dead session a moment later; then the lock is free.
    taken_over = False
    for _ in range(100):
        with job_lock(engine, "test-expiry") as taken_over:
            pass
        if taken_over:
            break
        time.sleep(0.1)
    assert taken_over


def test_the_scheduler_runs_a_job_once_per_interval(engine: Engine, slow_job: str,
                                                   settings: Settings) -> None:
    release.set()
    first = run_job(slow_job, engine, settings, trigger="scheduler")
    assert first is not None
    assert first.status == "ok"
    # Another process's scheduler fires a minute later: the job ran within its interval.
    assert run_job(slow_job, engine, settings, trigger="scheduler") is None
    # Asked by hand, it runs regardless.
    manual = run_job(slow_job, engine, settings, trigger="cli")
    assert manual is not None
    assert manual.status == "ok"
    assert len(recent_runs(engine, slow_job)) == 2


def test_the_scheduler_schedules_every_job_with_an_interval(engine: Engine,
                                                            settings: Settings) -> None:
    scheduler = build_scheduler(engine, settings)
    scheduled = {j.id for j in scheduler.get_jobs()}
    assert "backup" in scheduled
    assert scheduled == {name for name, job in jobs.jobs().items() if job.every(settings)}


def test_the_scheduler_is_on_in_production_only_by_default(tmp_path: Path) -> None:
    assert not backup_settings(tmp_path).scheduler_enabled
    assert backup_settings(tmp_path, JOBS_SCHEDULER=True).scheduler_enabled
    production = Settings(FOLIO_ENV="production", SECRET_KEY="k" * 40, DATA_DIR=tmp_path)
    assert production.scheduler_enabled


def test_the_backup_job_makes_a_verified_backup(engine: Engine, settings: Settings) -> None:
    need_pg_tools(engine)
    run = run_job("backup", engine, settings, trigger="cli")
    assert run is not None
    assert run.status == "ok", run.error
    assert "verified" in run.message
    assert len(list(settings.backup_dir.glob("folio-*.tar.gz"))) == 1


def test_the_app_starts_and_stops_the_scheduler_when_asked(
        engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from folio.app import create_app
    from folio.settings import get_settings

    monkeypatch.setenv("JOBS_SCHEDULER", "true")
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    try:
        app = create_app(engine)
        with TestClient(app):
            scheduler = app.state.scheduler
            assert scheduler.running
            assert "backup" in {j.id for j in scheduler.get_jobs()}
        assert not scheduler.running
    finally:
        get_settings.cache_clear()


def test_the_test_app_runs_no_scheduler(engine: Engine) -> None:
    from fastapi.testclient import TestClient

    from folio.app import create_app

    app = create_app(engine)
    with TestClient(app):
        assert getattr(app.state, "scheduler", None) is None

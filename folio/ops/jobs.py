"""Named jobs, run once at a time across every process, each run recorded.

A job is a function registered with ``@job("name")``. ``run_job`` takes the job's lock
(a PostgreSQL advisory lock; on SQLite a row in ``job_locks`` with an expiry, so a crashed
process cannot hold it forever), runs it and writes a ``job_runs`` row: ok, failed, or
skipped when another process holds the lock. The scheduler, ``folio jobs run`` and
``POST /api/v1/cron/{job}`` all come through here.
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
import time
import traceback
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import DateTime, Index, Integer, String, Text, delete, func, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, mapped_column

from folio.auth.actor import SYSTEM
from folio.db import Base, BigId, transaction
from folio.errors import NotFound
from folio.settings import Settings

log = logging.getLogger("folio.jobs")


class JobRun(Base):
    __tablename__ = "job_runs"
    __table_args__ = (Index("ix_job_runs_name_started", "name", "started_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    duration_ms: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(10))  # ok, failed, skipped
    trigger: Mapped[str] = mapped_column(String(20), default="manual")  # scheduler, cron, cli
    records: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str] = mapped_column(Text, default="")
    error: Mapped[str] = mapped_column(Text, default="")  # the traceback of a failed run


class JobLock(Base):
    """Who runs a job now, on SQLite (PostgreSQL uses advisory locks instead)."""

    __tablename__ = "job_locks"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    holder: Mapped[str] = mapped_column(String(120))
    acquired_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


@dataclass(frozen=True)
class Outcome:
    """What a job reports: how many things it handled, and a sentence."""

    records: int = 0
    message: str = ""


JobFunction = Callable[[Engine, Settings], Outcome]


@dataclass(frozen=True)
class Job:
    name: str
    function: JobFunction
    description: str
    # Minutes between scheduled runs for these settings; None or 0: not scheduled.
    every: Callable[[Settings], int | None]
    lock_minutes: int = 240


REGISTRY: dict[str, Job] = {}


def job(name: str, *, description: str, every: Callable[[Settings], int | None] = lambda s: None,
        lock_minutes: int = 240) -> Callable[[JobFunction], JobFunction]:
    """Register ``function`` as the job ``name``."""
    def register(function: JobFunction) -> JobFunction:
        REGISTRY[name] = Job(name, function, description, every, lock_minutes)
        return function
    return register


def jobs() -> dict[str, Job]:
    """Every registered job, the built-in ones loaded."""
    # Importing registers them: "evaluate-alerts", "backup", "prune-logs".
    import folio.ops.alerts
    import folio.ops.backup.job
    import folio.ops.requestlog
    import folio.outbox.job  # "send-mail"
    import folio.sales.jobs  # noqa: F401  "recurring-invoices", "invoice-reminders"

    return dict(sorted(REGISTRY.items()))


def get_job(name: str) -> Job:
    found = jobs().get(name)
    if found is None:
        raise NotFound(f"There is no job called {name!r}; jobs: {', '.join(jobs())}",
                       field="job")
    return found


# --- locks -------------------------------------------------------------------------------

def _advisory_key(name: str) -> int:
    return int.from_bytes(hashlib.sha256(f"folio-job:{name}".encode()).digest()[:8], "big",
                          signed=True)


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; Folio stores UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


@contextmanager
def job_lock(engine: Engine, name: str, minutes: int = 240) -> Iterator[bool]:
    """Yields True while this process holds ``name``'s lock, False if another does."""
    if engine.dialect.name == "postgresql":
        with _advisory_lock(engine, name) as held:
            yield held
        return
    holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    now = datetime.now(UTC)
    with transaction(engine, actor=SYSTEM) as session:  # BEGIN IMMEDIATE: one at a time
        lock = session.get(JobLock, name)
        if lock is not None and as_utc(lock.expires_at) > now:
            held = False
        else:
            if lock is not None:
                session.delete(lock)
                session.flush()
            session.add(JobLock(name=name, holder=holder, acquired_at=now,
                                expires_at=now + timedelta(minutes=minutes)))
            held = True
    try:
        yield held
    finally:
        if held:
            with transaction(engine, actor=SYSTEM) as session:
                session.execute(delete(JobLock).where(JobLock.name == name,
                                                      JobLock.holder == holder))


@contextmanager
def _advisory_lock(engine: Engine, name: str) -> Iterator[bool]:
    key = _advisory_key(name)
    # A session-level lock lives with its connection: keep this one out of the pool's
    # hands until the lock is released, and close it outright if releasing fails.
    connection = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    try:
        held = bool(connection.execute(text("SELECT pg_try_advisory_lock(:k)"),
                                       {"k": key}).scalar())
        try:
            yield held
        finally:
            if held:
                try:
                    connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                except Exception:
                    connection.invalidate()
                    raise
    finally:
        connection.close()


# --- running -----------------------------------------------------------------------------

def _record(engine: Engine, run: JobRun) -> JobRun:
    from folio.ops.metrics import job_run

    with transaction(engine, actor=SYSTEM) as session:
        session.add(run)
    job_run(run.name, run.status)
    return run


def last_ok_run(engine: Engine, name: str) -> JobRun | None:
    with transaction(engine, write=False, actor=SYSTEM) as session:
        return session.scalars(select(JobRun).where(JobRun.name == name, JobRun.status == "ok")
                               .order_by(JobRun.started_at.desc()).limit(1)).first()


def run_job(name: str, engine: Engine, settings: Settings, *,
            trigger: str = "manual") -> JobRun | None:
    """Run ``name`` now unless another process is running it; returns the recorded run.

    From the scheduler (``trigger="scheduler"``) a run is left out altogether (None, nothing
    recorded) when another process holds the lock or ran it within its interval: with
    several processes each scheduling every job, the job still runs once per interval."""
    found = get_job(name)
    started = datetime.now(UTC)
    with job_lock(engine, name, found.lock_minutes) as held:
        scheduled = trigger == "scheduler"
        if not held:
            if scheduled:
                return None
            return _record(engine, JobRun(
                name=name, started_at=started, duration_ms=0, status="skipped",
                trigger=trigger, message="another process is running this job"))
        if scheduled:
            minutes = found.every(settings) or 0
            last = last_ok_run(engine, name)
            # A little slack, so a run that fired a few seconds early still counts.
            if last and as_utc(last.started_at) > started - timedelta(minutes=minutes * 0.9):
                return None
        clock = time.perf_counter()
        try:
            outcome = found.function(engine, settings)
        except Exception as exc:
            log.exception("job %s failed", name)
            return _record(engine, JobRun(
                name=name, started_at=started, trigger=trigger, status="failed",
                duration_ms=round((time.perf_counter() - clock) * 1000),
                message=str(exc)[:2000] or exc.__class__.__name__,
                error=traceback.format_exc()[-8000:]))
        return _record(engine, JobRun(
            name=name, started_at=started, trigger=trigger, status="ok",
            duration_ms=round((time.perf_counter() - clock) * 1000),
            records=outcome.records, message=outcome.message[:2000]))


def recent_runs(engine: Engine, name: str | None = None, limit: int = 50) -> list[JobRun]:
    with transaction(engine, write=False, actor=SYSTEM) as session:
        query = select(JobRun).order_by(JobRun.started_at.desc(), JobRun.id.desc())
        if name:
            query = query.where(JobRun.name == name)
        return list(session.scalars(query.limit(limit)))


def run_counts(engine: Engine) -> dict[str, int]:
    """Runs per status, for dashboards."""
    with transaction(engine, write=False, actor=SYSTEM) as session:
        return {status: int(count) for status, count in session.execute(
            select(JobRun.status, func.count()).group_by(JobRun.status))}

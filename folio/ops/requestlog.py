"""The request log: one row per HTTP request (method, route template, status, duration,
user, client address, request id), written off the request path in batches.

The metrics middleware hands each finished request to this app's ``RequestLogWriter``: a
bounded in-memory queue that a background thread drains every ``FLUSH_SECONDS`` (or as
soon as ``BATCH_SIZE`` rows wait) with one executemany INSERT on a connection of its own.
A request never waits for the database; when the queue is full the row is dropped and
``folio_request_log_dropped_total`` counts it. The app's lifespan flushes what is left at
shutdown. Tests call ``flush()``.

The route is the matched template (``/api/v1/books/{slug}``), never the raw path or query
string, which can carry tokens.
"""

from __future__ import annotations

import logging
import queue
import threading
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import FastAPI
from prometheus_client import Counter
from sqlalchemy import DateTime, Float, Index, Integer, String, delete, insert
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, mapped_column
from starlette.requests import Request
from starlette.types import Scope

from folio.auth.actor import SYSTEM
from folio.db import Base, BigId, transaction
from folio.ops.jobs import JobRun, Outcome, job
from folio.settings import Settings, get_settings

log = logging.getLogger("folio.requestlog")

FLUSH_SECONDS = 2.0
BATCH_SIZE = 500
# Probes and static files would drown the real traffic: not logged.
SKIPPED_ROUTES = frozenset({"/metrics", "/health", "/api/v1/health"})
SKIPPED_PREFIXES = ("/static/",)

DROPPED = Counter("folio_request_log_dropped", "Request log rows dropped: the queue was full")


class RequestLog(Base):
    __tablename__ = "request_log"
    __table_args__ = (Index("ix_request_log_at", "at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    method: Mapped[str] = mapped_column(String(10))
    route: Mapped[str] = mapped_column(String(300))  # the template, never the raw path
    status: Mapped[int] = mapped_column(Integer)
    duration_ms: Mapped[float] = mapped_column(Float)
    # No foreign key: a log line outlives the user and must never block deleting one.
    user_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    ip: Mapped[str] = mapped_column(String(45), default="")
    request_id: Mapped[str] = mapped_column(String(64), default="")


class RequestLogWriter:
    """A bounded queue of rows and the thread that writes them in batches."""

    def __init__(self, engine: Engine, *, max_queue: int = 10_000,
                 interval: float = FLUSH_SECONDS, batch: int = BATCH_SIZE) -> None:
        self.engine = engine
        self.interval = interval
        self.batch = batch
        self.dropped = 0
        self._queue: queue.Queue[dict[str, Any]] = queue.Queue(maxsize=max(1, max_queue))
        self._flush_lock = threading.Lock()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        _WRITERS.add(self)

    def put(self, row: dict[str, Any]) -> bool:
        """Queue ``row`` without blocking; False (and counted) when the queue is full."""
        try:
            self._queue.put_nowait(row)
        except queue.Full:
            self.dropped += 1
            DROPPED.inc()
            return False
        if self._queue.qsize() >= self.batch:
            self._wake.set()
        return True

    def pending(self) -> int:
        return self._queue.qsize()

    def start(self) -> None:
        """Start the writer thread (once; after a fork each worker starts its own)."""
        if self._thread is not None and self._thread.is_alive():
            return
        with self._start_lock:
            if self._thread is None or not self._thread.is_alive():
                self._stopping.clear()
                self._thread = threading.Thread(target=self._loop, name="folio-request-log",
                                                daemon=True)
                self._thread.start()

    def _loop(self) -> None:
        while not self._stopping.is_set():
            self._wake.wait(self.interval)
            self._wake.clear()
            self.flush()

    def flush(self) -> int:
        """Write every queued row now; returns how many were written. Never raises."""
        with self._flush_lock:
            written = 0
            while True:
                rows: list[dict[str, Any]] = []
                while len(rows) < self.batch:
                    try:
                        rows.append(self._queue.get_nowait())
                    except queue.Empty:
                        break
                if not rows:
                    return written
                try:
                    with transaction(self.engine, actor=SYSTEM) as session:
                        session.execute(insert(RequestLog), rows)  # one executemany
                    written += len(rows)
                except Exception:  # the database is down or locked: lose this batch, not the app
                    self.dropped += len(rows)
                    DROPPED.inc(len(rows))
                    log.exception("could not write %d request log rows", len(rows))
                    return written

    def stop(self) -> None:
        """Stop the thread and write what is left."""
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        self.flush()


_WRITERS: weakref.WeakSet[RequestLogWriter] = weakref.WeakSet()


def enabled(settings: Settings) -> bool:
    if settings.REQUEST_LOG_ENABLED is None:
        return settings.FOLIO_ENV != "test"
    return settings.REQUEST_LOG_ENABLED


def writer_for(app: Any) -> RequestLogWriter | None:
    """The app's writer, made and started on first use; None when the log is off."""
    state = getattr(app, "state", None)
    if state is None:
        return None
    if not hasattr(state, "request_log"):
        settings = get_settings()
        engine = getattr(state, "engine", None)
        state.request_log = (RequestLogWriter(engine, max_queue=settings.REQUEST_LOG_QUEUE_SIZE)
                             if engine is not None and enabled(settings) else None)
    writer: RequestLogWriter | None = state.request_log
    if writer is not None:
        writer.start()
    return writer


def _client_ip(scope: Scope) -> str:
    from folio.auth.principal import client_ip

    try:
        return client_ip(Request(scope))[:45]
    except Exception:  # a malformed scope: the peer, if any
        client = scope.get("client")
        return str(client[0])[:45] if client else ""


def record(scope: Scope, method: str, route: str, status: int, elapsed: float) -> None:
    """Queue one finished request (called by the metrics middleware). Never raises."""
    if route in SKIPPED_ROUTES or str(scope.get("path", "")).startswith(SKIPPED_PREFIXES):
        return
    try:
        writer = writer_for(scope.get("app"))
        if writer is None:
            return
        state = scope.get("state") or {}
        actor = state.get("actor")
        writer.put({
            "at": datetime.now(UTC), "method": method, "route": route[:300],
            "status": int(status), "duration_ms": round(elapsed * 1000, 3),
            "user_id": getattr(actor, "user_id", None), "ip": _client_ip(scope),
            "request_id": str(state.get("request_id") or "")[:64]})
    except Exception:
        log.exception("could not queue a request log row")


def flush(app: Any = None) -> int:
    """Write the queued rows of ``app``'s writer (of every writer when None) now."""
    if app is not None:
        writer = getattr(getattr(app, "state", None), "request_log", None)
        return writer.flush() if writer else 0
    return sum(w.flush() for w in list(_WRITERS))


@asynccontextmanager
async def request_log_lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Flush the request log when the app stops."""
    try:
        yield
    finally:
        writer = getattr(app.state, "request_log", None)
        if writer:
            from starlette.concurrency import run_in_threadpool

            await run_in_threadpool(writer.stop)


# --- retention ---------------------------------------------------------------------------

def prune(engine: Engine, settings: Settings, now: datetime | None = None) -> dict[str, int]:
    """Delete request log rows, error groups and job runs past their retention."""
    from folio.ops.errortrack import ErrorGroup

    now = now or datetime.now(UTC)
    removed: dict[str, int] = {}
    with transaction(engine, actor=SYSTEM) as session:
        for name, model, column, days in (
                ("request_log", RequestLog, RequestLog.at, settings.REQUEST_LOG_RETENTION_DAYS),
                ("error_groups", ErrorGroup, ErrorGroup.last_seen,
                 settings.ERROR_RETENTION_DAYS),
                ("job_runs", JobRun, JobRun.started_at, settings.JOB_RUN_RETENTION_DAYS)):
            if days <= 0:  # 0: keep forever
                removed[name] = 0
                continue
            result = session.execute(delete(model).where(column < now - timedelta(days=days)))
            removed[name] = int(getattr(result, "rowcount", 0) or 0)
    return removed


@job("prune-logs", description="Delete request log rows, error groups and job runs past "
                               "their retention", every=lambda settings: 24 * 60)
def prune_logs(engine: Engine, settings: Settings) -> Outcome:
    removed = prune(engine, settings)
    return Outcome(records=sum(removed.values()),
                   message=", ".join(f"{n} {name}" for name, n in removed.items()))

"""What the System dashboard shows: read-only queries over the operations tables.

Traffic figures come from ``request_log`` (written in batches, so a few seconds behind);
percentiles are PostgreSQL's ``percentile_cont`` or, on SQLite, the same interpolation
from two rows read at sorted offsets, so both backends agree. Nothing here writes; the
pages' actions (run a job, back up, verify) go through ``folio.ops.jobs`` and the backup
service.
"""

from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import and_, func, inspect, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from folio import __version__
from folio.auth.models import User, WebSession
from folio.ops.errortrack import ErrorGroup
from folio.ops.health import STARTED as PROCESS_STARTED
from folio.ops.health import DiskHealth, _current_revision, _head, check_disk, deploy_info
from folio.ops.jobs import Job, JobRun, as_utc, jobs
from folio.ops.requestlog import RequestLog
from folio.settings import Settings

ACTIVE_MINUTES = 15
PAGE_SIZE = 50
STATUS_CLASSES = ("2xx", "3xx", "4xx", "5xx")
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
# On PostgreSQL, a table whose planner estimate is above this is not counted row by row.
EXACT_COUNT_LIMIT = 100_000


def now_utc() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Page:
    """One page of a list, newest first."""

    rows: list[Any]
    total: int
    page: int
    pages: int


def _paged(session: Session, query: Any, page: int, page_size: int = PAGE_SIZE, *,
           one: bool = False) -> Page:
    total = int(session.scalar(select(func.count()).select_from(query.order_by(None)
                                                                .subquery())) or 0)
    pages = max(1, math.ceil(total / page_size))
    page = min(max(1, page), pages)
    limited = query.limit(page_size).offset((page - 1) * page_size)
    rows = list(session.scalars(limited) if one else session.execute(limited).all())
    return Page(rows, total, page, pages)


# --- traffic -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Traffic:
    """Requests over the last ``minutes``: rate, latency percentiles, server errors."""

    minutes: int
    requests: int
    per_minute: float
    p50_ms: float | None
    p95_ms: float | None
    errors: int  # 5xx answers
    error_rate: float | None  # percent of requests


def _percentiles_sqlite(session: Session, window: Any, count: int,
                        fractions: tuple[float, ...]) -> list[float | None]:
    """percentile_cont by hand: the two rows around p*(n-1), interpolated."""
    found: list[float | None] = []
    for fraction in fractions:
        position = fraction * (count - 1)
        low = math.floor(position)
        values = list(session.scalars(
            select(RequestLog.duration_ms).where(window)
            .order_by(RequestLog.duration_ms).limit(2).offset(low)))
        if not values:
            found.append(None)
            continue
        upper = values[1] if len(values) > 1 else values[0]
        found.append(values[0] + (position - low) * (upper - values[0]))
    return found


def _percentiles(session: Session, window: Any, count: int) -> list[float | None]:
    if count == 0:
        return [None, None]
    if session.connection().dialect.name == "postgresql":
        row = session.execute(select(
            func.percentile_cont(0.5).within_group(RequestLog.duration_ms),
            func.percentile_cont(0.95).within_group(RequestLog.duration_ms))
            .where(window)).one()
        return [float(v) if v is not None else None for v in row]
    return _percentiles_sqlite(session, window, count, (0.5, 0.95))


def traffic(session: Session, minutes: int, now: datetime | None = None) -> Traffic:
    now = now or now_utc()
    window = and_(RequestLog.at > now - timedelta(minutes=minutes), RequestLog.at <= now)
    count, errors = session.execute(
        select(func.count(), func.count().filter(RequestLog.status >= 500))
        .where(window)).one()
    count, errors = int(count or 0), int(errors or 0)
    p50, p95 = _percentiles(session, window, count)
    return Traffic(minutes=minutes, requests=count, per_minute=round(count / minutes, 2),
                   p50_ms=round(p50, 1) if p50 is not None else None,
                   p95_ms=round(p95, 1) if p95 is not None else None, errors=errors,
                   error_rate=round(errors / count * 100, 2) if count else None)


# --- database ------------------------------------------------------------------------------

@dataclass(frozen=True)
class TableInfo:
    name: str
    rows: int
    estimated: bool  # the planner's estimate (PostgreSQL, big tables), not a count
    size_bytes: int | None  # None where the backend cannot tell


@dataclass(frozen=True)
class DatabaseInfo:
    dialect: str
    size_bytes: int | None
    tables: list[TableInfo]
    revision: str | None
    head: str | None

    @property
    def at_head(self) -> bool:
        return self.revision is not None and self.revision == self.head


def _sqlite_file(engine: Engine) -> Path | None:
    name = engine.url.database
    if not name or name == ":memory:" or name.startswith("file:"):
        return None
    return Path(name)


def database_size(session: Session) -> int | None:
    """Bytes on disk: the SQLite file and its WAL, or pg_database_size."""
    engine = session.connection().engine
    if engine.dialect.name == "postgresql":
        return int(session.scalar(text("SELECT pg_database_size(current_database())")) or 0)
    pages = int(session.scalar(text("PRAGMA page_count")) or 0)
    page_size = int(session.scalar(text("PRAGMA page_size")) or 0)
    size = pages * page_size
    path = _sqlite_file(engine)
    if path is not None:
        wal = path.with_name(path.name + "-wal")
        if wal.is_file():
            size += wal.stat().st_size
    return size


def _sqlite_sizes(session: Session) -> dict[str, int]:
    """Bytes per table and its indexes, when SQLite was built with the dbstat table."""
    try:
        with session.begin_nested():
            rows = session.execute(text(
                "SELECT m.tbl_name, SUM(s.pgsize) FROM dbstat s "
                "JOIN sqlite_master m ON m.name = s.name GROUP BY m.tbl_name")).all()
    except Exception:  # no dbstat in this build: sizes are unknown, counts still shown
        return {}
    return {str(name): int(size or 0) for name, size in rows}


def _quoted(session: Session, name: str) -> str:
    return session.connection().dialect.identifier_preparer.quote(name)


def tables(session: Session) -> list[TableInfo]:
    connection = session.connection()
    names = sorted(inspect(connection).get_table_names())
    found: list[TableInfo] = []
    if connection.dialect.name == "postgresql":
        stats = {str(name): (float(estimate), int(size)) for name, estimate, size in
                 session.execute(text(
                     "SELECT c.relname, c.reltuples, pg_total_relation_size(c.oid) "
                     "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                     "WHERE c.relkind = 'r' AND n.nspname = current_schema()")).all()}
        for name in names:
            estimate, size = stats.get(name, (-1.0, 0))
            if estimate > EXACT_COUNT_LIMIT:
                found.append(TableInfo(name, int(estimate), True, size))
                continue
            rows = session.scalar(text(f"SELECT count(*) FROM {_quoted(session, name)}"))
            found.append(TableInfo(name, int(rows or 0), False, size))
        return found
    sizes = _sqlite_sizes(session)
    for name in names:
        rows = session.scalar(text(f"SELECT count(*) FROM {_quoted(session, name)}"))
        found.append(TableInfo(name, int(rows or 0), False, sizes.get(name)))
    return found


def database_info(session: Session) -> DatabaseInfo:
    connection = session.connection()
    return DatabaseInfo(dialect=connection.dialect.name, size_bytes=database_size(session),
                        tables=tables(session), revision=_current_revision(connection),
                        head=_head())


# --- the overview --------------------------------------------------------------------------

@dataclass(frozen=True)
class Overview:
    version: str
    environment: str
    commit: str | None
    deployed_at: str | None
    uptime_seconds: float
    recent: Traffic  # last 5 minutes
    hour: Traffic  # last 60 minutes
    database_size: int | None
    dialect: str
    at_head: bool
    disk: DiskHealth
    failed_jobs_24h: int
    errors_24h: int  # error groups seen in the last day
    active_users: int
    last_verified_backup: datetime | None


def uptime_seconds() -> float:
    return round(time.monotonic() - PROCESS_STARTED, 1)


def overview(session: Session, settings: Settings, now: datetime | None = None) -> Overview:
    now = now or now_utc()
    day_ago = now - timedelta(days=1)
    from folio.ops.backup.models import Backup

    connection = session.connection()
    revision = _current_revision(connection)
    last_backup = session.scalar(select(func.max(Backup.created_at))
                                 .where(Backup.verify_ok.is_(True)))
    return Overview(
        version=__version__, environment=settings.FOLIO_ENV, uptime_seconds=uptime_seconds(),
        recent=traffic(session, 5, now), hour=traffic(session, 60, now),
        database_size=database_size(session), dialect=connection.dialect.name,
        at_head=revision is not None and revision == _head(),
        disk=check_disk(settings.DATA_DIR),
        failed_jobs_24h=int(session.scalar(select(func.count()).select_from(JobRun).where(
            JobRun.status == "failed", JobRun.started_at >= day_ago)) or 0),
        errors_24h=int(session.scalar(select(func.count()).select_from(ErrorGroup).where(
            ErrorGroup.last_seen >= day_ago)) or 0),
        active_users=len(active_users(session, now)),
        last_verified_backup=as_utc(last_backup) if last_backup else None,
        **deploy_info(settings.DATA_DIR))


# --- the request log -----------------------------------------------------------------------

@dataclass(frozen=True)
class RequestFilters:
    method: str = ""
    route: str = ""
    status: str = ""  # one of STATUS_CLASSES
    user: str = ""  # part of an email address
    start: date | None = None
    end: date | None = None

    @property
    def active(self) -> bool:
        return any((self.method, self.route, self.status, self.user, self.start, self.end))


def _like(text_: str) -> str:
    escaped = text_.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _day_start(day: date) -> datetime:
    return datetime.combine(day, clock_time.min, tzinfo=UTC)


def request_log(session: Session, filters: RequestFilters, page: int = 1) -> Page:
    """Rows of (RequestLog, email or None), newest first."""
    query = (select(RequestLog, User.email).outerjoin(User, User.id == RequestLog.user_id)
             .order_by(RequestLog.at.desc(), RequestLog.id.desc()))
    if filters.method:
        query = query.where(RequestLog.method == filters.method.upper())
    if filters.route:
        query = query.where(RequestLog.route.ilike(_like(filters.route), escape="\\"))
    if filters.status in STATUS_CLASSES:
        low = int(filters.status[0]) * 100
        query = query.where(RequestLog.status >= low, RequestLog.status < low + 100)
    if filters.user:
        query = query.where(User.email.ilike(_like(filters.user.strip()), escape="\\"))
    if filters.start:
        query = query.where(RequestLog.at >= _day_start(filters.start))
    if filters.end:
        query = query.where(RequestLog.at < _day_start(filters.end + timedelta(days=1)))
    return _paged(session, query, page)


# --- jobs ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class JobSummary:
    job: Job
    every_minutes: int | None
    last: JobRun | None
    last_ok: datetime | None
    next_run: datetime | None  # when the scheduler will next run it, if it is running here


def job_summaries(session: Session, settings: Settings, scheduler: Any = None) -> list[JobSummary]:
    """Every registered job with its last run and, when this process schedules, its next."""
    summaries = []
    for name, found in jobs().items():
        last = session.scalars(select(JobRun).where(JobRun.name == name)
                               .order_by(JobRun.started_at.desc(), JobRun.id.desc())
                               .limit(1)).first()
        last_ok = session.scalar(select(func.max(JobRun.started_at))
                                 .where(JobRun.name == name, JobRun.status == "ok"))
        every = found.every(settings) or None
        next_run = None
        planned = scheduler.get_job(name) if scheduler is not None else None
        if planned is not None and every:
            check = planned.next_run_time
            due = as_utc(last_ok) + timedelta(minutes=every) if last_ok else check
            # run_job skips a check that comes before the interval is over.
            next_run = max(check, due) if check and due else check or due
        summaries.append(JobSummary(found, every, last, as_utc(last_ok) if last_ok else None,
                                    next_run))
    return summaries


def job_history(session: Session, name: str = "", page: int = 1) -> Page:
    query = select(JobRun).order_by(JobRun.started_at.desc(), JobRun.id.desc())
    if name:
        query = query.where(JobRun.name == name)
    return _paged(session, query, page, one=True)


# --- errors --------------------------------------------------------------------------------

def error_groups(session: Session, page: int = 1) -> Page:
    return _paged(session, select(ErrorGroup).order_by(ErrorGroup.last_seen.desc(),
                                                       ErrorGroup.id.desc()), page, one=True)


# --- active users --------------------------------------------------------------------------

@dataclass(frozen=True)
class ActiveUser:
    user: User
    last_seen: datetime
    ip: str
    sessions: int  # web sessions seen in the window


def active_users(session: Session, now: datetime | None = None,
                 minutes: int = ACTIVE_MINUTES) -> list[ActiveUser]:
    """Users with a live web session seen in the last ``minutes``, most recent first."""
    now = now or now_utc()
    live = (select(WebSession).where(WebSession.last_seen_at >= now - timedelta(minutes=minutes),
                                     WebSession.revoked_at.is_(None),
                                     WebSession.expires_at > now)
            .order_by(WebSession.last_seen_at.desc()))
    by_user: dict[int, list[WebSession]] = {}
    for web in session.scalars(live):
        by_user.setdefault(web.user_id, []).append(web)
    if not by_user:
        return []
    users = {u.id: u for u in session.scalars(select(User).where(User.id.in_(by_user)))}
    found = [ActiveUser(users[uid], as_utc(webs[0].last_seen_at), webs[0].ip, len(webs))
             for uid, webs in by_user.items() if uid in users]
    return sorted(found, key=lambda a: a.last_seen, reverse=True)


# --- deploys -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Release:
    deployed_at: str
    tag: str
    commit: str


@dataclass(frozen=True)
class DeployInfo:
    version: str
    commit: str | None
    deployed_at: str | None
    environment: str
    uptime_seconds: float
    pid: int
    history: list[Release]
    history_file: str | None


def _history_files(settings: Settings) -> list[Path]:
    """deploy.sh appends to deploy/releases.log beside itself; a container sees it only
    when it is mounted into DATA_DIR."""
    here = Path(str(resources.files("folio"))).parent / "deploy" / "releases.log"
    return [settings.DATA_DIR / "releases.log", here]


def release_history(settings: Settings, limit: int = 50) -> tuple[list[Release], str | None]:
    """Releases from deploy.sh's log (deployed_at, tag, commit per line), newest first."""
    for path in _history_files(settings):
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError:
            continue
        releases = []
        for line in lines:
            parts = line.split("\t")
            if len(parts) == 3 and parts[0].strip():
                releases.append(Release(*(p.strip() for p in parts)))
        return list(reversed(releases))[:limit], str(path)
    return [], None


def deploys(settings: Settings) -> DeployInfo:
    history, source = release_history(settings)
    return DeployInfo(version=__version__, environment=settings.FOLIO_ENV,
                      uptime_seconds=uptime_seconds(), pid=os.getpid(), history=history,
                      history_file=source, **deploy_info(settings.DATA_DIR))


__all__ = ["METHODS", "STATUS_CLASSES", "ActiveUser", "DatabaseInfo", "DeployInfo",
           "JobSummary", "Overview", "Page", "Release", "RequestFilters", "TableInfo",
           "Traffic", "active_users", "database_info", "deploys", "error_groups",
           "job_history", "job_summaries", "overview", "request_log", "traffic"]
